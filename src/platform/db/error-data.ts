/**
 * Errors across a thread or socket boundary: structured clone keeps only an Error's message,
 * so errors travel as plain data and are rebuilt with PostgreSQL's fields (`code`, `detail`, …)
 * that callers test.
 */
export function errorData(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const data: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error))
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) data[key] = value;
  return data;
}

export function errorFromData(data: Record<string, unknown>): Error {
  return Object.assign(new Error(String(data.message)), data);
}
