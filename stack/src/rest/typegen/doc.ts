/**
 * A small pretty-printing document algebra with Prettier's semantics (Wadler's "prettier
 * printer" as Prettier implements it): `supabase gen types` pipes its output through Prettier,
 * so to print the same bytes we lay out the same documents the same way.
 *
 * - A group is printed flat when it fits in the remaining width, where "fits" also counts what
 *   follows the group up to the next possible line break, as Prettier does.
 * - A group containing a hard line, or marked `shouldBreak`, always breaks, and so do the groups
 *   around it.
 * - Trailing spaces are trimmed before every newline.
 */

export type Doc =
  | string
  | readonly Doc[]
  | { readonly kind: 'group'; readonly contents: Doc; shouldBreak: boolean }
  | { readonly kind: 'indent'; readonly contents: Doc }
  | { readonly kind: 'align'; readonly width: number; readonly contents: Doc }
  | { readonly kind: 'line'; readonly hard: boolean; readonly soft: boolean }
  | { readonly kind: 'ifBreak'; readonly breakContents: Doc; readonly flatContents: Doc }
  | { readonly kind: 'breakParent' };

export const line: Doc = { kind: 'line', hard: false, soft: false };
export const softline: Doc = { kind: 'line', hard: false, soft: true };
const hardLineBreak: Doc = { kind: 'line', hard: true, soft: false };
const breakParent: Doc = { kind: 'breakParent' };
export const hardline: Doc = [hardLineBreak, breakParent];

export const group = (contents: Doc, shouldBreak = false): Doc => ({ kind: 'group', contents, shouldBreak });
export const indent = (contents: Doc): Doc => ({ kind: 'indent', contents });
export const align = (width: number, contents: Doc): Doc => ({ kind: 'align', width, contents });
export const ifBreak = (breakContents: Doc, flatContents: Doc = ''): Doc => ({
  kind: 'ifBreak',
  breakContents,
  flatContents,
});
export const join = (separator: Doc, docs: readonly Doc[]): Doc =>
  docs.flatMap((doc, i) => (i === 0 ? [doc] : [separator, doc]));

type Mode = 'break' | 'flat';
interface Command {
  readonly indent: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

/** Marks every group that contains a hard break (directly or through a broken group) as broken. */
function propagateBreaks(doc: Doc): boolean {
  if (typeof doc === 'string') return false;
  if (Array.isArray(doc)) {
    let breaks = false;
    for (const part of doc as readonly Doc[]) breaks = propagateBreaks(part) || breaks;
    return breaks;
  }
  const node = doc as Exclude<Doc, string | readonly Doc[]>;
  switch (node.kind) {
    case 'breakParent':
      return true;
    case 'group': {
      const inner = propagateBreaks(node.contents);
      if (inner) node.shouldBreak = true;
      return node.shouldBreak;
    }
    case 'indent':
    case 'align':
      return propagateBreaks(node.contents);
    case 'ifBreak':
      return propagateBreaks(node.breakContents) || propagateBreaks(node.flatContents);
    case 'line':
      return false;
  }
}

/** Display width: wide (East Asian, emoji) characters count two columns, combining marks none. */
export function textWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/**
 * Whether `next` fits in `width` columns when printed flat, followed by the `rest` of the
 * commands up to their first line break in break mode.
 */
function fits(next: Command, rest: readonly Command[], width: number): boolean {
  let restIndex = rest.length;
  const stack: { mode: Mode; doc: Doc }[] = [{ mode: next.mode, doc: next.doc }];
  let remaining = width;
  while (remaining >= 0) {
    const item = stack.pop();
    if (!item) {
      if (restIndex === 0) return true;
      const command = rest[--restIndex] as Command;
      stack.push({ mode: command.mode, doc: command.doc });
      continue;
    }
    const { mode, doc } = item;
    if (typeof doc === 'string') {
      remaining -= textWidth(doc);
      continue;
    }
    if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) stack.push({ mode, doc: doc[i] as Doc });
      continue;
    }
    const node = doc as Exclude<Doc, string | readonly Doc[]>;
    switch (node.kind) {
      case 'indent':
      case 'align':
        stack.push({ mode, doc: node.contents });
        break;
      case 'group':
        stack.push({ mode: node.shouldBreak ? 'break' : mode, doc: node.contents });
        break;
      case 'ifBreak':
        stack.push({ mode, doc: mode === 'break' ? node.breakContents : node.flatContents });
        break;
      case 'line':
        if (mode === 'break' || node.hard) return true;
        if (!node.soft) remaining -= 1;
        break;
      case 'breakParent':
        break;
    }
  }
  return false;
}

/** Lays `doc` out in `width` columns with two-space indentation. */
export function printDoc(doc: Doc, width = 80): string {
  propagateBreaks(doc);
  const out: string[] = [];
  let column = 0;
  const commands: Command[] = [{ indent: 0, mode: 'break', doc }];
  while (commands.length > 0) {
    const { indent: level, mode, doc: current } = commands.pop() as Command;
    if (typeof current === 'string') {
      out.push(current);
      column += textWidth(current);
      continue;
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        commands.push({ indent: level, mode, doc: current[i] as Doc });
      continue;
    }
    const node = current as Exclude<Doc, string | readonly Doc[]>;
    switch (node.kind) {
      case 'indent':
        commands.push({ indent: level + 2, mode, doc: node.contents });
        break;
      case 'align':
        commands.push({ indent: level + node.width, mode, doc: node.contents });
        break;
      case 'group': {
        const flat: Command = { indent: level, mode: 'flat', doc: node.contents };
        if (mode === 'flat' && !node.shouldBreak) commands.push(flat);
        else if (!node.shouldBreak && fits(flat, commands, width - column)) commands.push(flat);
        else commands.push({ indent: level, mode: 'break', doc: node.contents });
        break;
      }
      case 'ifBreak':
        commands.push({
          indent: level,
          mode,
          doc: mode === 'break' ? node.breakContents : node.flatContents,
        });
        break;
      case 'line':
        if (mode === 'flat' && !node.hard) {
          if (!node.soft) {
            out.push(' ');
            column += 1;
          }
          break;
        }
        trimTrailingSpaces(out);
        out.push(`\n${' '.repeat(level)}`);
        column = level;
        break;
      case 'breakParent':
        break;
    }
  }
  return out.join('');
}

function trimTrailingSpaces(out: string[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1] as string;
    const trimmed = last.replace(/[ \t]+$/, '');
    if (trimmed.length > 0) {
      out[out.length - 1] = trimmed;
      return;
    }
    out.pop();
  }
}
