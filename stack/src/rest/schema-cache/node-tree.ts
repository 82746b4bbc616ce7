/**
 * A reader for PostgreSQL's `pg_node_tree` text (the format of `nodeToString`, read back by
 * the server's `read.c`), enough to find where a view's columns come from.
 *
 * Tokens are separated by whitespace; `(`, `)`, `{` and `}` are tokens of their own; a
 * backslash makes the next character ordinary; `<>` is a null. `{TYPE :field value ...}` is a
 * node, `(...)` a list. A field's value is every token up to the next `:field` or `}` (a Const's
 * `:constvalue 4 [ 1 0 0 0 ]` spans several).
 */

export type NodeValue = string | null | NodeValue[] | TreeNode;

export interface TreeNode {
  readonly type: string;
  readonly fields: Readonly<Record<string, NodeValue>>;
}

const SPACE = 32;
const NEWLINE = 10;
const TAB = 9;
const BACKSLASH = 92;
const COLON = 58;
const isWhitespace = (c: number) => c === SPACE || c === NEWLINE || c === TAB;
const isDelimiter = (c: number) => c === 40 || c === 41 || c === 123 || c === 125; // ( ) { }

/** A cursor over the text; reads tokens without materialising the parts it skips. */
class Reader {
  private pos = 0;

  constructor(private readonly src: string) {}

  /** The next token's first character code (after whitespace), or -1 at the end. */
  peek(): number {
    while (this.pos < this.src.length && isWhitespace(this.src.charCodeAt(this.pos))) this.pos++;
    return this.pos < this.src.length ? this.src.charCodeAt(this.pos) : -1;
  }

  /** Whether the next token is an (unescaped) `:field` name. */
  atField(): boolean {
    return this.peek() === COLON && this.pos + 1 < this.src.length;
  }

  expect(code: number, what: string): void {
    if (this.peek() !== code) throw new Error(`expected '${what}' in node tree`);
    this.pos++;
  }

  /** An atom's text with escapes removed, and whether it had any. */
  atom(): { text: string; escaped: boolean } {
    this.peek();
    const start = this.pos;
    let escaped = false;
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (isWhitespace(c) || isDelimiter(c)) break;
      if (c === BACKSLASH && this.pos + 1 < this.src.length) {
        escaped = true;
        this.pos += 2;
      } else this.pos++;
    }
    const raw = this.src.slice(start, this.pos);
    return { text: escaped ? raw.replace(/\\(.)/gs, '$1') : raw, escaped };
  }

  /** Reads one value completely. */
  value(): NodeValue {
    const c = this.peek();
    if (c === -1) throw new Error('unexpected end of node tree');
    if (c === 123) {
      this.pos++;
      const type = this.atom().text;
      const fields: Record<string, NodeValue> = Object.create(null);
      while (this.atField()) {
        const name = this.atom().text.slice(1);
        const values = this.fieldValues(() => this.value());
        fields[name] = values.length === 1 ? (values[0] as NodeValue) : values;
      }
      this.expect(125, '}');
      return { type, fields };
    }
    if (c === 40) {
      this.pos++;
      const items: NodeValue[] = [];
      while (this.peek() !== 41 && this.peek() !== -1) items.push(this.value());
      this.expect(41, ')');
      return items;
    }
    if (isDelimiter(c)) throw new Error('unbalanced node tree');
    const { text, escaped } = this.atom();
    return !escaped && text === '<>' ? null : text;
  }

  /** Advances past one value, checking only that brackets balance. */
  skip(): void {
    const c = this.peek();
    if (c !== 123 && c !== 40) {
      if (c === -1 || isDelimiter(c)) throw new Error('unbalanced node tree');
      this.atom();
      return;
    }
    let depth = 0;
    do {
      const d = this.peek();
      if (d === -1) throw new Error('unexpected end of node tree');
      if (d === 123 || d === 40) {
        depth++;
        this.pos++;
      } else if (d === 125 || d === 41) {
        depth--;
        this.pos++;
      } else this.atom();
    } while (depth > 0);
  }

  /** The values of the current field: everything up to the next `:field` or the node's end. */
  fieldValues<T>(read: () => T): T[] {
    const values: T[] = [];
    for (let c = this.peek(); c !== 125 && c !== -1 && !this.atField(); c = this.peek()) values.push(read());
    return values;
  }
}

/** Parses one value (node, list or atom). Throws on malformed input. */
export function parseNodeTree(source: string): NodeValue {
  return new Reader(source).value();
}

/** Where one output column of a view's query comes from (`resorigtbl = 0`: no plain column). */
export interface TargetOrigin {
  readonly resno: number;
  readonly table: number;
  readonly column: number;
}

/**
 * The target list of the query in a view's `_RETURN` rule: for each output column, the base
 * table column it is a plain reference to, as the parser recorded it (`resorigtbl`/`resorigcol`).
 * Only the target list is materialised; views can have large query trees.
 */
export function viewTargetOrigins(definition: string): TargetOrigin[] {
  const reader = new Reader(definition);
  reader.expect(40, '(');
  reader.expect(123, '{');
  reader.atom();
  let targets: NodeValue = null;
  while (reader.atField()) {
    const name = reader.atom().text;
    if (name === ':targetList') [targets = null] = reader.fieldValues(() => reader.value());
    else reader.fieldValues(() => reader.skip());
  }
  reader.expect(125, '}');
  if (!Array.isArray(targets)) return [];
  const origins: TargetOrigin[] = [];
  for (const entry of targets) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const { resno, resorigtbl, resorigcol } = entry.fields;
    origins.push({ resno: Number(resno), table: Number(resorigtbl), column: Number(resorigcol) });
  }
  return origins;
}
