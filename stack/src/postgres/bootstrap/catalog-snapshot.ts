import type { Sql } from 'postgres';

/**
 * Test support: a textual snapshot of the catalog objects the platform bootstrap creates or
 * changes, for asserting that a second run changes nothing.
 */

/** Rows of one text column, for compact equality checks. */
async function items(sql: Sql, query: string): Promise<string[]> {
  const rows = await sql.unsafe<{ item: string }[]>(query);
  return rows.map((r) => r.item);
}

const SORTED_ACL = (column: string) =>
  `coalesce((select string_agg(a::text, ',' order by a::text) from unnest(${column}) a), '-')`;
const USER_SCHEMAS = `n.nspname !~ '^pg_' and n.nspname <> 'information_schema'`;

/** Everything the bootstrap creates or changes, as sortable text. */
export async function catalogSnapshot(sql: Sql): Promise<Record<string, string[]>> {
  const queries: Record<string, string> = {
    roles: `select concat_ws(' ', rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
              rolreplication, rolbypassrls, rolconfig::text) as item from pg_roles where rolname !~ '^pg_'`,
    memberships: `select concat_ws(' ', m.member::regrole, m.roleid::regrole, m.grantor::regrole, m.admin_option,
              m.inherit_option, m.set_option) as item from pg_auth_members m`,
    database: `select ${SORTED_ACL('datacl')} as item from pg_database where datname = current_database()`,
    parameters: `select parname || ' ' || ${SORTED_ACL('paracl')} as item from pg_parameter_acl`,
    schemas: `select concat_ws(' ', nspname, nspowner::regrole, ${SORTED_ACL('nspacl')}) as item
              from pg_namespace n where ${USER_SCHEMAS}`,
    extensions: `select concat_ws(' ', extname, extnamespace::regnamespace, extversion) as item from pg_extension`,
    // Daily realtime.messages partitions depend on the date, not on the bootstrap having run.
    relations: `select concat_ws(' ', n.nspname || '.' || c.relname, c.relkind, c.relowner::regrole,
              ${SORTED_ACL('c.relacl')}, c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
              case when c.relkind = 'i' then pg_get_indexdef(c.oid) end) as item
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where ${USER_SCHEMAS} and c.relname !~ '^messages_[0-9]{4}_[0-9]{2}_[0-9]{2}'`,
    columns: `select concat_ws(' ', n.nspname || '.' || c.relname || '.' || a.attname,
              format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated, a.attidentity,
              pg_get_expr(d.adbin, d.adrelid)) as item
              from pg_attribute a join pg_class c on c.oid = a.attrelid
              join pg_namespace n on n.oid = c.relnamespace
              left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
              where ${USER_SCHEMAS} and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v')
              and c.relname !~ '^messages_[0-9]{4}_[0-9]{2}_[0-9]{2}'`,
    constraints: `select concat_ws(' ', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) as item
              from pg_constraint c join pg_namespace n on n.oid = c.connamespace
              where ${USER_SCHEMAS} and c.conrelid::regclass::text !~ 'messages_[0-9]{4}_[0-9]{2}_[0-9]{2}'`,
    functions: `select concat_ws(' ', n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
              p.proowner::regrole, ${SORTED_ACL('p.proacl')}, p.provolatile, p.prosecdef, p.proconfig::text,
              md5(p.prosrc)) as item
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${USER_SCHEMAS}`,
    types: `select concat_ws(' ', n.nspname || '.' || t.typname, t.typowner::regrole,
              (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)) as item
              from pg_type t join pg_namespace n on n.oid = t.typnamespace
              where ${USER_SCHEMAS} and t.typtype in ('e', 'c') and (t.typrelid = 0 or
                (select relkind from pg_class where oid = t.typrelid) = 'c')`,
    defaultPrivileges: `select concat_ws(' ', defaclrole::regrole, defaclnamespace::regnamespace, defaclobjtype,
              ${SORTED_ACL('defaclacl')}) as item from pg_default_acl`,
    triggers: `select concat_ws(' ', tgrelid::regclass, tgname, tgfoid::regproc) as item
              from pg_trigger where not tgisinternal`,
    eventTriggers: `select concat_ws(' ', evtname, evtevent, evtowner::regrole, evtfoid::regproc, evtenabled) as item
              from pg_event_trigger`,
    publications: `select concat_ws(' ', pubname, pubowner::regrole, puballtables, pubinsert, pubupdate, pubdelete,
              pubtruncate) as item from pg_publication`,
    policies: `select concat_ws(' ', schemaname, tablename, policyname) as item from pg_policies`,
    rows: `select 'supabase_functions.migrations ' || version as item from supabase_functions.migrations`,
  };
  const snapshot: Record<string, string[]> = {};
  for (const [key, query] of Object.entries(queries)) {
    snapshot[key] = (await items(sql, query)).sort();
  }
  return snapshot;
}
