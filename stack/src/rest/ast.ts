/**
 * The parsed form of a PostgREST request's query string and Prefer header. The parser builds
 * it from untrusted text; the SQL builder resolves every name in it against the schema cache
 * and never copies a name or value into SQL text. Names of PostgREST's grammar are kept.
 */

/** One step of a JSON path: `->key`, `->>key`, `->0`. */
export interface JsonPathStep {
  readonly arrow: '->' | '->>';
  /** A number for array indexes (`arr->0`), else an object key. */
  readonly key: string | number;
}

/** A column reference with an optional JSON path: `data->a->>b`. */
export interface Field {
  readonly name: string;
  readonly path: readonly JsonPathStep[];
}

export type AggregateFunction = 'count' | 'sum' | 'avg' | 'max' | 'min';

export type SelectItem =
  /** `*` */
  | { readonly type: 'star' }
  /** `alias:col->path::cast` or `col.sum()` / `alias:col.sum()::int` */
  | {
      readonly type: 'field';
      readonly field: Field;
      readonly alias?: string;
      readonly cast?: string;
      readonly aggregate?: AggregateFunction;
      /** Cast applied to the aggregate's result: `col.sum()::int`. */
      readonly aggregateCast?: string;
    }
  /** `count()` with no column (optionally `alias:count()::int`). */
  | { readonly type: 'count'; readonly alias?: string; readonly cast?: string }
  /** `alias:relation!hint!inner(items)` or `...relation(items)` */
  | {
      readonly type: 'embed';
      readonly relation: string;
      readonly alias?: string;
      /** FK constraint name, FK column or junction table that disambiguates. */
      readonly hint?: string;
      readonly join: 'left' | 'inner';
      readonly spread: boolean;
      readonly select: readonly SelectItem[];
    };

export type FilterOperator =
  | 'eq'
  | 'neq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'like'
  | 'ilike'
  | 'match'
  | 'imatch'
  | 'is'
  | 'isdistinct'
  | 'in'
  | 'cs'
  | 'cd'
  | 'ov'
  | 'sl'
  | 'sr'
  | 'nxl'
  | 'nxr'
  | 'adj'
  | 'fts'
  | 'plfts'
  | 'phfts'
  | 'wfts';

/** `col=not.like(any).{a*,b*}` / `col=fts(english).cat` / inside trees `col.not.eq.5`. */
export interface Filter {
  readonly type: 'filter';
  readonly field: Field;
  readonly negated: boolean;
  readonly operator: FilterOperator;
  /** `(any)` / `(all)` modifier: `value` is then a list. */
  readonly quantifier?: 'any' | 'all';
  /** Text-search configuration of fts operators: `fts(english)`. */
  readonly language?: string;
  /**
   * The operand as text, exactly as PostgREST passes it to PostgreSQL (which casts it to the
   * column's type). Lists for `in` and quantified operators, with quotes and escapes removed.
   * `like`/`ilike` patterns keep `*`; the builder turns it into `%`.
   * For `is`: one of 'null' | 'not_null' | 'true' | 'false' | 'unknown'.
   */
  readonly value: string | readonly string[];
}

/** `or=(a.eq.1,and(b.gt.2,c.lt.3))`, `not.and=(...)`. */
export interface LogicTree {
  readonly type: 'logic';
  readonly operator: 'and' | 'or';
  readonly negated: boolean;
  readonly children: readonly Condition[];
}

export type Condition = Filter | LogicTree;

/** `order=col.desc.nullslast`, `order=rel(col).asc` (ordering by a to-one embed's column). */
export interface OrderTerm {
  /** Set for `rel(col)` terms. */
  readonly relation?: string;
  readonly field: Field;
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

/**
 * An embed-path: `[]` is the root resource, `['author']` the embed named (or aliased) author,
 * `['author', 'company']` one level deeper. Query keys like `author.company.name=eq.x` target it.
 */
export type EmbedPath = readonly string[];

/** Conditions, order and page for the root or for one embed (by path). */
export interface NodeModifiers {
  readonly path: EmbedPath;
  readonly conditions: readonly Condition[];
  readonly order: readonly OrderTerm[];
  readonly limit?: number;
  readonly offset?: number;
}

/** Everything the query string says, beyond RPC arguments. */
export interface QueryRequest {
  /** `select=`; defaults to `[{ type: 'star' }]`. */
  readonly select: readonly SelectItem[];
  /** Root first (path `[]`), then one entry per embed path that has modifiers. */
  readonly modifiers: readonly NodeModifiers[];
  /** `columns=` of inserts (already unquoted). */
  readonly columns?: readonly string[];
  /** `on_conflict=` of upserts. */
  readonly onConflict?: readonly string[];
  /**
   * RPC arguments passed in the query string (GET/HEAD `/rpc/fn?a=1`): the keys the caller
   * named as argument names, raw. Every other non-reserved key must parse as a filter.
   */
  readonly arguments: ReadonlyMap<string, string>;
}

/** The `Prefer` header. */
export interface Preferences {
  readonly return?: 'minimal' | 'representation' | 'headers-only';
  readonly count?: 'exact' | 'planned' | 'estimated';
  readonly resolution?: 'merge-duplicates' | 'ignore-duplicates';
  readonly missing?: 'default' | 'null';
  readonly handling?: 'strict' | 'lenient';
  readonly tx?: 'commit' | 'rollback';
  readonly timezone?: string;
  readonly maxAffected?: number;
  /** Preferences we did not understand, verbatim (400 PGRST122 under handling=strict). */
  readonly invalid: readonly string[];
}
