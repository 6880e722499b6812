import { randomUUID } from 'node:crypto';

/** A run's id: 32 lowercase hex digits, as in MLflow. Branded so it cannot be mixed with other ids. */
export type RunId = string & { readonly __brand: 'RunId' };

/** An experiment's id (`exp_` + 16 hex digits). */
export type ExperimentId = string & { readonly __brand: 'ExperimentId' };

/** A model version in canonical form, `name/version`, e.g. `depression-gbdt/3`. */
export type ModelVersionRef = string & { readonly __brand: 'ModelVersionRef' };

/** What a run id looks like: 32 lower-case hex digits (a UUID without dashes). */
export const RUN_ID_PATTERN = /^[0-9a-f]{32}$/;

export function newRunId(): RunId {
  return randomUUID().replaceAll('-', '') as RunId;
}

export function newExperimentId(): ExperimentId {
  return `exp_${randomUUID().replaceAll('-', '').slice(0, 16)}` as ExperimentId;
}

export function modelVersionRef(model: string, version: number): ModelVersionRef {
  return `${model}/${version}` as ModelVersionRef;
}
