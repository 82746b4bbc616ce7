-- [api] auto_expose_new_tables = true (the default): new tables in public are open to the API
-- roles. 02_schemas.sql grants ALL on every run, which already undoes a hide from an earlier start
-- with the flag off; this file keeps the choice explicit should 02 ever stop doing so.
alter default privileges for role postgres in schema public
  grant select, insert, update, delete on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant usage, select on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant execute on functions to anon, authenticated, service_role;
