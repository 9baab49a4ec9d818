import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage duplicate-codes", () => {
  it("reports duplicate-code (test/invalid/duplicate-code.promo)", () => {
    expectStageReports("duplicate-codes", corpusFile("duplicate-code.promo"), "duplicate-code");
  });
});
