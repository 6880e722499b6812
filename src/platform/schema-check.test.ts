import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mulberry32 } from '../data/prng.js';
import { compileFastParser } from './schema-check.js';
import { labelledRespondentSchema, respondentSchema } from '../data/record.js';
import { SAMPLE_RECORD } from '../data/testing/sample-record.js';

const valid = SAMPLE_RECORD;

/** Values near every edge of the schema, and of the wrong type. */
const PROBES: unknown[] = [
  null,
  undefined,
  0,
  -0,
  1,
  2,
  5,
  5.0001,
  10,
  10.5,
  15,
  14.99,
  24,
  24.01,
  100,
  100.5,
  -1,
  -0.001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  ' ',
  'x',
  '  Pune  ',
  'a'.repeat(100),
  ` ${'a'.repeat(100)} `,
  'a'.repeat(101),
  'Pu\u0000ne',
  '\ud800',
  'Pune\udfff',
  '😀',
  'Male',
  'Female',
  'male',
  'Yes',
  'No',
  'Others',
  '5-6 hours',
  'Healthy',
  '0',
  '1',
  true,
  {},
  [],
  1n,
];

const fast = compileFastParser(labelledRespondentSchema)!;

describe('compileFastParser', () => {
  it('compiles the record schema', () => {
    expect(fast).toBeTypeOf('function');
    expect(fast(valid)).toEqual(labelledRespondentSchema.parse(valid));
  });

  it('never accepts what zod refuses, and returns what zod returns', () => {
    const random = mulberry32(7);
    const keys = Object.keys(valid);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const candidate: Record<string, unknown> = { ...valid };
      // Change one to three fields to a probe value; sometimes drop or add a key.
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const key = keys[Math.floor(random() * keys.length)];
        candidate[key] = PROBES[Math.floor(random() * PROBES.length)];
      }
      if (random() < 0.02) delete candidate[keys[Math.floor(random() * keys.length)]];
      if (random() < 0.02) candidate.extra = 1;
      const mine = fast(candidate);
      const zods = labelledRespondentSchema.safeParse(candidate);
      if (mine !== undefined) {
        accepted++;
        expect(zods.success).toBe(true);
        expect(Object.is(mine, zods.data)).toBe(false);
        expect(mine).toStrictEqual(zods.data);
        expect(Object.keys(mine)).toEqual(Object.keys(zods.data!));
      } else {
        // Refusing is always safe (zod decides), but the fast path should not refuse valid rows.
        expect(zods.success).toBe(false);
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it('compiles strict objects holding arrays of records, with their length limits', () => {
    const batchSchema = z.strictObject({ records: z.array(respondentSchema).min(1).max(3) });
    const batch = compileFastParser(batchSchema)!;
    expect(batch).toBeTypeOf('function');
    const { depression: _label, ...record } = valid;
    const random = mulberry32(11);
    let accepted = 0;
    for (let i = 0; i < 5_000; i++) {
      const records: unknown[] = [];
      for (let n = Math.floor(random() * 5); n > 0; n--) {
        const candidate: Record<string, unknown> = { ...record };
        if (random() < 0.3) {
          const keys = Object.keys(record);
          candidate[keys[Math.floor(random() * keys.length)]] =
            PROBES[Math.floor(random() * PROBES.length)];
        }
        records.push(random() < 0.02 ? PROBES[Math.floor(random() * PROBES.length)] : candidate);
      }
      const input: Record<string, unknown> = random() < 0.02 ? { records, extra: 1 } : { records };
      const mine = batch(input);
      const zods = batchSchema.safeParse(input);
      expect(mine !== undefined).toBe(zods.success);
      if (mine !== undefined) {
        accepted++;
        expect(mine).toStrictEqual(zods.data);
      }
    }
    expect(accepted).toBeGreaterThan(500);
    expect(batch({ records: 'no' })).toBeUndefined();
  });

  it('trims text as the schema does', () => {
    expect(fast({ ...valid, city: '  Pune ' })?.city).toBe('Pune');
    expect(fast({ ...valid, city: '   ' })).toBeUndefined();
  });

  it('gives up on constructs it does not know, so callers use zod', () => {
    expect(compileFastParser(z.object({ a: z.string() }))).toBeUndefined(); // not strict
    expect(compileFastParser(z.strictObject({ a: z.string().email() }))).toBeUndefined();
    expect(compileFastParser(z.strictObject({ a: z.number().int() }))).toBeUndefined();
    expect(compileFastParser(z.strictObject({ a: z.coerce.number() }))).toBeUndefined();
    expect(compileFastParser(z.strictObject({ a: z.string().optional() }))).toBeUndefined();
    expect(compileFastParser(z.strictObject({ a: z.number().min(1).max(2) }))).toBeTypeOf(
      'function',
    );
  });
});
