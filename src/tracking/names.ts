import { DomainError } from '../errors.js';

/**
 * Model names: letters, digits and `_ . -`, starting with a letter or digit. `@` and `/` are
 * excluded because they separate the parts of a version reference (`name@alias`, `name/3`),
 * and the names appear unescaped in URLs.
 */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Alias names such as `champion`, `challenger`, `previous`. */
export const ALIAS_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Experiment names are free text, within reason. */
const EXPERIMENT_NAME = /^\S(.{0,198}\S)?$/;

export function assertModelName(name: string): void {
  if (!MODEL_NAME.test(name)) {
    throw DomainError.invalid(
      `Invalid model name "${name}": use letters, digits and "_ . -" (no "@" or "/"), at most 100 characters`,
    );
  }
}

export function assertAliasName(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw DomainError.invalid(
      `Invalid alias "${alias}": must match /^[a-z][a-z0-9_-]*$/ (e.g. champion, challenger), at most 63 characters`,
    );
  }
}

export function assertExperimentName(name: string): void {
  if (!EXPERIMENT_NAME.test(name)) {
    throw DomainError.invalid(
      `Invalid experiment name "${name}": 1 to 200 characters, no leading or trailing spaces`,
    );
  }
}
