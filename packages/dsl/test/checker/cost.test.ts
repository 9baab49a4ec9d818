import { describe, it } from "vitest";
import { corpusFile, expectStageReports } from "./stage-helpers.js";

describe("stage cost", () => {
  it("reports a promotion over the cost budget (test/invalid/cost-over-budget.promo)", () => {
    expectStageReports("cost", corpusFile("cost-over-budget.promo"), "cost-over-budget");
  });

  it("takes the budget from the options", () => {
    expectStageReports(
      "cost",
      'currency USD\npromotion p {\n  title "p"\n  kind automatic\n  when subtotal exceeds 1.00 USD\n  give 1.00 USD off order\n}\n',
      "cost-over-budget",
      { costBudget: 1 },
    );
  });
});
