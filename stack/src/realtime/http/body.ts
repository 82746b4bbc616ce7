import { badRequest, payloadTooLarge } from './errors.ts';

/** Plug.Parsers' default `:length`: the reference reads at most 8 000 000 bytes of a body. */
export const DEFAULT_MAX_BODY_BYTES = 8_000_000;

/**
 * Reads the whole body, but never more than `maxBytes` of it: a declared Content-Length over
 * the cap is refused before reading, a longer stream is cancelled as soon as it crosses it.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw payloadTooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    // A client that goes away mid-body sent a bad request, not one we failed to serve.
    const { done, value } = await reader.read().catch(() => {
      throw badRequest();
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export type MediaType = { readonly type: string; readonly subtype: string };

/**
 * `type/subtype` of a Content-Type header, lower-cased and without parameters (as Plug's
 * `content_type/1`); null when the header is absent, 'invalid' when it does not parse.
 */
export function mediaTypeOf(header: string | null): MediaType | null | 'invalid' {
  if (header === null) return null;
  const match = /^\s*([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)\s*(;.*)?$/i.exec(header);
  if (!match) return 'invalid';
  return { type: (match[1] as string).toLowerCase(), subtype: (match[2] as string).toLowerCase() };
}

/** What Plug.Parsers.JSON takes: `application/json` and `application/*+json`. */
export function isJson(media: MediaType): boolean {
  return media.type === 'application' && (media.subtype === 'json' || media.subtype.endsWith('+json'));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a JSON body; an empty one is `{}`, as Plug.Parsers.JSON has it. Otherwise 400. */
export function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw badRequest();
  }
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest();
  }
}
