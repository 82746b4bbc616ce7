/**
 * Just enough of Elixir's `inspect/2` (v1.19: Inspect protocol + Inspect.Algebra) to print the
 * terms the reference server embeds in its postgres_changes error messages: the client's
 * binding map, lists of filter tuples, lists of strings, `nil`. Clients and tests compare these
 * strings, so layout (including `pretty: true` line breaking at width 80) follows Elixir.
 */

/** An Elixir term as it arrives from JSON, plus tuples (filters are `{col, op, value, negate}`). */
export type ElixirTerm =
  | string
  | number
  | boolean
  | null
  | readonly ElixirTerm[]
  | { readonly tuple: readonly ElixirTerm[] }
  | { readonly map: readonly (readonly [ElixirTerm, ElixirTerm])[] };

/** JSON as Jason decodes it: objects become maps (printed in key order), null becomes nil. */
export function fromJson(value: unknown): ElixirTerm {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([key, item]) => [key, fromJson(item)] as const);
    return { map: entries };
  }
  return String(value);
}

export function inspect(term: ElixirTerm, options: { pretty?: boolean } = {}): string {
  return format(group(toDoc(term)), options.pretty ? 80 : Number.POSITIVE_INFINITY);
}

// ----- documents ---------------------------------------------------------------------------------

type Doc =
  | string
  | { readonly t: 'cons'; readonly left: Doc; readonly right: Doc }
  | { readonly t: 'nest'; readonly doc: Doc; readonly indent: number }
  | { readonly t: 'break'; readonly text: string; readonly flex: boolean }
  | { readonly t: 'group'; readonly doc: Doc };

const concat = (left: Doc, right: Doc): Doc => ({ t: 'cons', left, right });
const nest = (doc: Doc, indent: number): Doc => ({ t: 'nest', doc, indent });
const group = (doc: Doc): Doc => ({ t: 'group', doc });
const glue = (left: Doc, text: string, right: Doc, flex = false): Doc =>
  concat(left, concat({ t: 'break', text, flex }, right));

function toDoc(term: ElixirTerm): Doc {
  if (term === null) return 'nil';
  if (typeof term === 'boolean') return String(term);
  if (typeof term === 'number') return inspectNumber(term);
  if (typeof term === 'string') return inspectString(term);
  if (Array.isArray(term)) return container('[', term.map(toDoc), ']', 'maybe');
  if ('tuple' in term) return container('{', term.tuple.map(toDoc), '}', 'flex');
  const entries = (term as { map: readonly (readonly [ElixirTerm, ElixirTerm])[] }).map;
  return container(
    '%{',
    entries.map(([key, value]) => concat(concat(toDoc(key), ' => '), toDoc(value))),
    '}',
    'maybe',
  );
}

/** Inspect.Algebra.container_doc: flex layout when every item is plain text, else one per line. */
function container(left: string, docs: readonly Doc[], right: string, mode: 'maybe' | 'flex'): Doc {
  if (docs.length === 0) return left + right;
  const flex = mode === 'flex' || docs.every(isSimple);
  let body = docs[docs.length - 1] as Doc;
  for (let i = docs.length - 2; i >= 0; i--) body = glue(concat(docs[i] as Doc, ','), ' ', body, flex);
  return flex
    ? group(concat(concat(left, nest(body, 1)), right))
    : group(glue(nest(glue(left, '', body), 2), '', right));
}

/** Plain text, or text concatenated with text: such items may share lines. */
function isSimple(doc: Doc): boolean {
  if (typeof doc === 'string') return true;
  return doc.t === 'cons' && isSimple(doc.left) && isSimple(doc.right);
}

function inspectNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return BigInt(value).toString();
  // Floats: Erlang's shortest round-trip form, which always has a fraction (`1.0e21`).
  const [mantissa = '', exponent] = String(value).split('e');
  const withFraction = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? withFraction : `${withFraction}e${exponent.replace('+', '')}`;
}

const SHORT_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  27: '\\e',
  34: '\\"',
  92: '\\\\',
  127: '\\d',
};

function isPrintable(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    code in SHORT_ESCAPES ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Shown as `\uXXXX` although printable: invisible or confusable characters. */
function isConfusable(code: number): boolean {
  return (
    code === 0xfeff ||
    (code >= 0x2061 && code <= 0x2064) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0xfff9 && code <= 0xfffc) ||
    code === 0x200c ||
    code === 0x200d ||
    code === 0x034f ||
    code === 0x00a0 ||
    code === 0x200b ||
    code === 0x2060 ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x205f
  );
}

function inspectString(value: string): string {
  const codes = Array.from(value, (char) => char.codePointAt(0) as number);
  if (!codes.every(isPrintable)) {
    // Not printable as a string: Elixir shows the bytes, `<<104, 0>>`.
    return `<<${Array.from(Buffer.from(value)).join(', ')}>>`;
  }
  let out = '"';
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code === 0x23 && codes[i + 1] === 0x7b) {
      out += '\\#{';
      i++;
    } else if (code in SHORT_ESCAPES) out += SHORT_ESCAPES[code];
    else if (isConfusable(code)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += String.fromCodePoint(code);
  }
  return `${out}"`;
}

// ----- layout (Inspect.Algebra.format/2 and fits?/4, for the node kinds above) -------------------

type Mode = 'flat' | 'break';
type Entry = { readonly indent: number; readonly mode: Mode; readonly doc: Doc } | 'group_over';
type Stack =
  | { readonly entry: Entry; readonly next: Stack }
  | { readonly tail: boolean; readonly next: Stack }
  | null;

const push = (entry: Entry, next: Stack): Stack => ({ entry, next });
const bytes = (text: string): number => Buffer.byteLength(text);

function fits(width: number, column: number, broke: boolean, stack: Stack): boolean {
  let k = column;
  let b = broke;
  let s = stack;
  for (;;) {
    if (k > width && b) return false;
    if (s === null) return true;
    if ('tail' in s) {
      b = s.tail;
      s = s.next;
      continue;
    }
    const { entry, next } = s;
    if (entry === 'group_over') return b;
    const { indent, mode, doc } = entry;
    if (typeof doc === 'string') {
      k += bytes(doc);
      s = next;
    } else if (doc.t === 'break') {
      if (mode === 'break') return true;
      k += bytes(doc.text);
      b = true;
      s = next;
    } else if (doc.t === 'group') {
      s = push({ indent, mode: 'flat', doc: doc.doc }, { tail: b, next });
    } else if (doc.t === 'nest') {
      s = push({ indent: indent + doc.indent, mode, doc: doc.doc }, next);
    } else {
      s = push({ indent, mode, doc: doc.left }, push({ indent, mode, doc: doc.right }, next));
    }
  }
}

function format(doc: Doc, width: number): string {
  let out = '';
  let k = 0;
  let s: Stack = push({ indent: 0, mode: 'flat', doc }, null);
  while (s !== null) {
    if ('tail' in s) {
      s = s.next;
      continue;
    }
    const { entry, next } = s;
    s = next;
    if (entry === 'group_over') continue;
    const { indent, mode, doc: d } = entry;
    if (typeof d === 'string') {
      out += d;
      k += bytes(d);
    } else if (d.t === 'break') {
      const fitsFlat = d.flex
        ? width === Number.POSITIVE_INFINITY || mode === 'flat' || fits(width, k + bytes(d.text), true, s)
        : mode !== 'break';
      if (fitsFlat) {
        out += d.text;
        k += bytes(d.text);
      } else {
        out += `\n${' '.repeat(indent)}`;
        k = indent;
      }
    } else if (d.t === 'group') {
      const flat =
        width === Number.POSITIVE_INFINITY ||
        fits(width, k, false, push({ indent, mode: 'flat', doc: d.doc }, null));
      s = push({ indent, mode: flat ? 'flat' : 'break', doc: d.doc }, push('group_over', s));
    } else if (d.t === 'nest') {
      s = push({ indent: indent + d.indent, mode, doc: d.doc }, s);
    } else {
      s = push({ indent, mode, doc: d.left }, push({ indent, mode, doc: d.right }, s));
    }
  }
  return out;
}
