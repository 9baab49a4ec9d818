import { describe, expect, it } from "vitest";
import { corpusFile, expectStageReports, runUpTo } from "./stage-helpers.js";

describe("stage declarations", () => {
  it("types the promotions and collects them, their stacking policy and examples", () => {
    const text = corpusFile("invalid-example.promo");
    expect(runUpTo("declarations", text, { including: false }).promotions).toEqual([]);
    const project = runUpTo("declarations", text);
    expect(project.promotions.length).toBeGreaterThan(0);
    expect(project.examples.length).toBe(1);
    expect(project.tables.money.size).toBeGreaterThan(0);
  });

  it("reports type errors in conditions", () => {
    expectStageReports("declarations", corpusFile("type-mismatch.promo"), "type-mismatch");
  });
});
