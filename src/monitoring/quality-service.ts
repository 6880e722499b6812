import type { PredictionLogRepository } from '../serving/prediction-log-repository.js';
import { evaluatePredictions, type VersionQuality } from './quality.js';

export interface QualityReport {
  model: string;
  from: Date;
  to: Date;
  versions: VersionQuality[];
}

/**
 * Continuous evaluation over the prediction log: every prediction whose ground truth arrived
 * (a survey response's PHQ-9 label, or POST /v1/feedback), judged per model version.
 */
export class QualityService {
  constructor(
    private readonly predictions: PredictionLogRepository,
    private readonly model: string,
    private readonly parseDuration: (text: string) => number,
    private readonly maxRows: number,
  ) {}

  async report(options: { window: string; now?: Date }): Promise<QualityReport> {
    const to = options.now ?? new Date();
    const from = new Date(to.getTime() - this.parseDuration(options.window));
    const labelled = await this.predictions.labelled(this.model, { from, to, limit: this.maxRows });
    return { model: this.model, from, to, versions: evaluatePredictions(labelled) };
  }
}
