import { describe, expect, it } from "vitest";
import { codes, corpusFile, expectStageReports, runUpTo } from "./stage-helpers.js";

describe("stage passed-windows", () => {
  const text = corpusFile("window-passed.promo");

  it("warns about a window that ended before --at", () => {
    expectStageReports("passed-windows", text, "window-passed", { at: Date.parse("2026-11-13T00:00:00Z") });
  });

  it("says nothing without --at", () => {
    expect(codes(runUpTo("passed-windows", text))).not.toContain("window-passed");
  });
});
