/** `npm run bench`: every benchmark in turn, each printing its own markdown table. */
import { spawnSync } from 'node:child_process';

const BENCHMARKS = ['startup.ts', 'rest.ts'];

for (const file of BENCHMARKS) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', new URL(file, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
