import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness/browser.js';
import { createTestDatabase, testRedis } from './harness/context.js';
import { startSdp } from './harness/sdp-process.js';

/**
 * bull-board in a browser, behind the login and the strict CSP: a viewer who pastes a token at
 * /login reaches the board, and the board renders with everything from this server.
 */
describe('the queue board (distributed mode) in a browser', async () => {
  const started: {
    sdp?: Awaited<ReturnType<typeof startSdp>>;
    browser?: Awaited<ReturnType<typeof launchBrowser>>;
  } = {};
  afterAll(async () => {
    await started.browser?.close();
    if (started.sdp && started.sdp.child.exitCode === null) await started.sdp.stop();
  });
  const browser = (started.browser = await launchBrowser());
  const redis = testRedis();
  const sdp = (started.sdp = await startSdp({
    env: { DATABASE_URL: await createTestDatabase(), REDIS_URL: redis.url },
    args: [`queue.prefix=${redis.prefix}`],
  }));

  it(
    'sends a browser to log in, then shows the board under the CSP',
    { timeout: 60_000 },
    async () => {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${sdp.url}/admin/queues`);
      await page.waitForURL(/\/login\?next=%2Fadmin%2Fqueues/);
      await page.getByLabel('API token').fill(sdp.admin.authorization.replace('Bearer ', ''));
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/admin\/queues$/);
      // Rendered by its scripts (before the fix its base URL and styles were refused: "Loading").
      await expect
        .poll(() => page.locator('body').innerText(), { timeout: 30_000 })
        .toMatch(/QUEUES[\s\S]*jobs/);
      // Only bull-board's web font from a third-party host is refused (as it must be).
      expect(violations.filter((text) => !/fonts\.googleapis\.com/.test(text))).toEqual([]);
      await page.close();
    },
  );
});
