import { describe, expect, it } from "vitest";
import { mulDivRoundHalfUp, parsePercent, percentOf } from "../src/money/arithmetic.js";

describe("mulDivRoundHalfUp", () => {
  it("rounds half away from zero", () => {
    expect(mulDivRoundHalfUp(1999, 15, 100)).toBe(300); // 299.85
    expect(mulDivRoundHalfUp(5, 1, 2)).toBe(3); // 2.5
    expect(mulDivRoundHalfUp(3, 1, 2)).toBe(2); // 1.5
    expect(mulDivRoundHalfUp(1, 1, 3)).toBe(0); // 0.33
    expect(mulDivRoundHalfUp(2, 1, 3)).toBe(1); // 0.67
    expect(mulDivRoundHalfUp(10, 3, 5)).toBe(6); // exact
    expect(mulDivRoundHalfUp(0, 7, 3)).toBe(0);
  });

  it("is symmetric for negative values, numerators and denominators", () => {
    for (const [value, numerator, denominator] of [
      [1999, 15, 100],
      [5, 1, 2],
      [7, 2, 3],
      [1, 1, 3],
      [123456, 125, 1000],
    ] as const) {
      const positive = mulDivRoundHalfUp(value, numerator, denominator);
      const negative = positive === 0 ? 0 : -positive; // results are never -0
      expect(mulDivRoundHalfUp(-value, numerator, denominator)).toBe(negative);
      expect(mulDivRoundHalfUp(value, -numerator, denominator)).toBe(negative);
      expect(mulDivRoundHalfUp(value, numerator, -denominator)).toBe(negative);
      expect(mulDivRoundHalfUp(-value, numerator, -denominator)).toBe(positive);
    }
    expect(mulDivRoundHalfUp(-5, 1, 2)).toBe(-3);
    expect(Object.is(mulDivRoundHalfUp(-1, 1, 3), 0)).toBe(true);
  });

  it("is exact where floating point is not", () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(mulDivRoundHalfUp(big, 3, 3)).toBe(big);
    expect(mulDivRoundHalfUp(big, 1, 2)).toBe(4503599627370496); // …495.5 → …496
    expect(mulDivRoundHalfUp(1005, 1, 10)).toBe(101); // 100.5
  });

  it("rejects bad operands and unsafe results", () => {
    expect(() => mulDivRoundHalfUp(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivRoundHalfUp(1.5, 1, 2)).toThrow(RangeError);
    expect(() => mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
  });
});

describe("parsePercent", () => {
  it.each([
    ["15", 15, 100],
    ["12.5", 125, 1000],
    ["0.01", 1, 10000],
    ["100", 100, 100],
    ["0", 0, 100],
    ["12.50", 1250, 10000],
    ["150", 150, 100],
  ])("%s → %i/%i", (text, numerator, denominator) => {
    expect(parsePercent(text)).toEqual({ numerator, denominator });
  });

  it.each(["", "-5", "+5", "5%", "1e2", ".5", "5.", " 5", "05", "abc", "NaN", "0.00000000000001", "99999999999999999"])("rejects %j", (text) => {
    expect(parsePercent(text)).toBeUndefined();
  });
});

describe("percentOf", () => {
  it("takes a parsed percent of a minor amount", () => {
    const fifteen = parsePercent("15")!;
    expect(percentOf(1999, fifteen)).toBe(300);
    expect(percentOf(-1999, fifteen)).toBe(-300);
    expect(percentOf(1000, parsePercent("12.5")!)).toBe(125);
    expect(percentOf(4, parsePercent("12.5")!)).toBe(1); // 0.5 → 1
    expect(percentOf(1999, parsePercent("100")!)).toBe(1999);
    expect(percentOf(50, parsePercent("0.01")!)).toBe(0);
    expect(percentOf(5000, parsePercent("0.01")!)).toBe(1); // 0.5 → 1
  });
});

describe("mulDivRoundHalfUp in plain numbers", () => {
  it("agrees with exact BigInt arithmetic on random operands, signs and sizes", async () => {
    const { prng } = await import("../../../test/helpers/prng.js");
    const random = prng(2718);
    const exact = (v: number, n: number, d: number): number => {
      const product = BigInt(v) * BigInt(n);
      let q = product / BigInt(d);
      const r = product % BigInt(d);
      const absR = r < 0n ? -r : r;
      const absD = d < 0 ? -BigInt(d) : BigInt(d);
      if (2n * absR >= absD) q += product < 0n !== d < 0 ? -1n : 1n;
      return Number(q);
    };
    const sized = (digits: number) => Math.floor(random() * 10 ** digits) * (random() < 0.2 ? -1 : 1);
    for (let i = 0; i < 50_000; i++) {
      const v = sized(1 + Math.floor(random() * 12));
      const n = sized(1 + Math.floor(random() * 5));
      let d = sized(1 + Math.floor(random() * 6));
      if (d === 0) d = 7;
      if (!Number.isSafeInteger(exact(v, n, d))) continue;
      expect(mulDivRoundHalfUp(v, n, d), `${v} × ${n} / ${d}`).toBe(exact(v, n, d));
    }
  });
});
