import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAdminCredentials, FIRST_ADMIN_TOKEN_FILE } from '../src/app/bootstrap.js';
import { loadConfig } from '../src/app/config.js';
import { openRuntime, type Runtime } from '../src/app/runtime.js';
import { capturedLog } from './harness/captured-log.js';
import { createTestDatabase } from './harness/context.js';

/** The first admin: generated once (embedded), read from a file, or refused (production). */
describe('admin credentials at start', () => {
  const opened: Runtime[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const runtime of opened) await runtime.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function runtimeWith(overrides: string[]) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-admin-'));
    dirs.push(dataDir);
    const { log, text } = capturedLog();
    const { config } = loadConfig({
      env: {},
      overrides: [`database.url=${await createTestDatabase()}`, `dataDir=${dataDir}`, ...overrides],
    });
    const runtime = await openRuntime(config, { log });
    opened.push(runtime);
    return { runtime, dataDir, logText: text };
  }

  it('makes one admin token on a first start, left in a 0600 file (no terminal), never logged', async () => {
    const { runtime, dataDir, logText } = await runtimeWith([]);
    expect(await ensureAdminCredentials(runtime)).toBeUndefined(); // not a terminal: not printed
    const file = path.join(dataDir, FIRST_ADMIN_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    expect((await runtime.access.authenticateToken(token))?.role).toBe('admin');
    expect(logText()).toContain(file);
    expect(logText()).not.toContain(token);
    // A second start finds an admin and makes nothing.
    await ensureAdminCredentials(runtime);
    expect(await runtime.access.listTokens()).toHaveLength(1);
  });

  it('refuses to start without credentials when it may not make any (production)', async () => {
    const { runtime } = await runtimeWith(['access.generateAdminToken=false']);
    await expect(ensureAdminCredentials(runtime)).rejects.toThrow(
      /No admin credentials.*access\.adminTokenFile/s,
    );
    await runtime.access.addUser(
      { name: 'ada', role: 'admin', password: 'correct horse battery' },
      'test',
    );
    await expect(ensureAdminCredentials(runtime)).resolves.toBeUndefined();
  });

  it('registers the token of access.adminTokenFile once, and says what is wrong with a bad file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdp-admin-file-'));
    dirs.push(dir);
    const file = path.join(dir, 'token');
    const token = `sdp_${'A'.repeat(43)}`;
    writeFileSync(file, `${token}\n`);
    const { runtime } = await runtimeWith([
      `access.adminTokenFile=${file}`,
      'access.generateAdminToken=false',
    ]);
    await ensureAdminCredentials(runtime);
    await ensureAdminCredentials(runtime);
    expect(await runtime.access.listTokens()).toHaveLength(1);
    expect((await runtime.access.authenticateToken(token))?.role).toBe('admin');

    writeFileSync(file, 'not a token\n');
    await expect(ensureAdminCredentials(runtime)).rejects.toThrow(/"sdp_" and 43 base64url/);
    const missing = await runtimeWith([`access.adminTokenFile=${path.join(dir, 'nope')}`]);
    await expect(ensureAdminCredentials(missing.runtime)).rejects.toThrow(/cannot read .*nope/);
  });
});
