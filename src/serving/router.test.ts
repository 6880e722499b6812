import { describe, expect, it } from 'vitest';
import { bucketOf, chooseArm, shadowsRequest, type RoutingTable } from './router.js';
import type { ServingModel } from './serving-model.js';

const model = (version: number) => ({ version }) as unknown as ServingModel;
const canary = (weight: number): RoutingTable => ({
  mode: 'canary',
  champion: model(1),
  challenger: model(2),
  weight,
  rolloutId: 'ro_1',
});

describe('router', () => {
  it('sends the configured share of keys to the canary, within statistical tolerance', () => {
    const n = 20_000;
    let canaries = 0;
    for (let i = 0; i < n; i++)
      if (chooseArm(canary(10), `submission-${i}`) === 'canary') canaries++;
    // Binomial(20000, 0.1): sd ≈ 42, so ±4 sd is ±170.
    expect(Math.abs(canaries - 0.1 * n)).toBeLessThan(170);
  });

  it('is sticky: a key keeps its arm, and raising the weight only moves keys to the canary', () => {
    for (let i = 0; i < 2000; i++) {
      const key = `k${i}`;
      const at10 = chooseArm(canary(10), key);
      expect(chooseArm(canary(10), key)).toBe(at10);
      if (at10 === 'canary') expect(chooseArm(canary(50), key)).toBe('canary');
    }
  });

  it('sends everything to the champion in single and shadow mode, and samples shadow copies', () => {
    const single: RoutingTable = { mode: 'single', champion: model(1), rolloutId: null };
    const shadow: RoutingTable = {
      mode: 'shadow',
      champion: model(1),
      challenger: model(2),
      sampleRate: 0.25,
      rolloutId: 'ro_2',
    };
    let shadowed = 0;
    for (let i = 0; i < 8000; i++) {
      expect(chooseArm(single, `k${i}`)).toBe('champion');
      expect(chooseArm(shadow, `k${i}`)).toBe('champion');
      if (shadowsRequest(shadow, `k${i}`)) shadowed++;
      expect(shadowsRequest(single, `k${i}`)).toBe(false);
    }
    expect(Math.abs(shadowed - 2000)).toBeLessThan(160);
  });

  it('spreads buckets evenly over [0, 10000)', () => {
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 50_000; i++) counts[Math.floor(bucketOf(String(i), 'salt') / 1000)]++;
    for (const count of counts) expect(Math.abs(count - 5000)).toBeLessThan(300);
  });
});
