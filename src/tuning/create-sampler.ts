import { RandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { TpeSampler } from './tpe-sampler.js';
import type { TuneSettings } from './settings.js';

/** The sampler `tune.sampler` names, with its settings from `tune.tpe`. */
export function createSampler(config: Pick<TuneSettings, 'sampler' | 'tpe'>): Sampler {
  switch (config.sampler) {
    case 'random':
      return new RandomSampler();
    case 'tpe':
      return new TpeSampler(config.tpe);
  }
}
