import { describe, expect, it } from "vitest";
import { REGION_CODES, isRegionCode } from "../src/regions.js";

describe("regions", () => {
  it("lists the 249 officially assigned codes, sorted and unique", () => {
    expect(REGION_CODES).toHaveLength(249);
    expect([...REGION_CODES].sort()).toEqual(REGION_CODES);
    expect(new Set(REGION_CODES).size).toBe(249);
    for (const code of REGION_CODES) expect(code).toMatch(/^[A-Z]{2}$/);
    expect(Object.isFrozen(REGION_CODES)).toBe(true);
  });

  it("has a display name for every code", () => {
    const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
    for (const code of REGION_CODES) expect(names.of(code), code).toBeDefined();
  });

  it("matches exact uppercase codes only", () => {
    for (const code of ["US", "FR", "GB", "SS", "BQ", "AX", "AQ", "UM"]) expect(isRegionCode(code)).toBe(true);
    for (const code of ["us", "Us", "UK", "EU", "XK", "AN", "ZZ", "USA", "", "__proto__", "constructor"]) {
      expect(isRegionCode(code)).toBe(false);
    }
  });
});
