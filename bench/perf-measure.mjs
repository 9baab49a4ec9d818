/**
 * The benchmark's timing loop, shared by bench/performance.mjs and by the child processes it measures in
 * (bench/perf-isolated.mjs): per-call latencies over a fixed duration after a warm-up.
 */
export const MIN_SAMPLES = 20;

export function summarise(samples, n, elapsed, capped) {
  const sorted = samples.subarray(0, n).sort();
  const at = (q) => sorted[Math.min(n - 1, Math.floor(q * n))] * 1000;
  return { samples: n, perSecond: n / (elapsed / 1000), meanUs: (elapsed / n) * 1000, p50: at(0.5), p99: at(0.99), capped: capped || n <= MIN_SAMPLES };
}

/** Calls `fn` on the carts in turn for `seconds` after a `warm`-second warm-up; per-call latencies. */
export function measureSync(fn, carts, { seconds, warm, maxSamples = Infinity }) {
  const warmEnd = performance.now() + warm * 1000;
  for (let i = 0; performance.now() < warmEnd || i < 1; i++) fn(carts[i % carts.length]);
  const samples = new Float64Array(Math.min(maxSamples, 4_000_000));
  let n = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (n < samples.length && (performance.now() < deadline || n < Math.min(MIN_SAMPLES, maxSamples))) {
    const t = performance.now();
    fn(carts[n % carts.length]);
    samples[n++] = performance.now() - t;
  }
  return summarise(samples, n, performance.now() - start, n === maxSamples);
}

/** measureSync for an `fn` that returns a promise (json-rules-engine): each call awaited before the next. */
export async function measureAsync(fn, carts, { seconds, warm, maxSamples = Infinity }) {
  const warmEnd = performance.now() + warm * 1000;
  for (let i = 0; performance.now() < warmEnd || i < 1; i++) await fn(carts[i % carts.length]);
  const samples = new Float64Array(Math.min(maxSamples, 4_000_000));
  let n = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (n < samples.length && (performance.now() < deadline || n < Math.min(MIN_SAMPLES, maxSamples))) {
    const t = performance.now();
    await fn(carts[n % carts.length]);
    samples[n++] = performance.now() - t;
  }
  return summarise(samples, n, performance.now() - start, n === maxSamples);
}
