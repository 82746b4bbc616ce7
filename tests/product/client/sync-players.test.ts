import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../helpers/sync-lab.ts';
import { stack } from '../world.ts';

// Six players, each with 0–30 ms of jitter on every message and request and a clock up to 2 s
// off, against the real stack. What must hold: after each control, every player settles on the
// same position (the bound is far above what the engine achieves, see bench/RESULTS.md; it is
// here to catch a broken engine, not to time one).
const SETTLED = 0.06;

let lab: Lab;
beforeAll(async () => {
  lab = await createLab({
    apiUrl: stack.apiUrl,
    anonKey: stack.anonKey,
    players: 6,
    jitterMs: [0, 30],
    skewMs: 2_000,
    seed: 7,
  });
}, 60_000);
afterAll(async () => lab?.close());

async function settles() {
  await expect
    .poll(
      () => lab.agrees() && lab.spread() <= SETTLED && lab.errors().every((e) => Math.abs(e) <= SETTLED),
      { timeout: 5_000 },
    )
    .toBe(true);
}

describe('simulated players under latency, jitter and clock skew', () => {
  it('skews really are large, and the clocks see through them', () => {
    expect(Math.max(...lab.players.map((p) => Math.abs(p.skewMs)))).toBeGreaterThan(500);
    for (const p of lab.players) expect(Math.abs(p.connection.clock.offset + p.skewMs)).toBeLessThan(30);
  });

  it('follow play, seek, rate and pause to the same position', async () => {
    await lab.host.sync.play(5);
    await settles();
    await lab.host.sync.seek(120);
    await settles();
    await lab.host.sync.setRate(1.5);
    await settles();
    await lab.host.sync.pause();
    await settles();
    expect(lab.players.every((p) => !p.player.playing())).toBe(true);
    expect(lab.spread()).toBeLessThan(0.001);
  });
});

describe('the ready barrier', () => {
  it('holds a play while one player buffers, then starts everyone together', async () => {
    const held = await createLab({
      apiUrl: stack.apiUrl,
      anonKey: stack.anonKey,
      players: 3,
      jitterMs: [0, 20],
      skewMs: 1_000,
      seed: 11,
      waitForReady: true,
    });
    try {
      const slow = held.players[0];
      if (!slow) throw new Error('no players');
      slow.player.emit('buffering');
      await expect
        .poll(
          async () =>
            (await slow.connection.sync.heartbeat()).awaiting_ready === false &&
            slow.connection.sync.state !== undefined,
        )
        .toBe(true);
      const asked = await held.host.sync.play(30);
      expect(asked.awaiting_ready).toBe(true);
      await expect
        .poll(() => held.players.every((p) => p.connection.playback?.awaiting_ready === true))
        .toBe(true);
      expect(held.players.some((p) => p.player.playing())).toBe(false);
      slow.player.emit('ready');
      await expect.poll(() => held.host.playback?.awaiting_ready === false, { timeout: 5_000 }).toBe(true);
      await expect
        .poll(
          () => held.agrees() && held.players.every((p) => p.player.playing()) && held.spread() <= SETTLED,
          { timeout: 5_000 },
        )
        .toBe(true);
    } finally {
      await held.close();
    }
  });
});
