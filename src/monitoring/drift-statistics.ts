/**
 * The two-sample statistics of the drift report, as Evidently chooses them: tests with
 * p-values for small samples (Kolmogorov–Smirnov for numbers, chi-squared for categories) and
 * distances for large ones, where any test rejects for differences too small to matter
 * (Wasserstein distance normed by the reference's standard deviation, Jensen–Shannon distance).
 */

/** Two-sample Kolmogorov–Smirnov: D and its p-value from the limiting Kolmogorov distribution (scipy's kstwobign). */
export function ksTest(
  reference: Float64Array,
  current: Float64Array,
): { statistic: number; pValue: number } {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  const en = Math.sqrt((a.length * b.length) / (a.length + b.length));
  return { statistic: d, pValue: kolmogorovQ(en * d) };
}

/** P(K > λ) of the Kolmogorov distribution. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * 2 * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) return Math.min(1, Math.max(0, sum));
    sign = -sign;
  }
  return 1; // did not converge: λ so small that no difference is shown
}

/**
 * Chi-squared test of homogeneity on the 2 × k table of category counts (reference, current):
 * a category seen in one sample only is a difference, not an error; rare ones are pooled.
 */
export function chiSquaredTest(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): { statistic: number; pValue: number; df: number } {
  const categories = [...new Set([...reference.keys(), ...current.keys()])];
  const n1 = [...reference.values()].reduce((s, c) => s + c, 0);
  const n2 = [...current.values()].reduce((s, c) => s + c, 0);
  const total = n1 + n2;
  // Categories too rare to expect 5 rows in either sample are pooled into one: with small
  // expected counts the χ² approximation raises false alarms (rare cities, rare degrees).
  const rare = (c: string) =>
    (((reference.get(c) ?? 0) + (current.get(c) ?? 0)) * Math.min(n1, n2)) / total < 5;
  const cells: [number, number][] = [];
  const pooled: [number, number] = [0, 0];
  for (const category of categories) {
    const cell: [number, number] = [reference.get(category) ?? 0, current.get(category) ?? 0];
    if (!rare(category)) cells.push(cell);
    else {
      pooled[0] += cell[0];
      pooled[1] += cell[1];
    }
  }
  if (pooled[0] + pooled[1] > 0) cells.push(pooled);
  let statistic = 0;
  let columns = 0;
  for (const [o1, o2] of cells) {
    const column = o1 + o2;
    if (column === 0) continue;
    columns++;
    const e1 = (n1 * column) / total;
    const e2 = (n2 * column) / total;
    statistic += (o1 - e1) ** 2 / e1 + (o2 - e2) ** 2 / e2;
  }
  const df = Math.max(1, columns - 1);
  return { statistic, df, pValue: columns < 2 ? 1 : 1 - regularizedGammaP(df / 2, statistic / 2) };
}

/** First Wasserstein distance between the samples, divided by the reference's standard deviation. */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  let i = 0;
  let j = 0;
  let distance = 0;
  let previous = Math.min(a[0], b[0]);
  while (i < a.length || j < b.length) {
    const x = Math.min(i < a.length ? a[i] : Infinity, j < b.length ? b[j] : Infinity);
    distance += Math.abs(i / a.length - j / b.length) * (x - previous);
    previous = x;
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
  }
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, a.length - 1));
  return sd > 0 ? distance / sd : distance === 0 ? 0 : Infinity;
}

/** Jensen–Shannon distance (natural log, as scipy and Evidently) of the category shares. */
export function jensenShannonDistance(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): number {
  const categories = [...new Set([...reference.keys(), ...current.keys()])];
  const n1 = [...reference.values()].reduce((s, c) => s + c, 0);
  const n2 = [...current.values()].reduce((s, c) => s + c, 0);
  let divergence = 0;
  for (const category of categories) {
    const p = (reference.get(category) ?? 0) / n1;
    const q = (current.get(category) ?? 0) / n2;
    const m = (p + q) / 2;
    if (p > 0) divergence += (p * Math.log(p / m)) / 2;
    if (q > 0) divergence += (q * Math.log(q / m)) / 2;
  }
  return Math.sqrt(Math.max(0, divergence));
}

/**
 * Holm's step-down adjustment: adjusted p-values that control the family-wise error rate, so
 * that testing 16 features at once still raises a false alarm in at most α of clean windows.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Regularised lower incomplete gamma P(a, x) (Numerical Recipes' gammp). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lnPrefix) * h);
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9). */
function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = g[0];
  for (let i = 1; i < 9; i++) sum += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
