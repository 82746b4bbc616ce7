/** `npm run bench`: every benchmark in turn, each printing its own markdown table. */
import { spawnSync } from 'node:child_process';

const BENCHMARKS: [file: string, ...args: string[]][] = [
  ['startup.ts'],
  ['rest.ts'],
  ['realtime-broadcast.ts'],
  ['realtime-changes.ts', 'changes'],
  ['realtime-changes.ts', 'db-broadcast'],
  ['realtime-connections.ts'],
  ['functions.ts'],
  ['sync-control.ts'],
  ['sync-accuracy.ts'],
];

for (const [file, ...args] of BENCHMARKS) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', new URL(file, import.meta.url).pathname, ...args],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
