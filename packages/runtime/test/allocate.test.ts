import { describe, expect, it } from "vitest";
import { allocateLargestRemainder } from "../src/money/allocate.js";

/** Small deterministic PRNG (xorshift32) so failures are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function randomInt(random: () => number, maxInclusive: number): number {
  return Math.floor(random() * (maxInclusive + 1));
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe("allocateLargestRemainder", () => {
  it("matches the documented examples", () => {
    expect(allocateLargestRemainder(7, [10, 45, 45])).toEqual([1, 3, 3]);
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });

  it("breaks remainder ties by larger weight, then lower index", () => {
    // 1 unit over [1, 1, 2, 2] of sum 6: remainders are 1/6, 1/6, 2/6, 2/6 → index 2 wins.
    expect(allocateLargestRemainder(1, [1, 1, 2, 2])).toEqual([0, 0, 1, 0]);
    // 3 over [2, 4]: shares exactly 1 and 2, nothing left over.
    expect(allocateLargestRemainder(3, [2, 4])).toEqual([1, 2]);
    // 1 over [3, 1, 2] of sum 6: remainders 3/6, 1/6, 2/6 → index 0.
    expect(allocateLargestRemainder(1, [3, 1, 2])).toEqual([1, 0, 0]);
    // Equal remainders, different weights: 2 over [1, 3] (sum 4) → 0.5 and 1.5;
    // the larger weight wins the leftover unit whichever side it is on.
    expect(allocateLargestRemainder(2, [1, 3])).toEqual([0, 2]);
    expect(allocateLargestRemainder(2, [3, 1])).toEqual([2, 0]);
    // Equal remainders and equal weights: lower index first.
    expect(allocateLargestRemainder(1, [2, 5, 5, 2])).toEqual([0, 1, 0, 0]);
    expect(allocateLargestRemainder(2, [1, 1, 1, 1, 1])).toEqual([1, 1, 0, 0, 0]);
  });

  it("breaks exact ties (equal remainders and weights) by the order given, in both paths", () => {
    const reversed = (a: number, b: number) => b - a;
    // 1 over [1, 1, 1]: three equal remainders and weights → the last index, by the reversed order.
    expect(allocateLargestRemainder(1, [1, 1, 1], reversed)).toEqual([0, 0, 1]);
    expect(allocateLargestRemainder(2, [1, 1, 1], reversed)).toEqual([0, 1, 1]);
    // The order only breaks exact ties: a larger remainder or weight still wins.
    expect(allocateLargestRemainder(2, [1, 3], reversed)).toEqual([0, 2]);
    expect(allocateLargestRemainder(1, [3, 1, 2], reversed)).toEqual([1, 0, 0]);
    // Many leftover units (the sorting path) and the exact BigInt path follow the same order.
    const many = Array.from({ length: 200 }, () => 1);
    const shares = allocateLargestRemainder(150, many, reversed);
    expect(shares.slice(0, 50).every((s) => s === 0) && shares.slice(50).every((s) => s === 1)).toBe(true);
    // 2^52 × 2^40 is beyond a double's exact range: the BigInt path. 2^52 ÷ 3 leaves one unit, for the last index.
    const third = Math.floor(2 ** 52 / 3);
    expect(allocateLargestRemainder(2 ** 52, [2 ** 40, 2 ** 40, 2 ** 40], reversed)).toEqual([third, third, third + 1]);
    expect(allocateLargestRemainder(2 ** 52, [2 ** 40, 2 ** 40, 2 ** 40])).toEqual([third + 1, third, third]);
  });

  it("hands out many leftover units exactly as the documented order says (random cases, the selection path)", () => {
    const random = seededRandom(99);
    // The rule as written: floor shares, then one unit each by larger remainder, larger weight, lower index.
    const byTheRule = (total: number, weights: number[]): number[] => {
      const sumW = sum(weights);
      const shares = weights.map((w) => Math.floor((total * w) / sumW));
      const order = weights.map((_, i) => i);
      const rem = (i: number) => total * weights[i]! - shares[i]! * sumW;
      order.sort((a, b) => rem(b) - rem(a) || weights[b]! - weights[a]! || a - b);
      const leftover = total - sum(shares);
      for (let k = 0; k < leftover; k++) shares[order[k]!]! += 1;
      return shares;
    };
    let manyLeftover = 0;
    for (let round = 0; round < 400; round++) {
      const n = 70 + randomInt(random, 400);
      // Few distinct weights make many exact ties at the threshold.
      const palette = Array.from({ length: 1 + randomInt(random, 6) }, () => 1 + randomInt(random, 50));
      const weights = Array.from({ length: n }, () => palette[randomInt(random, palette.length - 1)]!);
      const total = randomInt(random, 20 * n);
      const want = byTheRule(total, weights);
      if (total - weights.reduce((a, w) => a + Math.floor((total * w) / sum(weights)), 0) > 64) manyLeftover++;
      expect(allocateLargestRemainder(total, weights)).toEqual(want);
    }
    expect(manyLeftover).toBeGreaterThan(100);
    // Half the weights' sum over them: every odd weight's remainder is the same half, whatever the weight, so the
    // leftover units are decided by weight, then index.
    for (let round = 0; round < 100; round++) {
      const n = 200 + randomInt(random, 300);
      const weights = Array.from({ length: n }, () => [1, 3, 5, 7, 2, 4][randomInt(random, 5)]!);
      if (sum(weights) % 2 === 1) weights[0]! += 1;
      const total = sum(weights) / 2;
      expect(allocateLargestRemainder(total, weights)).toEqual(byTheRule(total, weights));
    }
  });

  it("handles zeros and empty inputs", () => {
    expect(allocateLargestRemainder(0, [])).toEqual([]);
    expect(allocateLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    expect(allocateLargestRemainder(0, [3, 4])).toEqual([0, 0]);
    expect(allocateLargestRemainder(5, [0, 3, 0])).toEqual([0, 5, 0]);
    expect(() => allocateLargestRemainder(1, [0, 0])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1, [])).toThrow(RangeError);
  });

  it("rejects invalid arguments", () => {
    expect(() => allocateLargestRemainder(-1, [1])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1.5, [1])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1, [-1, 2])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(1, [Number.NaN])).toThrow(RangeError);
  });

  it("is exact for large values where floating point would drift", () => {
    const total = Number.MAX_SAFE_INTEGER;
    const shares = allocateLargestRemainder(total, [Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER - 2]);
    expect(shares.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
  });

  it("always sums to the total and never exceeds weights when total ≤ sum (random cases)", () => {
    const random = seededRandom(20260101);
    for (let run = 0; run < 5000; run++) {
      const length = 1 + randomInt(random, 12);
      const maxWeight = [1, 10, 1000, 1_000_000][run % 4]!;
      const weights = Array.from({ length }, () => (random() < 0.15 ? 0 : randomInt(random, maxWeight)));
      const weightSum = sum(weights);
      if (weightSum === 0) continue;
      const total = run % 2 === 0 ? randomInt(random, weightSum) : randomInt(random, weightSum * 3 + 5);

      const shares = allocateLargestRemainder(total, weights);

      expect(shares).toHaveLength(length);
      expect(sum(shares)).toBe(total);
      shares.forEach((share, index) => {
        const weight = weights[index]!;
        expect(Number.isInteger(share) && share >= 0).toBe(true);
        if (weight === 0) expect(share).toBe(0);
        if (total <= weightSum) expect(share).toBeLessThanOrEqual(weight);
        // Largest remainder keeps every share within one unit of its exact quota.
        expect(Math.abs(share - (total * weight) / weightSum)).toBeLessThan(1);
      });
    }
  });

  it("scales to large inputs (O(n log n))", () => {
    const random = seededRandom(7);
    const weights = Array.from({ length: 200_000 }, () => randomInt(random, 10_000));
    const total = 123_456_789;
    const shares = allocateLargestRemainder(total, weights);
    expect(sum(shares)).toBe(total);
  });
});
