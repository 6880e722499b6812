import { NO_AUDIT, type AuditTrail } from '../platform/audit.js';
import { randomUUID } from 'node:crypto';
import type { AliasEvent } from '../tracking/registry-repository.js';
import { PREVIOUS, type RegistryService } from '../tracking/registry-service.js';
import type { ServingSettings } from './settings.js';
import { DomainError, isDomainError } from '../errors.js';
import type { PredictionLogRepository } from './prediction-log-repository.js';
import { judgeStep } from './rollout-analysis.js';
import type { Rollout, RolloutAnalysis, RolloutRepository } from './rollout-repository.js';
import type { ServingModel } from './serving-model.js';
import type { RolloutMode } from './tables.js';

export const CHALLENGER = 'challenger';
const CHAMPION = 'champion';
/** Who the automated analysis is in the audit log. */
export const ANALYSIS_ACTOR = 'rollout-analysis';
/** Predictions read per analysis at most (the newest). */
const WINDOW_LIMIT = 20_000;

export interface StartRolloutInput {
  model: string;
  challengerVersion: number;
  mode: RolloutMode;
  /** Canary weights in percent, increasing; ignored for shadow. */
  steps?: number[];
  intervalMs?: number;
  sampleRate?: number;
  actor: string;
}

export interface RolloutStatusReport {
  rollout: Rollout | null;
  analyses: RolloutAnalysis[];
  /** Predictions per route in the current step. */
  stepCounts: Record<string, number>;
  aliases: Record<string, number>;
  aliasHistory: AliasEvent[];
}

/**
 * Rollouts (our Argo Rollouts analysis): start one, judge each step from the prediction log,
 * and promote, continue, roll back or pause, recording every judgement with its reasons.
 * Every alias change goes through the registry, so it lands in the audit history.
 */
export class RolloutService {
  constructor(
    private readonly repository: RolloutRepository,
    private readonly predictions: PredictionLogRepository,
    private readonly registry: RegistryService,
    private readonly loadModel: (model: string, version: number) => Promise<ServingModel>,
    private readonly config: ServingSettings['rollout'],
    private readonly parseInterval: (text: string) => number,
    private readonly audit: AuditTrail = NO_AUDIT,
  ) {}

  async start(input: StartRolloutInput): Promise<Rollout> {
    const champion = await this.registry.resolveVersion(`${input.model}@${CHAMPION}`);
    await this.registry.getVersion(input.model, input.challengerVersion);
    if (champion.version === input.challengerVersion) {
      throw DomainError.conflict(
        `Version ${input.challengerVersion} is already the champion of "${input.model}"`,
      );
    }
    const open = await this.repository.findOpen(input.model);
    if (open) {
      throw DomainError.conflict(
        `"${input.model}" already has an open rollout (${open.id}, version ${open.challengerVersion}, ${open.status}); promote, abort or roll it back first`,
      );
    }
    // A shadow rollout is one step: every (sampled) request is scored by both versions.
    const steps = input.mode === 'shadow' ? [100] : (input.steps ?? this.config.defaultSteps);
    if (steps.some((w, i) => !(w > 0 && w <= 100) || (i > 0 && w <= steps[i - 1]))) {
      throw DomainError.invalid(
        `Canary steps must increase within (0, 100], got ${steps.join(',')}`,
      );
    }
    const sampleRate = input.sampleRate ?? this.config.shadowSampleRate;
    if (!(sampleRate > 0 && sampleRate <= 1))
      throw DomainError.invalid('sample rate must be in (0, 1]');
    const rollout = await this.repository.insert({
      id: `ro_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      model: input.model,
      mode: input.mode,
      championVersion: champion.version,
      challengerVersion: input.challengerVersion,
      steps,
      stepIndex: 0,
      sampleRate,
      intervalMs: input.intervalMs ?? this.parseInterval(this.config.defaultInterval),
      status: 'active',
      createdBy: input.actor,
    });
    await this.registry.setAlias(input.model, CHALLENGER, input.challengerVersion, {
      actor: input.actor,
      reason: `${input.mode} rollout ${rollout.id} started`,
    });
    await this.audit.record({
      actor: input.actor,
      action: 'rollout.start',
      target: rollout.id,
      reason: null,
      details: { model: input.model, mode: input.mode, challenger: input.challengerVersion, steps },
    });
    return rollout;
  }

  async status(model: string): Promise<RolloutStatusReport> {
    const details = await this.registry.getModel(model);
    const rollout =
      (await this.repository.findOpen(model)) ?? (await this.repository.list(model, 1))[0] ?? null;
    return {
      rollout,
      analyses: rollout ? await this.repository.analyses(rollout.id) : [],
      stepCounts: rollout
        ? await this.predictions.countsByRoute(rollout.id, rollout.stepStartedAt)
        : {},
      aliases: details.aliases,
      aliasHistory: await this.registry.aliasHistory(model, 20),
    };
  }

  /** Judges the active rollout's step when its interval has passed (the background check). */
  async analyzeIfDue(model: string, now = new Date()): Promise<RolloutAnalysis | null> {
    const rollout = await this.repository.findOpen(model);
    if (!rollout || rollout.status !== 'active') return null;
    if (now.getTime() - rollout.stepStartedAt.getTime() < rollout.intervalMs) return null;
    return this.judge(rollout);
  }

  /** Judges the open rollout's current step now, whatever its interval (`sdp rollout analyze`). */
  async analyze(model: string): Promise<RolloutAnalysis | null> {
    const rollout = await this.requireOpen(model);
    return this.judge(rollout);
  }

  /** Promotes the challenger at once (an operator's decision), recorded as such. */
  async promote(
    model: string,
    actor: string,
    reason = 'promoted by an operator',
  ): Promise<Rollout> {
    const rollout = await this.requireOpen(model);
    await this.finish(rollout, 'promote', [`${reason} (${actor})`], {}, actor);
    return (await this.repository.find(rollout.id))!;
  }

  /** Ends the open rollout without promotion; the champion stays. */
  async abort(model: string, actor: string, reason = 'aborted by an operator'): Promise<Rollout> {
    const rollout = await this.requireOpen(model);
    if (
      !(await this.repository.transition(rollout.id, rollout, {
        status: 'aborted',
        reason: `${reason} (${actor})`,
      }))
    ) {
      throw DomainError.conflict('The rollout changed meanwhile; look at `sdp rollout status`');
    }
    await this.dropChallengerAlias(model, actor, `rollout ${rollout.id} aborted: ${reason}`);
    await this.audit.record({ actor, action: 'rollout.abort', target: rollout.id, reason });
    return (await this.repository.find(rollout.id))!;
  }

  /**
   * One-command rollback: an open rollout is rolled back (traffic returns to the champion);
   * with none open, the champion alias moves back to `previous` (the champion a promotion
   * replaced).
   */
  async rollback(
    model: string,
    actor: string,
    reason = 'rolled back by an operator',
  ): Promise<{ rollout: Rollout | null; champion: number }> {
    const open = await this.repository.findOpen(model);
    if (open) {
      await this.finish(open, 'rollback', [`${reason} (${actor})`], {}, actor);
      return { rollout: (await this.repository.find(open.id))!, champion: open.championVersion };
    }
    const previous = await this.registry
      .resolveVersion(`${model}@${PREVIOUS}`)
      .catch((error: unknown) => {
        if (isDomainError(error, 'not_found')) return null;
        throw error;
      });
    if (!previous)
      throw DomainError.notFound(
        `"${model}" has no open rollout and no "${PREVIOUS}" version to roll back to`,
      );
    await this.registry.setAlias(model, CHAMPION, previous.version, { actor, reason });
    return { rollout: null, champion: previous.version };
  }

  /** Resumes a paused rollout at its current step (a new window starts now). */
  async resume(model: string, actor: string): Promise<Rollout> {
    const rollout = await this.requireOpen(model);
    if (rollout.status !== 'paused')
      throw DomainError.conflict(`Rollout ${rollout.id} is ${rollout.status}, not paused`);
    await this.repository.transition(rollout.id, rollout, { status: 'active', reason: null });
    await this.audit.record({ actor, action: 'rollout.resume', target: rollout.id, reason: null });
    return (await this.repository.find(rollout.id))!;
  }

  private async judge(rollout: Rollout): Promise<RolloutAnalysis | null> {
    const [champion, challenger] = await Promise.all([
      this.loadModel(rollout.model, rollout.championVersion),
      this.loadModel(rollout.model, rollout.challengerVersion),
    ]);
    const window = await this.predictions.window(rollout.id, rollout.stepStartedAt, WINDOW_LIMIT);
    const finalStep = rollout.stepIndex >= rollout.steps.length - 1;
    const verdict = judgeStep({
      window,
      mode: rollout.mode,
      champion,
      challenger,
      finalStep,
      thresholds: this.config,
    });
    const metrics = verdict.metrics as unknown as Record<string, unknown>;
    switch (verdict.outcome) {
      case 'continue': {
        const moved = await this.repository.transition(rollout.id, rollout, {
          status: 'active',
          stepIndex: rollout.stepIndex + 1,
        });
        return moved ? this.record(rollout, 'continue', verdict.reasons, metrics) : null;
      }
      case 'inconclusive': {
        const paused = await this.repository.transition(rollout.id, rollout, {
          status: 'paused',
          reason: verdict.reasons.join('; '),
        });
        return paused ? this.record(rollout, 'inconclusive', verdict.reasons, metrics) : null;
      }
      case 'promote':
      case 'rollback':
        return this.finish(rollout, verdict.outcome, verdict.reasons, metrics, ANALYSIS_ACTOR);
    }
  }

  /** Ends a rollout by promotion or rollback: state first (one winner), then aliases. */
  private async finish(
    rollout: Rollout,
    outcome: 'promote' | 'rollback',
    reasons: string[],
    metrics: Record<string, unknown>,
    actor: string,
  ): Promise<RolloutAnalysis | null> {
    const status = outcome === 'promote' ? 'promoted' : 'rolled_back';
    const reason = reasons.join('; ');
    if (!(await this.repository.transition(rollout.id, rollout, { status, reason }))) return null;
    const analysis = await this.record(rollout, outcome, reasons, metrics);
    if (outcome === 'promote') {
      await this.registry.setAlias(rollout.model, CHAMPION, rollout.challengerVersion, {
        actor,
        reason: `rollout ${rollout.id}: ${reason}`.slice(0, 1000),
      });
    }
    await this.dropChallengerAlias(rollout.model, actor, `rollout ${rollout.id} ${status}`);
    await this.audit.record({ actor, action: `rollout.${outcome}`, target: rollout.id, reason });
    return analysis;
  }

  private record(
    rollout: Rollout,
    outcome: RolloutAnalysis['outcome'],
    reasons: string[],
    metrics: Record<string, unknown>,
  ): Promise<RolloutAnalysis> {
    return this.repository.insertAnalysis({
      rolloutId: rollout.id,
      stepIndex: rollout.stepIndex,
      weight:
        rollout.mode === 'canary' ? rollout.steps[rollout.stepIndex] : rollout.sampleRate * 100,
      outcome,
      reasons,
      metrics,
    });
  }

  private async dropChallengerAlias(model: string, actor: string, reason: string): Promise<void> {
    const details = await this.registry.getModel(model);
    if (details.aliases[CHALLENGER] !== undefined)
      await this.registry.deleteAlias(model, CHALLENGER, { actor, reason });
  }

  private async requireOpen(model: string): Promise<Rollout> {
    const rollout = await this.repository.findOpen(model);
    if (!rollout)
      throw DomainError.notFound(
        `"${model}" has no active or paused rollout (start one with \`sdp rollout start\`)`,
      );
    return rollout;
  }
}
