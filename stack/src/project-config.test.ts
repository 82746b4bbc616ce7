import { describe, expect, it } from 'vitest';
import { ConfigError, parseProjectConfig } from './project-config.ts';

describe('parseProjectConfig', () => {
  it('falls back to the CLI template defaults without a file', () => {
    const config = parseProjectConfig(undefined);
    expect(config.api.port).toBe(54321);
    expect(config.db.port).toBe(54322);
    expect(config.auth.enable_anonymous_sign_ins).toBe(false);
    expect(config.auth.email.enable_confirmations).toBe(false);
    expect(config.db.seed.sql_paths).toEqual(['./seed.sql']);
    expect(config.api.auto_expose_new_tables).toBe(true);
  });

  it('substitutes env(NAME) values and ignores sections it does not serve', () => {
    const config = parseProjectConfig(
      '[auth]\njwt_secret = "env(SECRET)"\n[studio]\nport = 1\n[auth.external.github]\nenabled = false',
      { SECRET: 'x'.repeat(40) },
    );
    expect(config.auth.jwt_secret).toBe('x'.repeat(40));
  });

  it('names the offending key for invalid values and unset variables', () => {
    expect(() => parseProjectConfig('[api]\nport = "high"')).toThrow(/api\.port/);
    expect(() => parseProjectConfig('[auth]\njwt_secret = "env(NOPE)"', {})).toThrow(ConfigError);
    expect(() => parseProjectConfig('[auth]\njwt_secret = "short"')).toThrow(/auth\.jwt_secret/);
    expect(() => parseProjectConfig('not toml = = =')).toThrow(/not valid TOML/);
  });
});
