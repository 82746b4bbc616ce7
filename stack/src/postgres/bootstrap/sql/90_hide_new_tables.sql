-- [api] auto_expose_new_tables = false: what postgres (the migration runner) creates in public
-- from now on is not reachable through the Data API until a migration grants it. The API roles
-- keep TRUNCATE, REFERENCES, TRIGGER (and MAINTAIN) on new tables and UPDATE on new sequences,
-- as on a Supabase project with the toggle off. Objects created earlier keep their grants.
--
-- EXECUTE on new functions is revoked from the API roles only; PUBLIC's default EXECUTE on
-- functions is untouched, as the flag's definition leaves it.
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
