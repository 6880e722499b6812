import type { ExpectationResult, ValidationExample, ValidationReport } from './validate.js';

/** Version of the JSON document printed by `sdp validate --json`; bump on breaking changes. */
export const VALIDATION_REPORT_VERSION = 1;

/**
 * The machine-readable report: the in-memory report plus a version, with statistics that
 * could not be measured (e.g. the positive rate of zero rows) as `null`, since JSON has no NaN.
 */
export type ValidationReportJson = Omit<ValidationReport, 'expectations'> & {
  version: typeof VALIDATION_REPORT_VERSION;
  expectations: (Omit<ExpectationResult, 'observed'> & { observed?: number | null })[];
};

/** The report as a JSON-safe document for `--json` output. */
export function validationReportToJson(report: ValidationReport): ValidationReportJson {
  return {
    version: VALIDATION_REPORT_VERSION,
    ...report,
    expectations: report.expectations.map((result) =>
      result.observed === undefined || Number.isFinite(result.observed)
        ? result
        : { ...result, observed: null },
    ),
  };
}

function describeExample(example: ValidationExample): string {
  const where = [
    `row ${example.row}`,
    example.id === undefined ? '' : `id ${example.id}`,
    example.column ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${where}: ${example.value}`;
}

/**
 * A table for people: one line per expectation (status, name, counts, detail) and, under each
 * one that did not pass, up to five examples with their rows and values.
 *
 * @example
 * STATUS  EXPECTATION               CHECKED  FAILING  DETAIL
 * warn    academic pressure in 1–5    22320        7  7 of 22320 values are outside 1–5
 *           row 215 id 1103 Academic Pressure: 0; …
 */
export function formatValidationReport(report: ValidationReport): string {
  const header = ['STATUS', 'EXPECTATION', 'CHECKED', 'FAILING', 'DETAIL'];
  const rows = report.expectations.map((result) => [
    result.status,
    result.name,
    String(result.checked),
    String(result.failing),
    result.detail,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  // Counts are right-aligned so their digits line up.
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 2 || column === 3
          ? cell.padStart(widths[column])
          : column === 4
            ? cell
            : cell.padEnd(widths[column]),
      )
      .join('  ');
  const lines = [format(header)];
  report.expectations.forEach((result, index) => {
    lines.push(format(rows[index]));
    if (result.status !== 'pass' && result.examples.length > 0) {
      lines.push(
        `${' '.repeat(widths[0] + 2)}e.g. ${result.examples.map(describeExample).join('; ')}`,
      );
    }
  });
  const { pass, warn, fail } = report.summary;
  lines.push(
    '',
    `Result: ${report.status.toUpperCase()} (${report.rows} rows; ${pass} passed, ${warn} warnings, ${fail} failed)`,
  );
  return lines.join('\n');
}
