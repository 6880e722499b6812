import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEMS, PAGES, isAsked, type AnswerValue, type Item } from '../src/survey/questionnaire.js';
import { studentAnswers } from '../src/survey/testing/answers.js';
import { launchBrowser } from './harness/browser.js';
import { createTestDatabase } from './harness/context.js';
import { startSdp, type SdpProcess } from './harness/sdp-process.js';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const PHONE = { width: 360, height: 740 };

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

describe('the survey in a browser (PostgreSQL)', () => {
  let sdp: SdpProcess;
  let browser: Browser;
  let db: pg.Client;
  /** Requests to any host but the server: must stay empty. */
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    const url = await createTestDatabase();
    sdp = await startSdp({
      env: { DATABASE_URL: url },
      args: ['survey.rateLimit.submissions=1000'],
    });
    browser = await launchBrowser();
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await browser?.close();
    if (sdp && sdp.child.exitCode === null) await sdp.stop();
  });

  async function openSurvey(): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== sdp.url) foreignRequests.push(request.url());
    });
    await page.goto(`${sdp.url}/survey`);
    await page.locator('h1').waitFor();
    return page;
  }

  /** axe-core, injected from node_modules, on the page as it is now: WCAG 2.0/2.1 A and AA. */
  async function expectAccessible(page: Page, where: string): Promise<void> {
    // Evaluated over the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
    // (Browser-side code is passed as strings: this project's TypeScript has no DOM types.)
    if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate<string[]>(`
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
        .then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
    expect(violations, where).toEqual([]);
    // Phone width: nothing scrolls sideways.
    expect(
      await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'),
      `${where}: fits the phone width`,
    ).toBe(true);
    // Crisis resources on every page.
    expect(
      await page.locator('.help-banner a[href="tel:116123"]').count(),
      `${where}: help banner`,
    ).toBe(1);
    expect(await page.locator('#help li').count(), `${where}: help list`).toBeGreaterThanOrEqual(4);
  }

  function optionIndex(item: Item, value: AnswerValue): number {
    if (item.kind === 'choice') return item.values.indexOf(value as string);
    if (item.kind === 'scale') return (value as number) - item.min;
    return -1;
  }

  /** Fills one page with the mouse and the form's labels. */
  async function fillWithPointer(
    page: Page,
    pageIndex: number,
    answers: Record<string, AnswerValue>,
  ) {
    for (const item of ITEMS.filter(
      (candidate) => candidate.page === PAGES[pageIndex] && isAsked(candidate, answers),
    )) {
      const value = answers[item.id];
      if (value === undefined || value === null) continue;
      if (item.kind === 'number') await page.fill(`#q-${item.id}`, String(value));
      else if (item.kind === 'choice' && item.display === 'select')
        await page.selectOption(`#q-${item.id}`, String(value));
      else await page.check(`#q-${item.id}-${optionIndex(item, value)}`);
    }
  }

  /** Moves focus with Tab only until `selector` has it. */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let presses = 0; presses < 120; presses++) {
      if (
        await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)
      )
        return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  /** Fills one page with the keyboard alone: Tab, arrows, Space, typing. */
  async function fillWithKeyboard(
    page: Page,
    pageIndex: number,
    answers: Record<string, AnswerValue>,
  ) {
    for (const item of ITEMS.filter(
      (candidate) => candidate.page === PAGES[pageIndex] && isAsked(candidate, answers),
    )) {
      const value = answers[item.id];
      if (value === undefined || value === null) continue;
      if (item.kind === 'number') {
        await tabTo(page, `#q-${item.id}`);
        await page.keyboard.type(String(value));
      } else if (item.kind === 'choice' && item.display === 'select') {
        await tabTo(page, `#q-${item.id}`);
        for (let i = 0; i <= item.values.indexOf(value as string); i++)
          await page.keyboard.press('ArrowDown');
        expect(await page.inputValue(`#q-${item.id}`)).toBe(value);
      } else {
        await tabTo(page, `[name="${item.id}"]`);
        await page.keyboard.press('Space');
        for (let i = 0; i < optionIndex(item, value); i++) await page.keyboard.press('ArrowDown');
        expect(await page.isChecked(`#q-${item.id}-${optionIndex(item, value)}`)).toBe(true);
      }
    }
  }

  async function storedRow(submissionId: string) {
    const { rows } = await db.query(
      'select *, submitted_on::text as day from survey_response where submission_id = $1',
      [submissionId],
    );
    return rows;
  }

  it('completes in English with pointer and labels, accessible on every page, and deletes by receipt', async () => {
    const page = await openSurvey();
    await expectAccessible(page, 'consent');
    await page.getByRole('button', { name: 'Start the survey' }).click();
    expect(await page.locator('#consent-error').textContent()).toContain('18 or older');
    await expectAccessible(page, 'consent with error');
    await page.getByLabel('I am 18 or older and I agree to take part').check();
    await page.getByRole('button', { name: 'Start the survey' }).click();

    const answers = studentAnswers({}, [2, 2, 2, 1, 1, 1, 1, 0, 0]);
    const posted: string[] = [];
    // The UTC day as the server reads it when the answers arrive: taken on both sides of the
    // request, so a run across midnight still knows which days are right.
    const utcDay = () => new Date().toISOString().slice(0, 10);
    const submittedOn: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'POST') return;
      posted.push(request.postData() ?? '');
      submittedOn.push(utcDay());
    });
    for (let index = 0; index < PAGES.length; index++) {
      expect(await page.locator('.progress-text').textContent()).toBe(
        `Page ${index + 1} of ${PAGES.length}`,
      );
      if (index === 0) {
        // An empty page: every required question is reported, announced and linked.
        await page.getByRole('button', { name: 'Next' }).click();
        await expect.poll(() => page.locator('.error-summary[role="alert"] li').count()).toBe(3);
        await expectAccessible(page, 'page 1 with errors');
      }
      await fillWithPointer(page, index, answers);
      await expectAccessible(page, `page ${index + 1}`);
      if (index === 1) {
        // Back keeps the answers.
        await page.getByRole('button', { name: 'Back' }).click();
        expect(await page.inputValue('#q-age')).toBe('21');
        await page.getByRole('button', { name: 'Next' }).click();
      }
      await page
        .getByRole('button', { name: index === PAGES.length - 1 ? 'Submit answers' : 'Next' })
        .click();
    }
    await page.getByRole('heading', { name: 'Thank you for taking part' }).waitFor();
    submittedOn.push(utcDay());
    expect(await page.locator('.score').textContent()).toBe(
      'Your PHQ-9 score: 10 of 27 (moderate depressive symptoms).',
    );
    expect(await page.locator('.not-diagnosis').textContent()).toContain(
      'screening result, not a diagnosis',
    );
    expect(await page.locator('main').textContent()).not.toMatch(/probabilit|model|score 0\./i);
    await expectAccessible(page, 'end');

    const body = JSON.parse(posted[0]) as { submissionId: string };
    const [row] = await storedRow(body.submissionId);
    expect(row).toMatchObject({
      state: 'training',
      phq9_total: 10,
      phq9_label: 1,
      locale: 'en',
    });
    expect([submittedOn[0], submittedOn.at(-1)]).toContain(row.day);

    // Double submit: the same body again stores nothing new and returns the same receipt.
    const receipt = await page.locator('#receipt-code').textContent();
    const replay = await page.evaluate(async (data) => {
      const response = await fetch('/v1/survey/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: data,
      });
      return {
        status: response.status,
        receipt: ((await response.json()) as { receiptCode: string }).receiptCode,
      };
    }, posted[0]);
    expect(replay).toEqual({ status: 200, receipt });
    expect(await storedRow(body.submissionId)).toHaveLength(1);

    await page.getByRole('button', { name: 'Delete my response' }).click();
    expect(await page.locator('#delete-status').textContent()).toBe(
      'Your response has been deleted.',
    );
    expect(await storedRow(body.submissionId)).toHaveLength(0);
    await page.context().close();
  });

  it('completes in Polish with the keyboard alone; a double click submits once', async () => {
    const page = await openSurvey();
    await tabTo(page, '#lang-pl');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.documentElement.lang')).toBe('pl');
    expect(await page.locator('h1').textContent()).toBe('Zanim Pan/Pani zacznie');
    await expectAccessible(page, 'zgoda');
    await tabTo(page, '#consent');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');

    const answers = studentAnswers(
      {
        gender: 'male',
        profession: 'Teacher',
        work_pressure: 2,
        job_satisfaction: 4,
        degree: 'MBA',
      },
      [0, 1, 0, 1, 0, 1, 0, 0, 0],
    );
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.postData() ?? '');
    });
    for (let index = 0; index < PAGES.length; index++) {
      expect(await page.locator('.progress-text').textContent()).toBe(
        `Strona ${index + 1} z ${PAGES.length}`,
      );
      await fillWithKeyboard(page, index, answers);
      await expectAccessible(page, `strona ${index + 1}`);
      const last = index === PAGES.length - 1;
      await tabTo(page, 'button.primary');
      expect(await page.evaluate('document.activeElement?.textContent')).toBe(
        last ? 'Wyślij odpowiedzi' : 'Dalej',
      );
      if (last) await page.locator('button.primary').dblclick();
      else await page.keyboard.press('Enter');
    }
    await page.getByRole('heading', { name: 'Dziękujemy za udział w ankiecie' }).waitFor();
    expect(await page.locator('.score').textContent()).toBe(
      'Wynik PHQ-9: 3 z 27 (minimalne objawy depresji).',
    );
    expect(await page.locator('.not-diagnosis').textContent()).toContain('a nie diagnoza');
    await expectAccessible(page, 'koniec');

    const ids = new Set(
      posts.map((post) => (JSON.parse(post) as { submissionId: string }).submissionId),
    );
    expect(ids.size).toBe(1);
    const [row] = await storedRow([...ids][0]);
    expect(row).toMatchObject({ locale: 'pl', state: 'training', phq9_total: 3 });
    expect(row.record).toMatchObject({
      gender: 'Male',
      profession: 'Teacher',
      work_pressure: 2,
      job_satisfaction: 4,
    });
    expect(await storedRow([...ids][0])).toHaveLength(1);

    // Deletion later, by typing the code on the deletion page.
    const code = (await page.locator('#receipt-code').textContent())!;
    await page.goto(`${sdp.url}/survey`);
    await page.locator('h1').waitFor();
    // Nothing is kept in the browser between visits, the language choice included.
    await tabTo(page, '#lang-pl');
    await page.keyboard.press('Enter');
    await tabTo(page, 'button.link');
    await page.keyboard.press('Enter');
    await tabTo(page, '#receipt');
    await page.keyboard.type(code.toLowerCase());
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#delete-status').textContent())
      .toBe('Odpowiedzi zostały usunięte.');
    await expectAccessible(page, 'usuwanie');
    expect(await storedRow([...ids][0])).toHaveLength(0);
    await page.context().close();
  });

  it('shows the safety screen at once when PHQ-9 item 9 is above 0, saying nobody will follow up', async () => {
    const page = await openSurvey();
    await page.getByLabel('I am 18 or older and I agree to take part').check();
    await page.getByRole('button', { name: 'Start the survey' }).click();
    const answers = studentAnswers({}, [1, 1, 1, 1, 1, 0, 0, 0, 2]);
    for (let index = 0; index < PAGES.length - 1; index++) {
      await fillWithPointer(page, index, answers);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await fillWithPointer(page, PAGES.length - 1, answers);
    // The moment item 9 is answered above 0, help appears in place…
    expect(await page.locator('.safety-note[role="alert"]').textContent()).toContain(
      'nobody will contact you',
    );
    await page.getByRole('button', { name: 'Submit answers' }).click();
    // …and before anything is sent, the safety screen.
    await page.getByRole('heading', { name: 'Help is available' }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain(
      'This survey is anonymous, so nobody will contact you or follow up on your answers.',
    );
    expect(text).toContain('116 123');
    expect(text).toContain('112');
    await expectAccessible(page, 'safety screen');
    await page.getByRole('button', { name: 'Continue the survey' }).click();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByRole('heading', { name: 'Thank you for taking part' }).waitFor();
    expect(await page.locator('.score').textContent()).toContain('(mild depressive symptoms)');
    await page.context().close();
  });

  it('shows the safety screen after the page where suicidal thoughts is answered yes', async () => {
    const page = await openSurvey();
    await page.getByLabel('I am 18 or older and I agree to take part').check();
    await page.getByRole('button', { name: 'Start the survey' }).click();
    const answers = studentAnswers({ suicidal_thoughts: 'Yes' });
    const wellbeing = PAGES.indexOf('wellbeing');
    for (let index = 0; index <= wellbeing; index++) {
      await fillWithPointer(page, index, answers);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await page.getByRole('heading', { name: 'Help is available' }).waitFor();
    await page.getByRole('button', { name: 'Continue the survey' }).click();
    expect(await page.locator('h1').textContent()).toBe('How you have been feeling (part 1 of 2)');
    await page.context().close();
  });

  it('made no request to any other host', () => {
    expect(foreignRequests).toEqual([]);
  });
});
