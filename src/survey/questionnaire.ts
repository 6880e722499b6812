/**
 * The survey questionnaire as data: the single definition from which the web form, the API
 * schema, server-side validation and the mapping to the model's respondent record are all
 * derived. Texts live in the message catalogues (messages-en.ts, messages-pl.ts), keyed by
 * item id and choice value, so this file holds no wording.
 *
 * Browser-safe: the web app imports this module too (no Node.js imports here).
 */
import type { FeatureName } from '../data/record.js';

/** Bumped whenever items, values or skip logic change; stored with every response. */
export const QUESTIONNAIRE_VERSION = '2025-1';

export const LOCALES = ['en', 'pl'] as const;
export type Locale = (typeof LOCALES)[number];

/** The 30 real cities of the published dataset (its junk values are left out), plus Other. */
export const DATASET_CITIES = [
  'Agra',
  'Ahmedabad',
  'Bangalore',
  'Bhopal',
  'Chennai',
  'Delhi',
  'Faridabad',
  'Ghaziabad',
  'Hyderabad',
  'Indore',
  'Jaipur',
  'Kalyan',
  'Kanpur',
  'Kolkata',
  'Lucknow',
  'Ludhiana',
  'Meerut',
  'Mumbai',
  'Nagpur',
  'Nashik',
  'Patna',
  'Pune',
  'Rajkot',
  'Srinagar',
  'Surat',
  'Thane',
  'Vadodara',
  'Varanasi',
  'Vasai-Virar',
  'Visakhapatnam',
] as const;

/** The degree names of the published dataset, `Others` last (as in the data). */
export const DATASET_DEGREES = [
  'Class 12',
  'BA',
  'B.Arch',
  'BBA',
  'BCA',
  'B.Com',
  'BE',
  'B.Ed',
  'BHM',
  'B.Pharm',
  'BSc',
  'B.Tech',
  'LLB',
  'LLM',
  'MA',
  'MBA',
  'MBBS',
  'MCA',
  'M.Com',
  'MD',
  'ME',
  'M.Ed',
  'MHM',
  'M.Pharm',
  'MSc',
  'M.Tech',
  'PhD',
  'Others',
] as const;

/** Professions of the published dataset; everyone else answers Other. */
export const DATASET_PROFESSIONS = [
  'Student',
  'Architect',
  'Chef',
  'Civil Engineer',
  'Content Writer',
  'Digital Marketer',
  'Doctor',
  'Educational Consultant',
  'Entrepreneur',
  'Manager',
  'Pharmacist',
  'Teacher',
  'UX/UI Designer',
  'Other',
] as const;

export type PageId = 'about' | 'studies' | 'wellbeing' | 'phq-a' | 'phq-b';

/** Pages in the order they are shown, after the consent screen. */
export const PAGES: readonly PageId[] = ['about', 'studies', 'wellbeing', 'phq-a', 'phq-b'];

/** Skip logic: the item is asked only when another item's answer is not `value`. */
export interface ShowIf {
  item: string;
  notEquals: string;
}

interface ItemBase {
  id: string;
  page: PageId;
  /**
   * Optional factor items offer "prefer not to say"; their unanswered share decides manual
   * review. PHQ-9 items are always required: they make the label.
   */
  optional: boolean;
  showIf?: ShowIf;
  /** The record field this item fills; PHQ-9 items fill none (they make the label). */
  field?: FeatureName;
  /** Value put in the record when skip logic hides the item (the dataset's convention). */
  whenHidden?: number;
}

/** One answer out of fixed values; `toRecord` maps each to the record's value, or to null when the record cannot represent it. */
export interface ChoiceItem extends ItemBase {
  kind: 'choice';
  values: readonly string[];
  toRecord: Readonly<Record<string, string | null>>;
  /** Long lists are a select box, short ones radio buttons. */
  display: 'radio' | 'select';
  /** Safety: this answer opens the safety screen at once. */
  safetyValue?: string;
}

/** A whole-number rating from `min` to `max`, shown as radio buttons. */
export interface ScaleItem extends ItemBase {
  kind: 'scale';
  min: number;
  max: number;
  /** `frequency`: the PHQ-9 answer labels for 0–3; `anchors`: only the ends are named. */
  labels: 'frequency' | 'anchors';
  safetyAbove?: number;
}

/** A number typed in (no free text anywhere): `step` 1 means whole numbers. */
export interface NumberItem extends ItemBase {
  kind: 'number';
  min: number;
  max: number;
  step: 1 | 0.01;
}

export type Item = ChoiceItem | ScaleItem | NumberItem;

const identity = (values: readonly string[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as Record<string, string>;

const notStudent: ShowIf = { item: 'profession', notEquals: 'Student' };

const phq9Item = (n: number): ScaleItem => ({
  id: `phq9_${n}`,
  kind: 'scale',
  page: n <= 5 ? 'phq-a' : 'phq-b',
  optional: false,
  min: 0,
  max: 3,
  labels: 'frequency',
  // Item 9 (thoughts of death or self-harm): any answer above "not at all" opens the safety screen.
  ...(n === 9 ? { safetyAbove: 0 } : {}),
});

/** Every item, in the order asked. Factor items use the record's field names as ids. */
export const ITEMS: readonly Item[] = [
  {
    id: 'gender',
    kind: 'choice',
    page: 'about',
    optional: true,
    field: 'gender',
    display: 'radio',
    values: ['female', 'male', 'another'],
    // The dataset knows only Male/Female. "Another gender" is a real answer the record cannot
    // hold as a value: it is a missing gender, as a skipped item is (the model excludes gender).
    toRecord: { female: 'Female', male: 'Male', another: null },
  },
  {
    id: 'age',
    kind: 'number',
    page: 'about',
    optional: false,
    field: 'age',
    min: 18,
    max: 100,
    step: 1,
  },
  {
    id: 'profession',
    kind: 'choice',
    page: 'about',
    optional: false,
    field: 'profession',
    display: 'select',
    values: DATASET_PROFESSIONS,
    toRecord: identity(DATASET_PROFESSIONS),
  },
  {
    id: 'degree',
    kind: 'choice',
    page: 'about',
    optional: false,
    field: 'degree',
    display: 'select',
    values: DATASET_DEGREES,
    toRecord: identity(DATASET_DEGREES),
  },
  {
    id: 'city',
    kind: 'choice',
    page: 'about',
    optional: true,
    field: 'city',
    display: 'select',
    values: [...DATASET_CITIES, 'Other'],
    toRecord: identity([...DATASET_CITIES, 'Other']),
  },
  {
    id: 'academic_pressure',
    kind: 'scale',
    page: 'studies',
    optional: false,
    field: 'academic_pressure',
    min: 1,
    max: 5,
    labels: 'anchors',
  },
  {
    id: 'study_satisfaction',
    kind: 'scale',
    page: 'studies',
    optional: false,
    field: 'study_satisfaction',
    min: 1,
    max: 5,
    labels: 'anchors',
  },
  {
    id: 'cgpa',
    kind: 'number',
    page: 'studies',
    optional: true,
    field: 'cgpa',
    min: 0,
    max: 10,
    step: 0.01,
  },
  {
    id: 'work_study_hours',
    kind: 'number',
    page: 'studies',
    optional: false,
    field: 'work_study_hours',
    min: 0,
    max: 24,
    step: 1,
  },
  // Asked only of respondents who work: in the dataset students have 0 for both.
  {
    id: 'work_pressure',
    kind: 'scale',
    page: 'studies',
    optional: false,
    field: 'work_pressure',
    min: 1,
    max: 5,
    labels: 'anchors',
    showIf: notStudent,
    whenHidden: 0,
  },
  {
    id: 'job_satisfaction',
    kind: 'scale',
    page: 'studies',
    optional: false,
    field: 'job_satisfaction',
    min: 1,
    max: 5,
    labels: 'anchors',
    showIf: notStudent,
    whenHidden: 0,
  },
  {
    id: 'sleep_duration',
    kind: 'choice',
    page: 'wellbeing',
    optional: false,
    field: 'sleep_duration',
    display: 'radio',
    values: ['Less than 5 hours', '5-6 hours', '7-8 hours', 'More than 8 hours'],
    toRecord: identity(['Less than 5 hours', '5-6 hours', '7-8 hours', 'More than 8 hours']),
  },
  {
    id: 'dietary_habits',
    kind: 'choice',
    page: 'wellbeing',
    optional: false,
    field: 'dietary_habits',
    display: 'radio',
    values: ['Healthy', 'Moderate', 'Unhealthy'],
    toRecord: identity(['Healthy', 'Moderate', 'Unhealthy']),
  },
  {
    id: 'financial_stress',
    kind: 'scale',
    page: 'wellbeing',
    optional: true,
    field: 'financial_stress',
    min: 1,
    max: 5,
    labels: 'anchors',
  },
  {
    id: 'family_history',
    kind: 'choice',
    page: 'wellbeing',
    optional: true,
    field: 'family_history',
    display: 'radio',
    values: ['Yes', 'No'],
    toRecord: identity(['Yes', 'No']),
  },
  {
    id: 'suicidal_thoughts',
    kind: 'choice',
    page: 'wellbeing',
    optional: true,
    field: 'suicidal_thoughts',
    display: 'radio',
    values: ['Yes', 'No'],
    toRecord: identity(['Yes', 'No']),
    safetyValue: 'Yes',
  },
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(phq9Item),
];

export type ItemId = string;

/** An answer: a choice value, a number, or null/absent for "not answered". */
export type AnswerValue = string | number | null;
export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

export const ITEM_BY_ID: ReadonlyMap<string, Item> = new Map(ITEMS.map((item) => [item.id, item]));

export const PHQ9_ITEM_IDS = ITEMS.filter((item) => item.id.startsWith('phq9_')).map(
  (item) => item.id,
);

/** Optional factor items: the denominator of the manual-review rule. */
export const OPTIONAL_FACTOR_ITEMS = ITEMS.filter((item) => item.optional && item.field);

/** Whether skip logic asks `item`, given the answers so far. */
export function isAsked(item: Item, answers: Answers): boolean {
  if (!item.showIf) return true;
  const other = answers[item.showIf.item];
  // Until the controlling item is answered, the dependent item is not asked.
  return other != null && other !== item.showIf.notEquals;
}

/** Items of one page, in order (skip logic not applied). */
export function itemsOfPage(page: PageId): Item[] {
  return ITEMS.filter((item) => item.page === page);
}

/** Whether an answer is empty: absent, null (e.g. "prefer not to say"). */
export function isUnanswered(value: AnswerValue | undefined): boolean {
  return value === undefined || value === null;
}

/** Whether this answer must open the safety screen at once. */
export function triggersSafety(item: Item, value: AnswerValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (item.kind === 'choice') return item.safetyValue !== undefined && value === item.safetyValue;
  if (item.kind === 'scale')
    return item.safetyAbove !== undefined && typeof value === 'number' && value > item.safetyAbove;
  return false;
}

/** Whether any answer given so far calls for the safety screen. */
export function needsSafetyScreen(answers: Answers): boolean {
  return ITEMS.some((item) => triggersSafety(item, answers[item.id]));
}
