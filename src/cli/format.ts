import { userInfo } from 'node:os';
import type { AliasEvent } from '../tracking/registry-repository.js';
import { formatTable } from './table.js';

/**
 * The person at the terminal, as the actor of what a command changes (`cli:ana`). The CLI
 * needs no token: whoever can run it on the data dir or with the database URL can do anything.
 */
export function currentUser(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
    name = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `cli:${name}`;
}

/** A timestamp for tables: ISO without milliseconds. */
export function formatTime(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

/** A metric or param value short enough for a table cell. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, '');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Alias changes as a table (`sdp models history`, `sdp rollout status`). */
export function aliasHistoryTable(events: readonly AliasEvent[]): string {
  return formatTable(
    ['AT', 'ALIAS', 'FROM', 'TO', 'ACTOR', 'REASON'],
    events.map((e) => [
      formatTime(e.at),
      e.alias,
      e.fromVersion ?? '-',
      e.toVersion ?? '(deleted)',
      e.actor,
      e.reason,
    ]),
  );
}
