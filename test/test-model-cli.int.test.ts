import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKaggleCsv } from '../src/data/kaggle-csv.js';
import { generateSynthetic } from '../src/data/synth.js';
import { createTestDatabase } from './harness/context.js';
import { REPO_ROOT, SDP_BIN } from './harness/sdp-process.js';

const run = promisify(execFile);

describe('sdp test model, on versions trained into a throwaway database', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const sdp = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [SDP_BIN, ...args], {
        cwd: REPO_ROOT,
        env,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const ok = async (...args: string[]) => {
    const result = await sdp(...args);
    expect(result.code, `sdp ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sdp-test-model-'));
    env = {
      ...process.env,
      DATABASE_URL: await createTestDatabase(),
      SDP_DATA_DIR: dataDir,
      REDIS_URL: '',
      SDP_BLOBS_URL: '',
      CI: '1',
    };
    await ok('synth', '--rows', '3000', '--seed', '3', '--store', '--json');
    // Version 1, the champion: the default model as `sdp train` makes it.
    await ok('train', '--data', 'synthetic', 'train.folds=2', '--json');
    // Version 2: a model taught that gender decides, on rows where it does, and allowed to
    // use it. It must fail invariance.
    const biased = [...generateSynthetic({ rows: 3000, seed: 4 })].map((record) => ({
      ...record,
      depression: record.gender === 'Male' ? (1 as const) : (0 as const),
    }));
    const csv = path.join(dataDir, 'biased.csv');
    writeFileSync(csv, formatKaggleCsv(biased, { variant: 'unquoted' }));
    await ok('train', '--data', csv, 'model.exclude=[]', 'train.folds=2', '--json');
  }, 120_000);
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes the champion: a table of every check, exit code 0', async () => {
    const { stdout } = await ok('test', 'model', '--model', 'student-depression@champion');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'student-depression/1 (champion): 5 behaviour checks on 400 probe respondents',
    );
    expect(lines[1]).toMatch(/^STATUS\s+KIND\s+CHECK\s+MEASURED\s+MUST BE$/);
    const rows = lines.slice(3, -1);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.startsWith('pass '))).toBe(true);
    expect(rows.join('\n')).toMatch(/invariance\s+gender does not move the score\s+0\s+< 0.02/);
    expect(lines.at(-1)).toBe('Result: PASS (5 passed, 0 failed)');
  });

  it('prints the same results as JSON with --json', async () => {
    const { stdout } = await ok('test', 'model', '--model', 'student-depression', '--json');
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      model: 'student-depression/1',
      aliases: ['champion'],
      probes: 400,
      passed: true,
    });
    expect(json.checks.map((check: { kind: string }) => check.kind)).toEqual([
      'invariance',
      'direction',
      'direction',
      'minimum-functionality',
      'minimum-functionality',
    ]);
    for (const check of json.checks)
      expect(Object.keys(check).sort()).toEqual(
        ['description', 'kind', 'measured', 'name', 'passed', 'rule', 'threshold'].sort(),
      );
  });

  it('fails a version whose score moves with gender: exit code 1, the failed check named', async () => {
    const table = await sdp('test', 'model', '--model', 'student-depression/2');
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^FAIL\s+invariance\s+gender does not move the score/m);
    expect(table.stdout).toMatch(/^Result: FAIL \(\d passed, [1-5] failed\)$/m);

    const json = await sdp('test', 'model', '--model', 'student-depression/2', '--json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.passed).toBe(false);
    const invariance = parsed.checks.find((check: { kind: string }) => check.kind === 'invariance');
    expect(invariance.passed).toBe(false);
    expect(invariance.measured).toBeGreaterThan(0.5);
  });

  it('says so when the model reference names nothing', async () => {
    const result = await sdp('test', 'model', '--model', 'no-such-model@champion');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No model "no-such-model"/);
  });
});
