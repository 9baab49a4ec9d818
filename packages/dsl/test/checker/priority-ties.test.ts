import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage priority-ties", () => {
  it("reports priority-tie (test/invalid/priority-tie.promo)", () => {
    expectStageReports("priority-ties", corpusFile("priority-tie.promo"), "priority-tie");
  });
});
