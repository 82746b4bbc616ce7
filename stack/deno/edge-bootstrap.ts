/**
 * Runs one Supabase edge function in a Deno process, as the edge runtime's user worker does:
 * the function module registers its handler with `Deno.serve(handler)` (or exports
 * `default { fetch }`), and this script serves that handler on a loopback port the stack
 * proxies `/functions/v1/<slug>` to. Control messages to the stack are single stderr lines
 * starting with a record separator (U+001E); everything else the function prints is its log.
 *
 * Environment (removed before the function runs): WATCHROOM_FN_ENTRYPOINT (file URL of the
 * module), WATCHROOM_FN_SLUG, WATCHROOM_FN_HANDLER_WAIT_MS, WATCHROOM_FN_HOST_ENV (names of the
 * host's network settings, removed once the module has loaded: Deno read them at startup).
 */

type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const CONTROL = '\u001e';
const encoder = new TextEncoder();

function control(message: Record<string, unknown>): void {
  Deno.stderr.writeSync(encoder.encode(`${CONTROL}${JSON.stringify(message)}\n`));
}

function takeEnv(name: string): string {
  const value = Deno.env.get(name) ?? '';
  Deno.env.delete(name);
  return value;
}

const entrypoint = takeEnv('WATCHROOM_FN_ENTRYPOINT');
const slug = takeEnv('WATCHROOM_FN_SLUG');
const handlerWaitMs = Number(takeEnv('WATCHROOM_FN_HANDLER_WAIT_MS') || '1000');
const hostEnv = takeEnv('WATCHROOM_FN_HOST_ENV').split(',').filter(Boolean);
Deno.env.delete('DENO_DIR');
Deno.env.delete('NO_COLOR');
// Deno points PATH at its npm binaries shim; the edge runtime forwards no PATH at all.
Deno.env.delete('PATH');

const realServe = Deno.serve.bind(Deno);
let registered: ((handler: Handler) => void) | undefined;
let handler: Handler | undefined;
const handlerReady = new Promise<Handler>((resolve) => {
  registered = resolve;
});

/** The function's `Deno.serve`: every call form, returning a server-like object. */
function captureServe(...args: unknown[]): unknown {
  const [first, second] = args;
  const options = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
  const candidate =
    typeof first === 'function' ? first : typeof second === 'function' ? second : options.handler;
  if (typeof candidate !== 'function') throw new TypeError('Deno.serve() needs a handler function');
  if (!handler) {
    handler = candidate as Handler;
    registered?.(handler);
  }
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });
  return {
    finished,
    addr: { transport: 'tcp', hostname: '0.0.0.0', port: 8000 },
    shutdown: async () => resolveFinished(),
    ref: () => undefined,
    unref: () => undefined,
    [Symbol.asyncDispose]: async () => resolveFinished(),
  };
}
(Deno as unknown as { serve: unknown }).serve = captureServe;

/** Background work after the response, as the edge runtime offers it. */
const pendingWork = new Set<Promise<unknown>>();
(globalThis as unknown as { EdgeRuntime: unknown }).EdgeRuntime = {
  waitUntil(promise: Promise<unknown>) {
    const tracked = Promise.resolve(promise)
      .catch((error) => console.error(error))
      .finally(() => pendingWork.delete(tracked));
    pendingWork.add(tracked);
  },
};

function runtimeError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ code, message }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function describeBootError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (/jsr:|https?:\/\/(jsr\.io|deno\.land|esm\.sh)/.test(text)) {
    return `${text}\n(jsr: and https: imports cannot be fetched on this machine: only the npm registry is reachable. Use npm: specifiers.)`;
  }
  return text;
}

try {
  const module = await import(entrypoint);
  if (!handler) {
    const fetchExport = (module.default as { fetch?: unknown } | undefined)?.fetch;
    if (typeof fetchExport === 'function') {
      handler = (request, info) => (fetchExport as Handler).call(module.default, request, info);
    }
  }
  if (!handler) {
    // Deno.serve may still be called once asynchronous setup finishes.
    handler = await Promise.race([
      handlerReady,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), handlerWaitMs)),
    ]);
  }
  if (!handler)
    throw new Error('the function never called Deno.serve(handler) nor exported default { fetch }');
  for (const name of hostEnv) Deno.env.delete(name);
} catch (error) {
  console.error(`function ${slug} failed to boot:`, error);
  control({ watchroom: 'boot_error', message: describeBootError(error) });
  Deno.exit(1);
}

const serve = handler as Handler;
realServe(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => control({ watchroom: 'ready', port }),
  },
  async (request, info) => {
    try {
      const response = await serve(request, info);
      if (response instanceof Response) return response;
      console.error(`function ${slug} returned ${Object.prototype.toString.call(response)}, not a Response`);
    } catch (error) {
      console.error(error);
    }
    return runtimeError(500, 'WORKER_ERROR', 'Function exited due to an error (please check logs)');
  },
);
