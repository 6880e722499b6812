/**
 * PHQ-9 scoring (Kroenke, Spitzer & Williams, 2001): nine items scored 0–3, total 0–27.
 * Browser-safe: the end page shows the band computed by the server with the same code.
 */
import { PHQ9_ITEM_IDS, type Answers } from './questionnaire.js';

/** The published severity bands of the total, lowest first. */
export const PHQ9_BANDS = [
  { band: 'minimal', min: 0, max: 4 },
  { band: 'mild', min: 5, max: 9 },
  { band: 'moderate', min: 10, max: 14 },
  { band: 'moderately-severe', min: 15, max: 19 },
  { band: 'severe', min: 20, max: 27 },
] as const;

export type Phq9Band = (typeof PHQ9_BANDS)[number]['band'];

/** A total at or above this is the positive label (the common screening cut-off). */
export const PHQ9_POSITIVE_THRESHOLD = 10;

export interface Phq9Score {
  total: number;
  band: Phq9Band;
  /** The training label: 1 when `total >= 10`. */
  label: 0 | 1;
}

/** The band of a total from 0 to 27. */
export function phq9Band(total: number): Phq9Band {
  const found = PHQ9_BANDS.find((band) => total >= band.min && total <= band.max);
  if (!found) throw new RangeError(`PHQ-9 total ${total} is outside 0–27`);
  return found.band;
}

/**
 * Scores validated answers. Every PHQ-9 item must hold a whole number 0–3 (the validation
 * guarantees it); anything else is a programming error, so it throws.
 *
 * @example phq9Score({ phq9_1: 2, phq9_2: 2, …, phq9_9: 0 }) // { total: 10, band: 'moderate', label: 1 }
 */
export function phq9Score(answers: Answers): Phq9Score {
  let total = 0;
  for (const id of PHQ9_ITEM_IDS) {
    const value = answers[id];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3)
      throw new RangeError(`PHQ-9 item ${id} has no valid answer`);
    total += value;
  }
  return { total, band: phq9Band(total), label: total >= PHQ9_POSITIVE_THRESHOLD ? 1 : 0 };
}
