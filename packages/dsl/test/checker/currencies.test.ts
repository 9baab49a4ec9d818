import { describe, expect, it } from "vitest";
import { corpusFile, expectStageReports, runUpTo } from "./stage-helpers.js";

describe("stage currencies", () => {
  it("records each file's currency for the later stages", () => {
    const project = runUpTo("currencies", "currency EUR\n");
    expect(project.files.map((f) => f.currency)).toEqual(["EUR"]);
  });

  it("reports a file with promotions and no currency", () => {
    expectStageReports("currencies", corpusFile("file-currency-missing.promo"), "file-currency-missing");
  });
});
