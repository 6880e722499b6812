import { DomainError } from '../errors.js';
import { asFrame, type CategoricalColumn, type TabularInput } from './frame.js';

/** The input of an encoder as categorical columns; a numeric column is an error. */
export function categoricalColumns(
  X: TabularInput,
  context: string,
): { rows: number; columns: CategoricalColumn[] } {
  const frame = asFrame(X, context);
  const columns = frame.columns.map((col) => {
    if (col.kind !== 'categorical')
      throw DomainError.invalid(
        `${context}: column ${col.name} is numeric; expected categorical columns`,
      );
    return col;
  });
  return { rows: frame.rows, columns };
}

/**
 * For each level of the column, the position given by `lookup` (or -1). Frames built from
 * different record sets number their levels differently, so encoders translate by name.
 */
export function translateLevels(
  column: CategoricalColumn,
  lookup: (level: string) => number,
): Int32Array {
  const translation = new Int32Array(column.levels.length);
  column.levels.forEach((level, code) => (translation[code] = lookup(level)));
  return translation;
}
