/**
 * Base class for every error the stack raises on purpose. `code` is stable and documented in
 * the README's error table; `message` is for humans and may change.
 */
const BRAND = Symbol.for('watchroom.error');

export class WatchroomError<Code extends string = string> extends Error {
  readonly [BRAND] = true;
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Brand check that survives duplicate copies of this module (e.g. two bundles). */
export function isWatchroomError(value: unknown): value is WatchroomError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
