import type { PgType, RoutineParameter } from '../schema-cache/model.ts';
import { columnFormat, pgTypeToTs, typeById } from './pg-to-ts.ts';
import { type GenerationScope, isRelationType, type MetaFunction } from './scope.ts';
import {
  appendArraySuffix,
  booleanLiteral,
  expandedObject,
  inlineObject,
  intersection,
  type Member,
  member,
  NEVER,
  nullable,
  stringLiteral,
  type TsType,
} from './ts-type.ts';

const JSON_OID = 114;
const JSONB_OID = 3802;
const TEXT_OID = 25;
/** Unnamed parameters PostgREST can pass a request body to. */
const BODY_TYPES = new Set([JSON_OID, JSONB_OID, TEXT_OID]);
const isInput = (p: RoutineParameter) => p.mode === 'in' || p.mode === 'inout' || p.mode === 'variadic';

/**
 * The functions of a schema the template lists, sorted by name: trigger functions are left
 * out, and so are functions with unnamed parameters PostgREST could not call, except a
 * single unnamed row parameter (a computed field, listed with an error return).
 */
export function listedFunctions(scope: GenerationScope, schema: string): MetaFunction[] {
  const routines = Object.values(scope.cache.routines[schema] ?? {}).flat();
  const listed: MetaFunction[] = [];
  for (const routine of routines) {
    if (routine.signature.result === 'trigger' || routine.signature.result === 'event_trigger') continue;
    const args = [...routine.parameters].sort((a, b) => a.name.localeCompare(b.name));
    const inArgs = args.filter(isInput);
    const only = inArgs[0];
    const listable =
      inArgs.length === 0 ||
      !inArgs.some((a) => a.name === '') ||
      inArgs.every((a) => a.name !== '' || (a.hasDefault && BODY_TYPES.has(a.type.oid))) ||
      (inArgs.length === 1 &&
        only !== undefined &&
        only.name === '' &&
        (BODY_TYPES.has(only.type.oid) || isRelationType(only.type)));
    if (listable) listed.push({ routine, args, inArgs });
  }
  return listed.sort((a, b) => a.routine.name.localeCompare(b.routine.name));
}

/**
 * The name of the table a function returns rows of: a relation of the generated schemas, or
 * any table, view or composite type (so its fields can be selected).
 */
function returnedTableName(scope: GenerationScope, returnType: PgType): string | null {
  if (returnType.relationKind === null) return null;
  if (scope.relation(returnType)) return returnType.name;
  return isRelationType(returnType) ? returnType.name : null;
}

/** The TypeScript type of what a function returns, before any `[]`. */
export function functionReturnType(scope: GenerationScope, schema: string, fn: MetaFunction): TsType {
  const tableColumns = fn.args.filter((a) => a.mode === 'table');
  if (tableColumns.length > 0) {
    return expandedObject(tableColumns.map((a) => member(a.name, typeById(schema, a.type, scope))));
  }
  const returnType = fn.routine.returnType;
  const relation = returnType.relationKind !== null ? scope.relation(returnType) : undefined;
  if (relation && relation.schema === schema) {
    return expandedObject(
      scope
        .columnsOf(relation)
        .map((c) => member(c.name, nullable(pgTypeToTs(schema, columnFormat(c.type), scope), c.nullable))),
    );
  }
  return typeById(schema, returnType, scope);
}

/** `Returns` (with `[]` for sets, unless a single row of a table) and `SetofOptions`. */
function returnMembers(scope: GenerationScope, fn: MetaFunction, returns: TsType): Member[] {
  const { routine } = fn;
  const tableName = returnedTableName(scope, routine.returnType);
  const setOfTable = routine.returnsSet && routine.returnType.relationKind !== null;
  const manyRows = routine.rows !== null && routine.rows > 1;
  const setof = (from: string, to: string, oneToOne: boolean, setofReturn: boolean) =>
    expandedObject([
      member('from', stringLiteral(from)),
      member('to', stringLiteral(to)),
      member('isOneToOne', booleanLiteral(oneToOne)),
      member('isSetofReturn', booleanLiteral(setofReturn)),
    ]);
  let options: TsType | null = tableName ? setof('*', tableName, !manyRows, routine.returnsSet) : null;
  const onlyArg = fn.args.length === 1 ? fn.args[0] : undefined;
  if (onlyArg && isRelationType(onlyArg.type)) {
    const source = routine.signature.parameterTypes[0] ?? onlyArg.type.name;
    if (setOfTable && tableName) options = setof(source, tableName, !manyRows, true);
    else if (tableName && !setOfTable) options = setof(source, tableName, true, false);
  }
  // Only a single row of a known table collapses the array: postgrest-js needs SetofOptions for it.
  const collapses = !manyRows && tableName !== null;
  const members = [
    member('Returns', routine.returnsSet && !collapses ? appendArraySuffix(returns) : returns),
  ];
  if (options) members.push(member('SetofOptions', options));
  return members;
}

const errorType = (message: string) =>
  intersection([inlineObject([member('error', booleanLiteral(true))]), stringLiteral(message)]);

/** The overload conflicts postgrest-js cannot resolve, reported as an error type. */
function conflictError(schema: string, overloads: readonly MetaFunction[], fn: MetaFunction): string | null {
  if (overloads.length <= 1) return null;
  const others = overloads.filter((o) => o !== fn);
  const [only] = fn.inArgs;
  const candidates =
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved';
  if (fn.inArgs.length === 0) {
    const other = others.find(
      (o) => o.inArgs.length === 1 && o.inArgs[0]?.name === '' && o.inArgs[0]?.hasDefault,
    );
    if (other) {
      const returned = typeName(other.routine.returnType);
      return `Could not choose the best candidate function between: ${schema}.${fn.routine.name}(), ${schema}.${fn.routine.name}( => ${returned}). ${candidates}`;
    }
  }
  if (fn.inArgs.length === 1 && only && only.name !== '') {
    const clashing = others.filter(
      (o) =>
        o.inArgs.length === 1 && o.inArgs[0]?.name === only.name && o.inArgs[0]?.type.oid !== only.type.oid,
    );
    if (clashing.length > 0) {
      const list = [fn, ...clashing]
        .sort((a, b) => (a.inArgs[0]?.type.oid ?? 0) - (b.inArgs[0]?.type.oid ?? 0))
        .map(
          (f) =>
            `${schema}.${fn.routine.name}(${f.inArgs.map((a) => `${a.name} => ${typeName(a.type)}`).join(', ')})`,
        )
        .join(', ');
      return `Could not choose the best candidate function between: ${list}. ${candidates}`;
    }
  }
  return null;
}

/** A type's name as the template finds it by id (foreign-table row types are not listed). */
const typeName = (type: PgType) => (type.relationKind === 'foreign_table' ? 'unknown' : type.name);

/** `{ Args; Returns; SetofOptions? }` for each overload of one function name. */
export function functionSignatures(
  scope: GenerationScope,
  schema: string,
  overloads: readonly MetaFunction[],
): TsType[] {
  return overloads.map((fn) => {
    const args =
      fn.inArgs.length === 0
        ? NEVER
        : inlineObject(fn.inArgs.map((a) => member(a.name, typeById(schema, a.type, scope), a.hasDefault)));
    let returns = functionReturnType(scope, schema, fn);
    const conflict = conflictError(schema, overloads, fn);
    const [only] = fn.inArgs;
    if (conflict) {
      returns = errorType(conflict);
    } else if (
      fn.inArgs.length === 1 &&
      only?.name === '' &&
      isRelationType(only.type) &&
      !returnedTableName(scope, fn.routine.returnType)
    ) {
      returns = errorType(
        `the function ${schema}.${fn.routine.name} with parameter or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache`,
      );
    }
    return inlineObject([member('Args', args), ...returnMembers(scope, fn, returns)]);
  });
}

/** Computed fields: functions whose argument list is exactly a relation's name, shown in its Row. */
export function computedFields(
  scope: GenerationScope,
  schema: string,
  relation: string,
  functions: readonly MetaFunction[],
) {
  return functions
    .filter((fn) => fn.routine.signature.arguments === relation)
    .map((fn) => member(fn.routine.name, nullable(functionReturnType(scope, schema, fn), true)));
}

/** Overloads grouped by name in the template's order (an object's key order), then by signature. */
export function groupOverloads(functions: readonly MetaFunction[]): [string, MetaFunction[]][] {
  const groups: Record<string, MetaFunction[]> = Object.create(null);
  for (const fn of functions) {
    const group = groups[fn.routine.name];
    if (group) group.push(fn);
    else groups[fn.routine.name] = [fn];
  }
  for (const group of Object.values(groups)) {
    group.sort(
      (a, b) =>
        a.routine.signature.arguments.localeCompare(b.routine.signature.arguments) ||
        a.routine.signature.result.localeCompare(b.routine.signature.result),
    );
  }
  return Object.entries(groups);
}
