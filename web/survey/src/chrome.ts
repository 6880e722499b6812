import type { Catalogue } from '../../../src/survey/messages.js';
import { CATALOGUES, format } from '../../../src/survey/messages.js';
import { LOCALES, type Locale } from '../../../src/survey/questionnaire.js';
import type { CrisisResource } from '../../../src/survey/survey-settings.js';
import { h } from './dom.js';

/** This deployment's crisis resources, embedded in the page by the server. */
export function readCrisisResources(): Partial<Record<Locale, CrisisResource[]>> {
  const element = document.getElementById('survey-config');
  if (!element?.textContent) return {};
  try {
    return (
      (
        JSON.parse(element.textContent) as {
          crisisResources?: Partial<Record<Locale, CrisisResource[]>>;
        }
      ).crisisResources ?? {}
    );
  } catch {
    return {};
  }
}

const telHref = (phone: string) => `tel:${phone.replace(/\s/g, '')}`;

/** The header: title and language switch (each language named in itself). */
export function header(locale: Locale, onSwitch: (locale: Locale) => void): HTMLElement {
  const messages = CATALOGUES[locale];
  const buttons = LOCALES.map((other) =>
    h(
      'button',
      {
        type: 'button',
        lang: CATALOGUES[other].lang,
        'aria-pressed': String(other === locale),
        id: `lang-${other}`,
      },
      CATALOGUES[other].languageName,
    ),
  );
  buttons.forEach((button, index) =>
    button.addEventListener('click', () => onSwitch(LOCALES[index])),
  );
  return h(
    'header',
    {},
    h('p', { class: 'site-title' }, messages.ui.title),
    h('nav', { 'aria-label': messages.ui.languageLabel, class: 'languages' }, ...buttons),
  );
}

/** The line on top of every page: the first two phone numbers and a link to the full list. */
export function helpBanner(messages: Catalogue, resources: CrisisResource[]): HTMLElement {
  const phones = resources.filter((resource) => resource.phone).slice(0, 2);
  const banner = h('p', { class: 'help-banner' });
  const [before, after] = messages.ui.helpBanner.split('{phones}');
  banner.append(before);
  phones.forEach((resource, index) => {
    if (index > 0) banner.append(' / ');
    banner.append(h('a', { href: telHref(resource.phone!) }, resource.phone!));
  });
  if (!phones.length) banner.append('112');
  banner.append(after ?? '', ' ', h('a', { href: '#help' }, messages.ui.helpBannerLink));
  return banner;
}

/** The full list of crisis resources, on every page. */
export function helpSection(
  messages: Catalogue,
  resources: CrisisResource[],
  headingLevel: 'h2' = 'h2',
): HTMLElement {
  const items = resources.map((resource) =>
    h(
      'li',
      {},
      h('strong', {}, resource.name),
      resource.phone
        ? h(
            'span',
            {},
            ' — ',
            `${messages.ui.phoneLabel} `,
            h('a', { href: telHref(resource.phone) }, resource.phone),
          )
        : undefined,
      resource.hours ? ` (${resource.hours})` : undefined,
      h('br'),
      resource.description,
      resource.url
        ? h(
            'span',
            {},
            ' ',
            h(
              'a',
              { href: resource.url, rel: 'noreferrer' },
              resource.url.replace(/^https:\/\//, ''),
            ),
          )
        : undefined,
    ),
  );
  return h(
    'aside',
    { id: 'help', 'aria-labelledby': 'help-heading', class: 'help', tabindex: '-1' },
    h(headingLevel, { id: 'help-heading' }, messages.ui.helpHeading),
    items.length ? h('ul', {}, ...items) : h('p', {}, messages.ui.fallbackResources),
  );
}

export { format };
