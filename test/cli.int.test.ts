import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SDP_BIN } from './harness/sdp-process.js';

const run = promisify(execFile);

async function sdp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SDP_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CI: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the sdp program', () => {
  it('lists its commands, and every command has --help', async () => {
    const help = await sdp('--help');
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)]
      .map((match) => match[1])
      .filter((name) => name !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['start', 'serve', 'worker', 'migrate', 'config', 'ingest']),
    );
    for (const command of commands) {
      const result = await sdp(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(/^Usage: sdp /);
    }
  });

  it('prints the merged configuration with groups and overrides', async () => {
    const result = await sdp('config', 'show', 'env=production', 'server.port=9090', '--json');
    // env=production needs its URLs: without them the error names each variable.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable DATABASE_URL is not set');

    const withEnv = await run(
      process.execPath,
      [SDP_BIN, 'config', 'show', 'env=production', 'server.port=9090', '--json'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: 'postgres://db/x',
          REDIS_URL: 'redis://r',
          SDP_BLOBS_URL: 's3://b/p',
        },
      },
    );
    const shown = JSON.parse(withEnv.stdout);
    expect(shown.groups).toEqual({ env: 'production', model: 'logistic', tune: 'default' });
    expect(shown.config.server.port).toBe(9090);
    expect(shown.config.database.url).toBe('postgres://db/x');
  });

  it('rejects a mistyped key, suggesting the right one', async () => {
    const result = await sdp('config', 'show', 'server.prot=9090');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('server.prot');
    expect(result.stderr).toContain('did you mean server.port?');
  });

  it('rejects an unknown command', async () => {
    const result = await sdp('frobnicate');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
