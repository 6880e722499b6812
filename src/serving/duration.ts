import { DomainError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `500ms`, `90s`, `10m`, `1h` or `7d` into milliseconds.
 * @example parseDuration('10m') // 600000
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match)
    throw DomainError.invalid(`"${text}" is not a duration like 500ms, 90s, 10m, 1h or 7d`);
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

/** Milliseconds as the largest whole unit, e.g. 600000 → `10m`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms >= UNITS[unit] && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
  return `${ms}ms`;
}
