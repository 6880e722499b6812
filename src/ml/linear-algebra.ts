/**
 * Solves A x = b for a symmetric positive-definite n × n matrix A (row-major, only the lower
 * triangle is read) by Cholesky factorisation. Returns null when A is not positive definite,
 * so the caller can regularise and retry. A and b are left untouched.
 */
export function choleskySolve(A: Float64Array, n: number, b: Float64Array): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = A[j * n + j];
    for (let k = 0; k < j; k++) diagonal -= L[j * n + k] * L[j * n + k];
    if (!(diagonal > 0)) return null;
    const ljj = Math.sqrt(diagonal);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let sum = A[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = sum / ljj;
    }
  }
  // Forward substitution L y = b, then back substitution Lᵀ x = y.
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= L[i * n + k] * x[k];
    x[i] = sum / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * x[k];
    x[i] = sum / L[i * n + i];
  }
  return x;
}

/** The logistic function, without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z), without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
