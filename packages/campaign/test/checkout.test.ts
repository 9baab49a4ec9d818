import { describe, expect, it } from "vitest";
import { discountedUnitPrice, priceCampaignLines } from "../src/index.js";

const registered = [{ product: "spu-1", sku: "red", discountPercent: 20, remainingUnits: 2 }];

describe("campaign checkout pricing", () => {
  it("registered discount only for the registered units left", () => {
    const [line] = priceCampaignLines([{ product: "spu-1", sku: "red", quantity: 3, unitPrice: 1_000 }], registered);
    expect(line).toMatchObject({ status: "registered", promoUnits: 2, promoUnitPrice: 800, fullPriceUnits: 1, total: 2_600 });
  });
  it("an unregistered SKU of a registered product is unavailable, per line; codes only on registered products", () => {
    const result = priceCampaignLines(
      [
        { product: "spu-1", sku: "blue", quantity: 1, unitPrice: 1_000 },
        { product: "spu-2", sku: "x", quantity: 1, unitPrice: 500 },
        { product: "spu-1", sku: "red", quantity: 1, unitPrice: 1_000 },
      ],
      registered,
    );
    expect(result.map((l) => l.status)).toEqual(["unavailable", "not-in-campaign", "registered"]);
    expect(result[1]).toMatchObject({ codesApply: false });
    expect(result[2]).toMatchObject({ codesApply: true });
  });
  it("warm-up preview shows the promotion price and is marked as a preview", () => {
    const [line] = priceCampaignLines([{ product: "spu-1", sku: "red", quantity: 1, unitPrice: 999 }], registered, {
      preview: true,
    });
    expect(line).toMatchObject({ promoUnitPrice: discountedUnitPrice(999, 20), preview: true });
    expect(discountedUnitPrice(999, 20)).toBe(799); // 199.8 → 200 off
  });
});
