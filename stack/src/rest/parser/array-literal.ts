import { PostgrestError } from '../errors.ts';

/**
 * The elements of a PostgreSQL array literal, for the `(any)` / `(all)` quantified filters
 * (`like(any).{a*,b*}`). PostgREST hands that text to PostgreSQL as an array; we split it here
 * so the SQL builder can bind a list, and fail the way PostgreSQL's `array_in` would (22P02,
 * "malformed array literal") when it is not one.
 *
 * Nested arrays are flattened (`= ANY` ranges over every element). Known gaps: dimension
 * decorations (`[1:2]={a,b}`) are rejected, and an unquoted NULL stays the text "NULL" because
 * the AST's lists hold strings.
 *
 * @example parseArrayLiteral('{a*,"b,c",\\"q}') // ['a*', 'b,c', '"q']
 */
export function parseArrayLiteral(text: string): string[] {
  return new ArrayLiteralReader(text).read();
}

/** PostgreSQL's `scanner_isspace`. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

type Expecting = 'elementOrClose' | 'element' | 'delimiterOrClose';

class ArrayLiteralReader {
  private readonly text: string;
  private i = 0;
  private readonly elements: string[] = [];
  /** Per depth: whether that level holds sub-arrays or scalars, and how many items it had. */
  private readonly levelHoldsArrays: (boolean | undefined)[] = [];
  private readonly levelLength: (number | undefined)[] = [];
  private readonly counts: number[] = [];

  constructor(text: string) {
    this.text = text;
  }

  read(): string[] {
    this.skipSpaces();
    if (this.text[this.i] !== '{') this.fail('Array value must start with "{" or dimension information.');
    let expecting: Expecting = 'elementOrClose';
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.i];
      if (c === undefined) this.fail('Unexpected end of input.');
      if (c === '{') {
        if (expecting === 'delimiterOrClose') this.unexpectedCharacter(c);
        this.enterLevel();
        expecting = 'elementOrClose';
      } else if (c === '}') {
        if (expecting === 'element') this.unexpectedCharacter(c);
        this.leaveLevel();
        expecting = 'delimiterOrClose';
        if (this.counts.length === 0) break;
      } else if (c === ',') {
        if (expecting !== 'delimiterOrClose') this.unexpectedCharacter(c);
        this.i++;
        expecting = 'element';
      } else {
        if (expecting === 'delimiterOrClose') this.fail('Unexpected array element.');
        this.noteItem(false);
        this.elements.push(c === '"' ? this.readQuoted() : this.readUnquoted());
        expecting = 'delimiterOrClose';
      }
    }
    this.skipSpaces();
    if (this.i < this.text.length) this.fail('Junk after closing right brace.');
    return this.elements;
  }

  private enterLevel(): void {
    if (this.counts.length > 0) this.noteItem(true);
    this.counts.push(0);
    this.i++;
  }

  private leaveLevel(): void {
    const depth = this.counts.length - 1;
    const count = this.counts.pop() ?? 0;
    const expected = this.levelLength[depth];
    if (expected !== undefined && expected !== count) {
      this.fail('Multidimensional arrays must have sub-arrays with matching dimensions.');
    }
    this.levelLength[depth] = count;
    this.i++;
  }

  /** Counts an item at the current level; scalars and sub-arrays may not be mixed. */
  private noteItem(isArray: boolean): void {
    const depth = this.counts.length - 1;
    const holds = this.levelHoldsArrays[depth];
    if (holds !== undefined && holds !== isArray) {
      if (isArray) this.unexpectedCharacter('{');
      this.fail('Unexpected array element.');
    }
    this.levelHoldsArrays[depth] = isArray;
    this.counts[depth] = (this.counts[depth] ?? 0) + 1;
  }

  private readQuoted(): string {
    let value = '';
    this.i++;
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined) this.fail('Unexpected end of input.');
      if (c === '"') return value;
      if (c === '\\') {
        const escaped = this.text[this.i++];
        if (escaped === undefined) this.fail('Unexpected end of input.');
        value += escaped;
      } else {
        value += c;
      }
    }
  }

  /** Up to `,` or `}`; backslash escapes; surrounding unescaped whitespace is dropped. */
  private readUnquoted(): string {
    let value = '';
    let keep = 0;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('Unexpected end of input.');
      if (c === ',' || c === '}') break;
      if (c === '"' || c === '{') this.unexpectedCharacter(c);
      this.i++;
      if (c === '\\') {
        const escaped = this.text[this.i++];
        if (escaped === undefined) this.fail('Unexpected end of input.');
        value += escaped;
        keep = value.length;
      } else {
        value += c;
        if (!isSpace(c)) keep = value.length;
      }
    }
    return value.slice(0, keep);
  }

  private skipSpaces(): void {
    while (isSpace(this.text[this.i])) this.i++;
  }

  private unexpectedCharacter(c: string): never {
    return this.fail(`Unexpected "${c}" character.`);
  }

  private fail(details: string): never {
    throw new PostgrestError(400, '22P02', `malformed array literal: "${this.text}"`, { details });
  }
}
