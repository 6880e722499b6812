import { DomainError } from '../errors.js';
import { assertAliasName, assertModelName } from './names.js';

/** The alias a bare model name resolves to, and the one routing reads. */
export const CHAMPION = 'champion';

/** A parsed version reference: a fixed version number or an alias to follow. */
export type VersionSelector =
  | { kind: 'version'; model: string; version: number }
  | { kind: 'alias'; model: string; alias: string };

/**
 * Parses `name@alias`, `name/3` or a bare `name` (meaning `name@champion`).
 *
 * @example
 * parseVersionRef('depression-gbdt/3'); // { kind: 'version', model: 'depression-gbdt', version: 3 }
 * parseVersionRef('depression-gbdt');   // { kind: 'alias', model: 'depression-gbdt', alias: 'champion' }
 */
export function parseVersionRef(ref: string): VersionSelector {
  const at = ref.indexOf('@');
  if (at >= 0) {
    const model = ref.slice(0, at);
    const alias = ref.slice(at + 1);
    assertModelName(model);
    assertAliasName(alias);
    return { kind: 'alias', model, alias };
  }
  const slash = ref.indexOf('/');
  if (slash >= 0) {
    const model = ref.slice(0, slash);
    const number = ref.slice(slash + 1);
    assertModelName(model);
    if (!/^[1-9][0-9]{0,8}$/.test(number)) {
      throw DomainError.invalid(
        `Invalid version "${number}" in "${ref}": expected a positive whole number, as in ${model}/3`,
      );
    }
    return { kind: 'version', model, version: Number(number) };
  }
  assertModelName(ref);
  return { kind: 'alias', model: ref, alias: CHAMPION };
}
