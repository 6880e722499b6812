import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.js';
import { isDomainError } from '../errors.js';
import { DEFAULT_CONFIG_DIR } from './load.js';
import { expandSweep, parseOverrides } from './overrides.js';

const env = {}; // a clean environment: defaults only

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (isDomainError(error, 'invalid') && error.code === 'config')
      return error.details.map(({ field, message }) => `${field}: ${message}`);
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('composes the embedded defaults from base.yaml and the env group', () => {
    const { config, groups } = loadConfig({ env });
    expect(groups).toEqual({ env: 'embedded', model: 'logistic', tune: 'default' });
    expect(config.server.port).toBe(8080);
    expect(config.database.url).toBe('embedded');
    expect(config.queue.url).toBe('inline');
    expect(config.blobs.url).toBe('file');
    expect(config.role).toBe('all');
  });

  it('selects a group option and applies dotted overrides with YAML types', () => {
    const { config, groups } = loadConfig({
      env: {
        DATABASE_URL: 'postgres://db/sdp',
        REDIS_URL: 'redis://r:6379',
        SDP_BLOBS_URL: 's3://b/p',
      },
      overrides: ['env=production', 'server.port=9090', 'log.level=debug'],
    });
    expect(groups.env).toBe('production');
    expect(config.server.port).toBe(9090);
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.database.url).toBe('postgres://db/sdp');
    expect(config.queue.url).toBe('redis://r:6379');
  });

  it('interpolates environment variables, typed, with defaults', () => {
    const { config } = loadConfig({ env: { PORT: '7070', DATABASE_URL: 'postgres://x/y' } });
    expect(config.server.port).toBe(7070);
    expect(config.database.url).toBe('postgres://x/y');
  });

  it('names every missing environment variable a group requires', () => {
    const problems = problemsOf(() => loadConfig({ env, overrides: ['env=production'] }));
    expect(problems).toEqual([
      'database.url: environment variable DATABASE_URL is not set',
      'queue.url: environment variable REDIS_URL is not set',
      'blobs.url: environment variable SDP_BLOBS_URL is not set',
    ]);
  });

  it('takes SDP_<SECTION>__<KEY> variables, below command-line overrides', () => {
    const fromEnv = loadConfig({ env: { SDP_SERVER__PORT: '9191', SDP_QUEUE__CONCURRENCY: '4' } });
    expect(fromEnv.config.server.port).toBe(9191);
    expect(fromEnv.config.queue.concurrency).toBe(4);
    const both = loadConfig({ env: { SDP_SERVER__PORT: '9191' }, overrides: ['server.port=9292'] });
    expect(both.config.server.port).toBe(9292);
  });

  it('suggests the closest key for a mistyped override', () => {
    const problems = problemsOf(() => loadConfig({ env, overrides: ['server.prot=9090'] }));
    expect(problems).toEqual(['server.prot: unknown key; did you mean server.port?']);
  });

  it('suggests the closest key for a mistyped environment variable', () => {
    const problems = problemsOf(() => loadConfig({ env: { SDP_SERVER__PROT: '1' } }));
    expect(problems[0]).toMatch(
      /SDP_SERVER__PROT: no config key "server.prot" \(did you mean server.port\?\)/,
    );
  });

  it('rejects bad values, naming the key and what is allowed', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env,
        overrides: ['server.port=http', 'log.level=loud', 'database.url=mysql://x'],
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^server\.port: .*number/);
    expect(problems[1]).toMatch(/^log\.level: .*"trace".*"info"/);
    expect(problems[2]).toBe('database.url: must be "embedded" or a postgres:// URL');
  });

  it('names the available options of a group', () => {
    const problems = problemsOf(() => loadConfig({ env, overrides: ['env=staging'] }));
    expect(problems).toEqual(['env=staging: no such option (available: embedded, production)']);
  });

  it('merges a group without a package header under the group name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdp-config-'));
    cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
    mkdirSync(path.join(dir, 'server'));
    writeFileSync(path.join(dir, 'server', 'fast.yaml'), 'port: 2\nshutdownTimeoutMs: 100\n');
    const { config, groups } = loadConfig({ env, configDir: dir, overrides: ['server=fast'] });
    expect(groups.server).toBe('fast');
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 2,
      shutdownTimeoutMs: 100,
      trustProxy: false,
    });
  });
});

describe('overrides', () => {
  it('rejects text that is not key=value', () => {
    expect(() => parseOverrides(['server.port'])).toThrow(/expected key=value/);
    expect(() => parseOverrides(['=3'])).toThrow(/expected key=value/);
  });

  it('expands a multirun sweep into the cartesian product', () => {
    expect(expandSweep(['model=logistic,gbdt', 'seed=1,2'])).toEqual([
      ['model=logistic', 'seed=1'],
      ['model=logistic', 'seed=2'],
      ['model=gbdt', 'seed=1'],
      ['model=gbdt', 'seed=2'],
    ]);
  });
});
