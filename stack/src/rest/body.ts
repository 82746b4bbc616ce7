import { PostgrestError } from './errors.ts';

/** Reads a JSON request body within the size limit; invalid or empty JSON is PGRST102. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const buffer = await request.arrayBuffer();
  if (buffer.byteLength > maxBytes) throw tooLarge(maxBytes);
  const text = new TextDecoder().decode(buffer);
  try {
    return JSON.parse(text);
  } catch {
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

function tooLarge(maxBytes: number): PostgrestError {
  return new PostgrestError(413, 'PGRST413', `Request body too large (max ${maxBytes} bytes)`);
}

/** A body as a list of row objects, as inserts take them. */
export function rowsOf(body: unknown): Record<string, unknown>[] {
  const rows = Array.isArray(body) ? body : [body];
  if (!rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new PostgrestError(400, 'PGRST102', 'All object keys must match');
  }
  return rows as Record<string, unknown>[];
}
