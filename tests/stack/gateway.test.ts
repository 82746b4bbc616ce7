import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { supabaseClient } from '../helpers/clients.ts';

const stack = inject('stack');
const port = new URL(stack.apiUrl).port;

/** Sends a WebSocket upgrade request and resolves with the status line the gateway answers. */
function upgradeStatus(path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', () => resolve(101));
    req.on('error', reject);
    req.end();
  });
}

describe('gateway on a real stack', () => {
  it('answers on 127.0.0.1, localhost and [::1]', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      const res = await fetch(`http://${host}:${port}/health`);
      expect(res.status, host).toBe(200);
      expect(await res.text()).toBe('OK');
    }
  });

  it('serves Auth through supabase-js with the opaque secret key mapped to service_role', async () => {
    const admin = supabaseClient('secret');
    const { data, error } = await admin.auth.admin.listUsers({ page: 1, perPage: 1 });
    expect(error).toBeNull();
    expect(Array.isArray(data.users)).toBe(true);
  });

  it('routes /functions/v1 to the functions runtime: an unknown function is 404 Function not found', async () => {
    const supabase = supabaseClient('anon');
    const { error } = await supabase.functions.invoke('anything');
    expect(error?.name).toBe('FunctionsHttpError');
    const response = (error as { context?: Response } | null)?.context;
    expect(response?.status).toBe(404);
    expect(await response?.text()).toBe('Function not found');
  });

  it('hands WebSocket upgrades under /realtime/v1 to Realtime, and refuses other paths', async () => {
    expect(await upgradeStatus(`/realtime/v1/websocket?apikey=${stack.anonKey}&vsn=1.0.0`)).toBe(101);
    expect(await upgradeStatus(`/realtime/v1/elsewhere?apikey=${stack.anonKey}`)).toBe(404);
  });

  it('rejects requests without an apikey as hosted Supabase does', async () => {
    const res = await fetch(`${stack.apiUrl}/auth/v1/settings`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
  });
});
