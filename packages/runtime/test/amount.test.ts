import { describe, expect, it } from "vitest";
import { Decimal } from "decimal.js";
import { formatMinor, formatMoney, parseAmount } from "../src/money/amount.js";

function minorOf(text: string, currency: string): number {
  const result = parseAmount(text, currency);
  if (!result.ok) throw new Error(result.message);
  return result.minor;
}

describe("parseAmount", () => {
  it.each([
    ["19.99", "USD", 1999],
    ["5", "USD", 500],
    ["0.01", "USD", 1],
    ["-3.00", "USD", -300],
    ["0", "USD", 0],
    ["0.1", "EUR", 10],
    ["500", "JPY", 500],
    ["1.25", "KWD", 1250],
    ["1.250", "KWD", 1250],
    ["0.0001", "CLF", 1],
    ["90071992547409.91", "USD", Number.MAX_SAFE_INTEGER],
    ["-90071992547409.91", "USD", -Number.MAX_SAFE_INTEGER],
  ])("parses %s %s as %i minor units", (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, minor });
  });

  it("never returns negative zero", () => {
    expect(Object.is(minorOf("-0", "USD"), 0)).toBe(true);
    expect(Object.is(minorOf("-0.00", "USD"), 0)).toBe(true);
  });

  it.each(["1e3", " 5", "5 ", "5.", ".5", "+5", "0x10", "", "NaN", "Infinity", "-Infinity", "-", "1,000", "1_000", "05", "--5", "5.0.0", "١٢"])(
    "rejects %j as syntax",
    (text) => {
      const result = parseAmount(text, "USD");
      expect(result).toMatchObject({ ok: false, reason: "syntax" });
      if (!result.ok) expect(result.message).toContain("USD");
    },
  );

  it("rejects too many decimals, trailing zeros included", () => {
    expect(parseAmount("19.999", "USD")).toEqual({
      ok: false,
      reason: "too-many-decimals",
      message: "19.999 has 3 decimals but USD has 2",
    });
    expect(parseAmount("5.000", "USD")).toMatchObject({ ok: false, reason: "too-many-decimals" });
    expect(parseAmount("5.0", "JPY")).toEqual({
      ok: false,
      reason: "too-many-decimals",
      message: "5.0 has 1 decimal but JPY has 0",
    });
    expect(parseAmount("1.2345", "KWD")).toMatchObject({ ok: false, reason: "too-many-decimals" });
  });

  it("rejects unknown currencies, including prototype names", () => {
    for (const currency of ["usd", "ABC", "__proto__", "constructor", ""]) {
      const result = parseAmount("5", currency);
      expect(result).toMatchObject({ ok: false, reason: "unknown-currency" });
      if (!result.ok) expect(result.message).toContain("5");
    }
  });

  it("rejects amounts beyond MAX_SAFE_INTEGER minor units", () => {
    for (const text of ["90071992547409.92", "-90071992547409.92", "9007199254740992", "1".repeat(400)]) {
      const result = parseAmount(text, "USD");
      expect(result).toMatchObject({ ok: false, reason: "out-of-range" });
      if (!result.ok) expect(result.message).toContain("USD");
    }
    expect(parseAmount("9007199254740991", "JPY")).toEqual({ ok: true, minor: Number.MAX_SAFE_INTEGER });
    expect(parseAmount("9007199254740.992", "KWD")).toMatchObject({ ok: false, reason: "out-of-range" });
  });

  it("is unaffected by the global Decimal configuration", () => {
    const saved = { precision: Decimal.precision, rounding: Decimal.rounding };
    Decimal.set({ precision: 2, rounding: Decimal.ROUND_DOWN });
    try {
      expect(minorOf("12345678.91", "USD")).toBe(1234567891);
    } finally {
      Decimal.set(saved);
    }
  });
});

describe("formatMinor / formatMoney", () => {
  it.each([
    [500, "USD", "5.00"],
    [-1, "USD", "-0.01"],
    [1999, "USD", "19.99"],
    [0, "USD", "0.00"],
    [-0, "USD", "0.00"],
    [-300, "USD", "-3.00"],
    [500, "JPY", "500"],
    [-500, "JPY", "-500"],
    [1250, "KWD", "1.250"],
    [5, "KWD", "0.005"],
    [1, "CLF", "0.0001"],
    [Number.MAX_SAFE_INTEGER, "USD", "90071992547409.91"],
  ])("formats %i %s as %s", (minor, currency, text) => {
    expect(formatMinor(minor, currency)).toBe(text);
  });

  it("round-trips with parseAmount", () => {
    for (const currency of ["USD", "JPY", "KWD", "CLF"]) {
      for (const minor of [0, 1, -1, 7, 99, 100, 101, 123456789, -987654321]) {
        expect(minorOf(formatMinor(minor, currency), currency)).toBe(minor);
      }
    }
  });

  it("throws on programming errors", () => {
    expect(() => formatMinor(1.5, "USD")).toThrow(RangeError);
    expect(() => formatMinor(Number.NaN, "USD")).toThrow(RangeError);
    expect(() => formatMinor(1, "XYZ")).toThrow(RangeError);
  });

  it("appends the currency code", () => {
    expect(formatMoney(500, "USD")).toBe("5.00 USD");
    expect(formatMoney(-1250, "KWD")).toBe("-1.250 KWD");
    expect(formatMoney(500, "JPY")).toBe("500 JPY");
  });
});
