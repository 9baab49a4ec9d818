import { describe, expect, it } from "vitest";
import { checkProject } from "../../dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../dsl/src/project/host.js";
import { referenceEvaluator } from "../src/index.js";
import { largestRemainder, parseMinor, percentOf, parseRational } from "../src/money.js";
import { addDuration, periodBucket, wallToEpoch } from "../src/time.js";

/**
 * The reference model on the worked examples docs/language.md gives in its own words (each expectation is the
 * number the docs state), so the model is checked against the text and not only against the engine.
 */
function reference(rules: string) {
  const path = "/rules.promo";
  const { project, diagnostics } = checkProject([path], memoryHost({ [path]: rules }));
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return referenceEvaluator(project);
}

describe("money", () => {
  it("10% of a 12.35 USD order is 1.235 USD, which rounds to 1.24 USD", () => {
    expect(percentOf(1235n, parseRational("10")!)).toBe(124n);
  });
  it("1.00 USD over three lines worth 1.00 USD each: 0.33 each, the remaining cent to the first id", () => {
    expect(
      largestRemainder(100n, [
        { key: "b", weight: 100n },
        { key: "a", weight: 100n },
        { key: "c", weight: 100n },
      ]),
    ).toEqual([33n, 34n, 33n]);
  });
  it("amounts: at most the currency's digits; 5 USD is 5.00 USD", () => {
    expect(parseMinor("5", 2)).toBe(500n);
    expect(parseMinor("5.001", 2)).toBeUndefined();
    expect(parseMinor("500.5", 0)).toBeUndefined();
    expect(parseMinor("1.250", 3)).toBe(1250n);
  });
});

describe("time", () => {
  it("02:30 on New York's spring-forward night is 03:30 EDT; 01:30 on the fall-back night is 01:30 EDT", () => {
    expect(new Date(wallToEpoch("2026-03-08 02:30:00", "America/New_York")).toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(new Date(wallToEpoch("2026-11-01 01:30:00", "America/New_York")).toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });
  it("Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year); Feb 29 + 1 year = Feb 28; 48 hours elapse", () => {
    const at = (s: string) => Date.parse(s);
    expect(new Date(addDuration(at("2026-01-31T10:00:00Z"), 1, "months", "UTC")).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(new Date(addDuration(at("2028-01-31T10:00:00Z"), 1, "months", "UTC")).toISOString()).toBe("2028-02-29T10:00:00.000Z");
    expect(new Date(addDuration(at("2028-02-29T10:00:00Z"), 1, "years", "UTC")).toISOString()).toBe("2029-02-28T10:00:00.000Z");
    expect(addDuration(at("2026-03-07T12:00:00Z"), 48, "hours", "America/New_York") - at("2026-03-07T12:00:00Z")).toBe(172_800_000);
    // A day across the spring-forward change lasts 23 hours.
    expect(addDuration(at("2026-03-07T17:00:00Z"), 1, "days", "America/New_York") - at("2026-03-07T17:00:00Z")).toBe(23 * 3_600_000);
  });
  it("ISO weeks are numbered in the year that holds their Thursday", () => {
    expect(periodBucket("week", Date.parse("2027-01-01T12:00:00Z"), "UTC")).toBe("week:2026-W53");
    expect(periodBucket("day", Date.parse("2026-11-11T07:59:59Z"), "America/Los_Angeles")).toBe("day:2026-11-10");
  });
});

describe("pricing, as the docs' examples say", () => {
  it("the acme coupon, then free shipping: 19.00 USD (Overview)", () => {
    const engine = reference(`currency USD
window sale = from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles
scope acme = line.store is "acme"
stacking {
  at most 1 store-coupon per store
}
promotion acme-3-off-15 {
  title "acme"
  kind store-coupon
  code "ACME3"
  valid sale
  when subtotal of acme at least 15.00 USD
  give 3.00 USD off acme
}
promotion free-shipping-us-10 {
  title "free shipping"
  kind shipping
  valid sale
  when shipping.country is US and subtotal after discounts at least 10.00 USD
  give free shipping
}
`);
    const outcome = engine.tryEvaluate({
      currency: "USD",
      at: "2026-11-10T17:30:00Z",
      customer: { id: "c1", region: "US" },
      lines: [
        { id: "l1", sku: "TOY-1", store: "acme", unitPrice: "8.00", quantity: 2 },
        { id: "l2", sku: "LAMP-1", store: "lumen", unitPrice: "6.00", quantity: 1 },
      ],
      shipping: { country: "US", price: "2.50" },
      coupons: [{ code: "acme3" }],
    });
    expect(
      outcome.ok && {
        applied: outcome.result.applied.map((a) => a.id),
        subtotal: outcome.result.subtotal,
        discount: outcome.result.discount,
        shipping: outcome.result.shipping,
        total: outcome.result.total,
      },
    ).toEqual({
      applied: ["acme-3-off-15", "free-shipping-us-10"],
      subtotal: "22.00",
      discount: "3.00",
      shipping: "0.00",
      total: "19.00",
    });
  });

  it("first-by-priority applies the priority-1 coupon, best-for-buyer the 10.50 USD one; the other is not-combinable (Selection)", () => {
    const rules = (mode: string) => `currency USD
stacking {
  at most 1 of coupons per order
  select ${mode}
}
promotion policy-5-off-30 {
  title "five"
  kind platform-coupon
  code "FIVE"
  priority 1
  when subtotal exceeds 30.00 USD
  give 5.00 USD off order
}
promotion policy-15pct {
  title "fifteen"
  kind platform-coupon
  code "FIFTEEN"
  priority 2
  give 15% off order up to 20.00 USD
}
`;
    const cart = {
      currency: "USD",
      at: "2026-11-10T12:00:00Z",
      lines: [{ id: "l1", sku: "A", unitPrice: "70.00", quantity: 1 }],
      coupons: [{ code: "FIVE" }, { code: "FIFTEEN" }],
    };
    const first = reference(rules("first-by-priority")).tryEvaluate(cart);
    const best = reference(rules("best-for-buyer")).tryEvaluate(cart);
    expect(first.ok && [first.result.applied.map((a) => a.id), first.result.rejected]).toEqual([
      ["policy-5-off-30"],
      [{ id: "policy-15pct", reason: "not-combinable" }],
    ]);
    expect(best.ok && [best.result.applied.map((a) => `${a.id} ${a.amount}`), best.result.rejected]).toEqual([
      ["policy-15pct 10.50"],
      [{ id: "policy-5-off-30", reason: "not-combinable" }],
    ]);
  });

  it("coins: 100 coins per 1.00 USD, a 10.00 USD order, a 50% cap and 5 000 coins: 500 coins pay 5.00 USD (Coins)", () => {
    const engine = reference(`currency USD
promotion coins {
  title "coins"
  kind coins
  give coins at 100 per 1.00 USD up to 50% of order
}
`);
    const outcome = engine.tryEvaluate({
      currency: "USD",
      at: "2026-11-10T12:00:00Z",
      customer: { id: "c1", coins: 5000 },
      lines: [{ id: "l1", sku: "A", unitPrice: "10.00", quantity: 1 }],
      useCoins: true,
    });
    expect(outcome.ok && outcome.result.coins).toEqual({ used: 500, amount: "5.00", earned: 0 });
  });

  it("the most expensive welcome item costs 0.99 USD: 9.00 USD off l2, total 15.97 USD (Examples)", () => {
    const engine = reference(`currency USD
scope welcome = line.tags contains "welcome"
promotion welcome-deal {
  title "welcome"
  kind automatic
  when customer.firstOrder and customer.region in [US, CA]
  give price 0.99 USD on welcome max 1 unit
}
`);
    const outcome = engine.tryEvaluate({
      currency: "USD",
      at: "2026-11-10T12:00:00Z",
      customer: { id: "new-1", region: "US", previousOrders: 0 },
      lines: [
        { id: "l1", sku: "MUG", unitPrice: "4.99", quantity: 1, tags: ["welcome"] },
        { id: "l2", sku: "LAMP", unitPrice: "9.99", quantity: 2, tags: ["welcome"] },
      ],
    });
    expect(outcome.ok && [outcome.result.applied, outcome.result.total]).toEqual([
      [{ id: "welcome-deal", amount: "9.00", lines: [{ line: "l2", amount: "9.00" }] }],
      "15.97",
    ]);
  });
});
