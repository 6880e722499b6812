import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/http-app.js';
import { loadConfig } from '../src/app/config.js';
import { openRuntime } from '../src/app/runtime.js';
import { createTestDatabase } from './harness/context.js';
import { REPO_ROOT } from './harness/sdp-process.js';

const run = promisify(execFile);
const REDOCLY = path.join(REPO_ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/** The served OpenAPI document, linted by an independent linter with the checked-in config. */
describe('the OpenAPI document', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdp-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes Redocly lint (recommended rules, redocly.yaml) without an error', async () => {
    const { config } = loadConfig({
      env: {},
      overrides: [`database.url=${await createTestDatabase()}`, `dataDir=${dir}`],
    });
    const runtime = await openRuntime(config, { log: pino({ level: 'silent' }), queue: true });
    const app = await createApp(runtime, 'test');
    const file = path.join(dir, 'openapi.json');
    try {
      writeFileSync(file, (await app.inject({ url: '/openapi.json' })).body);
    } finally {
      await app.close();
      await runtime.close();
    }
    // No telemetry, no update check: nothing leaves this machine.
    const env = {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    };
    const result = await run(
      process.execPath,
      [
        REDOCLY,
        'lint',
        file,
        '--config',
        path.join(REPO_ROOT, 'redocly.yaml'),
        '--format',
        'stylish',
      ],
      { cwd: REPO_ROOT, env },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result.output).not.toMatch(/\berror\b/);
    expect(result.code, result.output).toBe(0);
  });
});
