import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './harness/context.js';
import { REPO_ROOT, SDP_BIN } from './harness/sdp-process.js';

/** `sdp tokens|users|audit` on one database, as an operator at a terminal would run them. */
describe('sdp tokens, users and audit', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-access-cli-'));
    env = { ...process.env, DATABASE_URL: await createTestDatabase(), SDP_DATA_DIR: dataDir };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function sdp(
    args: string[],
    stdin = '',
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [SDP_BIN, ...args], { cwd: REPO_ROOT, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdin.end(stdin);
      child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  it('creates a token shown once, lists it without its secret, and revokes it', async () => {
    const created = await sdp([
      'tokens',
      'create',
      '--name',
      'survey-frontend',
      '--role',
      'predict',
      '--expires-in-days',
      '30',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { token, info } = JSON.parse(created.stdout);
    expect(token).toMatch(/^sdp_/);
    expect(info).toMatchObject({ name: 'survey-frontend', role: 'predict' });
    expect(new Date(info.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const listed = await sdp(['tokens', 'list']);
    expect(listed.stdout).toContain(info.id);
    expect(listed.stdout).not.toContain(token);

    expect((await sdp(['tokens', 'revoke', 'survey-frontend'])).stdout).toContain(
      `Revoked ${info.id}`,
    );
    const after = JSON.parse((await sdp(['tokens', 'list', '--json'])).stdout);
    expect(after.find((t: { id: string }) => t.id === info.id).revokedAt).not.toBeNull();
    const again = await sdp(['tokens', 'revoke', 'survey-frontend']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No live token');
  });

  it('refuses a role that does not exist and a password that is too short, clearly', async () => {
    const role = await sdp(['tokens', 'create', '--name', 'x', '--role', 'root']);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/Allowed choices are viewer, operator, admin, predict/);
    const short = await sdp(['users', 'add', 'bob', '--role', 'viewer'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
  });

  it('adds a user with the password from stdin, and audits every change with the CLI user', async () => {
    const added = await sdp(
      ['users', 'add', 'ada', '--role', 'operator'],
      'correct horse battery\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await sdp(['users', 'list'])).stdout).toMatch(/ada\s+operator/);
    const twice = await sdp(['users', 'add', 'ada', '--role', 'viewer'], 'correct horse battery\n');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('exists already');

    const audit = JSON.parse((await sdp(['audit', 'list', '--json'])).stdout) as {
      actor: string;
      action: string;
      target: string;
    }[];
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['token.create', 'token.revoke', 'user.add']),
    );
    expect(audit.every((e) => e.actor.startsWith('cli:'))).toBe(true);
    const users = JSON.parse((await sdp(['audit', 'list', '--action', 'user', '--json'])).stdout);
    expect(users).toEqual([expect.objectContaining({ action: 'user.add', target: 'ada' })]);
    expect(JSON.stringify(audit)).not.toContain('correct horse');
  });
});
