import type { ServingModel } from './serving-model.js';

/**
 * How requests are split between versions at one moment. Replaced as a whole (never mutated)
 * when an alias or the rollout changes, so a request that has read it keeps a consistent
 * view — and its model — until it is answered.
 */
export type RoutingTable =
  | { mode: 'single'; champion: ServingModel; rolloutId: null }
  | {
      mode: 'canary';
      champion: ServingModel;
      challenger: ServingModel;
      /** Percent of request keys sent to the challenger. */
      weight: number;
      rolloutId: string;
    }
  | {
      mode: 'shadow';
      champion: ServingModel;
      challenger: ServingModel;
      /** Share of requests the challenger scores too, after the response. */
      sampleRate: number;
      rolloutId: string;
    };

/** The arm that answers a request. */
export type Arm = 'champion' | 'canary';

/**
 * The arm for a request key. Canary buckets are a hash of the key (and the rollout, so each
 * rollout draws a fresh split), so one client consistently sees one version while the weight
 * stays; raising the weight only moves clients from champion to challenger.
 */
export function chooseArm(table: RoutingTable, requestKey: string): Arm {
  if (table.mode !== 'canary') return 'champion';
  return bucketOf(requestKey, table.rolloutId) < table.weight * 100 ? 'canary' : 'champion';
}

/** Whether the challenger shadows this request (sampled by key, so retries agree). */
export function shadowsRequest(table: RoutingTable, requestKey: string): boolean {
  if (table.mode !== 'shadow') return false;
  return table.sampleRate >= 1 || bucketOf(requestKey, table.rolloutId) < table.sampleRate * 10_000;
}

/** A bucket in [0, 10000) from FNV-1a over the salt and the key. */
export function bucketOf(key: string, salt: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < salt.length; i++) hash = Math.imul(hash ^ salt.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ 0x2f, 0x01000193);
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  // Final avalanche (murmur3 fmix32): FNV's low bits alone are poorly mixed for short keys.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % 10_000;
}
