import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import {
  ConfigError,
  ConfigSchema,
  DEFAULT_ADMIN_PASSWORD,
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_TICKET_SECRET,
  DbCliConfigSchema,
  PRODUCTION_REFUSALS,
  loadConfig,
} from '../../core/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

const valid = { JWT_SECRET: 'x'.repeat(32), TICKET_SECRET: 't'.repeat(32) };

describe('config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(valid);
    expect(c.HOLD_TTL_SECONDS).to.equal(600);
    expect(c.PAYMENTS_PROVIDER).to.equal('mock');
    expect(c.PORT).to.equal(3000);
  });

  it('rejects a bad value with one line naming the variable and the value', () => {
    expect(() => loadConfig({ ...valid, HOLD_TTL_SECONDS: 'soon' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/^invalid configuration: HOLD_TTL_SECONDS .*"soon"/)
      .and.not.include('\n');
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig({})).to.throw(ConfigError, 'JWT_SECRET is required (not set)');
    expect(() => loadConfig({ JWT_SECRET: valid.JWT_SECRET })).to.throw(ConfigError, 'TICKET_SECRET is required (not set)');
  });

  it('refuses a short ticket secret, a mail server that is not SMTP and an unknown time zone', () => {
    const err = (() => {
      try {
        loadConfig({ ...valid, TICKET_SECRET: 'short', SMTP_URL: 'http://mail', CINEMA_TIME_ZONE: 'Mars/Olympus' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).to.include('TICKET_SECRET must be at least 32 characters').and.include('SMTP_URL').and.include('CINEMA_TIME_ZONE');
  });

  it('rejects a non-mysql DATABASE_URL and a short JWT secret together', () => {
    const err = (() => {
      try {
        loadConfig({ ...valid, JWT_SECRET: 'short', DATABASE_URL: 'postgres://db/x' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).to.include('DATABASE_URL').and.include('JWT_SECRET must be at least 32 characters');
  });

  it('requires the Stripe keys only when the Stripe provider is chosen', () => {
    expect(() => loadConfig({ ...valid, PAYMENTS_PROVIDER: 'stripe' })).to.throw(
      ConfigError,
      /STRIPE_SECRET_KEY is required when PAYMENTS_PROVIDER=stripe/,
    );
    expect(loadConfig({ ...valid, PAYMENTS_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' }).PAYMENTS_PROVIDER).to.equal('stripe');
  });

  it('.env.example lists exactly the variables of the schema, with the schema defaults', () => {
    const example = Object.fromEntries(
      readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const schemaKeys = Object.keys(ConfigSchema.shape).sort();
    expect(Object.keys(example).sort()).to.deep.equal(schemaKeys);
    const fromExample = loadConfig(example);
    const defaults = loadConfig({ JWT_SECRET: example.JWT_SECRET, TICKET_SECRET: example.TICKET_SECRET });
    const defined = (c: object) => JSON.parse(JSON.stringify(c)) as unknown;
    expect(defined(fromExample)).to.deep.equal(defined(defaults));
  });

  describe('production refuses the development values', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-secret-a-real-secret-0123456789',
      TICKET_SECRET: 'another-real-secret-for-tickets-0123456789',
      ADMIN_PASSWORD: 'a-real-admin-pass',
    };

    it('accepts real values with NODE_ENV=production, and the development ones outside production', () => {
      expect(loadConfig(production).NODE_ENV).to.equal('production');
      expect(loadConfig({ JWT_SECRET: DEVELOPMENT_JWT_SECRET, TICKET_SECRET: DEVELOPMENT_TICKET_SECRET }).ADMIN_PASSWORD).to.equal(DEFAULT_ADMIN_PASSWORD);
    });

    it('refuses the development JWT_SECRET and the default ADMIN_PASSWORD (set or defaulted), one line naming each', () => {
      expect(() => loadConfig({ ...production, JWT_SECRET: DEVELOPMENT_JWT_SECRET }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/^invalid configuration: JWT_SECRET is the development secret/)
        .and.not.include('\n');
      expect(() => loadConfig({ ...production, ADMIN_PASSWORD: undefined })).to.throw(ConfigError, /ADMIN_PASSWORD is the default admin password/);
      expect(() => loadConfig({ ...production, TICKET_SECRET: DEVELOPMENT_TICKET_SECRET })).to.throw(ConfigError, /^invalid configuration: TICKET_SECRET is the development secret/);
      const all = () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET, TICKET_SECRET: DEVELOPMENT_TICKET_SECRET, ADMIN_PASSWORD: DEFAULT_ADMIN_PASSWORD });
      expect(all).to.throw(ConfigError, /JWT_SECRET .*; ADMIN_PASSWORD .*; TICKET_SECRET /);
    });

    it('the database CLI (migrate, seed) refuses the default admin password in production too', () => {
      expect(() => loadConfig({ NODE_ENV: 'production' }, DbCliConfigSchema)).to.throw(ConfigError, /ADMIN_PASSWORD is the default admin password/);
      expect(loadConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-real-admin-pass' }, DbCliConfigSchema).NODE_ENV).to.equal('production');
    });

    it('every refusal names a variable of the schema', () => {
      expect(Object.keys(ConfigSchema.shape)).to.include.members(Object.keys(PRODUCTION_REFUSALS));
    });

    it('the API process exits non-zero with that one line before it connects to anything', async function () {
      this.timeout(30_000);
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_ENV: 'production',
        JWT_SECRET: DEVELOPMENT_JWT_SECRET,
        TICKET_SECRET: 'another-real-secret-for-tickets-0123456789',
        ADMIN_PASSWORD: 'a-real-admin-pass',
      };
      const failed = await run(process.execPath, ['--import', 'tsx', 'api/main.ts'], { cwd: ROOT, env, timeout: 25_000 }).then(
        () => null,
        (e: { code?: number; stderr?: string }) => e,
      );
      expect(failed, 'api/main.ts started').to.not.equal(null);
      expect(failed?.code).to.equal(78);
      expect(failed?.stderr?.trim().split('\n')).to.have.length(1);
      expect(failed?.stderr).to.match(/^invalid configuration: JWT_SECRET is the development secret/);
    });
  });
});
