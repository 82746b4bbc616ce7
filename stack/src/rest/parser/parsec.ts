import { showChar, showString, showToken } from './show.ts';

/**
 * A small parser-combinator core with Parsec's semantics. PostgREST's query-string grammar is a
 * Parsec grammar and its PGRST100 `details` are Parsec's "unexpected … expecting …" text, so we
 * keep the same evaluation rules to fail at the same place with the same words:
 *
 * - a reply says whether input was consumed; `alt` tries the next alternative only after a
 *   failure that consumed nothing, and `attempt` (Parsec's `try`) turns a consuming failure into
 *   a non-consuming one;
 * - errors carry the position they happened at; merging keeps the one further into the input and
 *   concatenates the messages of errors at the same position. Successful replies carry the error
 *   of the alternatives they skipped, which is how "expecting a, b or c" lists are built.
 *
 * Positions are offsets into the input's code points. Every repetition is a loop and recursion
 * goes through `nested`, which bounds the depth, so parsing is linear and never overflows; no
 * exceptions are used for control flow (they made parsing an order of magnitude slower).
 */

/** Parsec's message kinds, in the order Parsec sorts them for display. */
export type MessageKind = 'sysUnExpect' | 'unExpect' | 'expect' | 'message';

export interface Message {
  readonly kind: MessageKind;
  readonly text: string;
}

export interface ParseError {
  readonly pos: number;
  /** Empty for Parsec's "unknown" error, which loses every merge against a real one. */
  readonly messages: readonly Message[];
}

export interface Input {
  readonly chars: readonly string[];
  /** Current nesting of `nested` parsers. */
  depth: number;
}

export type Reply<T> =
  | {
      readonly ok: true;
      readonly consumed: boolean;
      readonly value: T;
      readonly pos: number;
      readonly error: ParseError;
    }
  | { readonly ok: false; readonly consumed: boolean; readonly error: ParseError };

export type Parser<T> = (input: Input, pos: number) => Reply<T>;

/** Deepest nesting of embeds or logic trees we parse; deeper input fails with a parse error. */
export const MAX_NESTING = 100;

const NO_MESSAGES: readonly Message[] = [];

export function unknownError(pos: number): ParseError {
  return { pos, messages: NO_MESSAGES };
}

function errorAt(pos: number, kind: MessageKind, text: string): ParseError {
  return { pos, messages: [{ kind, text }] };
}

export function mergeError(a: ParseError, b: ParseError): ParseError {
  if (b.messages.length === 0 && a.messages.length > 0) return a;
  if (a.messages.length === 0 && b.messages.length > 0) return b;
  if (a.pos === b.pos) return { pos: a.pos, messages: [...a.messages, ...b.messages] };
  return a.pos > b.pos ? a : b;
}

export function pure<T>(value: T): Parser<T> {
  return (_input, pos) => ({ ok: true, consumed: false, value, pos, error: unknownError(pos) });
}

/** Parsec's `mzero` (what `guard False` fails with). */
export const zero: Parser<never> = (_input, pos) => ({
  ok: false,
  consumed: false,
  error: unknownError(pos),
});

export function satisfy(test: (c: string) => boolean): Parser<string> {
  return (input, pos) => {
    const c = input.chars[pos];
    if (c === undefined) return { ok: false, consumed: false, error: errorAt(pos, 'sysUnExpect', '') };
    if (!test(c)) return { ok: false, consumed: false, error: errorAt(pos, 'sysUnExpect', showToken(c)) };
    return { ok: true, consumed: true, value: c, pos: pos + 1, error: unknownError(pos + 1) };
  };
}

function withExpect(error: ParseError, text: string): ParseError {
  return {
    pos: error.pos,
    messages: [{ kind: 'expect', text }, ...error.messages.filter((m) => m.kind !== 'expect')],
  };
}

/** Parsec's `<?>`: names what was expected when `p` fails (or stops) without consuming. */
export function label<T>(p: Parser<T>, text: string): Parser<T> {
  return (input, pos) => {
    const reply = p(input, pos);
    if (reply.consumed || (reply.ok && reply.error.messages.length === 0)) return reply;
    return { ...reply, error: withExpect(reply.error, text) };
  };
}

export function char(c: string): Parser<string> {
  return label(
    satisfy((x) => x === c),
    showString(c),
  );
}

export function oneOf(chars: string): Parser<string> {
  return satisfy((c) => chars.includes(c));
}

export function noneOf(chars: string): Parser<string> {
  return satisfy((c) => !chars.includes(c));
}

export const anyChar: Parser<string> = satisfy(() => true);

/** Haskell's `isAlpha` (any Unicode letter), with an ASCII fast path. */
function isLetter(c: string): boolean {
  if (c < '\x80') return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return /^\p{L}$/u.test(c);
}

export const letter: Parser<string> = label(satisfy(isLetter), 'letter');
export const digit: Parser<string> = label(
  satisfy((c) => c >= '0' && c <= '9'),
  'digit',
);

/** Parsec's `string`: fails at its start position, consuming once the first character matched. */
export function string(text: string): Parser<string> {
  const tokens = Array.from(text);
  const expected = showString(text);
  return (input, pos) => {
    for (let i = 0; i < tokens.length; i++) {
      const c = input.chars[pos + i];
      if (c !== tokens[i]) {
        const unexpected = c === undefined ? '' : showToken(c);
        const messages: Message[] = [
          { kind: 'expect', text: expected },
          { kind: 'sysUnExpect', text: unexpected },
        ];
        return { ok: false, consumed: i > 0, error: { pos, messages } };
      }
    }
    const end = pos + tokens.length;
    return { ok: true, consumed: tokens.length > 0, value: text, pos: end, error: unknownError(end) };
  };
}

/**
 * Parsec's `eof` (`notFollowedBy anyToken <?> "end of input"`). `anyToken` does not advance the
 * reported position, so the "unexpected 'x'" is reported at the character itself.
 */
export const eof: Parser<void> = (input, pos) => {
  const c = input.chars[pos];
  if (c === undefined) {
    const messages: Message[] = [
      { kind: 'expect', text: 'end of input' },
      { kind: 'sysUnExpect', text: '' },
    ];
    return { ok: true, consumed: false, value: undefined, pos, error: { pos, messages } };
  }
  const messages: Message[] = [
    { kind: 'expect', text: 'end of input' },
    { kind: 'unExpect', text: showChar(c) },
  ];
  return { ok: false, consumed: false, error: { pos, messages } };
};

/** Parsec's `try`. */
export function attempt<T>(p: Parser<T>): Parser<T> {
  return (input, pos) => {
    const reply = p(input, pos);
    return !reply.ok && reply.consumed ? { ok: false, consumed: false, error: reply.error } : reply;
  };
}

export function lookAhead<T>(p: Parser<T>): Parser<T> {
  return (input, pos) => {
    const reply = p(input, pos);
    return reply.ok
      ? { ok: true, consumed: false, value: reply.value, pos, error: unknownError(pos) }
      : reply;
  };
}

/** Parsec's `notFollowedBy` for a one-character parser. */
export function notFollowedBy(p: Parser<string>): Parser<void> {
  return (input, pos) => {
    const reply = p(input, pos);
    if (!reply.ok) return { ok: true, consumed: false, value: undefined, pos, error: reply.error };
    const error = mergeError(reply.error, errorAt(reply.pos, 'unExpect', showChar(reply.value)));
    return { ok: false, consumed: false, error };
  };
}

/** Parsec's `<|>` over several alternatives. */
export function alt<T>(...alternatives: readonly Parser<T>[]): Parser<T> {
  return (input, pos) => {
    let error: ParseError | undefined;
    for (const p of alternatives) {
      const reply = p(input, pos);
      if (reply.consumed) return reply;
      const merged = error === undefined ? reply.error : mergeError(error, reply.error);
      if (reply.ok) return { ...reply, error: merged };
      error = merged;
    }
    return { ok: false, consumed: false, error: error ?? unknownError(pos) };
  };
}

export function map<T, U>(p: Parser<T>, f: (value: T) => U): Parser<U> {
  return (input, pos) => {
    const reply = p(input, pos);
    return reply.ok ? { ...reply, value: f(reply.value) } : reply;
  };
}

type ValuesOf<Ps extends readonly Parser<unknown>[]> = {
  [K in keyof Ps]: Ps[K] extends Parser<infer T> ? T : never;
};

/**
 * Parsec's `do` block for a fixed sequence: runs `parsers` one after another and combines their
 * values, with the error bookkeeping of Parsec's bind (an empty step merges its error into the
 * one before it; a consuming step replaces it).
 */
export function seq<const Ps extends readonly Parser<unknown>[], R>(
  parsers: Ps,
  combine: (...values: ValuesOf<Ps>) => R,
): Parser<R> {
  return (input, start) => {
    const values: unknown[] = [];
    let pos = start;
    let consumed = false;
    let error = unknownError(start);
    for (const p of parsers) {
      const reply = p(input, pos);
      error = reply.consumed ? reply.error : mergeError(error, reply.error);
      consumed ||= reply.consumed;
      if (!reply.ok) return { ok: false, consumed, error };
      values.push(reply.value);
      pos = reply.pos;
    }
    return { ok: true, consumed, value: combine(...(values as ValuesOf<Ps>)), pos, error };
  };
}

/** `do { x <- p; guard (accept x) }`: fails (where `p` stopped) when `accept` says no. */
export function where<T>(p: Parser<T>, accept: (value: T) => boolean): Parser<T> {
  return (input, pos) => {
    const reply = p(input, pos);
    if (!reply.ok || accept(reply.value)) return reply;
    return { ok: false, consumed: reply.consumed, error: mergeError(reply.error, unknownError(reply.pos)) };
  };
}

export function many<T>(p: Parser<T>): Parser<T[]> {
  return (input, start) => {
    const values: T[] = [];
    let pos = start;
    for (;;) {
      const reply = p(input, pos);
      // A parser that succeeds without consuming would loop forever; the grammar has none, and
      // stopping on it keeps such a bug a wrong parse rather than a hang.
      if (!reply.consumed) return { ok: true, consumed: pos > start, value: values, pos, error: reply.error };
      if (!reply.ok) return reply;
      values.push(reply.value);
      pos = reply.pos;
    }
  };
}

export function many1<T>(p: Parser<T>): Parser<T[]> {
  return seq([p, many(p)], (first, rest) => [first, ...rest]);
}

export function sepBy1<T>(p: Parser<T>, separator: Parser<unknown>): Parser<T[]> {
  const rest = many(seq([separator, p], (_, value) => value));
  return seq([p, rest], (first, others) => [first, ...others]);
}

export function sepBy<T>(p: Parser<T>, separator: Parser<unknown>): Parser<T[]> {
  return alt(sepBy1(p, separator), pure<T[]>([]));
}

export function between<T>(open: Parser<unknown>, close: Parser<unknown>, p: Parser<T>): Parser<T> {
  return seq([open, p, close], (_, value) => value);
}

export function option<T>(fallback: T, p: Parser<T>): Parser<T> {
  return alt(p, pure(fallback));
}

export function optionMaybe<T>(p: Parser<T>): Parser<T | undefined> {
  return alt<T | undefined>(p, pure(undefined));
}

/** Defers building a recursive parser until first use. */
export function lazy<T>(build: () => Parser<T>): Parser<T> {
  let built: Parser<T> | undefined;
  return (input, pos) => {
    built ??= build();
    return built(input, pos);
  };
}

/**
 * Remembers `p`'s reply per input and position. PostgREST's grammar re-reads the same field name
 * from the same position in several `try` alternatives; replies are immutable, so reusing them
 * changes nothing but the time taken.
 */
export function memo<T>(p: Parser<T>): Parser<T> {
  const cache = new WeakMap<Input, Map<number, Reply<T>>>();
  return (input, pos) => {
    let byPosition = cache.get(input);
    if (byPosition === undefined) {
      byPosition = new Map();
      cache.set(input, byPosition);
    }
    const cached = byPosition.get(pos);
    if (cached !== undefined) return cached;
    const reply = p(input, pos);
    byPosition.set(pos, reply);
    return reply;
  };
}

/** Guards a recursive descent: input nested deeper than MAX_NESTING fails instead of overflowing. */
export function nested<T>(p: Parser<T>): Parser<T> {
  return (input, pos) => {
    if (input.depth >= MAX_NESTING) {
      const error = errorAt(pos, 'message', `nesting deeper than ${MAX_NESTING} levels`);
      return { ok: false, consumed: true, error };
    }
    input.depth++;
    try {
      return p(input, pos);
    } finally {
      input.depth--;
    }
  };
}
