import postgres, { type Sql } from 'postgres';

/**
 * postgres.js serializes a parameter by the type PostgreSQL infers for it: a string bound to a
 * jsonb parameter is JSON-quoted, to a boolean becomes 'f' unless it is `true`, to a date is
 * re-parsed. PostgREST sends every value as an untyped literal that PostgreSQL parses itself,
 * so strings must reach the server verbatim; only non-strings keep the default encoding.
 */
const verbatim =
  (encode: (x: unknown) => string) =>
  (x: unknown): string =>
    typeof x === 'string' ? x : encode(x);

const TYPES = {
  bool: {
    to: 16,
    from: [16],
    serialize: verbatim((x) => (x === true ? 't' : 'f')),
    parse: (x: string) => x === 't',
  },
  json: {
    to: 114,
    from: [114, 3802],
    serialize: verbatim((x) => JSON.stringify(x)),
    parse: (x: string) => JSON.parse(x),
  },
  date: {
    to: 1184,
    from: [1082, 1114, 1184],
    serialize: verbatim((x) => (x instanceof Date ? x.toISOString() : String(x))),
    parse: (x: string) => x,
  },
  bytea: {
    to: 17,
    from: [17],
    serialize: verbatim((x) => `\\x${Buffer.from(x as Uint8Array).toString('hex')}`),
    parse: (x: string) => x,
  },
};

/** The REST service's pool: logs in as `authenticator` and switches role per request. */
export function createRestPool(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    types: TYPES,
    onnotice: () => undefined,
    connection: { application_name: 'watchroom-rest' },
  });
}
