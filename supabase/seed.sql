-- Local development data, applied after migrations on a fresh database (`watchroom db reset`).
-- The product's schema and its demo rows arrive with their own migrations.
select 1;
