import { Hono } from 'hono';
import { createUserAsAdmin, updateUserAsAdmin } from '../admin-users.ts';
import { isUuid, requireAdmin } from '../bearer.ts';
import { limitBody, readBody, readOptionalBody } from '../body.ts';
import { type AuthDeps, DEFAULT_AUD, headerAud } from '../context.ts';
import { AuthApiError, badRequest, rethrowAs } from '../errors.ts';
import { paginationLink } from '../pagination.ts';
import { adminDeleteBody, adminUserBody, listUsersQuery } from '../schemas.ts';
import { type IdentityRow, type UserRow, userJson } from '../serialize.ts';
import {
  deleteUser,
  findIdentities,
  findIdentitiesOf,
  findUserById,
  listUsers,
  softDeleteUser,
} from '../users.ts';

const DEFAULT_PER_PAGE = 50;

/** `/admin/users` CRUD for tokens whose `role` is an admin role (service_role). */
export function adminRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.use('/admin/*', async (_c, next) => {
    await requireAdmin(_c, deps);
    await next();
  });

  app.get('/admin/users', async (c) => {
    const parsed = listUsersQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw badRequest('validation_failed', `Bad Pagination Parameters: ${parsed.error.issues[0]?.message}`);
    }
    const query = parsed.data;
    const page = Math.max(Number(query.page || 1), 1);
    const perPage = Number(query.per_page || DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE;
    const aud = headerAud(c) ?? DEFAULT_AUD;
    const result = await listUsers(deps.db, {
      aud,
      page,
      perPage,
      filter: query.filter ?? '',
      ascending: sortAscending(query.sort),
    });
    const identities = groupByUser(
      await findIdentitiesOf(
        deps.db,
        result.users.map((u) => u.id),
      ),
    );
    c.header('X-Total-Count', String(result.total));
    c.header('Link', paginationLink(page, perPage, result.total, new URL(c.req.url).searchParams));
    return c.json({ users: result.users.map((u) => userJson(u, identities.get(u.id) ?? [])), aud });
  });

  app.post('/admin/users', limitBody, async (c) => {
    const body = await readBody(c, adminUserBody);
    return c.json(await createUserAsAdmin(deps, body, headerAud(c) ?? DEFAULT_AUD));
  });

  app.get('/admin/users/:id', async (c) => {
    const user = await loadTarget(deps, c.req.param('id'));
    return c.json(userJson(user, await findIdentities(deps.db, user.id)));
  });

  app.put('/admin/users/:id', limitBody, async (c) => {
    const user = await loadTarget(deps, c.req.param('id'));
    return c.json(await updateUserAsAdmin(deps, user, await readBody(c, adminUserBody)));
  });

  app.delete('/admin/users/:id', limitBody, async (c) => {
    const user = await loadTarget(deps, c.req.param('id'));
    const { should_soft_delete: soft } = await readOptionalBody(c, adminDeleteBody);
    await deps.db
      .begin(async (tx) => {
        if (!soft) await deleteUser(tx, user.id);
        else if (!user.deleted_at) await softDeleteUser(tx, user, deps.now());
      })
      .catch(rethrowAs(soft ? 'Error soft deleting user' : 'Database error deleting user'));
    return c.json({});
  });
  return app;
}

/** GoTrue's `loadUser` middleware: 404 for a malformed or unknown id. */
async function loadTarget(deps: AuthDeps, id: string): Promise<UserRow> {
  if (!isUuid(id)) throw new AuthApiError(404, 'validation_failed', 'user_id must be an UUID');
  const user = await findUserById(deps.db, id);
  if (!user) throw new AuthApiError(404, 'user_not_found', 'User not found');
  return user;
}

/** `sort=created_at [asc|desc]`, the only field GoTrue allows; newest first by default. */
function sortAscending(sort: string | undefined): boolean {
  if (!sort) return false;
  const [field, dir = 'desc'] = sort.split(' ', 2);
  if (field !== 'created_at')
    throw badRequest('validation_failed', `Bad Sort Parameters: bad field for sort '${field}'`);
  if (!/^(asc|desc)$/i.test(dir)) {
    throw badRequest(
      'validation_failed',
      `Bad Sort Parameters: bad direction for sort '${dir}', only 'asc' and 'desc' allowed`,
    );
  }
  return dir.toLowerCase() === 'asc';
}

function groupByUser(identities: IdentityRow[]): Map<string, IdentityRow[]> {
  const byUser = new Map<string, IdentityRow[]>();
  for (const identity of identities) {
    const list = byUser.get(identity.user_id) ?? [];
    list.push(identity);
    byUser.set(identity.user_id, list);
  }
  return byUser;
}
