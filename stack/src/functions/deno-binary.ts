import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WatchroomError } from '../lib/errors.ts';

const require = createRequire(import.meta.url);

/** The npm `deno` package ships the binary in a per-platform optional dependency. */
function platformPackage(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  if (process.platform === 'linux') return `@deno/linux-${arch}-glibc`;
  if (process.platform === 'darwin') return `@deno/darwin-${arch}`;
  if (process.platform === 'win32') return `@deno/win32-${arch}`;
  return `@deno/${process.platform}-${arch}`;
}

/**
 * Path of the Deno executable installed from the npm registry (the `deno` package), without the
 * extra Node process its `bin.cjs` shim would add to every start.
 */
export function denoBinary(): string {
  const executable = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(require.resolve(`${platformPackage()}/package.json`)), executable));
  } catch {}
  try {
    candidates.push(join(dirname(require.resolve('deno/package.json')), executable));
  } catch {}
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new WatchroomError(
      'deno_binary_missing',
      `no Deno binary for ${process.platform}-${process.arch}: run npm install (the deno package ships it)`,
    );
  }
  return found;
}
