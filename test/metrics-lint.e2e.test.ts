import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSdp, type SdpProcess } from './harness/sdp-process.js';

/** The real program's /metrics, linted by Prometheus' own promtool (Debian's `prometheus`). */
describe('/metrics of sdp start', () => {
  let sdp: SdpProcess;
  beforeAll(async () => {
    sdp = await startSdp({ timeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await sdp?.stop();
  });

  it('passes promtool check metrics with nothing to report', async () => {
    const promtool = spawnSync('promtool', ['--version']);
    expect(promtool.error, 'promtool is not installed: apt-get install prometheus').toBeUndefined();
    await fetch(`${sdp.url}/healthz`); // a request, so that the HTTP histogram has a series
    const response = await fetch(`${sdp.url}/metrics`, { headers: sdp.admin });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^sdp_process_cpu_seconds_total /m);
    for (const series of [
      'sdp_survey_responses{state="training"} 0',
      'sdp_pipeline_runs{pipeline="retrain",state="running"} 0',
      'sdp_queue_jobs{queue="jobs",state="failed"} 0',
    ])
      expect(text).toContain(series);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect([lint.status, lint.stdout + lint.stderr]).toEqual([0, '']);
  });
});
