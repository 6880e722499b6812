import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness/browser.js';
import { createTestDatabase, testRedis } from './harness/context.js';
import { startSdp } from './harness/sdp-process.js';
import { waitFor } from './harness/wait-for.js';

type Readiness = { status: string; checks: Record<string, { kind: string; status: string }> };

describe('sdp start, embedded (no DATABASE_URL, no REDIS_URL)', async () => {
  // Cleanup first, and the browser before the server: a setup that fails half-way (no
  // Chromium, say) must not leave an sdp process running after the tests.
  const started: {
    sdp?: Awaited<ReturnType<typeof startSdp>>;
    browser?: Awaited<ReturnType<typeof launchBrowser>>;
  } = {};
  afterAll(async () => {
    await started.browser?.close();
    if (started.sdp && started.sdp.child.exitCode === null) await started.sdp.stop();
  });
  const browser = (started.browser = await launchBrowser());
  const sdp = (started.sdp = await startSdp());

  it('is live and ready on embedded backends', async () => {
    expect((await fetch(`${sdp.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${sdp.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const ready = await fetch(`${sdp.url}/readyz`, { headers: sdp.admin });
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as Readiness;
    expect(body.checks.database.kind).toBe('embedded');
    expect(body.checks.queue.kind).toBe('inline');
    expect(body.checks.objects.kind).toBe('file');
  });

  it('serves a home page that shows the system status and crisis resources', async () => {
    // The page checks readiness once, as it loads. Open it after the fresh installation's
    // background work (synthetic data, first model) is done, so that one check does not race
    // a start-up still busy on this machine's two cores; then wait for its answer.
    await waitFor(
      async () => {
        const status = await fetch(`${sdp.url}/v1/serving/status`, { headers: sdp.admin });
        return status.ok && ((await status.json()) as { champion: unknown }).champion !== null;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the first model to be served' },
    );
    // The start-up lines say where everything is, what data it started on, and, once the
    // background training is done, that the champion is ready.
    expect(sdp.output()).toMatch(/survey +http:\/\/localhost:\d+\/survey/);
    expect(sdp.output()).toMatch(/data +synthetic, dataset ds_\w+ "[^"]+" \(5,000 rows\)/);
    await waitFor(() => /champion v1 ready, trained on 5,000 synthetic rows/.test(sdp.output()), {
      what: 'the champion-ready line',
    });
    const page = await browser.newPage();
    await page.goto(sdp.url);
    await expect
      .poll(() => page.locator('#status').getAttribute('data-state'))
      .not.toBe('checking');
    expect(await page.locator('#status').getAttribute('data-state')).toBe('ready');
    // Anonymous: ready or not, nothing about the backends.
    expect(await page.locator('#status').textContent()).toBe('System ready');
    expect(await page.getByRole('heading', { name: 'Need help now?' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'API documentation' }).click();
    await page.waitForURL(/\/docs/);
    await page.close();
  });

  it('exits 0 after SIGTERM by a graceful shutdown, not by its deadline', async () => {
    const { code } = await sdp.stop('SIGTERM');
    expect(code).toBe(0);
    // The deadline (server.shutdownTimeoutMs) also exits 0, but says so and never "stopped";
    // a shutdown that hangs without it fails this test by its timeout.
    expect(sdp.output()).toContain('"message":"stopped"');
    expect(sdp.output()).not.toContain('exiting anyway');
  });
});

describe('sdp start, distributed (DATABASE_URL and REDIS_URL)', () => {
  it('uses PostgreSQL and BullMQ, and a second start applies no migration', async () => {
    const env = { DATABASE_URL: await createTestDatabase(), REDIS_URL: testRedis().url };
    const args = [`queue.prefix=${testRedis().prefix}`];
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-restart-'));

    const first = await startSdp({ env, args, dataDir });
    const body = (await (
      await fetch(`${first.url}/readyz`, { headers: first.admin })
    ).json()) as Readiness;
    expect(body.status).toBe('ready');
    expect(body.checks.database.kind).toBe('postgres');
    expect(body.checks.queue.kind).toBe('bullmq');
    expect((await fetch(`${first.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${first.url}/admin/queues`, { headers: first.admin })).status).toBe(200);
    expect((await first.stop()).code).toBe(0);
    expect(first.output()).toMatch(/database postgres: applied \d+ migration/);

    const second = await startSdp({ env, args, dataDir });
    const stopped = await second.stop();
    expect(stopped, second.output()).toMatchObject({ code: 0 });
    expect(second.output()).toMatch(/database postgres: schema up to date/);
    expect(second.output()).toMatch(/queue bullmq/);
  });
});
