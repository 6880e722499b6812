import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.js';
import { SAMPLE_RECORD } from '../src/data/testing/sample-record.js';
import { submissionBody } from '../src/survey/testing/answers.js';
import { startSdp, type SdpProcess } from './harness/sdp-process.js';
import { waitFor } from './harness/wait-for.js';

const CLIENTS = 8;
const { depression: _label, ...RESPONDENT } = SAMPLE_RECORD;

// SIGTERM under survey and prediction load: the process drains and exits 0, and nothing it
// acknowledged is lost — every 201 survey response is stored, every 200 prediction logged.
describe('sdp start: graceful shutdown under load', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-drain-'));
  let sdp: SdpProcess | undefined;
  afterAll(async () => {
    if (sdp && sdp.child.exitCode === null) await sdp.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 0 and keeps every acknowledged response and every answered prediction', async () => {
    const { stored, logged, stopped } = await underLoad('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(sdp!.output()).not.toContain('exiting anyway');
    await expectKept(stored, logged);
  }, 180_000);

  it('after kill -9 under load, starts again on the same data dir and has every acknowledged response', async () => {
    const { stored, stopped } = await underLoad('SIGKILL');
    expect(stopped.signal).toBe('SIGKILL');
    // The killed process's lock is stale: the next start takes it over.
    sdp = await startSdp({ dataDir, timeoutMs: 120_000 });
    expect((await sdp.stop()).code).toBe(0);
    // Answered predictions still buffered at the kill are lost by design (the log is
    // asynchronous); acknowledged survey responses were committed before the 201.
    await expectKept(stored, []);
  }, 180_000);

  async function underLoad(signal: NodeJS.Signals) {
    // One client address and token for all the load: lift the per-caller limits.
    sdp = await startSdp({
      dataDir,
      timeoutMs: 120_000,
      args: ['survey.rateLimit.submissions=1000000', 'access.rateLimit.predict.max=1000000'],
    });
    const admin = sdp.admin;
    const url = sdp.url;
    await waitFor(
      async () => {
        const status = (await (
          await fetch(`${url}/v1/serving/status`, { headers: admin })
        ).json()) as {
          champion: unknown;
        };
        return status.champion !== null;
      },
      { timeoutMs: 120_000, what: 'the first champion' },
    );

    const stored: string[] = [];
    const logged: string[] = [];
    let stopping = false;
    const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin, ...headers },
        body: JSON.stringify(body),
      });
    // Each client alternates a survey response and a prediction until the server is gone.
    const client = async (id: number) => {
      for (let i = 0; ; i++) {
        try {
          const submission = submissionBody();
          const survey = await post('/v1/survey/responses', submission);
          if (survey.status === 201) stored.push(submission.submissionId);
          const key = `drain-${id}-${i}`;
          const predicted = await post('/v1/predict', RESPONDENT, { 'x-request-key': key });
          if (predicted.status === 200) logged.push(key);
          await predicted.arrayBuffer();
        } catch {
          // Refused: the server has stopped listening.
          if (stopping) return;
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, id) => client(id));
    await waitFor(() => stored.length >= 100 && logged.length >= 100, {
      timeoutMs: 60_000,
      what: 'load to build up',
    });
    stopping = true;
    const stopped = await sdp.stop(signal);
    await Promise.all(clients);
    return { stored, logged, stopped };
  }

  async function expectKept(stored: string[], logged: string[]) {
    const database = await openDatabase({ url: 'embedded', poolSize: 1 }, dataDir);
    try {
      const responses = await database.db
        .selectFrom('survey_response')
        .select('submission_id')
        .where('submission_id', 'in', stored)
        .execute();
      expect(responses).toHaveLength(stored.length);
      if (logged.length === 0) return;
      const predictions = await database.db
        .selectFrom('prediction_log')
        .select('request_key')
        .where('request_key', 'in', logged)
        .execute();
      expect(new Set(predictions.map((row) => row.request_key)).size).toBe(logged.length);
    } finally {
      await database.close();
    }
  }
});
