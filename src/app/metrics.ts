import { Gauge, type Registry } from 'prom-client';
import { jobStates } from '../platform/queue/job-queue.js';
import { RUN_STATES } from '../pipelines/tables.js';
import type { QueueRuntime, Runtime } from './runtime.js';

/**
 * Series read from the database (and the queue) when Prometheus scrapes: pipeline runs by
 * state and the last success of each pipeline, jobs by state, stored survey responses by
 * state. Each is a count of what is stored, so a gauge; one scrape costs a few count queries.
 */
export function registerStateMetrics(registry: Registry, runtime: Runtime | QueueRuntime): void {
  new Gauge({
    name: 'sdp_survey_responses',
    help: 'Stored survey responses by state (training data, or waiting for manual review)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await runtime.surveys.countByState();
      this.reset();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  if (!('pipelines' in runtime)) return;
  new Gauge({
    name: 'sdp_pipeline_runs',
    help: 'Pipeline runs by pipeline and state (the newest 1,000 of each pipeline)',
    labelNames: ['pipeline', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const definition of runtime.pipelines.list()) {
        const runs = await runtime.pipelines.runs({ pipeline: definition.name, limit: 1000 });
        for (const state of RUN_STATES)
          this.set(
            { pipeline: definition.name, state },
            runs.filter((r) => r.state === state).length,
          );
      }
    },
  });
  new Gauge({
    name: 'sdp_pipeline_last_success_timestamp_seconds',
    help: 'When each pipeline last finished a run successfully (Unix time; absent: never)',
    labelNames: ['pipeline'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const definition of runtime.pipelines.list()) {
        const [last] = await runtime.pipelines.runs({
          pipeline: definition.name,
          states: ['succeeded'],
          limit: 1,
        });
        if (last?.finished_at)
          this.set({ pipeline: definition.name }, last.finished_at.getTime() / 1000);
      }
    },
  });
  new Gauge({
    name: 'sdp_queue_jobs',
    help: 'Jobs of the queue by state (BullMQ: its own counts in Redis; inline: the job table)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await runtime.queue.counts();
      this.reset();
      for (const state of jobStates) this.set({ queue: runtime.queue.name, state }, counts[state]);
    },
  });
}
