import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import { WatchroomError } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface CallOptions {
  readonly method?: Method;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** Calls one of Watchroom's edge functions; a refusal is thrown with its stable code. */
export type Call = <T>(path: string, options?: CallOptions) => Promise<T>;

export function createCall(supabase: SupabaseClient): Call {
  return async <T>(path: string, options: CallOptions = {}): Promise<T> => {
    const { data, error } = await supabase.functions.invoke(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      ...(options.body === undefined ? {} : { body: options.body as Record<string, unknown> }),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    if (error instanceof FunctionsHttpError) throw await envelopeError(error.context as Response);
    if (error) throw new WatchroomError('network_error', (error as Error).message ?? String(error));
    return data as T;
  };
}

async function envelopeError(response: Response): Promise<WatchroomError> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as {
      error?: { code: string; message: string; details?: unknown };
      code?: string;
      msg?: string;
      message?: string;
    };
    if (parsed.error?.code)
      return new WatchroomError(
        parsed.error.code,
        parsed.error.message,
        response.status,
        parsed.error.details,
      );
    // The gateway's and runtime's own refusals (401 from verify_jwt, 503 BOOT_ERROR, ...).
    return new WatchroomError(
      String(parsed.code ?? `http_${response.status}`),
      parsed.message ?? parsed.msg ?? text,
      response.status,
    );
  } catch {
    return new WatchroomError(`http_${response.status}`, text || response.statusText, response.status);
  }
}
