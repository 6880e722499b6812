import { randomUUID } from 'node:crypto';
import type { LabelledRespondent } from '../../data/record.js';
import { generateSynthetic } from '../../data/synth.js';
import { mulberry32 } from '../../data/prng.js';
import { ITEMS, QUESTIONNAIRE_VERSION, isAsked } from '../questionnaire.js';
import { EXAMPLE_ANSWERS } from '../submission.js';

/**
 * Simulated survey respondents for the retraining loop (the role of `sdp simulate semester`):
 * records from the synthetic generator, turned into the questionnaire's answers, with PHQ-9
 * answers whose total is ≥ 10 exactly when the record's label is 1.
 */
export function semesterWeek(options: {
  responses: number;
  seed: number;
  /** Shuffle the labels among the week's respondents (a broken label pipeline). */
  shuffleLabels?: boolean;
  /** Skip every optional item for this share of respondents. */
  skipOptionalShare?: number;
}): { bodies: Record<string, unknown>[]; records: LabelledRespondent[] } {
  const random = mulberry32(options.seed);
  const records = [...generateSynthetic({ rows: options.responses, seed: options.seed })];
  const labels = records.map((r) => r.depression);
  if (options.shuffleLabels)
    for (let i = labels.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [labels[i], labels[j]] = [labels[j], labels[i]];
    }
  const bodies = records.map((record, i) => ({
    submissionId: randomUUID(),
    locale: 'en',
    questionnaireVersion: QUESTIONNAIRE_VERSION,
    consent: true,
    answers: answersOf(
      record,
      labels[i] as 0 | 1,
      random,
      random() < (options.skipOptionalShare ?? 0),
    ),
  }));
  return { bodies, records };
}

function answersOf(
  record: LabelledRespondent,
  label: 0 | 1,
  random: () => number,
  skipOptional: boolean,
) {
  const answers: Record<string, string | number | null> = { ...EXAMPLE_ANSWERS };
  for (const item of ITEMS) {
    if (!item.field) continue;
    const value = record[item.field];
    if (item.kind === 'choice') {
      const answer = Object.entries(item.toRecord).find(([, v]) => v === value)?.[0];
      if (answer !== undefined) answers[item.id] = answer;
    } else if (typeof value === 'number') {
      const step = item.kind === 'number' ? (item.step ?? 1) : 1;
      const clamped = Math.min(item.max, Math.max(item.min, Math.round(value / step) * step));
      answers[item.id] = Number(clamped.toFixed(2));
    }
    if (skipOptional && item.optional) answers[item.id] = null;
  }
  for (const item of ITEMS) if (!isAsked(item, answers)) delete answers[item.id];
  // PHQ-9: a total of 10–20 for a positive label, 0–9 for a negative one; item 9 stays 0.
  const total = label === 1 ? 10 + Math.floor(random() * 11) : Math.floor(random() * 10);
  const items = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let left = total; left > 0;) {
    const i = Math.floor(random() * 8);
    if (items[i] < 3) {
      items[i]++;
      left--;
    }
  }
  items.forEach((score, i) => (answers[`phq9_${i + 1}`] = score));
  return answers;
}
