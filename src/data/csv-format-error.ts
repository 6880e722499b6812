/** What is wrong with a whole CSV file, for callers that map it to a status or exit code. */
export type CsvFormatProblem =
  'empty' | 'binary' | 'encoding' | 'delimiter' | 'header' | 'too-large' | 'malformed';

/**
 * A problem with the file as a whole (as opposed to one bad row): the message is one line a
 * user can act on, e.g. `CSV header: missing column 'CGPA' (found 'GPA')`.
 */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';

  constructor(
    readonly problem: CsvFormatProblem,
    message: string,
  ) {
    super(message);
  }
}
