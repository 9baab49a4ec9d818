import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage scope-cycles", () => {
  it("reports scope-cycle (test/invalid/scope-cycle.promo)", () => {
    expectStageReports("scope-cycles", corpusFile("scope-cycle.promo"), "scope-cycle");
  });
});
