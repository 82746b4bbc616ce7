import type { QualifiedName } from '../schema-cache/index.ts';

/**
 * Collects bind parameters while SQL text is assembled. Values only ever enter the text as
 * `$n`; identifiers only as quoted names taken from the schema cache.
 */
export class Params {
  readonly values: string[] = [];

  /** A value as a parameter; PostgreSQL infers its type from the context, like a literal. */
  add(value: string): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A parameter with an explicit type where the context does not determine one. */
  typed(value: string, type: 'text' | 'regconfig' | 'json' | 'jsonb'): string {
    return `${this.add(value)}::${type}`;
  }
}

/** A quoted identifier. Callers pass names from the schema cache or our own aliases only. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(name: QualifiedName): string {
  return `${ident(name.schema)}.${ident(name.name)}`;
}

/**
 * Type names for `::cast` in select items. They cannot be parameters, so only plain names
 * pass: letters, digits, underscores, single spaces between words, optional `[]` suffixes,
 * optionally schema-qualified. Anything else is refused before it reaches SQL.
 */
const TYPE_NAME =
  /^(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*(?: [A-Za-z_][A-Za-z0-9_]*)*(?:\[\])*$/;

export function isSafeTypeName(type: string): boolean {
  return type.length <= 63 && TYPE_NAME.test(type);
}
