import { describe, expect, it } from "vitest";
import { checkProject } from "../../dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../dsl/src/project/host.js";
import { referenceAttribute, referenceSettlement, type RefAttributionRules } from "../src/index.js";
import type { RefRefund, RefSettlement } from "../src/settlement.js";

/**
 * Affiliate commissions in the reference's settlement and returns (docs/language.md, "Affiliate commissions in
 * settlement and returns"), on an attribution the reference itself computes: every sequence of partial returns
 * reverses exactly the whole affiliate commission, the buyer's refunds are those without an attribution, and without
 * one nothing is added.
 */
const rules = `currency USD

commission {
  default 5%
}

promotion platform-7 {
  title "7.77 USD off"
  kind platform-coupon
  code "P7"
  give 7.77 USD off order
}
`;
const path = "/affiliate.promo";
const { project } = checkProject([path], memoryHost({ [path]: rules }));
const reference = referenceSettlement(project);
const cart = {
  currency: "USD",
  at: "2026-11-10T12:00:00Z",
  lines: [
    { id: "a", sku: "LAMP", store: "acme", unitPrice: "3.33", quantity: 7 },
    { id: "b", sku: "BULB", store: "lumen", unitPrice: "1.01", quantity: 4 },
  ],
  coupons: [{ code: "P7" }],
};
const attributionRules: RefAttributionRules = {
  priority: ["coupon", "cart", "click"],
  windows: [],
  defaultModel: "last-cookie",
  lookbackMs: 86_400_000,
  storeRateBp: 350,
};

describe("affiliate commissions in the reference's settlement and returns", () => {
  const plain = reference.trySettle(cart);
  if (!plain.ok) throw new Error(JSON.stringify(plain.errors));
  const paidMinor = (line: string) =>
    Math.round(Number((plain.settlement as RefSettlement).stores.flatMap((s) => s.lines).find((l) => l.line === line)!.paid) * 100);
  const attribution = referenceAttribute(
    attributionRules,
    { paidAt: 1_000_000, lines: cart.lines.map((l) => ({ id: l.id, sku: l.sku, quantity: l.quantity, paidMinor: paidMinor(l.id) })) },
    [{ id: "e1", kind: "click", at: 999_000, webmaster: "w1" }],
  );
  const withIt = reference.trySettle(cart, {}, { attribution });
  if (!withIt.ok) throw new Error(JSON.stringify(withIt.errors));

  it("adds nothing without an attribution", () => {
    const s = plain.settlement as RefSettlement;
    expect(s.totals.affiliateCommission).toBeUndefined();
    expect(s.stores[0]!.lines[0]!.webmaster).toBeUndefined();
    expect((plain.refund({ a: 1 }) as RefRefund).affiliateCommissionReversed).toBeUndefined();
  });

  it("lowers sellerNet by exactly the affiliate commission", () => {
    const a = plain.settlement as RefSettlement;
    const b = withIt.settlement as RefSettlement;
    const cents = (x: string | undefined) => Math.round(Number(x) * 100);
    for (const [i, s] of b.stores.entries()) expect(cents(a.stores[i]!.sellerNet) - cents(s.sellerNet)).toBe(cents(s.affiliateCommission));
    expect(cents(b.totals.affiliateCommission)).toBe(attribution.ok ? attribution.lines.reduce((n, l) => n + l.commissionMinor, 0) : -1);
  });

  it("reverses the whole affiliate commission over every one-unit-at-a-time return, with the buyer's refunds unchanged", () => {
    if (!attribution.ok) throw new Error("attribution failed");
    for (const line of attribution.lines) {
      const q = cart.lines.find((l) => l.id === line.line)!.quantity;
      let previous: unknown = undefined;
      let reversed = 0;
      for (let n = 0; n < q; n++) {
        const mine = withIt.refund({ [line.line]: 1 }, previous) as RefRefund;
        const base = plain.refund({ [line.line]: 1 }, previous) as RefRefund;
        expect(mine.refund).toBe(base.refund);
        // The n-th return takes unit q − n, at index q − n − 1.
        expect(Math.round(Number(mine.affiliateCommissionReversed) * 100)).toBe(line.perUnitMinor[q - n - 1]);
        reversed += Math.round(Number(mine.affiliateCommissionReversed) * 100);
        previous = mine.next;
      }
      expect(reversed).toBe(line.commissionMinor);
    }
  });
});
