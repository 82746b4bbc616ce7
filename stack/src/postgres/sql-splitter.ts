/**
 * Splits a SQL script into statements the way the Supabase CLI's migration runner does: on
 * semicolons outside quotes, dollar-quoted bodies, comments and `BEGIN ATOMIC ... END` bodies.
 * Offsets point into the original text so errors can be reported by line and column.
 */
export interface SqlStatement {
  readonly text: string;
  /** Offset of the statement's first non-blank character in the script. */
  readonly offset: number;
}

type State = 'code' | 'single' | 'escape-string' | 'double' | 'dollar' | 'line-comment' | 'block-comment';

export function splitSql(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let state: State = 'code';
  let start = 0;
  let dollarTag = '';
  let blockDepth = 0;
  let atomicDepth = 0; // > 0 inside BEGIN ATOMIC; counts nested CASE ... END
  let lastWords: string[] = [];
  let i = 0;

  const push = (end: number) => {
    const raw = script.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    if (hasCode(raw)) statements.push({ text: raw.trim(), offset: start + lead });
    start = end + 1;
  };

  while (i < script.length) {
    const ch = script[i] as string;
    const next = script[i + 1];
    switch (state) {
      case 'code': {
        if (ch === '-' && next === '-') {
          state = 'line-comment';
          i += 2;
          continue;
        }
        if (ch === '/' && next === '*') {
          state = 'block-comment';
          blockDepth = 1;
          i += 2;
          continue;
        }
        if (ch === "'") {
          const prev = script[i - 1];
          state = (prev === 'E' || prev === 'e') && !isWordChar(script[i - 2]) ? 'escape-string' : 'single';
          break;
        }
        if (ch === '"') {
          state = 'double';
          break;
        }
        if (ch === '$') {
          const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
          if (tag && !isWordChar(script[i - 1])) {
            dollarTag = tag[0];
            state = 'dollar';
            i += dollarTag.length;
            continue;
          }
          break;
        }
        if (isWordStart(ch) && !isWordChar(script[i - 1])) {
          let j = i;
          while (j < script.length && isWordChar(script[j])) j++;
          const word = script.slice(i, j).toUpperCase();
          if (word === 'ATOMIC' && lastWords.at(-1) === 'BEGIN') atomicDepth = 1;
          else if (atomicDepth > 0 && word === 'CASE') atomicDepth++;
          else if (atomicDepth > 0 && word === 'END') atomicDepth--;
          lastWords = [...lastWords.slice(-2), word];
          i = j;
          continue;
        }
        if (ch === ';' && atomicDepth === 0) {
          push(i);
          lastWords = [];
        }
        break;
      }
      case 'single':
      case 'double': {
        const quote = state === 'single' ? "'" : '"';
        if (ch === quote) {
          if (next === quote) i++;
          else state = 'code';
        }
        break;
      }
      case 'escape-string':
        if (ch === '\\') i++;
        else if (ch === "'") {
          if (next === "'") i++;
          else state = 'code';
        }
        break;
      case 'dollar':
        if (ch === '$' && script.startsWith(dollarTag, i)) {
          i += dollarTag.length;
          state = 'code';
          continue;
        }
        break;
      case 'line-comment':
        if (ch === '\n') state = 'code';
        break;
      case 'block-comment':
        if (ch === '/' && next === '*') {
          blockDepth++;
          i++;
        } else if (ch === '*' && next === '/') {
          blockDepth--;
          i++;
          if (blockDepth === 0) state = 'code';
        }
        break;
    }
    i++;
  }
  push(script.length);
  return statements;
}

function isWordStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$]/.test(ch);
}

/** True when the text holds anything but whitespace and comments. */
function hasCode(text: string): boolean {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/--[^\n]*/g, '')
      .trim().length > 0
  );
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
