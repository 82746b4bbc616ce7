import { align, type Doc, group, hardline, ifBreak, indent, join, line, softline } from './doc.ts';
import type { Member, TsType } from './ts-type.ts';

/**
 * Prints a string as Prettier re-prints a `JSON.stringify`-ed string: double quotes unless
 * the text holds more double than single quotes, only the enclosing quote escaped.
 */
export function quote(value: string): string {
  const raw = JSON.stringify(value).slice(1, -1);
  const doubles = (raw.match(/"/g) ?? []).length;
  const singles = (raw.match(/'/g) ?? []).length;
  const enclosing = doubles > singles ? "'" : '"';
  const other = enclosing === '"' ? "'" : '"';
  const body = raw.replace(
    /\\(.)|(["'])/gs,
    (match, escaped: string | undefined, bare: string | undefined) => {
      if (escaped === other) return escaped;
      if (bare === enclosing) return `\\${bare}`;
      if (bare) return bare;
      return /^[^\n\r"'0-7\\bfnrt-vx\u2028\u2029]$/.test(escaped ?? '') ? (escaped as string) : match;
    },
  );
  return `${enclosing}${body}${enclosing}`;
}

/** ES5 identifier names (Basic Multilingual Plane only), which Prettier leaves unquoted as keys. */
const ES5_IDENTIFIER =
  /^(?:[$_\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}])(?:[$_\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u200c\u200d])*$/u;

export function propertyKey(key: string): string {
  return ES5_IDENTIFIER.test(key) && ![...key].some((c) => (c.codePointAt(0) ?? 0) > 0xffff)
    ? key
    : quote(key);
}

type Context = 'member' | 'union' | 'intersection' | 'array' | 'tuple';

const isObjectLike = (t: TsType) => t.kind === 'object' || t.kind === 'nothing';
const isNullish = (t: TsType) => t.kind === 'name' && (t.text === 'null' || t.text === 'void');

/** `{ ... } | null`: Prettier keeps a single object with nulls "hugged" rather than listed. */
const hugs = (types: readonly TsType[]) =>
  types.filter(isObjectLike).length === 1 && types.every((t) => isObjectLike(t) || isNullish(t));

function printUnion(types: readonly TsType[], context: Context): Doc {
  if (hugs(types))
    return join(
      ' | ',
      types.map((t) => printType(t, 'union')),
    );
  const printed = types.map((t) => align(2, printType(t, 'union')));
  const shouldIndent = context !== 'tuple';
  const code: Doc = [ifBreak([shouldIndent ? line : '', '| ']), join([line, '| '], printed)];
  if (context === 'array') return group([indent(code), softline]);
  return group(shouldIndent ? indent(code) : code);
}

/** Objects next to each other stay inline; anything else moves to the next line when too long. */
function printIntersection(types: readonly TsType[]): Doc {
  const parts: Doc[] = [];
  let wasIndented = false;
  types.forEach((type, i) => {
    const printed = printType(type, 'intersection');
    const previous = types[i - 1];
    if (!previous) {
      parts.push(printed);
    } else if (!isObjectLike(previous) && !isObjectLike(type)) {
      parts.push(indent([' &', line, printed]));
    } else if (isObjectLike(previous) && isObjectLike(type)) {
      parts.push(' & ', wasIndented ? indent(printed) : printed);
    } else {
      if (i > 1) wasIndented = true;
      parts.push(' & ', i > 1 ? indent(printed) : printed);
    }
  });
  return group(parts);
}

function printMember(m: Member): Doc {
  const comments = (m.comments ?? []).map((c) => [c, hardline]);
  return [...comments, propertyKey(m.key), m.optional ? '?' : '', ': ', printType(m.type, 'member')];
}

/** Lays a type out as Prettier does (no semicolons, trailing commas, 80 columns). */
export function printType(type: TsType, context: Context = 'member'): Doc {
  switch (type.kind) {
    case 'name':
      return type.text;
    case 'string':
      return quote(type.value);
    case 'boolean':
      return String(type.value);
    case 'path':
      return [type.root, ...type.keys.map((k) => `[${quote(k)}]`)];
    case 'array': {
      const needsParens = type.element.kind === 'union' || type.element.kind === 'intersection';
      const element = printType(type.element, 'array');
      return needsParens ? ['(', element, ')[]'] : [element, '[]'];
    }
    case 'union':
      return printUnion(type.types, context);
    case 'intersection':
      return printIntersection(type.types);
    case 'tuple':
      if (type.elements.length === 0) return '[]';
      return group([
        '[',
        indent([
          softline,
          join(
            [',', line],
            type.elements.map((e) => printType(e, 'tuple')),
          ),
        ]),
        ifBreak(','),
        softline,
        ']',
      ]);
    case 'object':
      if (type.members.length === 0) return '{}';
      return group(
        ['{', indent([line, join([ifBreak('', ';'), line], type.members.map(printMember))]), line, '}'],
        type.expanded,
      );
    case 'nothing':
      return group(['{', indent([line, '[_ in never]: never']), line, '}'], true);
  }
}
