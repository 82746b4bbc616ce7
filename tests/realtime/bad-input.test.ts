/**
 * Bad input: every malformed or hostile message gets the documented answer (or is ignored, as
 * Phoenix does), and the server keeps serving everyone else.
 */
import { describe, expect, it } from 'vitest';
import { broadcasts, realtimeClient, subscribed, uniqueTopic } from './helpers.ts';
import { RawSocket } from './raw-socket.ts';

/** Proof the server still serves: a fresh client joins and gets a broadcast. */
async function serverStillServes(): Promise<void> {
  const topic = uniqueTopic('alive');
  const receiver = realtimeClient().channel(topic);
  const inbox = broadcasts(receiver);
  await subscribed(receiver);
  const sender = realtimeClient().channel(topic);
  await subscribed(sender);
  await sender.send({ type: 'broadcast', event: 'ping', payload: {} });
  expect((await inbox.next()).event).toBe('ping');
}

/** The socket still answers: a heartbeat gets its reply. */
async function stillAnswers(raw: RawSocket): Promise<void> {
  const ref = raw.nextRef();
  raw.send([null, ref, 'phoenix', 'heartbeat', {}]);
  expect((await raw.message('phoenix', 'phx_reply', ref))[4]).toEqual({ status: 'ok', response: {} });
}

describe('malformed frames', () => {
  it('ignores text that is not JSON or not a message, keeping the socket open', async () => {
    const raw = await RawSocket.open();
    for (const frame of [
      '{not json',
      '"a string"',
      '[1,2]',
      '{"topic":"x"}',
      '[null,"1",5,"phx_join",{}]',
      '[null,{},"t","e",{}]',
      '',
      'null',
    ]) {
      raw.send(frame);
    }
    await stillAnswers(raw);
    raw.close();
  });

  it('ignores binary frames of unknown kinds and truncated user broadcasts', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, { config: { broadcast: { ack: true, self: true } } });
    const header = Buffer.from([3, joinRef.length, 1, Buffer.byteLength(topic), 1, 0, 1]);
    const full = Buffer.concat([header, Buffer.from(`${joinRef}9${topic}e{"ok":true}`)]);
    for (let cut = 1; cut < header.length + joinRef.length + 1 + topic.length; cut++)
      raw.send(full.subarray(0, cut));
    raw.send(Buffer.from([0, 1, 2, 3]));
    raw.send(Buffer.from([9]));
    raw.send(Buffer.from([3, 0, 0, 0, 0, 0, 5]));
    await stillAnswers(raw);
    // A whole frame still works after all that.
    raw.send(full);
    expect((await raw.message(topic, 'phx_reply', '9'))[4]).toEqual({ status: 'ok', response: {} });
    raw.close();
  });

  it('never relays a binary JSON push whose payload is not JSON', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, { config: { broadcast: { ack: true, self: true } } });
    const frame = Buffer.concat([
      Buffer.from([3, joinRef.length, 1, Buffer.byteLength(topic), 1, 0, 1]),
      Buffer.from(`${joinRef}5${topic}e{broken`),
    ]);
    raw.send(frame);
    expect((await raw.message(topic, 'phx_reply', '5'))[4]).toEqual({
      status: 'error',
      response: 'invalid_payload',
    });
    expect(raw.inbox.items.some((m) => Buffer.isBuffer(m))).toBe(false);
    raw.close();
  });

  it('closes a connection that sends a frame over 5 MB, and only that one', async () => {
    const raw = await RawSocket.open();
    raw.send('x'.repeat(5_000_001));
    expect((await raw.closed).code).toBe(1009);
    await serverStillServes();
  });
});

describe('unknown events and topics', () => {
  it('does not answer unknown events on a joined channel, which keeps working', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, { config: { broadcast: { ack: true } } });
    raw.send([joinRef, '40', topic, 'made_up_event', { anything: true }]);
    raw.send([joinRef, '41', topic, 'broadcast', { type: 'broadcast', event: 'e', payload: {} }]);
    await raw.message(topic, 'phx_reply', '41');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && m[1] === '40')).toBe(false);
    raw.close();
  });

  it('tolerates odd payload shapes on known events', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, 'not an object');
    raw.send([joinRef, '42', topic, 'broadcast', 'not an object']);
    raw.send([joinRef, '43', topic, 'presence', [1, 2, 3]]);
    raw.send([joinRef, '44', topic, 'access_token', { access_token: 12345 }]);
    raw.send([joinRef, '45', topic, 'access_token', null]);
    expect((await raw.message(topic, 'phx_reply', '43'))[4]).toEqual({ status: 'ok', response: {} });
    await stillAnswers(raw);
    raw.close();
  });

  it('defaults an invalid join config instead of failing the join', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { reply } = await raw.join(topic, {
      config: { broadcast: 'loud', presence: { enabled: 'maybe' }, postgres_changes: 'all', private: 42 },
    });
    expect(reply[4]).toEqual({ status: 'ok', response: { postgres_changes: [] } });
    raw.close();
  });
});

describe('replay on join', () => {
  it('refuses replay on public channels', async () => {
    const raw = await RawSocket.open();
    const { reply } = await raw.join(`realtime:${uniqueTopic()}`, {
      config: { broadcast: { replay: { since: 0 } } },
    });
    expect(reply[4]).toEqual({
      status: 'error',
      response: { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' },
    });
    raw.close();
  });
});

describe('a hostile client does not hurt others', () => {
  it('a flood of messages for a topic whose join is pending is bounded', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    raw.send(['1', '1', topic, 'phx_join', { config: {} }]);
    for (let i = 0; i < 5_000; i++) raw.send(['1', String(i + 2), topic, 'unknown', {}]);
    await raw.message(topic, 'phx_reply', '1');
    await stillAnswers(raw);
    raw.close();
    await serverStillServes();
  });

  it('a client that disconnects mid-join leaves nothing behind', async () => {
    for (let i = 0; i < 20; i++) {
      const raw = await RawSocket.open();
      raw.send([
        '1',
        '1',
        `realtime:${uniqueTopic()}`,
        'phx_join',
        { config: { presence: { enabled: true } } },
      ]);
      raw.ws.terminate();
    }
    await serverStillServes();
  });
});
