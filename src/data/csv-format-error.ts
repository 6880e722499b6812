import { DomainError } from '../errors.js';

/** What is wrong with a whole CSV file: the `code` of its error, for callers that branch on it. */
export type CsvFormatProblem =
  'empty' | 'binary' | 'encoding' | 'delimiter' | 'header' | 'too-large' | 'malformed';

/**
 * A problem with the file as a whole (as opposed to one bad row): an `invalid` error whose
 * message is one line a user can act on, e.g. `CSV header: missing column 'CGPA' (found 'GPA')`.
 */
export function csvFormatError(problem: CsvFormatProblem, message: string): DomainError {
  return DomainError.invalid(message, { code: problem });
}
