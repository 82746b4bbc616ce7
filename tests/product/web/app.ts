/**
 * The demo app built by Vite into a temporary directory, pointed at the test stack, and served
 * by `vite preview` on a free port. Built in development mode by default, as `npm start` serves
 * it: React's development build runs StrictMode's double mount, which the SDK must survive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type PreviewServer, preview } from 'vite';

const appRoot = fileURLToPath(new URL('../../../clients/web', import.meta.url));

export interface ServedApp {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveApp(
  backend: { apiUrl: string; anonKey: string },
  mode: 'development' | 'production' = 'development',
): Promise<ServedApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'watchroom-web-'));
  // `define` rather than VITE_* variables: whatever a developer's shell exports must not point
  // the test's build at another backend.
  const define = {
    'import.meta.env.VITE_SUPABASE_URL': JSON.stringify(backend.apiUrl),
    'import.meta.env.VITE_SUPABASE_ANON_KEY': JSON.stringify(backend.anonKey),
  };
  // Vite takes NODE_ENV from the environment (vitest sets it to `test`): say which build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = mode;
  try {
    await build({
      root: appRoot,
      mode,
      logLevel: 'warn',
      define,
      build: {
        outDir,
        emptyOutDir: true,
        sourcemap: false,
        minify: mode === 'production',
        reportCompressedSize: false,
        chunkSizeWarningLimit: 2_000,
      },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  let server: PreviewServer | undefined;
  try {
    server = await preview({
      root: appRoot,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview reported no port');
  const running = server;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    async close() {
      await running.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
