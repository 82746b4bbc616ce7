/**
 * The TypeScript type syntax `gen types` prints, as a tree. postgres-meta builds the same
 * types as text and lets Prettier parse them; building the tree directly gives the same
 * structure (the helpers below follow how that text parses, e.g. where an appended `[]` binds).
 */

export type TsType =
  /** `string`, `number`, `never`, `Json`, `Record<string, unknown>`, ... */
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** `Database["public"]["Enums"]["mood"]` */
  | { readonly kind: 'path'; readonly root: string; readonly keys: readonly string[] }
  | { readonly kind: 'array'; readonly element: TsType }
  | { readonly kind: 'union'; readonly types: readonly TsType[] }
  | { readonly kind: 'intersection'; readonly types: readonly TsType[] }
  | { readonly kind: 'tuple'; readonly elements: readonly TsType[] }
  /**
   * `{ ... }`. `expanded` objects were written with a line break after `{`, which makes
   * Prettier keep them on several lines.
   */
  | { readonly kind: 'object'; readonly members: readonly Member[]; readonly expanded: boolean }
  /** `{ [_ in never]: never }`, the empty section marker. */
  | { readonly kind: 'nothing' };

export interface Member {
  readonly key: string;
  readonly optional: boolean;
  readonly type: TsType;
  /** `// ...` lines printed above the member. */
  readonly comments?: readonly string[];
}

export const name = (text: string): TsType => ({ kind: 'name', text });
export const stringLiteral = (value: string): TsType => ({ kind: 'string', value });
export const booleanLiteral = (value: boolean): TsType => ({ kind: 'boolean', value });
export const path = (root: string, ...keys: string[]): TsType => ({ kind: 'path', root, keys });
export const tuple = (elements: readonly TsType[]): TsType => ({ kind: 'tuple', elements });
export const nothing: TsType = { kind: 'nothing' };

export const STRING = name('string');
export const NUMBER = name('number');
export const UNKNOWN = name('unknown');
export const NEVER = name('never');
export const NULL = name('null');

export const member = (key: string, type: TsType, optional = false): Member => ({ key, type, optional });

/** An object written over several lines (`{\n ... }`). */
export const expandedObject = (members: readonly Member[]): TsType => ({
  kind: 'object',
  members,
  expanded: true,
});
/** An object written on one line (`{ a: x, b: y }`), which Prettier breaks only when too long. */
export const inlineObject = (members: readonly Member[]): TsType => ({
  kind: 'object',
  members,
  expanded: false,
});

/** `a | b`, flattening nested unions as the parser does for `a|b | c`. */
export function union(types: readonly TsType[]): TsType {
  const flat = types.flatMap((t) => (t.kind === 'union' ? t.types : [t]));
  return flat.length === 1 ? (flat[0] as TsType) : { kind: 'union', types: flat };
}

export function intersection(types: readonly TsType[]): TsType {
  return { kind: 'intersection', types };
}

/** `(x)[]`: an explicit array of `x`, whatever `x` is. */
export const arrayOf = (element: TsType): TsType => ({ kind: 'array', element });

/**
 * What appending the text `[]` to a printed type means: it binds to the last member of a
 * union or intersection (`"a" | "b"` + `[]` is `"a" | "b"[]`).
 */
export function appendArraySuffix(type: TsType): TsType {
  if (type.kind === 'union' || type.kind === 'intersection') {
    const last = type.types[type.types.length - 1] as TsType;
    return { ...type, types: [...type.types.slice(0, -1), appendArraySuffix(last)] };
  }
  return arrayOf(type);
}

/** postgres-meta's `type | null`, except for `unknown` and `any`, which already admit null. */
export function nullable(type: TsType, isNullable: boolean): TsType {
  if (!isNullable || (type.kind === 'name' && (type.text === 'unknown' || type.text === 'any'))) return type;
  return union([type, NULL]);
}
