/**
 * k-anonymity for everything that leaves the survey tables (exports, aggregate views): rows
 * are grouped by their quasi-identifiers (age band, gender, city, degree), and groups with
 * fewer than k rows are suppressed, so nobody can be singled out by those four answers.
 */

/** Age bands: narrow where students are many, wide where few are. */
const AGE_BANDS: readonly [number, number][] = [
  [15, 20],
  [21, 23],
  [24, 26],
  [27, 29],
  [30, 34],
  [35, 44],
  [45, 100],
];

/** The band of an age, e.g. `21–23`. */
export function ageBand(age: number): string {
  const band = AGE_BANDS.find(([low, high]) => age >= low && age <= high);
  return band ? `${band[0]}–${band[1]}` : 'other';
}

export interface QuasiIdentifiers {
  age: number;
  gender: string | null;
  city: string | null;
  degree: string | null;
}

/** The group a row belongs to for k-anonymity. */
export function quasiIdentifierKey(row: QuasiIdentifiers): string {
  return JSON.stringify([ageBand(row.age), row.gender, row.city, row.degree]);
}

/**
 * Keeps the rows whose quasi-identifier group has at least `k` rows, in their order.
 *
 * @example suppressSmallGroups(rows, 5, (row) => row.record) // { kept, suppressed }
 */
export function suppressSmallGroups<T>(
  rows: readonly T[],
  k: number,
  identifiers: (row: T) => QuasiIdentifiers,
): { kept: T[]; suppressed: number } {
  const sizes = new Map<string, number>();
  const keys = rows.map((row) => quasiIdentifierKey(identifiers(row)));
  for (const key of keys) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  const kept = rows.filter((_row, index) => sizes.get(keys[index])! >= k);
  return { kept, suppressed: rows.length - kept.length };
}
