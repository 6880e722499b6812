import type { Caller, RoutePolicy } from '../platform/http/route-policy.js';

/**
 * The roles, each a set of route policies it may call:
 * - `viewer` reads runs, models, datasets, studies, rollouts, metrics and the queue;
 * - `operator` also changes them (aliases, rollouts, jobs) and may predict;
 * - `admin` also manages users and tokens and reads the audit log;
 * - `predict` is for machines: predictions and their ground truth, nothing else.
 */
export const ROLES = ['viewer', 'operator', 'admin', 'predict'] as const;
export type Role = (typeof ROLES)[number];

const GRANTS: Record<Role, ReadonlySet<RoutePolicy>> = {
  viewer: new Set(['viewer']),
  operator: new Set(['viewer', 'operator', 'predict']),
  admin: new Set(['viewer', 'operator', 'admin', 'predict']),
  predict: new Set(['predict']),
};

/** A person or machine that proved who it is. */
export interface Identity extends Caller {
  kind: 'token' | 'user';
  /** The token's id or the user's name: the key of per-caller rate limits. */
  id: string;
  name: string;
  role: Role;
}

export function identity(kind: Identity['kind'], id: string, name: string, role: Role): Identity {
  const grants = GRANTS[role];
  return {
    kind,
    id,
    name,
    role,
    actor: `${kind}:${name}`,
    may: (policy) => policy === 'public' || grants.has(policy),
  };
}
