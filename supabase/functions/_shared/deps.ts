// Every third-party module the functions use, pinned in one place (npm: specifiers only: the
// npm registry is what the local stack and CI can reach).

export type { Context, MiddlewareHandler } from 'npm:hono@4.13.19';
export { Hono } from 'npm:hono@4.13.19';
export { cors } from 'npm:hono@4.13.19/cors';
export { HTTPException } from 'npm:hono@4.13.19/http-exception';
export type { JSONWebKeySet, JWTPayload } from 'npm:jose@6.2.18';
export { createLocalJWKSet, jwtVerify } from 'npm:jose@6.2.18';
export type { ColumnType, Transaction } from 'npm:kysely@0.29.9';
export { Kysely, sql } from 'npm:kysely@0.29.9';
export { PostgresJSDialect } from 'npm:kysely-postgres-js@5.0.0';
export { default as postgres } from 'npm:postgres@3.4.9';
export { z } from 'npm:zod@4.6.7';
