import { describe, expect, it } from 'vitest';
import { ageBand, suppressSmallGroups } from './k-anonymity.js';
import { RateLimiter } from './rate-limiter.js';
import { newReceiptCode, normaliseReceiptCode, RECEIPT_CODE_PATTERN } from './receipt-code.js';
import { aggregateByGroup } from './survey-export.js';

describe('k-anonymity', () => {
  const row = (age: number, city: string) => ({ age, gender: 'Female', city, degree: 'BSc' });

  it('bands ages', () => {
    expect([18, 20, 21, 29, 33, 60].map(ageBand)).toEqual([
      '15–20',
      '15–20',
      '21–23',
      '27–29',
      '30–34',
      '45–100',
    ]);
  });

  it('suppresses groups smaller than k and keeps the rest in order', () => {
    const rows = [
      row(21, 'Pune'),
      row(22, 'Pune'),
      row(23, 'Pune'),
      row(21, 'Agra'),
      row(40, 'Pune'),
    ];
    expect(suppressSmallGroups(rows, 3, (r) => r)).toEqual({
      kept: rows.slice(0, 3),
      suppressed: 2,
    });
    expect(suppressSmallGroups(rows, 4, (r) => r).kept).toEqual([]);
  });

  it('aggregates only groups of at least k', () => {
    const rows = [0, 1, 2, 3, 4].map((i) => ({
      ...row(21, 'Pune'),
      phq9Total: i * 5,
      phq9Label: (i >= 2 ? 1 : 0) as 0 | 1,
    }));
    const { groups, suppressed } = aggregateByGroup(
      [...rows, { ...row(50, 'Agra'), phq9Total: 3, phq9Label: 0 }],
      5,
    );
    expect(suppressed).toBe(1);
    expect(groups).toEqual([
      {
        ageBand: '21–23',
        gender: 'Female',
        city: 'Pune',
        degree: 'BSc',
        responses: 5,
        meanPhq9: 10,
        positiveShare: 0.6,
      },
    ]);
  });
});

describe('receipt codes', () => {
  it('are random, well-formed and forgiving of look-alike letters', () => {
    const codes = new Set(Array.from({ length: 1000 }, newReceiptCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(RECEIPT_CODE_PATTERN);
    expect(normaliseReceiptCode(' abcd-efgh-jkmn-pqrs-tvwx ')).toBe('ABCD-EFGH-JKMN-PQRS-TVWX');
    expect(normaliseReceiptCode('oooo-iiii-llll-0000-1111')).toBe('0000-1111-1111-0000-1111');
  });
});

describe('rate limiter', () => {
  it('counts per client in a fixed window and forgets everything when it ends', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1000, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    now = 1000;
    expect(limiter.take('a')).toBe(true);
  });
});
