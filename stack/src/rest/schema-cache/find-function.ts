import { PostgrestError } from '../errors.ts';
import { isInput } from './assemble-routines.ts';
import { NAME_HINT_SCORE } from './find-relation.ts';
import { fuzzyBest, fuzzySet } from './fuzzy.ts';
import type { Routine, RoutineParameter, SchemaCache } from './model.ts';
import { compareText } from './text-order.ts';

export interface FunctionCall {
  /** A POST with a body (the body may then be a single unnamed parameter). Default false. */
  readonly post?: boolean;
  /** The request's Content-Type media type. Default `application/json`. */
  readonly contentType?: string;
}

/** Media types whose body can only be one unnamed parameter of this type. */
const SINGLE_BODY_TYPES: Record<string, string> = {
  'text/plain': 'text',
  'text/xml': 'xml',
  'application/octet-stream': 'bytea',
};

const inputs = (routine: Routine) => routine.parameters.filter(isInput);

/** PostgREST's rules for calling `routine` with exactly these argument names. */
function matchesArguments(
  routine: Routine,
  args: ReadonlySet<string>,
  call: Required<FunctionCall>,
): boolean {
  const params = inputs(routine);
  if (params.length === 0) return args.size === 0 && !(call.post && call.contentType in SINGLE_BODY_TYPES);
  const required = new Set(params.filter((p) => !p.hasDefault).map((p) => p.name));
  const optional = new Set(params.filter((p) => p.hasDefault).map((p) => p.name));
  const rest = [...args].filter((a) => !optional.has(a));
  return rest.length === required.size && rest.every((a) => required.has(a));
}

/** A POST body that is the function's only, unnamed parameter. */
function takesWholeBody(routine: Routine, call: Required<FunctionCall>): boolean {
  const params = inputs(routine);
  const only = params[0];
  if (!call.post || params.length !== 1 || !only || only.name !== '') return false;
  const type = only.type.text;
  if (call.contentType === 'application/json') return type === 'json' || type === 'jsonb';
  return SINGLE_BODY_TYPES[call.contentType] === type;
}

/**
 * The overload of `schema.name` that a call with these argument names reaches, or PostgREST's
 * PGRST202 (404, no function or no overload takes these arguments; with a "Perhaps you meant"
 * hint) or PGRST203 (300, several overloads fit).
 *
 * @example
 * findFunction(cache, 'public', 'add', ['a', 'b']);
 * findFunction(cache, 'public', 'ingest', [], { post: true, contentType: 'text/plain' });
 */
export function findFunction(
  cache: SchemaCache,
  schema: string,
  name: string,
  argumentNames: Iterable<string>,
  call: FunctionCall = {},
): Routine {
  const resolved = { post: call.post ?? false, contentType: call.contentType ?? 'application/json' };
  const args = new Set(argumentNames);
  const overloads = (cache.routines[schema]?.[name] ?? []).filter((r) => r.callable);
  const matching = overloads.filter((r) => matchesArguments(r, args, resolved));
  const fallback = overloads.filter(
    (r) => !matchesArguments(r, args, resolved) && takesWholeBody(r, resolved),
  );
  const found = matching.length > 0 ? matching : fallback;
  if (found.length === 1) return found[0] as Routine;
  if (found.length > 1) throw ambiguousFunctionError(found);
  throw noFunctionError(cache, schema, name, [...args].sort(compareText), overloads, resolved);
}

function ambiguousFunctionError(routines: readonly Routine[]): PostgrestError {
  const signature = (r: Routine) =>
    `${r.schema}.${r.name}(${inputs(r)
      .map((p: RoutineParameter) => `${p.name} => ${p.type.text}`)
      .join(', ')})`;
  return new PostgrestError(
    300,
    'PGRST203',
    `Could not choose the best candidate function between: ${routines.map(signature).join(', ')}`,
    {
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
    },
  );
}

function noFunctionError(
  cache: SchemaCache,
  schema: string,
  name: string,
  args: readonly string[],
  overloads: readonly Routine[],
  call: Required<FunctionCall>,
): PostgrestError {
  const singleBody = call.post ? SINGLE_BODY_TYPES[call.contentType] : undefined;
  const listed = args.length === 0 ? ' without parameters' : `(${args.join(', ')})`;
  const described =
    args.length === 0
      ? ' without parameters'
      : ` with parameter${args.length > 1 ? 's' : ''} ${args.join(', ')}`;
  let searched = described;
  if (singleBody) searched = ` with a single unnamed ${singleBody} parameter`;
  else if (call.post && call.contentType === 'application/json') {
    searched = `${described} or with a single unnamed json/jsonb parameter`;
  }
  return new PostgrestError(
    404,
    'PGRST202',
    `Could not find the function ${schema}.${name}${singleBody ? '' : listed} in the schema cache`,
    {
      details: `Searched for the function ${schema}.${name}${searched}, but no matches were found in the schema cache.`,
      hint: singleBody ? null : noFunctionHint(cache, schema, name, args, overloads),
    },
  );
}

/**
 * An unknown name: the closest function name of the schema. A known name with other
 * arguments: the closest parameter list among its overloads.
 */
function noFunctionHint(
  cache: SchemaCache,
  schema: string,
  name: string,
  args: readonly string[],
  overloads: readonly Routine[],
): string | null {
  const prefix = `Perhaps you meant to call the function ${schema}.`;
  if (overloads.length === 0) {
    const names = Object.entries(cache.routines[schema] ?? {})
      .filter(([, routines]) => routines.some((r) => r.callable))
      .map(([n]) => n);
    const suggestion = fuzzyBest(fuzzySet(names), name, NAME_HINT_SCORE);
    return suggestion === undefined ? null : `${prefix}${suggestion}`;
  }
  const asText = (names: readonly string[]) => `(${[...names].sort(compareText).join(', ')})`;
  const lists = fuzzySet(overloads.map((r) => asText(inputs(r).map((p) => p.name))));
  const suggestion = fuzzyBest(lists, asText(args));
  return suggestion === undefined ? null : `${prefix}${name}${suggestion}`;
}
