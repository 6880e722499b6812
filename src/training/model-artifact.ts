import { z } from 'zod';
import { respondentSchema } from '../data/record.js';
import type { EstimatorJson } from '../ml/estimator.js';
import { isClassifier, type Classifier } from '../ml/estimator.js';
import type { ModelFamily } from '../ml/model-factory.js';
import { Pipeline } from '../ml/pipeline.js';
import { estimatorFromJSON } from '../ml/estimator-revival.js';

export const MODEL_ARTIFACT_VERSION = 1;

/**
 * The single artefact training produces and serving loads: the fitted pipeline
 * (preprocessing + model) with everything needed to trust and reproduce it. It holds no
 * time stamps or run ids, so training again on the same data with the same config and seed
 * gives the same bytes.
 */
export interface ModelArtifact {
  schemaVersion: typeof MODEL_ARTIFACT_VERSION;
  kind: 'sdp.model';
  /** e.g. `sdp@0.1.0`: the code that trained it. */
  codeVersion: string;
  model: {
    name: ModelFamily;
    params: Record<string, unknown>;
    preprocessing: Record<string, unknown>;
    exclude: string[];
  };
  /** Label 1 when P(depression) ≥ threshold. */
  threshold: number;
  /** JSON Schema of the input record (snake_case respondent factors). */
  signature: { input: unknown; output: { probability: 'number in [0, 1]'; label: '0 | 1' } };
  training: {
    datasetId: string;
    datasetHash: string;
    rows: number;
    seed: number;
    testFraction: number;
    folds: number;
  };
  /** The ML-relevant configuration (model and train sections) it was trained with. */
  config: unknown;
  metrics: Record<string, number | null>;
  pipeline: EstimatorJson;
}

/** The respondent schema as JSON Schema, recorded with every model as its input signature. */
export function inputSignature(): unknown {
  return z.toJSONSchema(respondentSchema);
}

/** Serialises an artifact: stable key order, so equal artifacts are equal bytes. */
export function serialiseArtifact(artifact: ModelArtifact): string {
  return `${JSON.stringify(artifact)}\n`;
}

const artifactHeader = z.looseObject({
  schemaVersion: z.literal(MODEL_ARTIFACT_VERSION),
  kind: z.literal('sdp.model'),
  threshold: z.number().min(0).max(1),
  pipeline: z.looseObject({ kind: z.string() }),
});

export interface LoadedModel {
  artifact: ModelArtifact;
  pipeline: Pipeline & Classifier;
}

/** Parses an artifact and revives its pipeline; a document of another kind is a clear error. */
export function loadArtifact(text: string): LoadedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('Model artifact is not JSON.');
  }
  const header = artifactHeader.safeParse(json);
  if (!header.success) {
    throw new Error(
      `Not an sdp model artifact (schema version ${MODEL_ARTIFACT_VERSION}): ${header.error.issues[0]?.message}`,
    );
  }
  const artifact = json as ModelArtifact;
  const pipeline = estimatorFromJSON(artifact.pipeline);
  if (!(pipeline instanceof Pipeline) || !isClassifier(pipeline)) {
    throw new Error('Model artifact does not hold a classifier pipeline.');
  }
  return { artifact, pipeline: pipeline as Pipeline & Classifier };
}
