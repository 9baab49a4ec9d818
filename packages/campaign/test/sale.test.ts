import { checkSource, interpreterEvaluator } from "@promo/dsl";
import { describe, expect, it } from "vitest";
import { campaignCart, priceWithCampaign, type CampaignCartOptions } from "../src/sale.js";

/** The campaign's code applies to the lines the campaign tags: registered products only (002 q.86). */
const RULES = `currency USD

promotion eleven-code {
  title "11.11 code: 10% off registered products"
  kind promo-code
  code "ELEVEN"
  give 10% off (line.tags contains "campaign:11.11")
  funded by platform
}
`;
const { project, diagnostics } = checkSource("rules.promo", RULES);
const evaluator = interpreterEvaluator(project);

const OPTIONS: CampaignCartOptions = {
  campaign: "11.11",
  calendar: { warmUpStart: "2026-11-03T16:00:00.000Z", saleStart: "2026-11-10T16:00:00.000Z", saleEnd: "2026-11-11T16:00:00.000Z" },
  // tee-1 registered sizes S and M (not L); 2 units of S left.
  registered: [
    { product: "tee-1", sku: "tee-1-S", discountPercent: 20, remainingUnits: 2 },
    { product: "tee-1", sku: "tee-1-M", discountPercent: 20, remainingUnits: 10 },
  ],
};

function cart(at: string, coupons: string[] = []) {
  return {
    currency: "USD",
    at,
    customer: { id: "c1" },
    lines: [
      { id: "a", sku: "tee-1-S", product: "tee-1", unitPrice: "25.00", quantity: 3 },
      { id: "b", sku: "tee-1-L", product: "tee-1", unitPrice: "25.00", quantity: 1 },
      { id: "c", sku: "mug-1", product: "mug-1", unitPrice: "10.00", quantity: 1 },
    ],
    coupons: coupons.map((code) => ({ code })),
  };
}

describe("checkout with a campaign", () => {
  it("the rules check", () => expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]));

  it("during the sale: registered units at the registered discount, the rest at full price, an unregistered SKU unavailable", () => {
    const result = priceWithCampaign(evaluator, cart("2026-11-11T02:00:00Z"), OPTIONS);
    if (!result.ok) throw new Error(result.errors.join("; "));
    expect(result.campaign.phase).toBe("sale");
    expect(result.campaign.lines).toEqual([
      { line: "a", sku: "tee-1-S", status: "registered", promoUnits: 2, promoUnitPrice: "20.00", fullPriceUnits: 1, preview: false },
      { line: "b", sku: "tee-1-L", status: "unavailable", reason: "sku-not-registered" },
      { line: "c", sku: "mug-1", status: "not-in-campaign" },
    ]);
    expect(result.campaign.take).toEqual([{ sku: "tee-1-S", units: 2 }]);
    if (!result.outcome.ok) throw new Error(JSON.stringify(result.outcome.errors));
    // 2 × 20.00 + 1 × 25.00 + 10.00; line b is not sold.
    expect(result.outcome.result).toMatchObject({ subtotal: "75.00", discount: "0.00", total: "75.00" });
  });

  it("the campaign's code discounts the registered product only", () => {
    const result = priceWithCampaign(evaluator, cart("2026-11-11T02:00:00Z", ["ELEVEN"]), OPTIONS);
    if (!result.ok || !result.outcome.ok) throw new Error("not priced");
    // 10% of 65.00 (tee-1's lines), not of the mug.
    expect(result.outcome.result).toMatchObject({ subtotal: "75.00", discount: "6.50", total: "68.50" });
  });

  it("during the warm-up: the promotion price is shown, not charged; as of the sale it is a preview that takes nothing", () => {
    const warm = priceWithCampaign(evaluator, cart("2026-11-05T02:00:00Z", ["ELEVEN"]), OPTIONS);
    if (!warm.ok || !warm.outcome.ok) throw new Error("not priced");
    expect(warm.campaign.phase).toBe("warm-up");
    expect(warm.campaign.lines[0]).toEqual({
      line: "a",
      sku: "tee-1-S",
      status: "registered",
      promoUnits: 0,
      promoUnitPrice: "20.00",
      fullPriceUnits: 3,
      preview: true,
    });
    expect(warm.outcome.result).toMatchObject({ subtotal: "110.00", discount: "0.00" });
    expect(warm.campaign.take).toEqual([]);

    const preview = priceWithCampaign(evaluator, cart("2026-11-05T02:00:00Z"), { ...OPTIONS, asOfSale: true });
    if (!preview.ok || !preview.outcome.ok) throw new Error("not priced");
    expect(preview.campaign.lines[0]).toMatchObject({ promoUnits: 2, promoUnitPrice: "20.00", preview: true });
    expect(preview.outcome.result).toMatchObject({ total: "75.00" });
    expect(preview.campaign.take).toEqual([]);
  });

  it("before the warm-up and after the sale the cart is priced as it is", () => {
    for (const at of ["2026-11-01T00:00:00Z", "2026-11-11T16:00:00Z"]) {
      const result = campaignCart(cart(at), OPTIONS);
      if ("errors" in result) throw new Error(result.errors.join("; "));
      expect(result.lines.map((l) => l.status)).toEqual(["not-in-campaign", "not-in-campaign", "not-in-campaign"]);
      expect(result.cart).toEqual(cart(at));
    }
  });

  it("the campaign's platform coupons combine as the rule file's stacking policy says", () => {
    const stacked = checkSource(
      "stacked.promo",
      `${RULES}
promotion platform-five {
  title "5.00 USD off the campaign's products"
  kind platform-coupon
  code "PLATFORM5"
  give 5.00 USD off (line.tags contains "campaign:11.11")
}

stacking {
  at most 1 of coupons per order
}
`,
    );
    expect(stacked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const result = priceWithCampaign(interpreterEvaluator(stacked.project), cart("2026-11-11T02:00:00Z", ["ELEVEN", "PLATFORM5"]), OPTIONS);
    if (!result.ok || !result.outcome.ok) throw new Error("not priced");
    // One coupon per order: the better one for the buyer, 10% of 65.00 = 6.50 over 5.00.
    expect(result.outcome.result.applied.map((a) => a.id)).toEqual(["eleven-code"]);
    expect(result.outcome.result).toMatchObject({ discount: "6.50" });
  });

  it("names the bad part of a cart it cannot read", () => {
    expect(campaignCart({ ...cart("2026-11-11T02:00:00Z"), lines: [{ id: "a", sku: "s", unitPrice: 25, quantity: 1 }] }, OPTIONS)).toEqual({
      errors: ["$.lines[0].unitPrice: expected an amount such as 19.99"],
    });
    expect(campaignCart({ currency: "USD", at: "soon", lines: [] }, OPTIONS)).toEqual({ errors: ["$.at: expected an ISO 8601 instant"] });
  });
});
