import { describe, expect, it } from "vitest";
import { CURRENCY_CODES, currencyExponent, isCurrencyCode } from "../src/money/currencies.js";

describe("currencyExponent", () => {
  it.each([
    ["JPY", 0],
    ["KRW", 0],
    ["ISK", 0],
    ["CLP", 0],
    ["VND", 0],
    ["XAF", 0],
    ["XOF", 0],
    ["PYG", 0],
    ["UGX", 0],
    ["USD", 2],
    ["EUR", 2],
    ["HUF", 2],
    ["MGA", 2],
    ["MRU", 2],
    ["KWD", 3],
    ["BHD", 3],
    ["JOD", 3],
    ["OMR", 3],
    ["TND", 3],
    ["IQD", 3],
    ["LYD", 3],
    ["CLF", 4],
    ["UYW", 4],
  ])("%s has exponent %i", (code, exponent) => {
    expect(currencyExponent(code)).toBe(exponent);
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(["usd", "US", "USDX", "", "XXX", "XAU", "ZWL", "__proto__", "constructor", "toString", "hasOwnProperty"])("%j is not a currency", (code) => {
    expect(currencyExponent(code)).toBeUndefined();
    expect(isCurrencyCode(code)).toBe(false);
  });
});

describe("CURRENCY_CODES", () => {
  it("is sorted, unique, three uppercase letters each, and frozen", () => {
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(Object.isFrozen(CURRENCY_CODES)).toBe(true);
  });

  it("has an exponent for every listed code", () => {
    for (const code of CURRENCY_CODES) expect([0, 2, 3, 4]).toContain(currencyExponent(code));
    expect(CURRENCY_CODES.length).toBeGreaterThan(150);
  });
});
