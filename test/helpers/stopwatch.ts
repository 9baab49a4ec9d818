/**
 * Elapsed wall-clock time, for figures that long runs print (inputs per second, the slowest input). Never assert
 * on it: shared machines are noisy, so tests bound counted work and `npm run bench` does the timing.
 */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => performance.now() - start;
}
