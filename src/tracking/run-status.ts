import { DomainError } from '../errors.js';
import type { RunStatus } from './tables.js';

/** The states a run can end in; `running` is the only state a run can leave. */
export const TERMINAL_STATUSES = ['finished', 'failed', 'killed'] as const;
export type TerminalRunStatus = (typeof TERMINAL_STATUSES)[number];

export const RUN_STATUSES: readonly RunStatus[] = ['running', ...TERMINAL_STATUSES];

/**
 * Throws unless a run in status `from` may be changed (logged to or ended). A run is
 * immutable once ended, so what it recorded is what produced its results.
 */
export function assertRunning(runId: string, from: RunStatus, action: string): void {
  if (from !== 'running') {
    throw DomainError.conflict(`Cannot ${action}: run ${runId} has already ended (${from})`);
  }
}
