import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionBody } from '../src/survey/testing/answers.js';
import { startSdp, type SdpProcess } from './harness/sdp-process.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './harness/services.js';
import { waitFor } from './harness/wait-for.js';

/**
 * `sdp serve` and `sdp worker` (inline queue, so the worker polls the same PostgreSQL) over a
 * PostgreSQL server of this test's own, restarted and stopped under survey load. Both must
 * stay up, answer 503 problem+json while the database is away, recover by themselves, and
 * store every acknowledged response exactly once.
 */

interface Load {
  acknowledged: Set<string>;
  /** Status → count of every answer. */
  statuses: Map<number, number>;
  /** Answers that were neither 2xx nor a problem document with Retry-After. */
  malformed: string[];
  /** When each acknowledgement arrived (for the recovery time). */
  acknowledgedAt: number[];
  stop(): Promise<void>;
}

/** Survey submissions from `workers` concurrent clients until stopped. */
function surveyLoad(url: string, workers = 4): Load {
  const load: Load = {
    acknowledged: new Set(),
    statuses: new Map(),
    malformed: [],
    acknowledgedAt: [],
    stop: async () => {},
  };
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      const body = submissionBody();
      try {
        const response = await fetch(`${url}/v1/survey/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        load.statuses.set(response.status, (load.statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        if (response.ok) {
          load.acknowledged.add(body.submissionId);
          load.acknowledgedAt.push(performance.now());
        } else {
          const problem =
            response.headers.get('content-type')?.startsWith('application/problem+json') &&
            response.status === 503 &&
            response.headers.get('retry-after');
          if (!problem) load.malformed.push(`${response.status} ${text.slice(0, 200)}`);
          await sleep(50);
        }
      } catch (error) {
        load.malformed.push(`no answer: ${(error as Error).message}`);
        await sleep(50);
      }
    }
  };
  const clients = Array.from({ length: workers }, client);
  load.stop = async () => {
    stopped = true;
    await Promise.all(clients);
  };
  return load;
}

describe('sdp serve and sdp worker through PostgreSQL outages', () => {
  let cluster: ThrowawayPostgres;
  let dataDir: string;
  let serve: SdpProcess;
  let worker: SdpProcess;
  const recoveries: Record<string, number> = {};

  const env = () => ({ DATABASE_URL: cluster.url });
  const args = [
    'queue.url=inline',
    'log.level=warn',
    'log.format=json',
    // Every request here comes from one address: the survey's limiter must not be the limit.
    'survey.rateLimit.submissions=1000000',
  ];

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-pg-outage-'));
    serve = await startSdp({ command: 'serve', args, env: env(), dataDir });
    worker = await startSdp({ command: 'worker', args, env: env(), dataDir });
  });
  afterAll(async () => {
    for (const sdp of [serve, worker]) if (sdp && sdp.child.exitCode === null) await sdp.stop();
    await cluster?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    // The recovery times, for docs/reliability.md (measured, not asserted).
    console.log(`recovery after the database came back (ms): ${JSON.stringify(recoveries)}`);
  });

  async function storedOf(ids: Set<string>): Promise<number> {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        'select count(*)::int as n from survey_response where submission_id = any($1::uuid[])',
        [[...ids]],
      );
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  const readiness = async () => (await fetch(`${serve.url}/readyz`)).status;

  /** Load through `outage`, then until 20 more responses were acknowledged after it. */
  async function underLoad(name: string, outage: () => Promise<void>): Promise<Load> {
    const load = surveyLoad(serve.url);
    await waitFor(() => load.acknowledged.size >= 20, { what: '20 acknowledged responses' });
    await outage();
    const back = performance.now();
    const before = load.acknowledgedAt.filter((at) => at < back).length;
    await waitFor(() => load.acknowledgedAt.length >= before + 20, {
      timeoutMs: 60_000,
      what: '20 acknowledged responses after the database came back',
    });
    recoveries[name] = Math.round(load.acknowledgedAt.find((at) => at >= back)! - back);
    await load.stop();
    return load;
  }

  function expectSurvived(load: Load) {
    expect(load.malformed).toEqual([]);
    expect(serve.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
  }

  it.each(['fast', 'immediate'] as const)(
    'stays up through a %s restart and stores every acknowledged response once',
    async (mode) => {
      const load = await underLoad(`${mode} restart`, async () => {
        await cluster.stop(mode);
        await cluster.start();
      });
      expectSurvived(load);
      expect(await storedOf(load.acknowledged)).toBe(load.acknowledged.size);
      expect(await readiness()).toBe(200);
    },
  );

  it('answers 503 with Retry-After while the database is stopped for 10 s, then recovers', async () => {
    let readyDuring = 0;
    const load = await underLoad('stopped 10 s', async () => {
      await cluster.stop('fast');
      readyDuring = await readiness();
      await sleep(10_000); // the outage itself, not a bound on anything
      await cluster.start();
    });
    expectSurvived(load);
    expect(readyDuring).toBe(503);
    expect(load.statuses.get(503)).toBeGreaterThan(0);
    expect(await storedOf(load.acknowledged)).toBe(load.acknowledged.size);
  });

  it('waits for the database at start, and gives up after database.startupTimeoutMs', async () => {
    await cluster.stop('fast');
    const starting = startSdp({ command: 'serve', args, env: env(), dataDir, timeoutMs: 60_000 });
    await sleep(1500); // it is waiting by now, with the database away
    await cluster.start();
    const late = await starting;
    expect(await (await fetch(`${late.url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    await late.stop();

    await cluster.stop('fast');
    const failed = await startSdp({
      command: 'serve',
      args: [...args, 'database.startupTimeoutMs=1000'],
      env: env(),
      dataDir,
    }).catch((error: Error) => error.message);
    await cluster.start();
    expect(failed).toMatch(/exited with 75 before it was ready/);
    expect(failed).toMatch(/database .* did not answer within 1000 ms/i);
  });
});
