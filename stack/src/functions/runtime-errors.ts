/**
 * The responses the edge runtime itself gives (functions-cli.md §5.4, §5.8): JSON
 * `{code, message}` with 5xx/546, so supabase-js reports them as FunctionsHttpError. A
 * function's own responses, errors included, pass through untouched.
 */
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export const functionNotFound = () =>
  new Response('Function not found', { status: 404, headers: { 'content-type': 'text/plain' } });

export const bootError = () =>
  json(503, { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' });

export const workerError = () =>
  json(500, { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' });

export const workerLimit = () =>
  json(546, {
    code: 'WORKER_LIMIT',
    message: 'Worker failed to respond due to a resource limit (please check logs)',
  });

export const requestTooLarge = (limit: number) =>
  json(413, { code: 'REQUEST_TOO_LARGE', message: `Request body exceeds the limit of ${limit} bytes` });

export const health = () => json(200, { message: 'ok' });
