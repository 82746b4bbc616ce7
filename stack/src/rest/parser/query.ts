import type { Condition, EmbedPath, NodeModifiers, OrderTerm, QueryRequest, SelectItem } from '../ast.ts';
import { parseColumns, parseOnConflict } from './columns.ts';
import { parseFilter, parseTreePath } from './filter.ts';
import { embedPage, type Page, rootPage } from './limit-offset.ts';
import { parseLogicTree } from './logic.ts';
import { parseOrder } from './order.ts';
import { parseSelect } from './select.ts';

export interface ParseQueryOptions {
  /**
   * For GET/HEAD `/rpc/fn`: the function's argument names. Those keys are RPC arguments (kept
   * raw); every other non-reserved key must parse as a filter on the function's result.
   */
  readonly argumentNames?: ReadonlySet<string>;
}

/** Keys that are reserved only as a whole; `author.select` is a filter on author's `select`. */
const RESERVED = new Set(['select', 'columns', 'on_conflict']);

/** Reserved as the last dot-separated word of a key, for the root or an embed path. */
type EmbeddableReserved = 'order' | 'limit' | 'offset' | 'and' | 'or';
const EMBEDDABLE_RESERVED: ReadonlySet<string> = new Set<EmbeddableReserved>([
  'order',
  'limit',
  'offset',
  'and',
  'or',
]);

function isEmbeddableReserved(word: string): word is EmbeddableReserved {
  return EMBEDDABLE_RESERVED.has(word);
}

interface Entry {
  readonly index: number;
  readonly key: string;
  readonly value: string;
}

interface NodeDraft {
  readonly path: EmbedPath;
  readonly conditions: Condition[];
  order?: readonly OrderTerm[];
  page?: Page;
}

/** A parsed parameter, applied to its node in query-string order once everything parsed. */
interface Step {
  readonly index: number;
  readonly path: EmbedPath;
  readonly apply: (node: NodeDraft) => unknown;
}

function setPage(node: NodeDraft, page: Page): void {
  node.page = page;
}

const DEFAULT_SELECT: readonly SelectItem[] = [{ type: 'star' }];

/**
 * Reads a PostgREST query string into the request AST. Errors are PostgrestErrors: 400 PGRST100
 * for syntax (reported in PostgREST's order: order, logic trees, columns, select, filters,
 * on_conflict), 416 PGRST103 for a negative root limit, 22P02 for a malformed `(any)` list.
 *
 * - `select`, `columns` and `on_conflict` use their first occurrence;
 * - repeated filters (`age=gte.18&age=lt.65`) and logic trees are all kept, ANDed;
 * - the first `order` of a path wins, the last `limit` / `offset` of a path wins;
 * - `author.x=eq.1`, `author.order=…`, `author.or=(…)`, `author.limit=…` go to embed path [author].
 *
 * @example parseQuery(new URLSearchParams('select=id,author(name)&age=gte.18&author.order=name&limit=10'))
 */
export function parseQuery(params: URLSearchParams, options: ParseQueryOptions = {}): QueryRequest {
  const entries: Entry[] = [...params].map(([key, value], index) => ({ index, key, value }));
  const argumentNames = options.argumentNames ?? new Set<string>();
  const byKind = new Map<EmbeddableReserved | 'filter', Entry[]>();
  const args = new Map<string, string>();
  for (const entry of entries) {
    if (RESERVED.has(entry.key)) continue;
    const word = entry.key.slice(entry.key.lastIndexOf('.') + 1);
    if (isEmbeddableReserved(word)) push(byKind, word, entry);
    else if (argumentNames.has(entry.key)) args.set(entry.key, entry.value);
    else push(byKind, 'filter', entry);
  }
  const firstValue = (key: string): string | undefined => entries.find((e) => e.key === key)?.value;

  const steps: Step[] = [];
  for (const { index, key, value } of byKind.get('order') ?? []) {
    const { path } = parseTreePath(key);
    const terms = parseOrder(value);
    steps.push({
      index,
      path,
      apply: (node) => {
        node.order ??= terms;
      },
    });
  }
  for (const { index, key, value } of ofKinds(byKind, 'and', 'or')) {
    const { path, condition } = parseLogicTree(key, value);
    steps.push({ index, path, apply: (node) => node.conditions.push(condition) });
  }
  const columnsText = firstValue('columns');
  const columns = columnsText === undefined ? undefined : parseColumns(columnsText);
  const selectText = firstValue('select');
  const select = selectText === undefined ? DEFAULT_SELECT : parseSelect(selectText);
  for (const { index, key, value } of byKind.get('filter') ?? []) {
    const { path, filter } = parseFilter(key, value);
    steps.push({ index, path, apply: (node) => node.conditions.push(filter) });
  }
  const onConflictText = firstValue('on_conflict');
  const onConflict = onConflictText === undefined ? undefined : parseOnConflict(onConflictText);
  steps.push(...pageSteps(ofKinds(byKind, 'limit', 'offset')));

  return {
    select,
    modifiers: buildModifiers(steps),
    ...(columns !== undefined && { columns }),
    ...(onConflict !== undefined && { onConflict }),
    arguments: args,
  };
}

function push<K>(map: Map<K, Entry[]>, kind: K, entry: Entry): void {
  const list = map.get(kind);
  if (list === undefined) map.set(kind, [entry]);
  else list.push(entry);
}

/** The entries of some kinds, in query-string order. */
function ofKinds<K>(map: Map<K, Entry[]>, ...kinds: K[]): Entry[] {
  return kinds.flatMap((kind) => map.get(kind) ?? []).sort((a, b) => a.index - b.index);
}

/**
 * Pairs each path's limit and offset the way PostgREST does, by key with `offset` read as
 * `limit` (`author.offset` pairs with `author.limit`). The root's page is checked first.
 */
function pageSteps(entries: readonly Entry[]): Step[] {
  const byKey = new Map<string, { index: number; limit?: string; offset?: string }>();
  for (const { index, key, value } of entries) {
    const dot = key.lastIndexOf('.');
    const limitKey = `${key.slice(0, dot + 1)}limit`;
    const isOffset = key.slice(dot + 1) === 'offset';
    const raw = byKey.get(limitKey) ?? { index };
    byKey.set(limitKey, isOffset ? { ...raw, offset: value } : { ...raw, limit: value });
  }
  const steps: Step[] = [];
  const root = byKey.get('limit');
  if (root !== undefined) {
    const page = rootPage(root);
    steps.push({ index: root.index, path: [], apply: (node) => setPage(node, page) });
  }
  for (const [key, raw] of byKey) {
    if (key === 'limit') continue;
    const { path } = parseTreePath(key);
    const page = embedPage(raw);
    if (page.limit !== undefined || page.offset !== undefined) {
      steps.push({ index: raw.index, path, apply: (node) => setPage(node, page) });
    }
  }
  return steps;
}

/** The root's modifiers first, then each embed path's, in order of first mention. */
function buildModifiers(steps: readonly Step[]): NodeModifiers[] {
  const root: NodeDraft = { path: [], conditions: [] };
  const nodes = new Map<string, NodeDraft>([[pathKey([]), root]]);
  for (const step of [...steps].sort((a, b) => a.index - b.index)) {
    const key = pathKey(step.path);
    let node = nodes.get(key);
    if (node === undefined) {
      node = { path: step.path, conditions: [] };
      nodes.set(key, node);
    }
    step.apply(node);
  }
  return [...nodes.values()].map(({ path, conditions, order, page }) => ({
    path,
    conditions,
    order: order ?? [],
    ...(page?.limit !== undefined && { limit: page.limit }),
    ...(page?.offset !== undefined && { offset: page.offset }),
  }));
}

function pathKey(path: EmbedPath): string {
  return JSON.stringify(path);
}
