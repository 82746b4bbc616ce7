/**
 * A channel's token over its lifetime (realtime.md §2.7): `access_token` pushes replace it, and
 * a timer re-checks it at `min(5 min, exp − now)`; an expired or invalid token closes the
 * channel, public or private.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { PolicyExtension } from '../contracts.ts';
import { msUntilExpiry, RealtimeTokenError, verifyRealtimeToken } from '../identity.ts';
import type { Channel } from './channel.ts';
import { withDeadline } from './deadline.ts';
import { isJsonObject } from './payload.ts';

export async function refreshToken(channel: Channel, payload: unknown): Promise<void> {
  const token = isJsonObject(payload) ? payload.access_token : undefined;
  // sb_ keys are not JWTs: the channel keeps the connection's identity, as the reference does.
  if (typeof token !== 'string' || token.startsWith('sb_') || token === channel.identity.token) return;
  const { ctx } = channel;
  let identity: Awaited<ReturnType<typeof verifyRealtimeToken>>;
  try {
    identity = await verifyRealtimeToken(ctx.jwt, ctx.keys, token, ctx.now);
  } catch (error) {
    if (error instanceof RealtimeTokenError) return channel.shutdown(error.message);
    throw error;
  }
  if (channel.closed) return;

  if (channel.private) {
    const previous = channel.auth;
    const extensions: PolicyExtension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
    let read: Awaited<ReturnType<typeof ctx.policies.canRead>>;
    try {
      read = await withDeadline(
        ctx.policies.canRead({ ...channel.policyContext(), identity }, extensions),
        ctx.config.databaseTimeoutMs,
        'the read policy check',
      );
    } catch (error) {
      channel.transport.log('error', `UnableToSetPolicies: ${errorMessage(error)}`);
      return channel.shutdown('Realtime was unable to connect to the project database');
    }
    const broadcastRead = read.broadcast === true;
    const presenceRead = channel.presenceEnabled ? read.presence === true : undefined;
    if (!broadcastRead && !presenceRead) {
      return channel.shutdown(
        `You do not have permissions to read from this Channel topic: ${channel.subTopic}`,
      );
    }
    if ((previous.broadcastRead && !broadcastRead) || (previous.presenceRead && presenceRead === false)) {
      return channel.shutdown(
        `You no longer have permission to read from this Channel topic: ${channel.subTopic}`,
      );
    }
    // Write permissions are asked again, lazily, on the next send or track.
    channel.auth = { broadcastRead, ...(presenceRead === undefined ? {} : { presenceRead }) };
  }

  channel.identity = identity;
  scheduleExpiry(channel);
  await channel.resubscribeChanges();
}

/** (Re)arms the channel's token check. */
export function scheduleExpiry(channel: Channel): void {
  const { ctx } = channel;
  clearTimeout(channel.expiryTimer);
  const due = Math.max(0, Math.min(ctx.config.tokenRecheckMs, msUntilExpiry(channel.identity, ctx.now)));
  channel.expiryTimer = setTimeout(() => channel.enqueue(() => recheck(channel)), due);
  channel.expiryTimer.unref();
}

async function recheck(channel: Channel): Promise<void> {
  if (channel.closed) return;
  const { ctx } = channel;
  try {
    await verifyRealtimeToken(ctx.jwt, ctx.keys, channel.identity.token, ctx.now);
  } catch (error) {
    return channel.shutdown(error instanceof RealtimeTokenError ? error.message : errorMessage(error));
  }
  scheduleExpiry(channel);
}
