import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage examples", () => {
  it("checks an example's cart against the declarations typed before it", () => {
    expectStageReports("examples", corpusFile("invalid-example.promo"), "invalid-example");
  });
});
