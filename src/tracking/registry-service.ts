import { NO_AUDIT, type AuditTrail } from '../platform/audit.js';
import type { Transaction } from 'kysely';
import type { BlobStore } from '../platform/blobs/index.js';
import type { Database } from '../platform/db/schema.js';
import { DomainError } from '../errors.js';
import type { RunId } from './ids.js';
import { assertAliasName, assertModelName } from './names.js';
import type {
  AliasEvent,
  ModelVersion,
  RegisteredModel,
  RegistryRepository,
} from './registry-repository.js';
import type { RunRepository } from './run-repository.js';
import { CHAMPION, parseVersionRef } from './version-ref.js';

/** The alias that keeps the champion a rollout replaced, so a rollback is one alias move. */
export const PREVIOUS = 'previous';

export interface RegisterVersionInput {
  model: string;
  runId: RunId;
  /** The object-store key of the fitted pipeline, e.g. a run artifact's `blobKey`. */
  artifactKey: string;
  artifactSha256: string;
  signature: unknown;
  metrics?: Record<string, number>;
  datasetId?: string | null;
  description?: string | null;
}

/** Who changed an alias and why; both land in the audit log. */
export interface AliasChangeContext {
  actor: string;
  reason: string;
}

/** What an alias change did; `changed` is false when the alias already pointed there. */
export interface AliasChange {
  model: string;
  alias: string;
  fromVersion: number | null;
  toVersion: number | null;
  changed: boolean;
  /** The audit events written, in order (moving the champion also moves `previous`). */
  events: AliasEvent[];
}

export interface ModelDetails extends RegisteredModel {
  /** Newest first. */
  versions: ModelVersion[];
}

const SYSTEM_ACTOR = 'system';

/**
 * The model registry, our MLflow model registry with aliases instead of stages: numbered
 * versions per model, each pointing at a run and an artifact, and named aliases (`champion`,
 * `challenger`, …) that routing reads. Every alias change is written to the audit log in the
 * transaction that makes it.
 *
 * @example
 * const version = await registry.registerVersion({ model: 'depression-gbdt', runId, artifactKey, artifactSha256, signature });
 * await registry.setAlias('depression-gbdt', 'champion', version.version, { actor: 'ana', reason: 'AUC +0.02 on holdout' });
 * const serving = await registry.resolveVersion('depression-gbdt'); // = depression-gbdt@champion
 */
export class RegistryService {
  constructor(
    private readonly registry: RegistryRepository,
    private readonly runs: RunRepository,
    private readonly blobs: BlobStore,
    private readonly audit: AuditTrail = NO_AUDIT,
  ) {}

  /**
   * Registers a new version and returns it. Numbers are 1, 2, … per model, distinct even for
   * concurrent registrations. The first version of a model becomes `champion` at once;
   * later ones stay candidates until an alias is moved to them.
   */
  async registerVersion(input: RegisterVersionInput): Promise<ModelVersion> {
    assertModelName(input.model);
    if (!/^[0-9a-f]{64}$/.test(input.artifactSha256)) {
      throw DomainError.invalid(
        `artifactSha256 must be 64 lowercase hex digits, got "${input.artifactSha256}"`,
      );
    }
    for (const [key, value] of Object.entries(input.metrics ?? {})) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw DomainError.invalid(`Metric "${key}" must be a finite number, got ${value}`);
      }
    }
    await this.checkArtifact(input.artifactKey, input.artifactSha256);

    const number = await this.registry.transaction(async (trx) => {
      const run = await this.runs.findRun(input.runId, trx);
      if (!run) throw DomainError.notFound(`No run ${input.runId} (see \`sdp runs list\`)`);
      if (run.status === 'failed' || run.status === 'killed') {
        throw DomainError.conflict(
          `Run ${input.runId} ${run.status}; only a running or finished run can be registered`,
        );
      }
      await this.registry.ensureModel(trx, input.model, null);
      const version = await this.registry.allocateVersion(trx, input.model);
      await this.registry.insertVersion(trx, {
        model: input.model,
        version,
        runId: input.runId,
        artifactKey: input.artifactKey,
        artifactSha256: input.artifactSha256,
        signature: input.signature ?? null,
        metrics: input.metrics ?? {},
        datasetId: input.datasetId ?? null,
        description: input.description ?? null,
      });
      if (version === 1) {
        await this.moveAlias(trx, input.model, CHAMPION, 1, undefined, {
          actor: SYSTEM_ACTOR,
          reason: 'first version',
        });
      }
      return version;
    });
    return (await this.registry.findVersion(input.model, number))!;
  }

  /**
   * Points `alias` at `version` (creating the alias if needed). Moving `champion` keeps the
   * champion it replaces as `previous`. Both changes are audited with actor and reason.
   */
  async setAlias(
    model: string,
    alias: string,
    version: number,
    context: AliasChangeContext,
  ): Promise<AliasChange> {
    assertAliasName(alias);
    const { actor, reason } = checkContext(context);
    return this.registry.transaction(async (trx) => {
      await this.lockExistingModel(trx, model);
      if (!(await this.registry.findVersion(model, version, trx))) {
        throw DomainError.notFound(await this.describeMissingVersion(model, version, trx));
      }
      const current = await this.registry.findAlias(model, alias, trx);
      if (current === version) {
        return {
          model,
          alias,
          fromVersion: current,
          toVersion: version,
          changed: false,
          events: [],
        };
      }
      const events: AliasEvent[] = [];
      if (alias === CHAMPION && current !== undefined) {
        const previous = await this.registry.findAlias(model, PREVIOUS, trx);
        events.push(
          await this.moveAlias(trx, model, PREVIOUS, current, previous, {
            actor,
            reason: `champion moved from version ${current} to ${version}: ${reason}`,
          }),
        );
      }
      events.push(await this.moveAlias(trx, model, alias, version, current, { actor, reason }));
      await this.audit.record(
        {
          actor,
          action: 'alias.set',
          target: `${model}@${alias}`,
          reason,
          details: { from: current ?? null, to: version },
        },
        trx,
      );
      return {
        model,
        alias,
        fromVersion: current ?? null,
        toVersion: version,
        changed: true,
        events,
      };
    });
  }

  /**
   * Removes an alias, audited. `champion` cannot be removed, only moved: routing relies on
   * every registered model having one.
   */
  async deleteAlias(
    model: string,
    alias: string,
    context: AliasChangeContext,
  ): Promise<AliasChange> {
    assertAliasName(alias);
    const { actor, reason } = checkContext(context);
    if (alias === CHAMPION) {
      throw DomainError.conflict(
        `The champion alias cannot be deleted, only moved to another version`,
      );
    }
    return this.registry.transaction(async (trx) => {
      await this.lockExistingModel(trx, model);
      const current = await this.registry.findAlias(model, alias, trx);
      if (current === undefined) {
        throw DomainError.notFound(
          `Model "${model}" has no alias "${alias}"; ${describeAliases(await this.registry.aliases(model, trx))}`,
        );
      }
      await this.registry.deleteAlias(trx, model, alias);
      const event = await this.registry.insertAliasEvent(trx, {
        model,
        alias,
        fromVersion: current,
        toVersion: null,
        actor,
        reason,
      });
      await this.audit.record(
        {
          actor,
          action: 'alias.delete',
          target: `${model}@${alias}`,
          reason,
          details: { from: current },
        },
        trx,
      );
      return {
        model,
        alias,
        fromVersion: current,
        toVersion: null,
        changed: true,
        events: [event],
      };
    });
  }

  /**
   * The version a reference names: `name@alias`, `name/3`, or a bare `name` (its champion).
   * Errors name what does exist: the models, the model's aliases or its versions.
   */
  async resolveVersion(ref: string): Promise<ModelVersion> {
    const selector = parseVersionRef(ref);
    await this.requireModel(selector.model);
    if (selector.kind === 'version') return this.getVersion(selector.model, selector.version);
    const version = await this.registry.findAlias(selector.model, selector.alias);
    if (version === undefined) {
      const aliases = await this.registry.aliases(selector.model);
      throw DomainError.notFound(
        `Model "${selector.model}" has no alias "${selector.alias}"; ${describeAliases(aliases)}`,
      );
    }
    return this.getVersion(selector.model, version);
  }

  listModels(): Promise<RegisteredModel[]> {
    return this.registry.listModels();
  }

  /** A model with all its versions, newest first. */
  async getModel(name: string): Promise<ModelDetails> {
    const model = await this.requireModel(name);
    return { ...model, versions: await this.registry.listVersions(name) };
  }

  /** A version of `model` with this very artifact (byte for byte), if one is registered. */
  findVersionByArtifact(model: string, sha256: string): Promise<ModelVersion | undefined> {
    return this.registry.findVersionByArtifact(model, sha256);
  }

  async getVersion(model: string, version: number): Promise<ModelVersion> {
    const found = await this.registry.findVersion(model, version);
    if (found) return found;
    await this.requireModel(model);
    throw DomainError.notFound(await this.describeMissingVersion(model, version));
  }

  /** Every alias change of the model, newest first. */
  async aliasHistory(model: string, limit = 200): Promise<AliasEvent[]> {
    await this.requireModel(model);
    return this.registry.aliasHistory(model, limit);
  }

  private async requireModel(name: string): Promise<RegisteredModel> {
    const model = await this.registry.findModel(name);
    if (!model) throw DomainError.notFound(await this.describeMissingModel(name));
    return model;
  }

  private async moveAlias(
    trx: Transaction<Database>,
    model: string,
    alias: string,
    to: number,
    from: number | undefined,
    context: AliasChangeContext,
  ): Promise<AliasEvent> {
    await this.registry.upsertAlias(trx, model, alias, to);
    return this.registry.insertAliasEvent(trx, {
      model,
      alias,
      fromVersion: from ?? null,
      toVersion: to,
      ...context,
    });
  }

  private async lockExistingModel(trx: Transaction<Database>, model: string): Promise<void> {
    assertModelName(model);
    if (!(await this.registry.lockModel(trx, model))) {
      throw DomainError.notFound(await this.describeMissingModel(model, trx));
    }
  }

  /** A version that is served must exist with the bytes it claims to have. */
  private async checkArtifact(key: string, sha256: string): Promise<void> {
    const stat = await this.blobs.stat(key).catch((error: unknown) => {
      throw DomainError.invalid(
        `Invalid artifact key "${key}": ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (!stat) throw DomainError.notFound(`No artifact "${key}" in ${this.blobs.describe()}`);
    if (stat.sha256 !== sha256) {
      throw DomainError.conflict(
        `Artifact "${key}" has SHA-256 ${stat.sha256}, not the ${sha256} given`,
      );
    }
  }

  private async describeMissingModel(name: string, trx?: Transaction<Database>): Promise<string> {
    const names = await this.registry.modelNames(trx);
    const shown = names
      .slice(0, 20)
      .map((n) => `"${n}"`)
      .join(', ');
    return `No model "${name}"; ${names.length ? `models: ${shown}${names.length > 20 ? ', …' : ''}` : 'no models are registered yet'}`;
  }

  private async describeMissingVersion(
    model: string,
    version: number,
    trx?: Transaction<Database>,
  ): Promise<string> {
    const numbers = await this.registry.versionNumbers(model, trx);
    return `Model "${model}" has no version ${version}; ${numbers.length ? `versions: ${compactRanges(numbers)}` : 'it has no versions'}`;
  }
}

function checkContext(context: AliasChangeContext): AliasChangeContext {
  const actor = context.actor?.trim() ?? '';
  const reason = context.reason?.trim() ?? '';
  if (!actor) throw DomainError.invalid('An alias change needs an actor (who made it)');
  if (!reason)
    throw DomainError.invalid('An alias change needs a reason (it goes to the audit log)');
  if (reason.length > 1000) throw DomainError.invalid('The reason is longer than 1000 characters');
  return { actor, reason };
}

function describeAliases(aliases: Record<string, number>): string {
  const entries = Object.entries(aliases);
  if (entries.length === 0) return 'it has no aliases';
  return `aliases: ${entries.map(([alias, version]) => `${alias} → ${version}`).join(', ')}`;
}

/** [1,2,3,5] → "1–3, 5". */
export function compactRanges(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j === i ? String(numbers[i]) : `${numbers[i]}–${numbers[j]}`);
    i = j;
  }
  return parts.join(', ');
}
