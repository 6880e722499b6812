import { Counter, Gauge, type Registry } from 'prom-client';
import type { PredictionService } from './prediction-service.js';

/**
 * Serving metrics for Prometheus, read from the service's own counters at scrape time, so
 * predictions pay nothing for them:
 *
 * - `sdp_predictions_total{model,version,route,outcome}` — route champion | canary | shadow,
 *   outcome ok | error;
 * - `sdp_prediction_log_entries_total{outcome}` — accepted | written | dropped (buffer full) |
 *   failed (the write failed); alert on `dropped` and `failed`;
 * - `sdp_prediction_log_pending` — entries waiting to be written;
 * - `sdp_serving_model_version{model,role}` — the version serving as champion | challenger.
 */
export function registerServingMetrics(registry: Registry, service: PredictionService): void {
  new Counter({
    name: 'sdp_predictions_total',
    help: 'Predictions by model version, route and outcome, since the version was loaded',
    labelNames: ['model', 'version', 'route', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { model, version, route, count } of service.servedCounts()) {
        const labels = { model, version: String(version), route };
        this.inc({ ...labels, outcome: 'ok' }, count.ok);
        this.inc({ ...labels, outcome: 'error' }, count.failed);
      }
    },
  });
  new Counter({
    name: 'sdp_prediction_log_entries_total',
    help: 'Prediction-log entries: accepted into the buffer, written, dropped (buffer full), failed (write error)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const { accepted, written, dropped, failed } = service.status().log;
      this.reset();
      for (const [outcome, value] of Object.entries({ accepted, written, dropped, failed }))
        this.inc({ outcome }, value);
    },
  });
  new Gauge({
    name: 'sdp_prediction_log_pending',
    help: 'Prediction-log entries waiting to be written',
    registers: [registry],
    collect() {
      this.set(service.status().log.pending);
    },
  });
  new Gauge({
    name: 'sdp_serving_model_version',
    help: 'The model version serving in each role (champion; challenger during a rollout)',
    labelNames: ['model', 'role'] as const,
    registers: [registry],
    collect() {
      const { model, champion, challenger } = service.status();
      this.reset();
      if (champion) this.set({ model, role: 'champion' }, champion.version);
      if (challenger) this.set({ model, role: 'challenger' }, challenger.version);
    },
  });
}
