import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startSdp, type SdpProcess } from './harness/sdp-process.js';

/**
 * The real program's /metrics, linted by Prometheus' own promtool (Debian's `prometheus`),
 * and the versioned alert rules (deploy/prometheus) checked against it.
 */
const RULES = path.join(REPO_ROOT, 'deploy/prometheus/sdp-rules.yml');

describe('/metrics of sdp start', () => {
  let sdp: SdpProcess;
  let metricsText = '';
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
    metricsText = text;
  });

  it('has every sdp series the alert and recording rules name, and the rules pass promtool check rules', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const named = new Set(readFileSync(RULES, 'utf8').match(/\bsdp_[a-z0-9_]+/g));
    expect(named.size).toBeGreaterThan(5);
    // A histogram's series are its _bucket, _count and _sum; a metric without samples yet
    // (no retrain has succeeded) still declares its TYPE.
    const declared = new Set([...metricsText.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const missing = [...named].filter(
      (name) => !declared.has(name.replace(/_(bucket|count|sum)$/, '')),
    );
    expect(missing).toEqual([]);
  });
});
