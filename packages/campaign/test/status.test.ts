import { describe, expect, it } from "vitest";
import { checkFieldEdit, sellableBeforeCampaign, transition, validateSnapshot } from "../src/index.js";

describe("registration status", () => {
  it("under review → approved | rejected; removal only under review", () => {
    expect(transition("under-review", "approve")).toEqual({ status: "approved" });
    expect(transition("under-review", "reject")).toEqual({ status: "rejected" });
    expect(transition("under-review", "remove")).toEqual({ status: "removed" });
    expect(transition("approved", "remove")).toEqual({ refused: "removal-only-under-review" });
  });
  it("penalties remove; an approved product stays when it stops meeting a requirement", () => {
    expect(transition("approved", "penalty")).toEqual({ status: "removed" });
    expect(transition("approved", "requirement-lost")).toEqual({ status: "approved" });
  });
});

describe("locked fields", () => {
  const calendar = { reviewEnds: 1_000, saleEnd: 5_000 };
  it("refuses a locked field with the unlock instant", () => {
    expect(checkFieldEdit("category", "under-review", 10, calendar)).toEqual({
      allowed: false,
      field: "category",
      unlocksAt: 5_000,
    });
    expect(checkFieldEdit("category", "approved", 5_000, calendar)).toEqual({ allowed: true });
    expect(checkFieldEdit("category", "rejected", 10, calendar)).toEqual({ allowed: true });
  });
  it("package size and shipping model lock from the end of review", () => {
    expect(checkFieldEdit("shippingModel", "under-review", 999, calendar)).toEqual({ allowed: true });
    expect(checkFieldEdit("shippingModel", "approved", 1_000, calendar)).toMatchObject({ allowed: false });
  });
});

describe("reserved stock and snapshots", () => {
  it("12 in stock, 10 registered → 2 sellable before the campaign", () => {
    expect(sellableBeforeCampaign(12, 10)).toBe(2);
  });
  it("names the path of each malformed fact", () => {
    expect(validateSnapshot({ product: { stock: -1, category: 7 }, store: {} })).toEqual([
      "$.product.rating: missing",
      "$.product.stock: expected a non-negative integer",
      "$.product.category: expected a string, got number",
    ]);
  });
});
