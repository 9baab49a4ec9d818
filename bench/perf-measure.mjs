/**
 * Latency summary of the performance benchmark, shared by bench/performance.mjs and the contender processes it
 * drives (bench/perf-contender.mjs).
 */
export const MIN_SAMPLES = 20;

export function summarise(samples, n, elapsed, capped) {
  const sorted = samples.subarray(0, n).sort();
  const at = (q) => sorted[Math.min(n - 1, Math.floor(q * n))] * 1000;
  return { samples: n, perSecond: n / (elapsed / 1000), meanUs: (elapsed / n) * 1000, p50: at(0.5), p99: at(0.99), capped: capped || n <= MIN_SAMPLES };
}
