/**
 * Edge function serving limits and switches, with the supabase CLI local runtime's defaults
 * where it has them (functions-cli.md §5.8). Parsed once by the stack and passed in.
 */
export interface FunctionsConfig {
  /** A request not answered within this is cut off with 546 WORKER_LIMIT and its worker recycled. */
  readonly wallClockMs: number;
  /** Longest a worker may take to boot (import the module, register its handler). */
  readonly bootTimeoutMs: number;
  /** After import, how long a module may take to call Deno.serve (async setup). */
  readonly handlerWaitMs: number;
  /** Request bodies above this are refused with 413. */
  readonly maxRequestBodyBytes: number;
  /** V8 heap per worker, as the runtime's memory limit. */
  readonly memoryLimitMb: number;
  /** `--no-verify-jwt` for every function, as `supabase functions serve` has it. */
  readonly noVerifyJwt: boolean;
  /** Restart workers whose files change (what `watchroom start` does). */
  readonly watch: boolean;
  /** Deno's module cache (npm packages, compiled modules). */
  readonly denoDir: string;
}

export const DEFAULT_FUNCTIONS_CONFIG: Omit<FunctionsConfig, 'denoDir'> = {
  wallClockMs: 150_000,
  bootTimeoutMs: 60_000,
  handlerWaitMs: 1_000,
  maxRequestBodyBytes: 20 * 1024 * 1024,
  memoryLimitMb: 256,
  noVerifyJwt: false,
  watch: false,
};
