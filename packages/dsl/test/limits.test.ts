import { describe, expect, it } from "vitest";
import { formatSource } from "../src/formatter/format.js";
import { lower } from "../src/lower/lower.js";
import { checkProject } from "../src/pipeline/frontend.js";
import { memoryHost } from "../src/project/host.js";

/** Limits through the front end: `on cancel` parses, checks and formats; `limit` clauses lower to the engine's specs. */
const RULES = `currency USD

promotion launch {
  title "Launch"
  kind platform-coupon
  code "LAUNCH5"
  valid from 2026-11-01 00:00:00 to 2026-11-30 23:59:59 in America/Los_Angeles
  give 5.00 USD off order
  limit 10000 redemptions
  limit   1 per customer
  limit budget 5000.00 USD per store per month
  on cancel keep use
}

promotion coins {
  title "Coins"
  kind coins
  give coins at 100 per 1.00 USD
  limit 500 coins per customer per day
}
`;

function lowered(text: string) {
  const { project, diagnostics } = checkProject(["/r.promo"], memoryHost({ "/r.promo": text }));
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return lower(project).promotions;
}

describe("limits in the front end", () => {
  it("lowers limits with integer maxima, entity, period and the promotion's zone", () => {
    const [launch, coins] = ["launch", "coins"].map((id) => lowered(RULES).find((p) => p.id === id)!);
    expect(launch!.limits).toEqual([
      { kind: "count", max: 10000, per: null, period: null, zone: "America/Los_Angeles", text: "limit 10000 redemptions" },
      { kind: "count", max: 1, per: "customer", period: null, zone: "America/Los_Angeles", text: "limit 1 per customer" },
      { kind: "budget", max: 500000, per: "store", period: "month", zone: "America/Los_Angeles", text: "limit budget 5000.00 USD per store per month" },
    ]);
    expect(launch!.onCancel).toBe("keep");
    expect(coins!.limits).toEqual([{ kind: "coins", max: 500, per: "customer", period: "day", zone: "UTC", text: "limit 500 coins per customer per day" }]);
    expect(coins!.onCancel).toBe("return");
  });

  it("formats the clause canonically and keeps it", () => {
    const formatted = formatSource("/r.promo", RULES.replace("on cancel keep use", "on   cancel keep\n  use"));
    expect(formatted.text).toContain("  on cancel keep use\n");
    expect(formatted.text).toContain("  limit 1 per customer\n");
  });

  it("reports a second 'on cancel' as a duplicate clause", () => {
    const { diagnostics } = checkProject(
      ["/r.promo"],
      memoryHost({ "/r.promo": RULES.replace("on cancel keep use", "on cancel keep use\n  on cancel return use") }),
    );
    expect(diagnostics.map((d) => `${d.code} ${d.span.startLine}`)).toEqual(["duplicate-clause 13"]);
  });
});
