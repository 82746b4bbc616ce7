import { Hono } from 'hono';
import type { AuthDeps } from '../context.ts';

/** Reported as `version` by `/health`; GoTrue reports its release there. */
export const AUTH_SERVICE_VERSION = 'watchroom';

/** `GET /health`, `GET /settings`, `GET /.well-known/jwks.json`. */
export function metaRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.get('/health', (c) =>
    c.json({
      version: AUTH_SERVICE_VERSION,
      name: 'GoTrue',
      description: 'GoTrue is a user registration and authentication API',
    }),
  );

  app.get('/settings', (c) => {
    const { config } = deps;
    const external: Record<string, boolean> = { anonymous_users: config.enableAnonymousSignIns };
    for (const provider of OAUTH_PROVIDERS) external[provider] = false;
    external.email = config.emailEnableSignup;
    external.phone = false;
    external.zoom = false;
    return c.json({
      external,
      disable_signup: !config.enableSignup,
      mailer_autoconfirm: config.mailerAutoconfirm,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
      saml_private_key_next_configured: false,
      passkeys_enabled: false,
    });
  });

  // HMAC secrets are never published; only asymmetric signing keys appear.
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=600');
    return c.json(deps.jwt.jwks());
  });
  return app;
}

/** GoTrue's `ProviderSettings` keys between `anonymous_users` and `email`, all off locally. */
const OAUTH_PROVIDERS = [
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'snapchat',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'workos',
  'twitch',
  'twitter',
] as const;
