import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage unused", () => {
  it("reports unused-declaration (test/invalid/unused-declaration.promo)", () => {
    expectStageReports("unused", corpusFile("unused-declaration.promo"), "unused-declaration");
  });
});
