import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Affiliate commissions in settlement and returns (docs/language.md): the real bundle prices a cart, `attribute`
 * attributes the order built from its settlement, and `settle` / `refund` with that attribution must carry exactly
 * the attribution's commissions: stores sum to it, sellerNet is lowered by it, and any sequence of partial returns
 * reverses exactly the whole of it without changing what the buyer gets back.
 */
const EXAMPLES = join(import.meta.dirname, "..", "examples", "attribution");
const RULES =
  readFileSync(join(EXAMPLES, "eleven-eleven.promo"), "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("attribution example"))
    .join("\n") +
  `
currency USD

scope acme = line.store is "acme"

promotion platform-ten {
  title "10% off from 20.00 USD"
  kind platform-coupon
  code "TEN"
  when subtotal at least 20.00 USD
  give 10% off order
  funded by platform 70%, seller 30%
  combines with store-coupon
}

promotion store-two {
  title "2.00 USD off at acme"
  kind store-coupon
  code "ACME2"
  give 2.00 USD off each unit of acme
  combines with platform-coupon
}
`;

type Bundle = {
  evaluate(cart: unknown): object & { settlement: { stores: { store: string; sellerNet: string; lines: { line: string; paid: string }[] }[] } };
  settle(result: object, options?: unknown): any;
  refund(result: object, returns: unknown, previous?: unknown, options?: unknown): any;
  attribute(order: unknown, journey: unknown): any;
};
let bundle: Bundle;

beforeAll(async () => {
  const result = await compile(["rules.promo"], { host: memoryHost({ "rules.promo": RULES }) });
  if (result.code === "") throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  const file = join(mkdtempSync(join(tmpdir(), "promo-affiliate-")), "bundle.mjs");
  writeFileSync(file, result.code);
  bundle = (await import(pathToFileURL(file).href)) as Bundle;
});

const cents = (text: string) => Math.round(Number(text) * 100);
const JOURNEY = [
  { id: "a1", at: "2026-11-01T02:00:00-08:00", kind: "click", webmaster: "A", sku: "S1" },
  { id: "b1", at: "2026-11-02T02:00:00-08:00", kind: "click", webmaster: "B", sku: "FEAT" },
  { id: "b2", at: "2026-11-03T02:00:00-08:00", kind: "cart", webmaster: "B", sku: "U1" },
  { id: "c1", at: "2026-11-04T02:00:00-08:00", kind: "click", webmaster: "C" },
];

describe("affiliate commissions in settlement and returns", () => {
  it("sum to the attribution, lower sellerNet by exactly it, and are reversed exactly by any sequence of returns", () => {
    let checked = 0;
    let withCommission = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sku: fc.constantFrom("S1", "FEAT", "U1", "OTHER"),
            store: fc.constantFrom("acme", "lumen"),
            price: fc.integer({ min: 1, max: 9999 }),
            quantity: fc.integer({ min: 1, max: 7 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.subarray(["TEN", "ACME2"]),
        fc.subarray(JOURNEY, { minLength: 1 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        (lines, coupons, journey, picks) => {
          const cart = {
            currency: "USD",
            at: "2026-11-11T10:00:00Z",
            customer: { id: "c1" },
            coupons: coupons.map((code) => ({ code })),
            lines: lines.map((l, i) => ({ id: `L${i}`, sku: l.sku, store: l.store, unitPrice: (l.price / 100).toFixed(2), quantity: l.quantity })),
          };
          const result = bundle.evaluate(cart);
          const plain = bundle.settle(result);
          const order = {
            currency: "USD",
            paidAt: Date.parse("2026-11-11T02:00:00-08:00"),
            lines: plain.stores.flatMap((s: any) =>
              s.lines.map((l: any) => ({
                id: l.line,
                sku: cart.lines.find((c) => c.id === l.line)!.sku,
                quantity: cart.lines.find((c) => c.id === l.line)!.quantity,
                paidMinor: cents(l.paid),
              })),
            ),
          };
          const attribution = bundle.attribute(
            order,
            journey.map((e) => ({ ...e, at: Date.parse(e.at) })),
          );
          expect(attribution.ok, JSON.stringify(attribution.errors)).toBe(true);
          const total = attribution.lines.reduce((a: number, l: any) => a + l.commissionMinor, 0);
          if (total > 0) withCommission++;
          const settled = bundle.settle(result, { attribution });
          expect(settled.errors).toBeUndefined();
          expect(cents(settled.totals.affiliateCommission)).toBe(total);
          settled.stores.forEach((store: any, s: number) => {
            const own = store.lines.reduce((a: number, l: any) => a + cents(l.affiliateCommission), 0);
            expect(cents(store.affiliateCommission)).toBe(own);
            expect(cents(store.sellerNet)).toBe(cents(plain.stores[s].sellerNet) - own);
            for (const line of store.lines) {
              const a = attribution.lines.find((x: any) => x.line === line.line);
              expect(cents(line.affiliateCommission)).toBe(a?.commissionMinor ?? 0);
              expect(line.webmaster).toBe(a?.webmaster ?? null);
            }
          });
          // Every unit back, in chunks chosen by `picks`; the buyer's refunds are those without an attribution.
          let previous: unknown = undefined;
          let reversed = 0;
          const left = new Map(cart.lines.map((l) => [l.id, l.quantity]));
          let k = 0;
          while ([...left.values()].some((q) => q > 0)) {
            const [id, q] = [...left.entries()].find(([, q]) => q > 0)!;
            const take = 1 + ((picks[k++ % picks.length] ?? 0) % q);
            const withIt = bundle.refund(result, { [id]: take }, previous, { attribution });
            const without = bundle.refund(result, { [id]: take }, previous);
            expect(withIt.refund).toBe(without.refund);
            expect(cents(withIt.affiliateCommissionReversed)).toBe(cents(withIt.lines[0].affiliateCommissionReversed));
            reversed += cents(withIt.affiliateCommissionReversed);
            previous = withIt.next;
            left.set(id, q - take);
          }
          expect(reversed).toBe(total);
          checked++;
        },
      ),
      { numRuns: 150, seed: 20261205 },
    );
    expect(checked).toBe(150);
    expect(withCommission).toBeGreaterThan(30);
  });

  it("refuses an attribution that does not fit the order, naming the path", () => {
    const result = bundle.evaluate({
      currency: "USD",
      at: "2026-11-11T10:00:00Z",
      lines: [{ id: "a", sku: "S1", store: "acme", unitPrice: "5.00", quantity: 2 }],
    });
    expect(bundle.settle(result, { attribution: { ok: false, errors: [], lines: [] } }).errors[0].path).toBe("/attribution");
    expect(bundle.settle(result, { attribution: "nonsense" }).errors[0].path).toBe("/attribution");
    const wrong = {
      ok: true,
      errors: [],
      lines: [
        { line: "b", commissionMinor: 0, perUnitMinor: [0] },
        { line: "a", commissionMinor: 3, perUnitMinor: [1, 1] },
      ],
    };
    expect(bundle.settle(result, { attribution: wrong }).errors.map((e: any) => e.path)).toEqual([
      "/attribution/lines/0/line",
      "/attribution/lines/1/perUnitMinor",
    ]);
    expect(bundle.refund(result, { a: 1 }, undefined, { attribution: wrong }).errors.map((e: any) => e.path)).toEqual([
      "/attribution/lines/0/line",
      "/attribution/lines/1/perUnitMinor",
    ]);
    const twice = {
      ok: true,
      errors: [],
      lines: [
        { line: "a", commissionMinor: 0, perUnitMinor: [0, 0] },
        { line: "a", commissionMinor: 0, perUnitMinor: [0, 0] },
      ],
    };
    expect(bundle.settle(result, { attribution: twice }).errors[0].message).toContain("attributed twice");
  });
});
