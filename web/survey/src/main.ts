/**
 * The survey web app: consent, short pages with progress and back, a safety screen when
 * answers call for it, the end page with the PHQ-9 band and receipt code, and deletion by
 * code. Everything it shows comes from the message catalogues; everything it asks comes from
 * the questionnaire definition; the checks are the server's own (validateItems).
 */
import { CATALOGUES, format } from '../../../src/survey/messages.js';
import {
  PAGES,
  QUESTIONNAIRE_VERSION,
  isAsked,
  itemsOfPage,
  needsSafetyScreen,
  triggersSafety,
  type AnswerValue,
  type Item,
  type Locale,
} from '../../../src/survey/questionnaire.js';
import { validateItems } from '../../../src/survey/submission.js';
import { deleteResponse, postSubmission, type Submitted } from './api.js';
import { header, helpBanner, helpSection, readCrisisResources } from './chrome.js';
import { h } from './dom.js';
import { focusTargetId, renderItem } from './fields.js';

type View =
  | { name: 'consent'; error?: boolean }
  | {
      name: 'page';
      index: number;
      errors?: Map<string, string>;
      sending?: boolean;
      failed?: boolean;
    }
  | { name: 'safety'; nextIndex: number }
  | { name: 'end'; result: Submitted; deleted?: 'deleted' | 'failed' }
  | { name: 'delete'; outcome?: 'deleted' | 'not-found' | 'failed'; code?: string };

const resources = readCrisisResources();
const app = document.getElementById('app')!;

const state = {
  locale: (navigator.language?.toLowerCase().startsWith('pl') ? 'pl' : 'en') as Locale,
  view: { name: 'consent' } as View,
  answers: {} as Record<string, AnswerValue | undefined>,
  rawText: {} as Record<string, string | undefined>,
  consent: false,
  safetyShown: false,
  /** Made once per filled-in survey: a retried or doubled submit is the same submission. */
  submissionId: undefined as string | undefined,
};

const messages = () => CATALOGUES[state.locale];

function visibleItems(index: number): Item[] {
  return itemsOfPage(PAGES[index]).filter((item) => isAsked(item, state.answers));
}

/** Renders the current view; `focus` names the element to focus afterwards (default: the heading). */
function render(focus: string | null = 'heading'): void {
  const m = messages();
  document.documentElement.lang = m.lang;
  document.title = m.ui.title;
  const main = h('main', { id: 'main' });
  main.append(...viewContent());
  app.replaceChildren(
    header(state.locale, (locale) => {
      state.locale = locale;
      const view = state.view;
      // Messages of errors on screen follow the language too.
      if (view.name === 'page' && view.errors) view.errors = validatePage(view.index);
      render(`lang-${locale}`);
    }),
    helpBanner(m, resources[state.locale] ?? []),
    main,
    helpSection(m, resources[state.locale] ?? []),
  );
  if (focus) (document.getElementById(focus) ?? document.getElementById('heading'))?.focus();
}

function heading(text: string): HTMLElement {
  return h('h1', { id: 'heading', tabindex: '-1' }, text);
}

function validatePage(index: number): Map<string, string> {
  const items = visibleItems(index).map((item) => item.id);
  const errors = validateItems(state.answers, items, state.locale);
  return new Map([...errors].map(([id, error]) => [id, error.message]));
}

function go(view: View, focus: string | null = 'heading'): void {
  state.view = view;
  render(focus);
  window.scrollTo(0, 0);
}

function viewContent(): HTMLElement[] {
  const view = state.view;
  switch (view.name) {
    case 'consent':
      return consentView(view);
    case 'page':
      return pageView(view);
    case 'safety':
      return safetyView(view);
    case 'end':
      return endView(view);
    case 'delete':
      return deleteView(view);
  }
}

function consentView(view: Extract<View, { name: 'consent' }>): HTMLElement[] {
  const m = messages();
  const checkbox = h('input', {
    type: 'checkbox',
    id: 'consent',
    checked: state.consent,
    'aria-describedby': view.error ? 'consent-error' : undefined,
    'aria-invalid': view.error ? 'true' : undefined,
  });
  checkbox.addEventListener('change', () => (state.consent = checkbox.checked));
  const form = h(
    'form',
    { novalidate: true },
    h(
      'div',
      { class: `question checkbox${view.error ? ' has-error' : ''}` },
      checkbox,
      h('label', { for: 'consent' }, m.ui.consentCheckbox),
    ),
    view.error
      ? h('p', { id: 'consent-error', class: 'error', role: 'alert' }, m.errors.consent)
      : undefined,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, m.ui.start)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!state.consent) return go({ name: 'consent', error: true }, 'consent');
    go({ name: 'page', index: 0 });
  });
  const toDelete = h('button', { type: 'button', class: 'link' }, m.ui.deleteLink);
  toDelete.addEventListener('click', () => go({ name: 'delete' }));
  return [
    heading(m.ui.consentHeading),
    ...m.ui.consentParagraphs.map((text) => h('p', {}, text)),
    form,
    h('p', {}, toDelete),
  ];
}

function pageView(view: Extract<View, { name: 'page' }>): HTMLElement[] {
  const m = messages();
  const page = PAGES[view.index];
  const items = visibleItems(view.index);
  const progressText = format(m.ui.progress, { current: view.index + 1, total: PAGES.length });
  const summary = view.errors?.size
    ? h(
        'div',
        { class: 'error-summary', role: 'alert', id: 'error-summary', tabindex: '-1' },
        h('h2', {}, format(m.ui.errorSummary, { count: view.errors.size })),
        h(
          'ul',
          {},
          ...items
            .filter((item) => view.errors!.has(item.id))
            .map((item) => {
              const link = h(
                'a',
                { href: `#${focusTargetId(item)}` },
                `${m.items[item.id]?.label ?? item.id}: ${view.errors!.get(item.id)}`,
              );
              link.addEventListener('click', (event) => {
                event.preventDefault();
                document.getElementById(focusTargetId(item))?.focus();
              });
              return h('li', {}, link);
            }),
        ),
      )
    : undefined;

  const fields = items.map((item) => {
    const field = renderItem(item, {
      messages: m,
      value: state.answers[item.id],
      rawText: state.rawText[item.id],
      error: view.errors?.get(item.id),
      onChange: (value, rawText) => {
        const wasAlerting = triggersSafety(item, state.answers[item.id]);
        state.answers[item.id] = value;
        state.rawText[item.id] = rawText;
        const controlsSkipLogic = itemsOfPage(page).some((other) => other.showIf?.item === item.id);
        // Answers that change which questions are asked, or that call for help, redraw the page
        // in place (focus stays on the control the person is using).
        if (controlsSkipLogic || wasAlerting !== triggersSafety(item, value))
          render(document.activeElement?.id ?? null);
      },
    });
    if (triggersSafety(item, state.answers[item.id]))
      field.append(
        h(
          'p',
          { class: 'safety-note', role: 'alert' },
          m.ui.safetyParagraphs[1],
          ' ',
          h('a', { href: '#help' }, m.ui.helpBannerLink),
        ),
      );
    return field;
  });

  const last = view.index === PAGES.length - 1;
  const back = h('button', { type: 'button', class: 'secondary' }, m.ui.back);
  back.addEventListener('click', () =>
    view.index === 0 ? go({ name: 'consent' }) : go({ name: 'page', index: view.index - 1 }),
  );
  const next = h(
    'button',
    {
      type: 'submit',
      class: 'primary',
      disabled: view.sending,
      'aria-disabled': view.sending ? 'true' : undefined,
    },
    view.sending ? m.ui.submitting : last ? m.ui.submit : m.ui.next,
  );
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'heading' },
    page.startsWith('phq') ? h('p', { class: 'stem' }, m.ui.phqStem) : undefined,
    ...fields,
    view.failed ? h('p', { class: 'error', role: 'alert' }, m.ui.networkError) : undefined,
    h('div', { class: 'actions' }, back, next),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (view.sending) return;
    const errors = validatePage(view.index);
    if (errors.size) return go({ name: 'page', index: view.index, errors }, 'error-summary');
    if (needsSafetyScreen(state.answers) && !state.safetyShown) {
      state.safetyShown = true;
      return go({ name: 'safety', nextIndex: last ? view.index : view.index + 1 });
    }
    if (!last) return go({ name: 'page', index: view.index + 1 });
    void submit(view.index);
  });
  return [
    heading(m.ui.pageTitles[page]),
    h('p', { id: 'progress-text', class: 'progress-text' }, progressText),
    h('progress', { max: PAGES.length, value: view.index + 1, 'aria-labelledby': 'progress-text' }),
    ...(summary ? [summary] : []),
    form,
  ];
}

async function submit(index: number): Promise<void> {
  state.submissionId ??= crypto.randomUUID();
  go({ name: 'page', index, sending: true }, null);
  const result = await postSubmission({
    submissionId: state.submissionId,
    locale: state.locale,
    questionnaireVersion: QUESTIONNAIRE_VERSION,
    consent: true,
    answers: Object.fromEntries(
      Object.entries(state.answers).filter(([, value]) => value !== undefined),
    ),
  });
  if (result.kind === 'ok') return go({ name: 'end', result: result.body });
  if (result.kind === 'failed') return go({ name: 'page', index, failed: true }, 'heading');
  // The server found what the page checks missed: show it on the page of the first problem.
  const byItem = new Map(
    result.errors
      .filter((error) => error.field.startsWith('answers.'))
      .map((error) => [error.field.slice(8), error.message]),
  );
  const pageIndex = PAGES.findIndex((page) =>
    itemsOfPage(page).some((item) => byItem.has(item.id)),
  );
  go(
    {
      name: 'page',
      index: pageIndex >= 0 ? pageIndex : index,
      errors: byItem,
      failed: pageIndex < 0,
    },
    'error-summary',
  );
}

function safetyView(view: Extract<View, { name: 'safety' }>): HTMLElement[] {
  const m = messages();
  const next = h('button', { type: 'button', class: 'primary' }, m.ui.safetyContinue);
  next.addEventListener('click', () => go({ name: 'page', index: view.nextIndex }));
  return [
    heading(m.ui.safetyHeading),
    ...m.ui.safetyParagraphs.map((text) => h('p', { class: 'safety-text' }, text)),
    helpSection(m, resources[state.locale] ?? []).querySelector('ul') ??
      h('p', {}, m.ui.fallbackResources),
    h('div', { class: 'actions' }, next),
  ] as HTMLElement[];
}

function endView(view: Extract<View, { name: 'end' }>): HTMLElement[] {
  const m = messages();
  const { total, band } = view.result.phq9;
  const remove = h('button', { type: 'button', class: 'secondary' }, m.ui.deleteButton);
  remove.addEventListener('click', async () => {
    const outcome = await deleteResponse(view.result.receiptCode);
    go({ ...view, deleted: outcome === 'deleted' ? 'deleted' : 'failed' }, 'delete-status');
  });
  return [
    heading(m.ui.endHeading),
    h('p', { class: 'score' }, format(m.ui.endScore, { total, band: m.bands[band] })),
    h('p', { class: 'not-diagnosis' }, h('strong', {}, m.ui.endNotDiagnosis)),
    h('p', {}, total >= 10 ? m.ui.endAdviceHigh : m.ui.endAdviceLow),
    h('h2', {}, m.ui.receiptHeading),
    h('p', { class: 'receipt', id: 'receipt-code' }, view.result.receiptCode),
    h('p', {}, m.ui.receiptText),
    view.deleted
      ? h(
          'p',
          { id: 'delete-status', role: 'status', tabindex: '-1' },
          view.deleted === 'deleted' ? m.ui.deleted : m.ui.networkError,
        )
      : h('div', { class: 'actions' }, remove),
  ];
}

function deleteView(view: Extract<View, { name: 'delete' }>): HTMLElement[] {
  const m = messages();
  const input = h('input', {
    type: 'text',
    id: 'receipt',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'receipt-help',
    value: view.code ?? '',
    class: 'code',
  });
  const form = h(
    'form',
    { novalidate: true },
    h(
      'div',
      { class: 'question' },
      h('label', { for: 'receipt' }, m.ui.deleteCodeLabel),
      h('p', { id: 'receipt-help', class: 'help-text' }, m.ui.deleteCodeHelp),
      input,
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, m.ui.deleteButton),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const outcome = input.value.trim() ? await deleteResponse(input.value.trim()) : 'not-found';
    go({ name: 'delete', outcome, code: input.value }, 'delete-status');
  });
  const back = h('button', { type: 'button', class: 'link' }, m.ui.deleteBack);
  back.addEventListener('click', () => go({ name: 'consent' }));
  const outcomeText =
    view.outcome === 'deleted'
      ? m.ui.deleted
      : view.outcome === 'not-found'
        ? m.ui.deleteNotFound
        : view.outcome
          ? m.ui.networkError
          : '';
  return [
    heading(m.ui.deleteHeading),
    form,
    h(
      'p',
      {
        id: 'delete-status',
        role: 'status',
        tabindex: '-1',
        class: view.outcome === 'deleted' ? 'ok' : view.outcome ? 'error' : undefined,
      },
      outcomeText,
    ),
    h('p', {}, back),
  ];
}

render(null);
