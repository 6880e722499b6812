import { DomainError } from '../errors.js';
import type { Estimator, Params } from './estimator.js';

/** The children's hyperparameters under `child.param` paths, after the composite's own. */
export function flattenParams(
  own: Params,
  children: readonly (readonly [string, Estimator])[],
): Params {
  const out: Params = { ...own };
  for (const [name, child] of children) {
    for (const [key, value] of Object.entries(child.getParams())) out[`${name}.${key}`] = value;
  }
  return out;
}

/**
 * Splits `{ 'model.learningRate': 0.05, remainder: 'drop' }` into the composite's own
 * updates and per-child updates, rejecting unknown children.
 */
export function routeParams(
  kind: string,
  params: Params,
  childNames: readonly string[],
): { own: Params; byChild: Map<string, Params> } {
  const own: Params = {};
  const byChild = new Map<string, Params>();
  for (const [path, value] of Object.entries(params)) {
    const dot = path.indexOf('.');
    if (dot === -1) {
      own[path] = value;
      continue;
    }
    const child = path.slice(0, dot);
    if (!childNames.includes(child)) {
      throw DomainError.invalid(
        `${kind} has no step "${child}" for parameter "${path}" (steps: ${childNames.join(', ')})`,
      );
    }
    const updates = byChild.get(child) ?? {};
    updates[path.slice(dot + 1)] = value;
    byChild.set(child, updates);
  }
  return { own, byChild };
}

/** Names of steps must be unique and must not contain the path separator. */
export function checkStepNames(kind: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name.length === 0 || name.includes('.'))
      throw DomainError.invalid(`${kind}: step name "${name}" must be non-empty and without "."`);
    if (seen.has(name)) throw DomainError.invalid(`${kind}: duplicate step name "${name}"`);
    seen.add(name);
  }
}
