import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Respondent } from '../data/record.js';
import type { Logger } from '../platform/log/logger.js';
import type { RegistryService } from '../tracking/registry-service.js';
import type { ServingSettings } from './settings.js';
import { DomainError, isDomainError } from '../errors.js';
import type { ModelCache } from './model-cache.js';
import type { PredictionLog, PredictionLogStats } from './prediction-log.js';
import type { PredictionLogRepository } from './prediction-log-repository.js';
import { chooseArm, shadowsRequest, type Arm, type RoutingTable } from './router.js';
import type { RolloutRepository } from './rollout-repository.js';
import type { RolloutService } from './rollout-service.js';
import type { ServingModel } from './serving-model.js';
import type { RecordScore } from './compiled-scorer.js';
import type { PredictionRoute } from './tables.js';

/** One feature's signed contribution to the log-odds of the score. */
export interface FeatureContribution {
  feature: string;
  /** Log-odds; positive raises the screening score. */
  value: number;
}

/**
 * A screening score for one respondent: a probability and the label at the model's
 * threshold, never a diagnosis.
 */
export interface PredictionResult {
  /** The key the prediction is logged under; send it back with the ground truth. */
  requestKey: string;
  probability: number;
  label: 0 | 1;
  threshold: number;
  model: string;
  version: number;
  route: Arm;
  /** The largest contributions by magnitude (count: `serving.topContributions`). */
  contributions: FeatureContribution[];
}

/** What the service is serving right now. */
export interface ServingStatus {
  model: string;
  mode: RoutingTable['mode'] | 'unavailable';
  champion: { version: number; scorer: string } | null;
  challenger: { version: number; scorer: string } | null;
  weight: number | null;
  sampleRate: number | null;
  rolloutId: string | null;
  log: PredictionLogStats;
  refreshedAt: string | null;
  lastRefreshError: string | null;
}

/** Predictions a version made on one route, and how many of them failed. */
export interface ServedCount {
  ok: number;
  failed: number;
}

export interface PredictionServiceDependencies {
  config: ServingSettings;
  registry: RegistryService;
  cache: ModelCache;
  predictionLog: PredictionLog;
  logRepository: PredictionLogRepository;
  rolloutRepository: RolloutRepository;
  rollouts: RolloutService;
  log?: Logger;
}

/**
 * The prediction service: scores respondents with the model the registry's aliases name,
 * routes between champion and challenger during a rollout (canary: sticky by request key;
 * shadow: the challenger scores a copy after the answer), logs every prediction through the
 * asynchronous prediction log, and joins ground truth that arrives later.
 *
 * @example
 * const result = service.predict(record, submissionId);
 * // … once the PHQ-9 is scored:
 * await service.recordOutcome(submissionId, phq9 >= 10 ? 1 : 0);
 */
export class PredictionService {
  private table: RoutingTable | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshedAt: Date | null = null;
  private lastRefreshError: string | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  /** Predictions made and failed per loaded version and route, for /metrics. */
  private readonly served = new Map<ServingModel, Record<PredictionRoute, ServedCount>>();
  /** Requests the challenger still has to shadow; scored together once responses are out. */
  private shadowQueue: { table: RoutingTable; record: Respondent; requestKey: string }[] = [];

  constructor(private readonly deps: PredictionServiceDependencies) {}

  /** Loads the current versions, then keeps them (and the rollout) fresh in the background. */
  async start(options: { analyzeRollouts: boolean }): Promise<void> {
    await this.refresh();
    const { refreshIntervalMs, rollout } = this.deps.config;
    this.timers.push(setInterval(() => void this.refresh(), refreshIntervalMs));
    if (options.analyzeRollouts) {
      this.timers.push(setInterval(() => void this.analyzeRollout(), rollout.checkIntervalMs));
    }
    for (const timer of this.timers) timer.unref();
  }

  /** True once a champion is loaded. */
  get ready(): boolean {
    return this.table !== null;
  }

  /**
   * Scores one already-validated record, synchronously: the hot path of POST /v1/predict.
   * `requestKey` (the survey's submission id, or a client's header; default a random one)
   * makes canary routing sticky and is the key feedback joins on. Routing reads the table
   * once, so an alias change mid-request cannot split a request between versions. A failing
   * challenger falls back to the champion (and is logged as an error of the challenger), so
   * a canary never fails a caller.
   */
  predict(record: Respondent, requestKey: string = randomUUID()): PredictionResult {
    const table = this.requireTable();
    return this.answer(
      table,
      chooseArm(table, requestKey),
      shadowsRequest(table, requestKey),
      record,
      requestKey,
    );
  }

  /**
   * Scores several records as one request: the request key picks one arm for all of them, so
   * one client sees one version. Each record is logged under `requestKey/index`.
   */
  predictBatch(records: readonly Respondent[], requestKey: string): PredictionResult[] {
    const table = this.requireTable();
    const arm = chooseArm(table, requestKey);
    const shadowed = shadowsRequest(table, requestKey);
    return records.map((record, i) =>
      this.answer(table, arm, shadowed, record, `${requestKey}/${i}`),
    );
  }

  /** Scores with the arm chosen for the request (falling back to the champion), then shadows. */
  private answer(
    table: RoutingTable,
    arm: Arm,
    shadowed: boolean,
    record: Respondent,
    requestKey: string,
  ): PredictionResult {
    let result: PredictionResult | null = null;
    if (arm === 'canary' && table.mode === 'canary') {
      result = this.respond(table.challenger, record, requestKey, 'canary', table.rolloutId);
    }
    result ??= this.respond(table.champion, record, requestKey, 'champion', table.rolloutId);
    if (!result) {
      throw new Error(`Scoring failed with ${table.champion.model}/${table.champion.version}`);
    }
    if (shadowed) {
      // After the callers have their answers: one setImmediate runs once this turn's
      // responses are written, and scores every request queued meanwhile.
      if (this.shadowQueue.length === 0) setImmediate(() => this.drainShadows());
      this.shadowQueue.push({ table, record, requestKey });
    }
    return result;
  }

  /**
   * Joins the ground truth of a request (e.g. the survey's PHQ-9 label, PHQ-9 ≥ 10) to its
   * prediction, once: a key that has a label already is a conflict. The label is stored
   * whether or not the prediction is known yet; the result says whether it is (logged or
   * still buffered).
   */
  async recordOutcome(requestKey: string, label: 0 | 1): Promise<boolean> {
    if (label !== 0 && label !== 1)
      throw DomainError.invalid(`label must be 0 or 1, got ${String(label)}`);
    if (!requestKey || requestKey.length > 200)
      throw DomainError.invalid('requestKey must be 1–200 characters');
    if (!(await this.deps.logRepository.addFeedback(requestKey, label))) {
      throw DomainError.conflict(
        `Request key ${requestKey} has a label already; a label is recorded once and never replaced.`,
      );
    }
    return (
      this.deps.predictionLog.hasPending(requestKey) ||
      (await this.deps.logRepository.hasPrediction(requestKey))
    );
  }

  /** Deletes every prediction and label of a request key, including those not yet written. */
  async forget(requestKey: string): Promise<void> {
    this.shadowQueue = this.shadowQueue.filter((entry) => entry.requestKey !== requestKey);
    await this.deps.predictionLog.flush();
    await this.deps.logRepository.forget(requestKey);
  }

  /** Re-reads the champion alias and the open rollout and swaps in a new routing table. */
  refresh(): Promise<void> {
    this.refreshing ??= this.loadTable()
      .then((table) => {
        if (!this.closed) this.table = table;
        const serving = new Set(
          table ? [table.champion, ...(table.mode === 'single' ? [] : [table.challenger])] : [],
        );
        for (const model of this.served.keys()) if (!serving.has(model)) this.served.delete(model);
        this.refreshedAt = new Date();
        this.lastRefreshError = null;
      })
      .catch((error: unknown) => {
        // Keep serving what is loaded: a registry hiccup must not take predictions down.
        this.lastRefreshError = error instanceof Error ? error.message : String(error);
        this.deps.log?.warn({ err: error }, `serving refresh failed: ${this.lastRefreshError}`);
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  status(): ServingStatus {
    const table = this.table;
    const describe = (model: ServingModel | undefined) =>
      model ? { version: model.version, scorer: model.scorer.kind } : null;
    return {
      model: this.deps.config.model,
      mode: table?.mode ?? 'unavailable',
      champion: describe(table?.champion),
      challenger: describe(table && table.mode !== 'single' ? table.challenger : undefined),
      weight: table?.mode === 'canary' ? table.weight : null,
      sampleRate: table?.mode === 'shadow' ? table.sampleRate : null,
      rolloutId: table?.rolloutId ?? null,
      log: this.deps.predictionLog.stats(),
      refreshedAt: this.refreshedAt?.toISOString() ?? null,
      lastRefreshError: this.lastRefreshError,
    };
  }

  /** Predictions per version served since it was loaded (versions no longer served drop out). */
  servedCounts(): { model: string; version: number; route: PredictionRoute; count: ServedCount }[] {
    const result = [];
    for (const [model, routes] of this.served)
      for (const route of ['champion', 'canary', 'shadow'] as const)
        result.push({ model: model.model, version: model.version, route, count: routes[route] });
    return result;
  }

  /** Writes what the prediction log has buffered now (otherwise its timer does, within flushIntervalMs). */
  flushLog(): Promise<void> {
    return this.deps.predictionLog.flush();
  }

  /** Stops the timers and flushes the prediction log (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.refreshing;
    await this.deps.predictionLog.close();
  }

  private requireTable(): RoutingTable {
    const table = this.table;
    if (!table) {
      throw DomainError.unavailable(
        `No champion of "${this.deps.config.model}" is loaded yet${this.lastRefreshError ? ` (${this.lastRefreshError})` : ''}; train one with \`sdp train\``,
      );
    }
    return table;
  }

  /** Scores, logs and builds the answer; null (logged as an error) when the model throws. */
  private respond(
    model: ServingModel,
    record: Respondent,
    requestKey: string,
    route: 'champion' | 'canary',
    rolloutId: string | null,
  ): PredictionResult | null {
    const score = this.score(model, record, requestKey, route, rolloutId);
    if (!score) return null;
    return {
      requestKey,
      probability: score.probability,
      label: score.probability >= model.threshold ? 1 : 0,
      threshold: model.threshold,
      model: model.model,
      version: model.version,
      route,
      contributions: topContributions(
        model.scorer.features,
        score.contributions,
        this.deps.config.topContributions,
      ),
    };
  }

  /**
   * Scores and logs one record; null (logged as an error) when the model throws. A shadow
   * row does not repeat the inputs: they are on the champion row of the same request key.
   */
  private score(
    model: ServingModel,
    record: Respondent,
    requestKey: string,
    route: PredictionRoute,
    rolloutId: string | null,
  ): RecordScore | null {
    const started = performance.now();
    const count = this.countOf(model, route);
    let score: RecordScore | null = null;
    let error: string | null = null;
    try {
      score = model.scorer.score(record);
      count.ok++;
    } catch (thrown) {
      count.failed++;
      error = (thrown instanceof Error ? thrown.message : String(thrown)).slice(0, 500);
      this.deps.log?.error({ err: thrown }, `scoring failed with ${model.model}/${model.version}`);
    }
    this.deps.predictionLog.append({
      at: Date.now(),
      model: model.model,
      version: model.version,
      route,
      requestKey,
      rolloutId,
      inputs: route === 'shadow' ? null : record,
      probability: score && score.probability,
      label: score && (score.probability >= model.threshold ? 1 : 0),
      latencyUs: Math.round((performance.now() - started) * 1000),
      error,
    });
    return score;
  }

  private countOf(model: ServingModel, route: PredictionRoute): ServedCount {
    let counts = this.served.get(model);
    if (!counts) {
      counts = {
        champion: { ok: 0, failed: 0 },
        canary: { ok: 0, failed: 0 },
        shadow: { ok: 0, failed: 0 },
      };
      this.served.set(model, counts);
    }
    return counts[route];
  }

  private drainShadows(): void {
    const queue = this.shadowQueue;
    this.shadowQueue = [];
    for (const { table, record, requestKey } of queue) {
      if (table.mode === 'shadow')
        this.score(table.challenger, record, requestKey, 'shadow', table.rolloutId);
    }
  }

  private async analyzeRollout(): Promise<void> {
    try {
      const analysis = await this.deps.rollouts.analyzeIfDue(this.deps.config.model);
      if (analysis) {
        this.deps.log?.info(
          { 'rollout.id': analysis.rolloutId, 'rollout.outcome': analysis.outcome },
          `rollout step ${analysis.stepIndex + 1}: ${analysis.outcome} — ${analysis.reasons.join('; ')}`,
        );
        await this.refresh();
      }
    } catch (error) {
      this.deps.log?.warn({ err: error }, 'rollout analysis failed');
    }
  }

  private async loadTable(): Promise<RoutingTable | null> {
    const { config, registry, cache, rolloutRepository } = this.deps;
    // Only a champion that does not exist empties the table. Any other failure (the database
    // away for a moment) propagates to `refresh`, which keeps serving what is loaded.
    const champion = await registry
      .resolveVersion(`${config.model}@champion`)
      .catch((error: unknown) => {
        if (isDomainError(error, 'not_found')) return null;
        throw error;
      });
    if (!champion) return null;
    const rollout = await rolloutRepository.findOpen(config.model);
    const championModel = await cache.get(config.model, champion.version);
    if (!rollout || rollout.challengerVersion === champion.version) {
      cache.retain(new Set([`${config.model}/${champion.version}`]));
      return { mode: 'single', champion: championModel, rolloutId: null };
    }
    const challengerModel = await cache.get(config.model, rollout.challengerVersion);
    cache.retain(
      new Set([
        `${config.model}/${champion.version}`,
        `${config.model}/${rollout.challengerVersion}`,
      ]),
    );
    if (rollout.mode === 'shadow') {
      return {
        mode: 'shadow',
        champion: championModel,
        challenger: challengerModel,
        sampleRate: rollout.sampleRate,
        rolloutId: rollout.id,
      };
    }
    return {
      mode: 'canary',
      champion: championModel,
      challenger: challengerModel,
      weight: rollout.steps[Math.min(rollout.stepIndex, rollout.steps.length - 1)],
      rolloutId: rollout.id,
    };
  }
}

/** The k features with the largest |contribution|, largest first. */
export function topContributions(
  features: readonly string[],
  values: Float64Array,
  k: number,
): FeatureContribution[] {
  const order: number[] = [];
  for (let j = 0; j < features.length; j++) order.push(j);
  order.sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]));
  const top: FeatureContribution[] = [];
  for (let r = 0; r < Math.min(k, order.length); r++)
    top.push({ feature: features[order[r]], value: values[order[r]] });
  return top;
}
