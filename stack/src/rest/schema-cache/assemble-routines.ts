import { typeOf } from './assemble.ts';
import type { RoutineRow, SignatureRow } from './catalog/routines.ts';
import type { ParameterMode, PgType, Routine, RoutineParameter, Volatility } from './model.ts';
import { compareText } from './text-order.ts';

const MODES: Record<string, ParameterMode> = { i: 'in', o: 'out', b: 'inout', v: 'variadic', t: 'table' };
const VOLATILITY: Record<string, Volatility> = { i: 'immutable', s: 'stable', v: 'volatile' };

// Types by oid (stable across PostgreSQL versions).
const BYTEA = 17;
const TEXT = 25;
const JSON_OID = 114;
const XML = 142;
const JSONB = 3802;
const TRIGGER = 2279;
/** A single unnamed parameter of these types takes the whole request body. */
const BODY_TYPES = new Set([BYTEA, TEXT, JSON_OID, XML, JSONB]);

/** `character` and `bit` would truncate an argument to one character; PostgREST casts to the varying form. */
const VARYING: Record<number, string> = {
  1042: 'character varying',
  1014: 'character varying[]',
  1560: 'bit varying',
  1561: 'bit varying[]',
};

export const isInput = (p: RoutineParameter) =>
  p.mode === 'in' || p.mode === 'inout' || p.mode === 'variadic';

export function buildRoutine(
  row: RoutineRow,
  signature: SignatureRow | undefined,
  types: ReadonlyMap<number, PgType>,
): Routine {
  const parameters = row.parameters.map(
    (p): RoutineParameter => ({
      name: p.name,
      mode: MODES[p.mode] ?? 'in',
      type: typeOf(types, p.typeOid),
      castType: VARYING[p.typeOid] ?? typeOf(types, p.typeOid).text,
      hasDefault: p.hasDefault,
    }),
  );
  const settings = (row.settings ?? []).map((s) => {
    const eq = s.indexOf('=');
    return [s.slice(0, eq), s.slice(eq + 1)] as const;
  });
  const isolation = settings.find(([name]) => name === 'default_transaction_isolation');
  const inputs = parameters.filter(isInput);
  const returnType = typeOf(types, row.returnTypeOid);
  return {
    oid: row.oid,
    schema: row.schema,
    name: row.name,
    comment: row.comment,
    parameters,
    returns: {
      kind: row.returnsComposite ? 'composite' : 'scalar',
      name: { schema: row.returnSchema, name: row.returnName },
      set: row.returnsSet,
      viaDomain: row.returnsViaDomain,
    },
    returnType,
    returnsSet: row.returnsSet,
    rows: row.rows,
    volatility: VOLATILITY[row.volatility] ?? 'volatile',
    securityDefiner: row.securityDefiner,
    hasVariadic: row.hasVariadic,
    settings,
    isolationLevel: isolation ? (isolation[1].split(',')[0] ?? null) : null,
    // PostgreSQL stores parameter names only when at least one is named; PostgREST treats any
    // named list as fully named, and a nameless one as callable only with a single body parameter.
    callable:
      (returnType.base ?? returnType).oid !== TRIGGER &&
      (parameters.some((p) => p.name !== '') ||
        inputs.length === 0 ||
        (inputs.length === 1 && BODY_TYPES.has((inputs[0] as RoutineParameter).type.oid))),
    signature: {
      arguments: signature?.arguments ?? '',
      result: signature?.result ?? '',
      parameterTypes: signature?.parameterTypes ?? parameters.map((p) => p.type.text),
    },
  };
}

const compareParameters = (a: readonly RoutineParameter[], b: readonly RoutineParameter[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as RoutineParameter;
    const y = b[i] as RoutineParameter;
    const c =
      compareText(x.name, y.name) ||
      compareText(x.type.text, y.type.text) ||
      compareText(x.castType, y.castType) ||
      // PostgREST compares "required" (False first), then "variadic".
      Number(y.hasDefault) - Number(x.hasDefault) ||
      Number(x.mode === 'variadic') - Number(y.mode === 'variadic');
    if (c) return c;
  }
  return a.length - b.length;
};

/**
 * PostgREST's order of overloads: fewest input parameters first, then by comment and
 * parameters. It decides the order of an ambiguity error's candidate list.
 */
export function compareOverloads(a: Routine, b: Routine): number {
  const x = a.parameters.filter(isInput);
  const y = b.parameters.filter(isInput);
  if (x.length !== y.length) return x.length - y.length;
  if (a.comment !== b.comment) {
    if (a.comment === null) return -1;
    if (b.comment === null) return 1;
    return compareText(a.comment, b.comment);
  }
  return compareParameters(x, y);
}
