import type { SeededRandom } from '../ml/random.js';
import {
  categoricalParzen,
  numericDomain,
  numericParzen,
  type ParzenEstimator,
} from './parzen-estimator.js';
import { sampleUniform } from './random-sampler.js';
import type { Sampler, SampleContext, TrialHistory } from './sampler.js';
import {
  isActive,
  type ParamDistribution,
  type ParamValue,
  type TrialParams,
} from './search-space.js';
import type { TuneSettings } from './settings.js';

export type TpeSettings = TuneSettings['tpe'];

/** Optuna 3.x TPESampler defaults. */
export const TPE_DEFAULTS: TpeSettings = {
  startupTrials: 10,
  candidates: 24,
  gamma: 0.1,
  gammaMax: 25,
  priorWeight: 1,
  constantLiar: true,
};

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate as Optuna's default:
 * trials are split into the best ⌈γ·n⌉ ("below") and the rest ("above"); per parameter, two
 * Parzen mixtures l(x) and g(x) are built from them, `candidates` draws are taken from l and
 * the one with the highest l(x)/g(x) is chosen. Until `startupTrials` trials have finished it
 * samples at random. With `constantLiar`, trials still running count as "above" (a pessimistic
 * lie), so workers asking at the same time are pushed away from each other's points.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';

  constructor(private readonly settings: TpeSettings = TPE_DEFAULTS) {}

  sample({ space, direction, history, random }: SampleContext): TrialParams {
    const finished = history.filter((t) => t.state === 'complete' || t.state === 'pruned');
    const params: TrialParams = {};
    if (
      finished.filter((t) => t.state === 'complete').length === 0 ||
      finished.length < this.settings.startupTrials
    ) {
      for (const [name, distribution] of Object.entries(space))
        if (isActive(distribution, params)) params[name] = sampleUniform(distribution, random);
      return params;
    }
    const { below, above } = this.split(history, direction);
    for (const [name, distribution] of Object.entries(space)) {
      if (!isActive(distribution, params)) continue;
      params[name] = this.sampleParam(name, distribution, below, above, random);
    }
    return params;
  }

  /** The best ⌈γ·n⌉ trials (complete by value, then pruned by depth reached) and the rest. */
  private split(history: readonly TrialHistory[], direction: SampleContext['direction']) {
    const sign = direction === 'maximize' ? -1 : 1; // lower loss is better
    const complete = history
      .filter((t) => t.state === 'complete' && t.value !== null)
      .sort((a, b) => sign * a.value! - sign * b.value! || a.number - b.number);
    const pruned = history
      .filter((t) => t.state === 'pruned')
      .map((t) => {
        const steps = [...t.intermediate.keys()];
        const last = steps.length ? Math.max(...steps) : -1;
        return { t, last, loss: last >= 0 ? sign * t.intermediate.get(last)! : Infinity };
      })
      .sort((a, b) => b.last - a.last || a.loss - b.loss || a.t.number - b.t.number)
      .map(({ t }) => t);
    const running = this.settings.constantLiar ? history.filter((t) => t.state === 'running') : [];
    const ranked = [...complete, ...pruned];
    const n = ranked.length + running.length;
    const nBelow = Math.min(
      Math.ceil(this.settings.gamma * n),
      this.settings.gammaMax,
      ranked.length,
    );
    const byNumber = (a: TrialHistory, b: TrialHistory) => a.number - b.number;
    return {
      below: ranked.slice(0, nBelow).sort(byNumber),
      above: [...ranked.slice(nBelow), ...running].sort(byNumber),
    };
  }

  private sampleParam(
    name: string,
    distribution: ParamDistribution,
    below: readonly TrialHistory[],
    above: readonly TrialHistory[],
    random: SeededRandom,
  ): ParamValue {
    const observed = (trials: readonly TrialHistory[]) =>
      trials.filter((t) => name in t.params).map((t) => t.params[name]);
    const { priorWeight, candidates } = this.settings;
    if (distribution.type === 'categorical') {
      const index = (values: ParamValue[]) =>
        values.map((v) => distribution.choices.indexOf(v)).filter((i) => i >= 0);
      const l = categoricalParzen(index(observed(below)), distribution, priorWeight);
      const g = categoricalParzen(index(observed(above)), distribution, priorWeight);
      return distribution.choices[bestCandidate(l, g, candidates, random)];
    }
    const domain = numericDomain(distribution);
    const numbers = (values: ParamValue[]) =>
      values.filter((v): v is number => typeof v === 'number');
    const l = numericParzen(numbers(observed(below)), domain, priorWeight);
    const g = numericParzen(numbers(observed(above)), domain, priorWeight);
    return bestCandidate(l, g, candidates, random);
  }
}

function bestCandidate<T>(
  l: ParzenEstimator<T>,
  g: ParzenEstimator<T>,
  count: number,
  random: SeededRandom,
): T {
  let best = l.sample(random);
  let bestScore = l.logPdf(best) - g.logPdf(best);
  for (let i = 1; i < count; i++) {
    const candidate = l.sample(random);
    const score = l.logPdf(candidate) - g.logPdf(candidate);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
