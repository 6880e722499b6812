/**
 * Message catalogues: every string the survey shows or the API returns, per locale.
 * Browser-safe. Wording of the PHQ-9 items: see the README section "Survey".
 */
import type { Phq9Band } from './phq9.js';
import type { Locale, PageId } from './questionnaire.js';
import { en } from './messages-en.js';
import { pl } from './messages-pl.js';

/** Texts of one item: its question, optional help, choice labels, scale end labels. */
export interface ItemText {
  label: string;
  help?: string;
  choices?: Readonly<Record<string, string>>;
  low?: string;
  high?: string;
}

/** Field error codes: what the form shows and the API returns, localized. */
export type ErrorCode =
  | 'required'
  | 'choose'
  | 'range'
  | 'wholeNumber'
  | 'decimals'
  | 'notAsked'
  | 'unknownField'
  | 'consent'
  | 'submissionId'
  | 'locale'
  | 'version'
  | 'body';

export interface Catalogue {
  /** BCP 47 tag for the `lang` attribute. */
  lang: string;
  /** The language's own name, for the switch. */
  languageName: string;
  ui: {
    title: string;
    languageLabel: string;
    helpHeading: string;
    helpBanner: string;
    helpBannerLink: string;
    consentHeading: string;
    consentParagraphs: readonly string[];
    consentCheckbox: string;
    start: string;
    deleteLink: string;
    progress: string;
    pageTitles: Readonly<Record<PageId, string>>;
    phqStem: string;
    back: string;
    next: string;
    submit: string;
    submitting: string;
    optional: string;
    preferNotToSay: string;
    choose: string;
    errorSummary: string;
    networkError: string;
    safetyHeading: string;
    safetyParagraphs: readonly string[];
    safetyContinue: string;
    endHeading: string;
    endScore: string;
    endNotDiagnosis: string;
    endAdviceLow: string;
    endAdviceHigh: string;
    receiptHeading: string;
    receiptText: string;
    deleteHeading: string;
    deleteCodeLabel: string;
    deleteCodeHelp: string;
    deleteButton: string;
    deleted: string;
    deleteNotFound: string;
    deleteBack: string;
    phoneLabel: string;
    fallbackResources: string;
  };
  frequency: readonly [string, string, string, string];
  bands: Readonly<Record<Phq9Band, string>>;
  items: Readonly<Record<string, ItemText>>;
  errors: Readonly<Record<ErrorCode, string>> & { detail: string };
}

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, pl };

/** Fills `{name}` placeholders. */
export function format(
  template: string,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The locale for an Accept-Language header: the first of ours it names, else English. */
export function localeFromHeader(header: string | undefined): Locale {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('pl')) return 'pl';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
