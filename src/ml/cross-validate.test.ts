import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crossValidate, cvWorkerUrl } from './cross-validate.js';
import { labelsOf, syntheticRespondents } from './testing/synthetic.js';

const records = syntheticRespondents(1_000, 31);

describe('cvWorkerUrl', () => {
  it('maps the TypeScript source to the compiled worker under dist/', () => {
    expect(cvWorkerUrl('file:///repo/src/ml/cross-validate.ts').href).toBe(
      'file:///repo/dist/ml/cv-worker.js',
    );
    expect(cvWorkerUrl('file:///src/app/src/ml/cross-validate.ts').href).toBe(
      'file:///src/app/dist/ml/cv-worker.js',
    );
    expect(cvWorkerUrl('file:///repo/dist/ml/cross-validate.js').href).toBe(
      'file:///repo/dist/ml/cv-worker.js',
    );
  });
});

describe('crossValidate', () => {
  it('runs stratified folds in this thread and summarises them', async () => {
    const result = await crossValidate(
      records,
      { model: 'logistic' },
      { folds: 4, seed: 1, parallelism: 1 },
    );
    expect(result.folds).toHaveLength(4);
    expect(result.folds.reduce((sum, fold) => sum + fold.testRows, 0)).toBe(1_000);
    expect(result.mean.rocAuc).toBeGreaterThan(0.7);
    expect(result.std.rocAuc).toBeGreaterThan(0);
    const aucs = result.folds.map((fold) => fold.report.rocAuc!);
    expect(result.mean.rocAuc).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / 4, 12);
  });

  it('accepts a frame with labels and rejects a length mismatch', async () => {
    const { frameFromRespondents } = await import('./frame.js');
    const frame = frameFromRespondents(records);
    await expect(
      crossValidate(
        { frame, labels: labelsOf(records).slice(1) },
        { model: 'logistic' },
        { parallelism: 1 },
      ),
    ).rejects.toThrow(/1000 rows but 999 labels/);
  });

  // Workers load the compiled dist/ml/cv-worker.js: run `npm run build` first (`npm test` does).
  it('gives the same numbers on worker threads as in this thread', async () => {
    expect(
      existsSync(fileURLToPath(cvWorkerUrl())),
      'dist/ml/cv-worker.js is missing: run `npm run build` first',
    ).toBe(true);
    const spec = { model: 'gbdt' as const, params: { maxIter: 20 } };
    const inline = await crossValidate(records, spec, { folds: 3, seed: 2, parallelism: 1 });
    const parallel = await crossValidate(records, spec, { folds: 3, seed: 2, parallelism: 2 });
    expect(parallel.folds.map((f) => f.report)).toEqual(inline.folds.map((f) => f.report));
  });
});
