import { WatchroomError } from '../../lib/errors.ts';

export class DeadlineError extends WatchroomError<'realtime_database_timeout'> {
  constructor(what: string, ms: number) {
    super('realtime_database_timeout', `${what} did not answer within ${ms} ms`);
  }
}

/** `promise`, or a DeadlineError once `ms` have passed; the timer never holds the process. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
