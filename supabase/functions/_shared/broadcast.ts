// Broadcasts to a room's private channel through Realtime's REST endpoint, as the service role:
// the fastest way to tell every member (postgres_changes carries the same change a little later).
import type { Config } from './config.ts';

export async function broadcastToRoom(
  config: Config,
  roomId: string,
  event: string,
  payload: unknown,
): Promise<void> {
  try {
    const response = await fetch(`${config.SUPABASE_URL}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: {
        apikey: config.SUPABASE_SERVICE_ROLE_KEY,
        authorization: `Bearer ${config.SUPABASE_SERVICE_ROLE_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ messages: [{ topic: `room:${roomId}`, event, payload, private: true }] }),
    });
    if (!response.ok)
      console.error(`broadcast ${event} to room:${roomId}: ${response.status} ${await response.text()}`);
  } catch (error) {
    // The change is committed and reaches members by postgres_changes anyway.
    console.error(`broadcast ${event} to room:${roomId}:`, error);
  }
}
