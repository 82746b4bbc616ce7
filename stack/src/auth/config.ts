import type { ProjectConfig } from '../project-config.ts';

export type PasswordRequirements = ProjectConfig['auth']['password_requirements'];

/** Auth settings resolved once from config.toml (GoTrue's env names in comments). */
export interface AuthConfig {
  /** `iss` of access tokens (GOTRUE_JWT_ISSUER); local default `http://127.0.0.1:54321/auth/v1`. */
  readonly jwtIssuer: string;
  /** Access-token lifetime in seconds (GOTRUE_JWT_EXP). */
  readonly jwtExpiry: number;
  readonly siteUrl: string;
  readonly additionalRedirectUrls: readonly string[];
  /** false → 422 signup_disabled (GOTRUE_DISABLE_SIGNUP). */
  readonly enableSignup: boolean;
  /** GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED. */
  readonly enableAnonymousSignIns: boolean;
  /** Email provider on/off (GOTRUE_EXTERNAL_EMAIL_ENABLED). */
  readonly emailEnableSignup: boolean;
  /** true → sign-up confirms at once and returns a session (GOTRUE_MAILER_AUTOCONFIRM). */
  readonly mailerAutoconfirm: boolean;
  readonly minimumPasswordLength: number;
  readonly passwordRequirements: PasswordRequirements;
  readonly refreshTokenRotation: boolean;
  /** Seconds a revoked refresh token may still be exchanged (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL). */
  readonly refreshTokenReuseInterval: number;
  /** JWT `role` values allowed on /admin routes (GOTRUE_JWT_ADMIN_ROLES). */
  readonly adminRoles: readonly string[];
}

export function authConfigFromProject(project: ProjectConfig, apiExternalUrl: string): AuthConfig {
  const a = project.auth;
  return {
    jwtIssuer: a.jwt_issuer ?? `${apiExternalUrl}/auth/v1`,
    jwtExpiry: a.jwt_expiry,
    siteUrl: a.site_url,
    additionalRedirectUrls: a.additional_redirect_urls,
    enableSignup: a.enable_signup,
    enableAnonymousSignIns: a.enable_anonymous_sign_ins,
    emailEnableSignup: a.email.enable_signup,
    mailerAutoconfirm: !a.email.enable_confirmations,
    minimumPasswordLength: a.minimum_password_length,
    passwordRequirements: a.password_requirements,
    refreshTokenRotation: a.enable_refresh_token_rotation,
    refreshTokenReuseInterval: a.refresh_token_reuse_interval,
    adminRoles: ['service_role'],
  };
}
