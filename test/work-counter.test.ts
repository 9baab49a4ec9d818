import { afterAll, describe, expect, it } from "vitest";
import { WorkCounter } from "./helpers/work.js";

/** The counted-work measure itself: it must tell linear from quadratic code, and give one figure per input. */
describe("counted work (V8 block counters)", () => {
  const counter = new WorkCounter((url) => url.includes("work-counter.test"));
  afterAll(() => counter.close());

  function linear(n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += i;
    return s;
  }
  function quadratic(n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += j;
    return s;
  }

  it("a linear loop does about 16× the work on 16× the input, a quadratic one about 256×", () => {
    const ratio = (f: (n: number) => number) => counter.measure(() => f(1_600)) / counter.measure(() => f(100));
    expect(ratio(linear)).toBeGreaterThan(14);
    expect(ratio(linear)).toBeLessThan(18);
    expect(ratio(quadratic)).toBeGreaterThan(200);
  });

  it("does not depend on the machine's load: the same call counts the same work, within the measuring closure", () => {
    counter.measure(() => quadratic(50));
    const first = counter.measure(() => quadratic(50));
    const second = counter.measure(() => quadratic(50));
    expect(Math.abs(first - second)).toBeLessThan(first / 100);
  });
});
