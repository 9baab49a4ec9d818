import { describe, expect, it } from "vitest";
import { corpusFile, expectStageReports, runUpTo } from "./stage-helpers.js";

describe("stage symbols", () => {
  it("declares names before any reference is resolved", () => {
    const project = runUpTo("symbols", 'currency USD\nscope later = line.sku is "A"\n');
    expect(project.symbols.scopes.has("later")).toBe(true);
    expect(project.tables.refs.size).toBe(0);
  });

  it("reports a duplicate declaration", () => {
    expectStageReports("symbols", corpusFile("duplicate-id-scope.promo"), "duplicate-id");
  });
});
