import { DomainError } from '../errors.js';
import { SeededRandom } from './random.js';

/** Row indices of a train/test partition, each ascending. */
export interface TrainTestIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Indices per class (classes in ascending order), each list shuffled by `random`. */
function shuffledByClass(y: ArrayLike<number>, random: SeededRandom): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (!Number.isInteger(label))
      throw DomainError.invalid(`stratification label ${i} is ${label}; expected an integer class`);
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  }
  return [...byClass.keys()]
    .sort((a, b) => a - b)
    .map((label) => random.shuffle(byClass.get(label)!));
}

function ascending(values: number[]): Int32Array {
  return Int32Array.from(values).sort();
}

/**
 * A train/test split that keeps each class's share in both parts. The same labels and seed
 * always give the same split.
 * @example const { train, test } = stratifiedTrainTestSplit(labels, { testFraction: 0.2, seed: 42 });
 */
export function stratifiedTrainTestSplit(
  y: ArrayLike<number>,
  options: { testFraction: number; seed: number },
): TrainTestIndices {
  const { testFraction, seed } = options;
  if (!(testFraction > 0 && testFraction < 1))
    throw DomainError.invalid(`testFraction must be in (0, 1), got ${testFraction}`);
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of shuffledByClass(y, new SeededRandom(seed))) {
    const testCount =
      indices.length < 2
        ? 0
        : Math.min(indices.length - 1, Math.max(1, Math.round(testFraction * indices.length)));
    test.push(...indices.slice(0, testCount));
    train.push(...indices.slice(testCount));
  }
  if (test.length === 0)
    throw DomainError.invalid('stratifiedTrainTestSplit: too few rows for a test part');
  return { train: ascending(train), test: ascending(test) };
}

/**
 * Stratified k-fold: every row is in exactly one test fold, and each fold keeps the class
 * shares (class sizes differ by at most one row between folds).
 */
export function stratifiedKFold(
  y: ArrayLike<number>,
  options: { folds: number; seed: number },
): TrainTestIndices[] {
  const { folds, seed } = options;
  if (!Number.isInteger(folds) || folds < 2)
    throw DomainError.invalid(`folds must be an integer ≥ 2, got ${folds}`);
  const testParts: number[][] = Array.from({ length: folds }, () => []);
  for (const indices of shuffledByClass(y, new SeededRandom(seed))) {
    if (indices.length < folds) {
      throw DomainError.invalid(
        `stratifiedKFold: a class has ${indices.length} rows, fewer than ${folds} folds`,
      );
    }
    for (let f = 0; f < folds; f++) {
      const from = Math.floor((f * indices.length) / folds);
      const to = Math.floor(((f + 1) * indices.length) / folds);
      testParts[f].push(...indices.slice(from, to));
    }
  }
  return testParts.map((testPart) => {
    const test = ascending(testPart);
    const inTest = new Uint8Array(y.length);
    for (const i of test) inTest[i] = 1;
    const train: number[] = [];
    for (let i = 0; i < y.length; i++) if (!inTest[i]) train.push(i);
    return { train: Int32Array.from(train), test };
  });
}
