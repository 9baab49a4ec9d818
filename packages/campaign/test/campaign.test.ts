import { describe, expect, it } from "vitest";
import { checkEdit, checkEligibility, type Requirement } from "../src/index.js";

const requirements: Requirement[] = [
  { reason: "rating-too-low", fact: "product.rating", op: ">=", value: 4.5, onlyWhenPositive: "product.sales30d" },
  { reason: "listed-too-recently", fact: "product.listedHours", op: ">=", value: 24 },
  { reason: "no-free-delivery", fact: "product.freeDelivery", op: "==", value: true },
];

describe("campaign eligibility", () => {
  it("passes at the boundary (rating 4.5, listed 24 h)", () => {
    const snapshot = { product: { rating: 4.5, sales30d: 1, listedHours: 24, freeDelivery: true }, store: {} };
    expect(checkEligibility(requirements, snapshot)).toEqual([]);
  });
  it("reports every failure, not just the first (rating 4.49, listed 23 h 59 min)", () => {
    const snapshot = { product: { rating: 4.49, sales30d: 3, listedHours: 23 + 59 / 60, freeDelivery: false }, store: {} };
    expect(checkEligibility(requirements, snapshot).map((f) => f.reason)).toEqual(["rating-too-low", "listed-too-recently", "no-free-delivery"]);
  });
  it("a missing fact fails with missing-data", () => {
    const snapshot = { product: { sales30d: 1, listedHours: 30, freeDelivery: true }, store: {} };
    expect(checkEligibility(requirements, snapshot)).toMatchObject([{ reason: "missing-data", fact: "product.rating" }]);
  });
  it("a fact of the wrong type fails with the requirement's own reason, under `is not` too", () => {
    const notPenalised: Requirement[] = [{ reason: "penalised", fact: "store.penalised", op: "not", value: true }];
    expect(checkEligibility(notPenalised, { product: {}, store: { penalised: false } })).toEqual([]);
    expect(checkEligibility(notPenalised, { product: {}, store: { penalised: true } }).map((f) => f.reason)).toEqual(["penalised"]);
    expect(checkEligibility(notPenalised, { product: {}, store: { penalised: "no" } }).map((f) => f.reason)).toEqual(["penalised"]);
  });
});

describe("campaign edit policy", () => {
  const calendar = { registrationCloses: Date.UTC(2026, 9, 31), saleStart: Date.UTC(2026, 10, 11) };
  const old = { discountPercent: 20, units: 10, originalPrice: 10_000 };
  it("refuses a decrease", () => {
    expect(checkEdit(old, { discountPercent: 15 }, Date.UTC(2026, 9, 1), calendar).reasons).toEqual(["discount-decrease"]);
  });
  it("allows an increase exactly one day before the close, refuses after", () => {
    const oneDayBefore = calendar.registrationCloses - 86_400_000;
    expect(checkEdit(old, { discountPercent: 25 }, oneDayBefore, calendar).allowed).toBe(true);
    expect(checkEdit(old, { discountPercent: 25 }, oneDayBefore + 60_000, calendar).allowed).toBe(false);
  });
  it("locks the original price and refuses withdrawing units", () => {
    const at = Date.UTC(2026, 9, 1);
    expect(checkEdit(old, { originalPrice: 9_000, units: 8 }, at, calendar).reasons).toEqual(["original-price-locked", "units-withdrawn"]);
    expect(checkEdit(old, { units: 12 }, at, calendar).allowed).toBe(true);
  });
});
