import type { QueryRequest } from '../ast.ts';
import type { Relation, Relationship, SchemaCache } from '../schema-cache/index.ts';
import type { Params } from './params.ts';

/** Everything a read's SQL builder needs, shared by the root and every embed. */
export interface ReadContext {
  readonly cache: SchemaCache;
  readonly schema: string;
  readonly params: Params;
  readonly request: QueryRequest;
  /** `[api] max_rows`: the root page never exceeds it. */
  readonly maxRows: number | undefined;
  /** Source of unique aliases within one statement. */
  nextAlias(): string;
}

/**
 * One step from a node to an embed. Query keys may name an embed by its alias or by the
 * relation it embeds (`author.name=eq.x` or `users.name=eq.x` for `author:users(name)`).
 */
export interface EmbedLink {
  /** The output key: the alias, else the relation as written. */
  readonly name: string;
  /** The relation (or column, or constraint) the select item named. */
  readonly relation: string;
}

/** An embed as built: what filters, orders and presence tests on it need. */
export interface EmbedNode extends EmbedLink {
  /** The LATERAL subquery's alias; its `pgrst_json` column holds the embedded JSON. */
  readonly lateralAlias: string;
  readonly toMany: boolean;
  readonly relationship: Exclude<Relationship, { type: 'computed' }>;
  readonly target: Relation;
  readonly children: readonly EmbedNode[];
}

/** Does a query-key segment name this embed? */
export const namesEmbed = (segment: string, link: EmbedLink) =>
  segment === link.name || segment === link.relation;
