import type { PredictionResult } from './prediction-service.js';

/** JSON of a string, memoised: feature and model names repeat in every response. */
const quoted = new Map<string, string>();
function quote(text: string): string {
  let json = quoted.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quoted.size < 10_000) quoted.set(text, json);
  }
  return json;
}

/** A finite number as JSON (JSON has no NaN or Infinity; those become null, as JSON.stringify does). */
const num = (value: number) => (Number.isFinite(value) ? String(value) : 'null');

/**
 * Serialises a prediction to exactly what `JSON.stringify` gives, without walking generic
 * objects: the hot path of POST /v1/predict and /v1/predict/batch writes one per record.
 */
export function predictionJson(p: PredictionResult): string {
  let contributions = '';
  for (let i = 0; i < p.contributions.length; i++) {
    const c = p.contributions[i];
    contributions += `${i === 0 ? '' : ','}{"feature":${quote(c.feature)},"value":${num(c.value)}}`;
  }
  return (
    `{"requestKey":${JSON.stringify(p.requestKey)},"probability":${num(p.probability)},"label":${p.label},` +
    `"threshold":${num(p.threshold)},"model":${quote(p.model)},"version":${p.version},"route":"${p.route}",` +
    `"contributions":[${contributions}]}`
  );
}

/** `{ predictions: [...] }` as JSON. */
export function batchJson(predictions: readonly PredictionResult[]): string {
  let body = '{"predictions":[';
  for (let i = 0; i < predictions.length; i++)
    body += (i === 0 ? '' : ',') + predictionJson(predictions[i]);
  return `${body}]}`;
}
