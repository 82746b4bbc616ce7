import { PostgrestError } from '../errors.ts';
import type { Message, MessageKind, ParseError, Parser } from './parsec.ts';

/**
 * Runs a parser over one query-string key or value and turns a failure into PostgREST's PGRST100,
 * worded as PostgREST words it:
 *
 *     message  "failed to parse select parameter (id,)" (line 1, column 4)
 *     details  unexpected end of input expecting field name (* or [a..z0..9_$])
 *
 * Like Parsec's `parse`, success does not require the whole input to be consumed.
 *
 * @example parseParam(pFieldForest, `failed to parse select parameter (${text})`, text)
 */
export function parseParam<T>(parser: Parser<T>, name: string, text: string): T {
  const chars = Array.from(text);
  const reply = parser({ chars, depth: 0 }, 0);
  if (reply.ok) return reply.value;
  const { line, column } = sourcePosition(chars, reply.error.pos);
  return throwQueryParamError(`"${name}" (line ${line}, column ${column})`, showErrorMessages(reply.error));
}

export function throwQueryParamError(message: string, details: string): never {
  throw new PostgrestError(400, 'PGRST100', message, { details });
}

/** Parsec's SourcePos: 1-based, tabs advance to the next multiple of 8 plus one. */
function sourcePosition(chars: readonly string[], pos: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < pos && i < chars.length; i++) {
    const c = chars[i];
    if (c === '\n') {
      line++;
      column = 1;
    } else if (c === '\t') {
      column += 8 - ((column - 1) % 8);
    } else {
      column++;
    }
  }
  return { line, column };
}

const KIND_ORDER: Readonly<Record<MessageKind, number>> = {
  sysUnExpect: 0,
  unExpect: 1,
  expect: 2,
  message: 3,
};

/**
 * Parsec's `showErrorMessages "or" "unknown parse error" "expecting" "unexpected" "end of input"`,
 * with PostgREST's post-processing (newlines to spaces, trimmed).
 */
export function showErrorMessages(error: ParseError): string {
  if (error.messages.length === 0) return 'unknown parse error';
  // Parsec sorts by kind only, keeping the order within a kind (a stable sort).
  const sorted = [...error.messages].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const ofKind = (kind: MessageKind): Message[] => sorted.filter((m) => m.kind === kind);
  const sysUnExpect = ofKind('sysUnExpect');
  const unExpect = ofKind('unExpect');

  let showSysUnExpect = '';
  const first = sysUnExpect[0];
  if (unExpect.length === 0 && first !== undefined) {
    showSysUnExpect = `unexpected ${first.text === '' ? 'end of input' : first.text}`;
  }
  const parts = clean([
    showSysUnExpect,
    showMany('unexpected', unExpect),
    showMany('expecting', ofKind('expect')),
    showMany('', ofKind('message')),
  ]);
  return parts.join(' ').trim();
}

function showMany(prefix: string, messages: readonly Message[]): string {
  const texts = clean(messages.map((m) => m.text));
  if (texts.length === 0) return '';
  return prefix === '' ? commasOr(texts) : `${prefix} ${commasOr(texts)}`;
}

function commasOr(texts: readonly string[]): string {
  if (texts.length <= 1) return texts[0] ?? '';
  return `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1]}`;
}

/** Parsec's `clean`: drop empty strings and duplicates, keeping first occurrences. */
function clean(texts: readonly string[]): string[] {
  return [...new Set(texts.filter((t) => t !== ''))];
}
