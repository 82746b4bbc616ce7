/**
 * Haskell's `show` for the tokens Parsec quotes in its messages: `unexpected "x"` (a one-char
 * String) and `unexpected 'x'` (a Char). Non-ASCII characters print as decimal escapes
 * (`"\233"`), control characters by name (`"\n"`, `"\NUL"`), as PostgREST's details do.
 */

/** `show` of a String: `"x"`, `"\""`, `"\233"`. */
export function showString(text: string): string {
  const chars = Array.from(text);
  let out = '"';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    out += c === '"' ? '\\"' : showLitChar(c, chars[i + 1]);
  }
  return `${out}"`;
}

/** `show` of a Char: `'x'`, `'\''`. */
export function showChar(c: string): string {
  return c === "'" ? "'\\''" : `'${showLitChar(c, undefined)}'`;
}

const CONTROL_NAMES =
  'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(
    ' ',
  );
const CONTROL_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** Haskell's `showLitChar`; `next` decides whether a numeric escape needs the `\&` separator. */
function showLitChar(c: string, next: string | undefined): string {
  const code = c.codePointAt(0) ?? 0;
  if (code > 127) return `\\${code}${next !== undefined && next >= '0' && next <= '9' ? '\\&' : ''}`;
  if (code === 127) return '\\DEL';
  if (c === '\\') return '\\\\';
  if (code >= 32) return c;
  const named = CONTROL_ESCAPES[c];
  if (named !== undefined) return named;
  if (code === 14) return `\\SO${next === 'H' ? '\\&' : ''}`;
  return `\\${CONTROL_NAMES[code] ?? ''}`;
}

const SHOWN_ASCII = Array.from({ length: 128 }, (_, code) => showString(String.fromCharCode(code)));

/** `showString` of one character, precomputed for ASCII: failing alternatives call it a lot. */
export function showToken(c: string): string {
  const code = c.charCodeAt(0);
  return c.length === 1 && code < 128 ? (SHOWN_ASCII[code] ?? showString(c)) : showString(c);
}
