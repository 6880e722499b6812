import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SDP_BIN, startSdp, type SdpProcess } from './harness/sdp-process.js';
import { waitFor } from './harness/wait-for.js';
import { studentAnswers, submissionBody } from '../src/survey/testing/answers.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-beside-'));
// A file to ingest that is not the dataset the server started on (that one is synthetic too).
const csvFile = path.join(dataDir, 'respondents.csv');

/** The CLI on the server's data dir, as a user types it in a second terminal. */
async function sdp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, SDP_DATA_DIR: dataDir, CI: '1' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SDP_BLOBS_URL']) delete env[name];
  try {
    const { stdout, stderr } = await run(process.execPath, [SDP_BIN, ...args], {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function json<T>(...args: string[]): Promise<T> {
  const result = await sdp(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

// The README's order (start, then ingest, train, promote in a second terminal) against one
// embedded data dir. Before the lock and the shared socket, each command opened the PGlite
// directory itself: it reported success, the server never saw the change, the change was gone
// after the server stopped, and the data dir no longer opened.
describe('CLI commands beside a running embedded sdp start', () => {
  let server: SdpProcess | undefined;
  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  type Status = {
    mode: string;
    champion: { version: number } | null;
    challenger: { version: number } | null;
  };
  /** A viewer token made with `sdp tokens create` beside the server: what the server reads with. */
  let viewer: { authorization: string };
  const get = async <T>(route: string): Promise<T> =>
    (await (await fetch(`${server!.url}${route}`, { headers: viewer })).json()) as T;
  const status = () => get<Status>('/v1/serving/status');

  // A server start, a training and nine CLI processes: minutes on a loaded machine, not 30 s.
  it(
    'ingest, train, alias set, rollout start and survey export work and the server sees them at once',
    { timeout: 180_000 },
    async () => {
      server = await startSdp({ dataDir, timeoutMs: 120_000 });
      const { token } = await json<{ token: string }>(
        'tokens',
        'create',
        '--name',
        'e2e',
        '--role',
        'viewer',
      );
      viewer = { authorization: `Bearer ${token}` };
      await waitFor(async () => (await status()).champion !== null, {
        timeoutMs: 120_000,
        what: 'the first champion',
      });

      expect((await sdp('synth', '--rows', '3000', '--seed', '7', '--out', csvFile)).code).toBe(0);
      const ingested = await json<{ datasetId: string; rows: number }>('ingest', csvFile);
      expect(ingested.rows).toBe(3000);
      const datasets = await json<{ id: string }[]>('datasets', 'list');
      expect(datasets.map((d) => d.id)).toContain(ingested.datasetId);

      const trained = await json<{ version: number }>('train', '--data', ingested.datasetId);
      const models = await get<{ versions: { version: number }[] }>(
        '/v1/models/student-depression',
      );
      expect(models.versions.map((v) => v.version)).toContain(trained.version);

      const aliased = await sdp(
        'models',
        'alias',
        'set',
        'student-depression',
        'staging',
        String(trained.version),
        '--reason',
        'beside the server',
      );
      expect(aliased.code, aliased.stderr).toBe(0);
      const aliases = await get<{ aliases: Record<string, number> }>(
        '/v1/models/student-depression',
      );
      expect(aliases.aliases.staging).toBe(trained.version);
      const started = await sdp(
        'rollout',
        'start',
        '--challenger',
        String(trained.version),
        '--mode',
        'shadow',
      );
      expect(started.code, started.stderr).toBe(0);
      await waitFor(async () => (await status()).mode === 'shadow', {
        what: 'the server to serve the shadow rollout',
      });
      expect((await status()).challenger?.version).toBe(trained.version);

      // The survey's answers, stored by the server, reach the CLI (5: the export's k-anonymity).
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${server.url}/v1/survey/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(submissionBody(studentAnswers())),
        });
        expect(response.status).toBe(201);
      }
      const exported = await sdp('survey', 'export', '--format', 'kaggle');
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.trim().split('\n')).toHaveLength(6);
    },
  );

  it('keeps all of it after the server stops, and the data dir opens again', async () => {
    const stopped = await server!.stop();
    expect(stopped.code).toBe(0);
    const datasets = await json<{ id: string }[]>('datasets', 'list');
    expect(datasets.length).toBeGreaterThanOrEqual(2);
    const rollout = await sdp('rollout', 'status', '--json');
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(JSON.parse(rollout.stdout)).toMatchObject({ rollout: { mode: 'shadow' } });
    const exported = await sdp('survey', 'export', '--format', 'kaggle');
    expect(exported.stdout.trim().split('\n')).toHaveLength(6);

    server = await startSdp({ dataDir, timeoutMs: 120_000 });
    await waitFor(async () => (await status()).mode === 'shadow', {
      what: 'the rollout after restart',
    });
  });
});
