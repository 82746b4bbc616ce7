/**
 * Sync accuracy: 10 simulated players on real clients, each with 0–50 ms of random jitter on
 * every message and request and a clock up to ±2 s off, follow a host through play, seek, rate
 * changes and pause. Sampled every 20 ms at one real instant: the spread of positions (max − min)
 * and each player's error against the room's position by the server clock, and the time from a
 * control to the room converging (every player in the right play state, spread and errors within
 * 40 ms, and staying so). Baseline in the same run, on the same network: 10 naive players that
 * apply each broadcast as it arrives (the seed documents' way: no clock, no compensation).
 *
 * Run: npm run bench:sync-accuracy   (env ROUNDS default 4, PLAYERS default 10, JITTER_MS 50, SKEW_MS 2000)
 */
import { cpus } from 'node:os';
import { createLab } from '../tests/helpers/sync-lab.ts';
import { productStack } from './product-stack.ts';
import { percentile } from './stats.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const PLAYERS = Number(process.env.PLAYERS ?? 10);
const JITTER_MS = Number(process.env.JITTER_MS ?? 50);
const SKEW_MS = Number(process.env.SKEW_MS ?? 2_000);
const SAMPLE_MS = 20;
const CONVERGED = 0.04;
const STEADY_AFTER_MS = 1_000;
const step = (what: string) => process.stderr.write(`sync-accuracy: ${what}\n`);

const stack = await productStack();
step('stack ready');
const lab = await createLab({
  apiUrl: stack.apiUrl,
  anonKey: stack.anonKey,
  players: PLAYERS,
  naive: PLAYERS,
  jitterMs: [0, JITTER_MS],
  skewMs: SKEW_MS,
  seed: 2,
});
step(`room with ${PLAYERS} players and ${PLAYERS} naive players`);

interface Sample {
  readonly at: number;
  readonly ours: { spread: number; maxError: number; agrees: boolean };
  readonly naive: { spread: number; maxError: number; agrees: boolean };
}

const maxAbs = (values: readonly number[]) => Math.max(0, ...values.map(Math.abs));
function sample(): Sample {
  return {
    at: performance.now(),
    ours: { spread: lab.spread(), maxError: maxAbs(lab.errors()), agrees: lab.agrees() },
    naive: {
      spread: lab.naiveSpread(),
      maxError: maxAbs(lab.errors(lab.naive)),
      agrees: lab.agrees(lab.naive),
    },
  };
}

interface Window {
  readonly control: string;
  readonly t0: number;
  readonly samples: Sample[];
}

async function run(control: string, act: () => Promise<unknown>, holdMs: number): Promise<Window> {
  const window: Window = { control, t0: performance.now(), samples: [] };
  const timer = setInterval(() => window.samples.push(sample()), SAMPLE_MS);
  await act();
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  clearInterval(timer);
  return window;
}

/** Time from the control to the last sample that was not converged (the room stays converged after). */
function convergence(window: Window, who: 'ours' | 'naive'): number | undefined {
  const ok = (s: Sample) => s[who].agrees && s[who].spread <= CONVERGED && s[who].maxError <= CONVERGED;
  const last = window.samples.at(-1);
  if (!last || !ok(last)) return undefined;
  let lastBad = window.t0;
  for (const s of window.samples) if (!ok(s)) lastBad = s.at;
  return lastBad - window.t0;
}

// Warm-up: the function worker, pools and JIT.
await run('warm-up', () => lab.host.sync.play(0), 1_500);
await run('warm-up', () => lab.host.sync.pause(), 500);

const windows: Window[] = [];
for (let r = 0; r < ROUNDS; r++) {
  windows.push(await run('play', () => lab.host.sync.play(10 + r * 100), 4_000));
  windows.push(await run('seek', () => lab.host.sync.seek(60 + r * 100), 4_000));
  windows.push(await run('rate 1.5', () => lab.host.sync.setRate(1.5), 4_000));
  windows.push(await run('rate 1', () => lab.host.sync.setRate(1), 4_000));
  windows.push(await run('pause', () => lab.host.sync.pause(), 2_000));
  step(`round ${r + 1}/${ROUNDS}`);
}
if (process.env.DEBUG_WINDOWS) {
  for (const w of windows) {
    const last = (test: (s: Sample) => boolean) => {
      let bad = w.t0;
      for (const s of w.samples) if (!test(s)) bad = s.at;
      return (bad - w.t0).toFixed(0);
    };
    step(
      `${w.control}: agrees after ${last((s) => s.ours.agrees)} ms, spread ok after ${last((s) => s.ours.spread <= CONVERGED)} ms, error ok after ${last((s) => s.ours.maxError <= CONVERGED)} ms`,
    );
  }
}
const offsets = lab.players.map((p) => Math.abs(p.connection.clock.offset + p.skewMs));
const skews = lab.players.map((p) => Math.abs(p.skewMs));
await lab.close();
await stack.stop();

const steady = (who: 'ours' | 'naive', pick: (s: Sample[typeof who]) => number) =>
  windows.flatMap((w) =>
    w.samples.filter((s) => s.at - w.t0 >= STEADY_AFTER_MS).map((s) => pick(s[who]) * 1000),
  );
const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(1));

out(
  `\nSync accuracy: ${PLAYERS} players, jitter 0–${JITTER_MS} ms per message, clock skew up to ±${SKEW_MS} ms (largest drawn ${f(Math.max(...skews))} ms), ${ROUNDS} rounds, ${cpus().length} cores, Node ${process.version}\n`,
);
out(
  `Clock offset error after sync: p50 ${f(percentile(offsets, 50))} ms, max ${f(Math.max(...offsets))} ms\n`,
);
out('| players | spread p50 ms | spread p95 ms | spread p99 ms | error vs room p95 ms | error p99 ms |');
out('|---|---|---|---|---|---|');
for (const who of ['ours', 'naive'] as const) {
  const spread = steady(who, (s) => s.spread);
  const error = steady(who, (s) => s.maxError);
  const name = who === 'ours' ? 'Watchroom SDK sync engine' : 'naive: apply each broadcast on arrival';
  out(
    `| ${name} | ${f(percentile(spread, 50))} | ${f(percentile(spread, 95))} | ${f(percentile(spread, 99))} | ${f(percentile(error, 95))} | ${f(percentile(error, 99))} |`,
  );
}
out(
  `\nSteady state: samples from ${STEADY_AFTER_MS} ms after each control to the next (${steady('ours', (s) => s.spread).length} samples each).\n`,
);
out('| control | n | converge p50 ms | converge max ms | naive converged |');
out('|---|---|---|---|---|');
for (const control of ['play', 'seek', 'rate 1.5', 'rate 1', 'pause']) {
  const of = windows.filter((w) => w.control === control);
  const ours = of.map((w) => convergence(w, 'ours'));
  const naive = of.map((w) => convergence(w, 'naive'));
  const done = ours.filter((c): c is number => c !== undefined);
  out(
    `| ${control} | ${of.length} | ${f(percentile(done, 50))} | ${done.length === of.length ? f(Math.max(...done)) : `${of.length - done.length} never`} | ${naive.filter((c) => c !== undefined).length}/${of.length} |`,
  );
}
const all = windows.map((w) => convergence(w, 'ours'));
const converged = all.filter((c): c is number => c !== undefined);
out(
  `\nConverged (≤ ${CONVERGED * 1000} ms spread and error, right play state, and staying so): ${converged.length}/${all.length} controls; p50 ${f(percentile(converged, 50))} ms, max ${f(Math.max(...converged))} ms.`,
);
process.exit(0);
