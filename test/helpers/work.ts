import { Session } from "node:inspector";

/**
 * Counted work instead of wall-clock time: V8's precise block coverage (the counters `c8` and vitest's coverage
 * read) counts how many times each function and each block of JavaScript ran. The sum of those counts over the
 * modules under test is a deterministic measure of the work a call did — the same on an idle and on a loaded
 * machine — so tests can assert how work grows with the input (linear, not quadratic) without timing anything.
 * Wall-clock scaling is measured in `npm run bench` instead.
 */
export class WorkCounter {
  private readonly session = new Session();

  constructor(private readonly counts: (url: string) => boolean) {
    this.session.connect();
    this.post("Profiler.enable");
    this.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  }

  private post<T>(method: string, params?: object): T {
    let result: T | undefined;
    let failure: Error | null = null;
    // The in-process session answers synchronously.
    this.session.post(method, params ?? {}, (error, value) => {
      failure = error;
      result = value as T;
    });
    if (failure) throw failure;
    return result as T;
  }

  /** Blocks executed (summed block and call counts) in the counted modules while `run` ran. */
  measure(run: () => void): number {
    this.take(); // resets the counters
    run();
    return this.take();
  }

  private take(): number {
    const { result } = this.post<{ result: { url: string; functions: { ranges: { count: number }[] }[] }[] }>("Profiler.takePreciseCoverage");
    let total = 0;
    for (const script of result) {
      if (!this.counts(script.url)) continue;
      for (const fn of script.functions) for (const range of fn.ranges) total += range.count;
    }
    return total;
  }

  close(): void {
    this.post("Profiler.stopPreciseCoverage");
    this.post("Profiler.disable");
    this.session.disconnect();
  }
}
