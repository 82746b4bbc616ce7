import { Hono } from 'hono';
import { isBanned } from '../bearer.ts';
import { limitBody, readBody } from '../body.ts';
import { type AuthDeps, clientFacts, DEFAULT_AUD, headerAud } from '../context.ts';
import { AuthApiError, badRequest, unprocessable, type WeakPasswordDetail } from '../errors.ts';
import { sessionResponse, startSession } from '../grants.ts';
import { checkPasswordStrength, verifyPassword } from '../passwords.ts';
import { refreshTokenGrant } from '../refresh.ts';
import { passwordGrantBody, pkceGrantBody, refreshGrantBody } from '../schemas.ts';
import { findUserByEmail } from '../users.ts';

const invalidCredentials = () => badRequest('invalid_credentials', 'Invalid login credentials');

/** `POST /token?grant_type=password|refresh_token|pkce`. */
export function tokenRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.post('/token', limitBody, async (c) => {
    switch (c.req.query('grant_type')) {
      case 'password':
        return c.json(
          await passwordGrant(deps, await readBody(c, passwordGrantBody), headerAud(c), clientFacts(c)),
        );
      case 'refresh_token': {
        const body = await readBody(c, refreshGrantBody);
        return c.json(await refreshTokenGrant(deps, body.refresh_token, clientFacts(c)));
      }
      case 'pkce': {
        const body = await readBody(c, pkceGrantBody);
        if (body.auth_code === '' || body.code_verifier === '') {
          throw badRequest(
            'validation_failed',
            'invalid request: both auth code and code verifier should be non-empty',
          );
        }
        // No flow ever issues an auth code here (no mailer, no OAuth providers).
        throw new AuthApiError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
      }
      default:
        throw badRequest('invalid_credentials', 'unsupported_grant_type');
    }
  });
  return app;
}

async function passwordGrant(
  deps: AuthDeps,
  body: { email: string; phone: string; password: string },
  aud: string | undefined,
  client: ReturnType<typeof clientFacts>,
) {
  if (body.email !== '' && body.phone !== '') {
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on login.',
    );
  }
  if (body.email === '' && body.phone === '') throw badRequest('validation_failed', 'missing email or phone');
  if (body.phone !== '') throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!deps.config.emailEnableSignup)
    throw unprocessable('email_provider_disabled', 'Email logins are disabled');

  const user = await findUserByEmail(deps.db, body.email, aud ?? DEFAULT_AUD);
  if (!user?.encrypted_password) throw invalidCredentials();
  if (isBanned(user, deps.now())) throw badRequest('user_banned', 'User is banned');
  if (!(await verifyPassword(body.password, user.encrypted_password))) throw invalidCredentials();
  const weakPassword = passwordWeakness(deps, body.password);
  if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');

  return deps.db.begin(async (tx) => {
    const session = await startSession(tx, deps, user.id, 'password', client);
    return sessionResponse(tx, deps, { ...session, userId: user.id, weakPassword });
  });
}

/** A correct password that no longer meets the policy still signs in, flagged `weak_password`. */
function passwordWeakness(deps: AuthDeps, password: string): WeakPasswordDetail | undefined {
  try {
    return checkPasswordStrength(password, {
      minimumLength: deps.config.minimumPasswordLength,
      requirements: deps.config.passwordRequirements,
    });
  } catch {
    return undefined;
  }
}
