import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage example-names", () => {
  it("reports two examples with one name", () => {
    const text = corpusFile("invalid-example.promo");
    const example = text.slice(text.indexOf("\nexample "));
    expectStageReports("example-names", `${text}\n${example}`, "duplicate-id");
  });
});
