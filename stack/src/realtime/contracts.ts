/**
 * The seams between Realtime's parts, so each can be built and tested on its own:
 *
 * - the socket runtime (server, sessions, channels, hub, presence) owns WebSockets and fan-out;
 * - the policy checker (private channels on `realtime.messages`, replay) answers yes/no;
 * - the changes engine (logical replication) turns committed rows into postgres_changes
 *   deliveries and database broadcasts.
 *
 * Nothing here knows about frames or serializers: payloads are plain values and bytes.
 */
import type { JwtClaims } from '../lib/jwt.ts';

/** Who a channel (or a REST broadcast) acts as: the verified token and its claims. */
export interface ChannelIdentity {
  readonly token: string;
  readonly claims: JwtClaims;
  /** `claims.role`, checked to be a non-empty string. */
  readonly role: string;
}

export type BroadcastPayload =
  | {
      readonly kind: 'json';
      readonly value: unknown;
      /** The value's JSON text when it arrived encoded (kind-3 pushes): relayed without re-encoding. */
      readonly encoded?: Uint8Array;
    }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array };

/**
 * Where a broadcast came from; decides the frame v2 recipients get (realtime.md §3.4):
 * `push-binary`, `rest-single` and `database` go out as kind-4 binary frames, the others as
 * text. Binary payloads never reach v1 recipients.
 */
export type BroadcastOrigin = 'push-binary' | 'push-text' | 'rest-batch' | 'rest-single' | 'database';

export interface Broadcast {
  /** Subtopic, without `realtime:`. */
  readonly topic: string;
  readonly private: boolean;
  readonly event: string;
  readonly payload: BroadcastPayload;
  readonly origin: BroadcastOrigin;
  readonly meta?: { readonly id: string; readonly replayed?: true };
}

/** What became of a published broadcast: delivered, or dropped and why. */
export type PublishResult = 'ok' | 'rate_limited' | 'too_large';

/** Fan-out of broadcasts to joined channels; implemented by the socket runtime. */
export interface BroadcastHub {
  /**
   * Delivers to every channel joined to `topic` in the broadcast's namespace (private or
   * public) that may read broadcasts, except the sender when `excludeChannel` is given.
   * Counts toward the project event rate; a payload over the size limit or a tripped rate
   * drops the message (nothing is delivered) and says which.
   */
  publish(message: Broadcast, options?: { readonly excludeChannel?: unknown }): PublishResult;
}

// ----- private channels -------------------------------------------------------------------------

export type PolicyExtension = 'broadcast' | 'presence';

export interface PolicyContext {
  /** Subtopic, what `realtime.topic()` returns. */
  readonly topic: string;
  readonly identity: ChannelIdentity;
  /** Lower-cased; for joins only the upgrade request's `x-*` headers (realtime.md §6.1). */
  readonly headers: Readonly<Record<string, string>>;
}

/** RLS checks on `realtime.messages` (realtime.md §6.2); implemented by the policy checker. */
export interface ChannelPolicies {
  /**
   * Read check at join time for the given extensions; one transaction, rolled back. A policy
   * that raises counts as denied. `service_role` passes everything.
   */
  canRead(
    context: PolicyContext,
    extensions: readonly PolicyExtension[],
  ): Promise<Partial<Record<PolicyExtension, boolean>>>;
  /** Write check (first send / first track): an INSERT under the user's role, rolled back. */
  canWrite(context: PolicyContext, extension: PolicyExtension): Promise<boolean>;
  /**
   * Private broadcasts of `topic` stored since `sinceMs` (epoch ms), newest `limit` (1..25),
   * returned oldest first, with `meta: {id, replayed: true}`.
   */
  replay(topic: string, sinceMs: number, limit: number): Promise<Broadcast[]>;
}

// ----- postgres_changes -------------------------------------------------------------------------

/** One `config.postgres_changes[i]` entry exactly as the client sent it. */
export type PostgresBinding = Readonly<Record<string, unknown>>;

/** The `data` of a `postgres_changes` message (realtime.md §5.4). */
export interface ChangeData {
  readonly schema: string;
  readonly table: string;
  readonly type: 'INSERT' | 'UPDATE' | 'DELETE';
  readonly commit_timestamp: string | null;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly record?: Record<string, unknown>;
  readonly old_record?: Record<string, unknown>;
  readonly errors: readonly string[] | null;
}

export interface ChangesSubscription {
  /** The channel's bindings, in join order, each with the id echoed in the join reply. */
  readonly bindings: readonly { readonly binding: PostgresBinding; readonly id: number }[];
  readonly identity: ChannelIdentity;
  /** Called once per change per channel with the ids of every binding that matched. */
  deliver(ids: readonly number[], data: ChangeData): void;
  /**
   * Later news about an accepted subscription, sent to the client as a `system`
   * postgres_changes message: an error when the replication stream is lost, then ok
   * (`Subscribed to PostgreSQL`) once it streams again and changes flow.
   */
  status(status: 'ok' | 'error', message: string): void;
}

export type SubscribeResult =
  | { readonly ok: true; readonly handle: ChangesHandle }
  /** The `system` postgres_changes error message (realtime.md §5.1–5.2), verbatim. */
  | { readonly ok: false; readonly message: string };

export interface ChangesHandle {
  /** Re-registers with a refreshed token's identity (RLS as the new claims from now on). */
  update(identity: ChannelIdentity): Promise<SubscribeResult>;
  /** Stops delivery; idempotent. */
  remove(): void;
}

/** Logical-replication driven postgres_changes; implemented by the changes engine. */
export interface ChangesEngine {
  /**
   * Validates and registers the bindings. Resolves ok only once changes committed from now on
   * are certain to be delivered (the replication stream is live and the subscription is in
   * place), so a write made right after "Subscribed to PostgreSQL" is never lost.
   */
  subscribe(subscription: ChangesSubscription): Promise<SubscribeResult>;
  /** Stable per-binding id for the join reply: same binding, same number; 0 ≤ id < 2^27. */
  bindingId(binding: PostgresBinding): number;
  /**
   * Resolves once the replication stream is live, so database broadcasts committed from then
   * on are delivered (immediately when it already is); rejects after `timeoutMs`.
   */
  whenLive(timeoutMs: number): Promise<void>;
  /** Ends replication (the temporary slot goes with it) and the pools; idempotent. */
  close(): Promise<void>;
}
