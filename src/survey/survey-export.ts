import type { KaggleCsvVariant } from '../data/kaggle-csv.js';
import { formatKaggleCsvLines } from '../data/kaggle-csv.js';
import type { LabelledRespondent } from '../data/record.js';
import { ageBand, suppressSmallGroups } from './k-anonymity.js';
import type { AggregateRow, SurveyRepository } from './survey-repository.js';

export interface SurveyExport {
  /** The file, line by line, header first. */
  lines: Iterable<string>;
  rows: number;
  /** Rows left out because their quasi-identifier group has fewer than k rows. */
  suppressed: number;
}

/**
 * Training responses in the published Kaggle format, label = PHQ-9 total ≥ 10. Rows in groups
 * smaller than k are left out, and the `id` column is a fresh 1, 2, 3, … so nothing in the
 * file points back at a stored response.
 */
export async function exportSurveyKaggle(
  repository: SurveyRepository,
  options: { since?: string; k: number; variant: KaggleCsvVariant },
): Promise<SurveyExport> {
  const responses = await repository.trainingResponses(options.since);
  const { kept, suppressed } = suppressSmallGroups(
    responses,
    options.k,
    (response) => response.record,
  );
  const records: LabelledRespondent[] = kept.map((response) => ({
    ...response.record,
    depression: response.phq9Label,
  }));
  return {
    lines: formatKaggleCsvLines(records, { variant: options.variant }),
    rows: records.length,
    suppressed,
  };
}

export interface AggregateGroup {
  ageBand: string;
  gender: string | null;
  city: string | null;
  degree: string | null;
  responses: number;
  meanPhq9: number;
  positiveShare: number;
}

/** Responses per quasi-identifier group with their mean PHQ-9 and positive share; groups under k suppressed. */
export function aggregateByGroup(
  rows: readonly AggregateRow[],
  k: number,
): { groups: AggregateGroup[]; suppressed: number } {
  const { kept, suppressed } = suppressSmallGroups(rows, k, (row) => row);
  const groups = new Map<string, AggregateGroup>();
  for (const row of kept) {
    const key = JSON.stringify([ageBand(row.age), row.gender, row.city, row.degree]);
    const group = groups.get(key) ?? {
      ageBand: ageBand(row.age),
      gender: row.gender,
      city: row.city,
      degree: row.degree,
      responses: 0,
      meanPhq9: 0,
      positiveShare: 0,
    };
    group.responses++;
    group.meanPhq9 += (row.phq9Total - group.meanPhq9) / group.responses;
    group.positiveShare += (row.phq9Label - group.positiveShare) / group.responses;
    groups.set(key, group);
  }
  return { groups: [...groups.values()].sort((a, b) => b.responses - a.responses), suppressed };
}
