/**
 * Room members that speak each server's wire protocol directly over `ws`, doing the same small
 * amount of work per message for both: frame a send, parse the payload on receipt. With these
 * the load generator is cheap enough that the servers, not the clients, saturate first. (The
 * real clients, realtime-js and socket.io-client, are measured too, in room-clients.ts.)
 */
import WebSocket from 'ws';
import type { OnMessage, RoomMember } from './room-clients.ts';

const HEARTBEAT_MS = 20_000;

/** Phoenix vsn 2.0.0 as realtime-js speaks it: text join, kind-3 binary pushes, kind-4 receipts. */
export async function wireRealtimeMember(
  apiUrl: string,
  apiKey: string,
  room: string,
  onMessage: OnMessage,
): Promise<RoomMember> {
  const url = `${apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${apiKey}&vsn=2.0.0`;
  const ws = await open(url);
  const topic = `realtime:${room}`;
  const config = {
    broadcast: { self: false, ack: false },
    presence: { key: '', enabled: false },
    postgres_changes: [],
  };
  ws.send(JSON.stringify(['1', '1', topic, 'phx_join', { config, access_token: apiKey }]));
  await new Promise<void>((resolve, reject) => {
    ws.once('message', (data) => {
      const reply = JSON.parse(String(data));
      if (reply[4]?.status === 'ok') resolve();
      else reject(new Error(`join ${room}: ${String(data)}`));
    });
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return; // heartbeat replies
    const frame = data as Buffer;
    const start = 5 + (frame[1] as number) + (frame[2] as number) + (frame[3] as number);
    onMessage(JSON.parse(frame.toString('utf8', start)));
  });
  let ref = 1;
  const heartbeat = setInterval(() => ws.send(`[null,"${++ref}","phoenix","heartbeat",{}]`), HEARTBEAT_MS);
  const head = Buffer.from(`1${topic}m`, 'latin1');
  return {
    send(payload) {
      const refText = String(++ref);
      const body = Buffer.from(JSON.stringify(payload));
      const header = Buffer.from([3, 1, refText.length, topic.length, 1, 0, 1]);
      // join_ref "1", ref, topic, event "m", then the JSON payload.
      ws.send(Buffer.concat([header, head.subarray(0, 1), Buffer.from(refText), head.subarray(1), body]));
    },
    async close() {
      clearInterval(heartbeat);
      await closeSocket(ws);
    },
  };
}

/** Engine.IO 4 / Socket.IO 5 over the websocket transport, as socket.io-client speaks it. */
export async function wireSocketIoMember(
  url: string,
  room: string,
  onMessage: OnMessage,
): Promise<RoomMember> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
  });
  // Attached before 'open': the server's open packet can arrive in the same read as the upgrade.
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', function handshake(data) {
      const text = String(data);
      if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) ws.send(`420${JSON.stringify(['join', room])}`);
      else if (text.startsWith('430')) {
        ws.off('message', handshake);
        resolve();
      } else if (text.startsWith('44')) reject(new Error(`socket.io connect: ${text}`));
    });
  });
  ws.on('message', (data) => {
    const text = String(data);
    if (text === '2') return void ws.send('3'); // ping → pong
    if (text.startsWith('42')) onMessage(JSON.parse(text.slice(2))[1]);
  });
  return {
    send: (payload) => ws.send(`42${JSON.stringify(['broadcast', { room, event: 'm', payload }])}`),
    close: () => closeSocket(ws),
  };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}
