import { randomUUID } from 'node:crypto';
import type { ClientFacts } from './context.ts';
import type { AmrEntry } from './tokens.ts';
import { NIL_UUID, type Queryable } from './users.ts';

/** The `auth.sessions` columns the service reasons about. */
export interface SessionRow {
  readonly id: string;
  readonly user_id: string;
  readonly not_after: Date | null;
}

/** An `auth.refresh_tokens` row; `user_id` is the text form of the uuid, as in GoTrue. */
export interface RefreshTokenRow {
  readonly id: string;
  readonly token: string;
  readonly user_id: string;
  readonly revoked: boolean;
  readonly parent: string | null;
  readonly session_id: string | null;
  readonly updated_at: Date;
}

/** `NewSession` + `ApplyGrantParams`: an aal1 session tagged with the client's facts. */
export async function createSession(
  q: Queryable,
  userId: string,
  client: ClientFacts,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await q`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
    values (${id}, ${userId}, ${now}, ${now}, 'aal1', ${client.userAgent}, ${client.ip}::inet)`;
  return id;
}

export async function findSession(q: Queryable, id: string): Promise<SessionRow | undefined> {
  const [row] = await q<SessionRow[]>`select id, user_id, not_after from auth.sessions where id = ${id}`;
  return row;
}

/** Serializes concurrent refreshes of one session (GoTrue locks the same rows). */
export async function lockSession(q: Queryable, id: string): Promise<SessionRow | undefined> {
  const [row] = await q<
    SessionRow[]
  >`select id, user_id, not_after from auth.sessions where id = ${id} for update`;
  return row;
}

/** Stamps a refresh on the session (`UpdateOnlyRefreshInfo`); refreshed_at is UTC without zone. */
export async function touchSession(q: Queryable, id: string, client: ClientFacts, now: Date) {
  await q`
    update auth.sessions set
      refreshed_at = (${now}::timestamptz at time zone 'UTC'), updated_at = ${now},
      user_agent = ${client.userAgent}, ip = ${client.ip}::inet
    where id = ${id}`;
}

export async function insertRefreshToken(
  q: Queryable,
  token: { token: string; userId: string; sessionId: string; parent: string | null },
  now: Date,
): Promise<void> {
  await q`
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
    values (${NIL_UUID}, ${token.token}, ${token.userId}, false, ${now}, ${now}, ${token.parent}, ${token.sessionId})`;
}

const tokenColumns = (q: Queryable) =>
  q`id::text as id, token, user_id, revoked, parent, session_id, updated_at`;

export async function findRefreshToken(q: Queryable, token: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await q<
    RefreshTokenRow[]
  >`select ${tokenColumns(q)} from auth.refresh_tokens where token = ${token}`;
  return row;
}

/** The presented token, row-locked until the transaction ends. */
export async function lockRefreshToken(q: Queryable, token: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await q<RefreshTokenRow[]>`
    select ${tokenColumns(q)} from auth.refresh_tokens where token = ${token} for update`;
  return row;
}

/** `FindCurrentlyActiveRefreshToken`: the newest unrevoked token of the session. */
export async function activeRefreshToken(
  q: Queryable,
  sessionId: string,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await q<RefreshTokenRow[]>`
    select ${tokenColumns(q)} from auth.refresh_tokens
    where session_id = ${sessionId} and revoked is false
    order by id desc limit 1`;
  return row;
}

/** Marks a token used; updated_at records when, which the reuse interval counts from. */
export async function revokeRefreshToken(q: Queryable, id: string, now: Date) {
  await q`update auth.refresh_tokens set revoked = true, updated_at = ${now} where id = ${id}::bigint`;
}

/** `RevokeTokenFamily` for session-bound tokens: every live token of the session dies. */
export async function revokeSessionTokens(q: Queryable, sessionId: string, now: Date) {
  await q`
    update auth.refresh_tokens set revoked = true, updated_at = ${now}
    where session_id = ${sessionId} and revoked = false`;
}

export async function deleteRefreshToken(q: Queryable, id: string) {
  await q`delete from auth.refresh_tokens where id = ${id}::bigint`;
}

/**
 * `AddClaimToSession`: one row per (session, method), its timestamp moved forward on repeat.
 * Written as update-then-insert so it does not depend on the unique constraint's name.
 */
export async function addAmrClaim(q: Queryable, sessionId: string, method: string, now: Date) {
  await q`
    with updated as (
      update auth.mfa_amr_claims set updated_at = ${now}
      where session_id = ${sessionId} and authentication_method = ${method}
      returning 1)
    insert into auth.mfa_amr_claims (id, session_id, authentication_method, created_at, updated_at)
    select ${randomUUID()}, ${sessionId}, ${method}, ${now}, ${now}
    where not exists (select 1 from updated)`;
}

/** `CalculateAALAndAMR` for password/anonymous sessions: newest first, unix seconds. */
export async function sessionAmr(q: Queryable, sessionId: string): Promise<AmrEntry[]> {
  const rows = await q<{ method: string; timestamp: string }[]>`
    select authentication_method as method, floor(extract(epoch from updated_at))::bigint::text as timestamp
    from auth.mfa_amr_claims where session_id = ${sessionId}
    order by updated_at desc`;
  return rows.map((row) => ({ method: row.method, timestamp: Number(row.timestamp) }));
}

export type LogoutScope = 'global' | 'local' | 'others';

/** Ends sessions; refresh tokens and amr claims go with them (ON DELETE CASCADE). */
export async function endSessions(
  q: Queryable,
  userId: string,
  scope: LogoutScope,
  sessionId: string | undefined,
): Promise<void> {
  if (scope === 'local' && sessionId) {
    await q`delete from auth.sessions where id = ${sessionId}`;
  } else if (scope === 'others' && sessionId) {
    await q`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
  } else {
    await q`delete from auth.sessions where user_id = ${userId}`;
  }
}
