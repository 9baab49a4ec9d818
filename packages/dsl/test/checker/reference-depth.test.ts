import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage reference-depth", () => {
  it("reports reference-too-deep (test/invalid/reference-too-deep.promo)", () => {
    expectStageReports("reference-depth", corpusFile("reference-too-deep.promo"), "reference-too-deep");
  });
});
