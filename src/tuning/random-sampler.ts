import type { SeededRandom } from '../ml/random.js';
import type { Sampler, SampleContext } from './sampler.js';
import {
  isActive,
  type ParamDistribution,
  type ParamValue,
  type TrialParams,
} from './search-space.js';

/**
 * Independent uniform draws: linear or log-uniform floats, ints on their step grid (log-uniform
 * when `log`), categorical choices with equal probability. Inactive conditional parameters are
 * left out.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';

  sample({ space, random }: SampleContext): TrialParams {
    const params: TrialParams = {};
    for (const [name, distribution] of Object.entries(space)) {
      if (isActive(distribution, params)) params[name] = sampleUniform(distribution, random);
    }
    return params;
  }
}

/** One uniform draw from a distribution. */
export function sampleUniform(distribution: ParamDistribution, random: SeededRandom): ParamValue {
  switch (distribution.type) {
    case 'categorical':
      return distribution.choices[random.nextInt(distribution.choices.length)];
    case 'float': {
      const { low, high, log } = distribution;
      return log
        ? Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)))
        : low + random.next() * (high - low);
    }
    case 'int': {
      const { low, high, step, log } = distribution;
      if (log) {
        // Uniform in log space over [low − ½, high + ½], so every integer gets its share.
        const x = Math.exp(
          Math.log(low - 0.5) + random.next() * (Math.log(high + 0.5) - Math.log(low - 0.5)),
        );
        return Math.min(high, Math.max(low, Math.round(x)));
      }
      return low + step * random.nextInt((high - low) / step + 1);
    }
  }
}
