import { expect, it } from 'vitest';
import { batchJson, predictionJson } from './prediction-json.js';
import type { PredictionResult } from './prediction-service.js';

const prediction: PredictionResult = {
  requestKey: 'key with "quotes", \\ and ünïcode\n',
  probability: 0.123456789012345,
  label: 0,
  threshold: 0.5,
  model: 'student-depression',
  version: 12,
  route: 'canary',
  contributions: [
    { feature: 'academic_pressure', value: -1.5e-7 },
    { feature: 'financial_stress', value: 2 },
  ],
};

it('writes exactly what JSON.stringify writes', () => {
  expect(predictionJson(prediction)).toBe(JSON.stringify(prediction));
  expect(predictionJson({ ...prediction, contributions: [] })).toBe(
    JSON.stringify({ ...prediction, contributions: [] }),
  );
  const predictions = [
    prediction,
    { ...prediction, label: 1 as const, route: 'champion' as const },
  ];
  expect(batchJson(predictions)).toBe(JSON.stringify({ predictions }));
});
