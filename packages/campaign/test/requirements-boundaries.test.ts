/**
 * Every seed requirement (002 q.76, q.78, q.83, q.85), declared in the 11.11 rule file, lowered by the checker and
 * checked by `checkEligibility`, on each side of its threshold: the failing side fails with exactly its own reason.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource, lowerCampaigns } from "@promo/dsl";
import { describe, expect, it } from "vitest";
import { checkEligibility, type Snapshot } from "../src/index.js";

const text = readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "campaigns", "11-11", "campaign.promo"), "utf8");
const { requirements } = lowerCampaigns(checkSource("campaign.promo", text).project)[0]!;

const product = { rating: 4.8, sales30d: 12, listedMinutes: 43_200, category: "apparel", evaluations: 9, freeDelivery: true };
const store = { evaluationPercent: 97.5, seriousPenalties: 0 };
const snapshot = (p: object = {}, s: object = {}): Snapshot => ({ product: { ...product, ...p }, store: { ...store, ...s } });
const reasons = (snap: Snapshot) => checkEligibility(requirements, snap).map((f) => f.reason);

describe("the 11.11 requirements at their boundaries", () => {
  it("an eligible product passes every requirement", () => expect(reasons(snapshot())).toEqual([]));

  it.each([
    ["sales in the last 30 days", { sales30d: 1 }, { sales30d: 0 }, ["no-recent-sales", "rating-too-low"]],
    ["rating 4.5 vs 4.49", { rating: 4.5 }, { rating: 4.49 }, ["rating-too-low"]],
    ["listed 24 h 00 min vs 23 h 59 min", { listedMinutes: 1440 }, { listedMinutes: 1439 }, ["listed-too-recently"]],
    ["a category among the campaign's", { category: "home" }, { category: "toys" }, ["category-not-eligible"]],
    ["more than 5 product evaluations", { evaluations: 6 }, { evaluations: 5 }, ["too-few-evaluations"]],
    ["free delivery", { freeDelivery: true }, { freeDelivery: false }, ["no-free-delivery"]],
  ] as const)("%s", (_what, pass, fail, expected) => {
    expect(reasons(snapshot(pass))).toEqual([]);
    expect(reasons(snapshot(fail))).toEqual(expected);
  });

  it("store evaluation above 95%: 95.1 passes, 95 fails", () => {
    expect(reasons(snapshot({}, { evaluationPercent: 95.1 }))).toEqual([]);
    expect(reasons(snapshot({}, { evaluationPercent: 95 }))).toEqual(["store-evaluation-too-low"]);
  });

  it("no serious penalties: 0 passes, 1 fails", () => {
    expect(reasons(snapshot({}, { seriousPenalties: 1 }))).toEqual(["serious-penalties"]);
  });

  it("a rating needs at least one sale; a missing fact fails with missing-data, never passes", () => {
    expect(checkEligibility(requirements, snapshot({ sales30d: 0, rating: 5 }))).toContainEqual(
      expect.objectContaining({ reason: "rating-too-low", fact: "product.sales30d", expected: "> 0" }),
    );
    expect(reasons(snapshot({ evaluations: undefined }))).toEqual(["missing-data"]);
  });

  it("each failure carries the span of its require clause in the rule file", () => {
    const [failure] = checkEligibility(requirements, snapshot({ rating: 4.49 }));
    expect(text.slice(failure!.span!.start, failure!.span!.end)).toBe("require rating-too-low: product.rating at least 4.5 and product.sales30d exceeds 0");
  });

  it("thresholds differ per campaign: a campaign counting 90 days of sales", () => {
    const source = `campaign flash {
  registration opens 2026-03-01 00:00 in UTC
  registration closes 2026-03-20 00:00 in UTC
  sale from 2026-03-28 00:00 to 2026-03-28 23:59:59 in UTC
  require no-recent-sales: product.sales90d at least 3
}
`;
    const flash = lowerCampaigns(checkSource("flash.promo", source).project)[0]!.requirements;
    expect(checkEligibility(flash, snapshot({ sales90d: 3 }))).toEqual([]);
    expect(checkEligibility(flash, snapshot({ sales90d: 2 })).map((f) => f.reason)).toEqual(["no-recent-sales"]);
  });
});
