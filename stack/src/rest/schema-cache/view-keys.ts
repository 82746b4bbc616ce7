import type { ConstraintRow } from './catalog/constraints.ts';
import type { ViewRow } from './catalog/views.ts';
import type { QualifiedName } from './model.ts';
import { viewTargetOrigins } from './node-tree.ts';

/**
 * A primary key (`p`), a foreign key's own columns (`f`) or a foreign key's referenced
 * columns (`f_ref`) that a view exposes completely. One base column may appear under several
 * view columns (`select id as a, id as b`), so each key column maps to a list of them.
 */
export interface ViewKeyDependency {
  readonly table: QualifiedName;
  readonly view: QualifiedName;
  readonly constraint: string;
  readonly type: 'p' | 'f' | 'f_ref';
  /** `[table column, view columns]` in constraint order. */
  readonly columns: readonly (readonly [string, readonly string[]])[];
}

interface KeySide {
  readonly name: string;
  readonly type: 'p' | 'f' | 'f_ref';
  readonly table: QualifiedName;
  readonly columns: readonly { readonly attnum: number; readonly name: string }[];
}

/**
 * Traces every column of every view of `exposed` to the base-table column it passes through,
 * following views over views (including ones in other loaded schemas) and stopping at cycles,
 * then reports the keys whose every column the view exposes. This is what lets PostgREST give
 * views primary keys and relationships.
 */
export function viewKeyDependencies(
  views: readonly ViewRow[],
  constraints: readonly ConstraintRow[],
  exposed: readonly string[],
): ViewKeyDependency[] {
  const originsByView = new Map<number, Map<number, { table: number; column: number }>>();
  for (const view of views) {
    const byResno = new Map<number, { table: number; column: number }>();
    for (const origin of safeOrigins(view.definition)) {
      if (origin.table !== 0) byResno.set(origin.resno, { table: origin.table, column: origin.column });
    }
    originsByView.set(view.oid, byResno);
  }

  const sidesByTable = new Map<number, KeySide[]>();
  const addSide = (oid: number, side: KeySide) => {
    const list = sidesByTable.get(oid);
    if (list) list.push(side);
    else sidesByTable.set(oid, [side]);
  };
  for (const c of constraints) {
    // PostgREST derives view keys from primary and foreign keys, not unique constraints.
    if (c.type === 'u') continue;
    const table = { schema: c.schema, name: c.table };
    addSide(c.tableOid, { name: c.name, type: c.type, table, columns: c.columns });
    if (c.type === 'f' && c.referencedOid !== null && c.referencedColumns) {
      const referenced = { schema: c.referencedSchema ?? '', name: c.referencedTable ?? '' };
      addSide(c.referencedOid, {
        name: c.name,
        type: 'f_ref',
        table: referenced,
        columns: c.referencedColumns,
      });
    }
  }

  const dependencies: ViewKeyDependency[] = [];
  for (const view of views) {
    if (!exposed.includes(view.schema)) continue;
    // (table oid) → (table attnum) → view column names
    const reached = new Map<number, Map<number, string[]>>();
    for (const column of view.columns) {
      for (const { table, column: attnum } of trace(originsByView, view.oid, column.attnum)) {
        let byColumn = reached.get(table);
        if (!byColumn) {
          byColumn = new Map();
          reached.set(table, byColumn);
        }
        const names = byColumn.get(attnum);
        if (names) names.push(column.name);
        else byColumn.set(attnum, [column.name]);
      }
    }
    for (const [table, byColumn] of reached) {
      for (const side of sidesByTable.get(table) ?? []) {
        const columns = side.columns.map((c) => [c.name, byColumn.get(c.attnum)] as const);
        if (columns.every((c): c is readonly [string, string[]] => c[1] !== undefined)) {
          dependencies.push({
            table: side.table,
            view: { schema: view.schema, name: view.name },
            constraint: side.name,
            type: side.type,
            columns,
          });
        }
      }
    }
  }
  return dependencies;
}

/** Every (relation, column) a view column passes through, outermost first. */
function trace(
  originsByView: ReadonlyMap<number, ReadonlyMap<number, { table: number; column: number }>>,
  view: number,
  resno: number,
): { table: number; column: number }[] {
  const steps: { table: number; column: number }[] = [];
  const seen = new Set<number>([view]);
  let origin = originsByView.get(view)?.get(resno);
  while (origin) {
    steps.push(origin);
    if (seen.has(origin.table)) break;
    seen.add(origin.table);
    origin = originsByView.get(origin.table)?.get(origin.column);
  }
  return steps;
}

/** A definition we cannot read gives the view no keys rather than failing the whole load. */
function safeOrigins(definition: string) {
  try {
    return viewTargetOrigins(definition);
  } catch {
    return [];
  }
}
