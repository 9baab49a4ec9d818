import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkSource } from "../packages/dsl/src/pipeline/frontend.js";
import { refund, type PricingResult, type Refund, type Settlement } from "../packages/runtime/src/index.js";

/**
 * Settlement and returns on generated rule files and carts (docs/language.md, Settlement and Returns):
 * - the stores' figures sum exactly to the order's (items, discount, coins, shipping, total paid), and every funded
 *   amount's platform and seller shares sum to it, per line, per store and in the totals;
 * - returning every unit of every line, in a random sequence of partial returns, gives back exactly what was paid for
 *   each line's goods (before recoveries; with them, the refunds plus what was recovered), the coins used, the
 *   commission and each funder's share of the discounts;
 * - no return refunds more than the returned units' price.
 * Seeded (PROMO_SETTLEMENT_SEED, PROMO_SETTLEMENT_RULE_FILES); the reference interpreter prices the carts.
 */
const SEED = Number(process.env["PROMO_SETTLEMENT_SEED"] ?? 1313);
const RULE_FILES = Number(process.env["PROMO_SETTLEMENT_RULE_FILES"] ?? 120);
const CARTS = 4;

const CURRENCIES = { USD: 2, JPY: 0, KWD: 3 } as const;
type Currency = keyof typeof CURRENCIES;

const money = (minor: number, currency: Currency) => {
  const e = CURRENCIES[currency];
  if (e === 0) return String(minor);
  const s = String(minor).padStart(e + 1, "0");
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
};
const minorOf = (text: string, currency: Currency) => Math.round(Number(text) * 10 ** CURRENCIES[currency]);

interface PromotionModel {
  kind: "automatic" | "store-coupon" | "platform-coupon" | "promo-code" | "selected-coupon" | "shipping" | "coins";
  benefit: number;
  amount: number;
  percent: number;
  funding: number;
  split: number;
  recover: boolean;
  threshold: number | null;
}

const promotionArb: fc.Arbitrary<PromotionModel> = fc.record({
  kind: fc.constantFrom("automatic", "store-coupon", "platform-coupon", "promo-code", "selected-coupon", "shipping", "coins"),
  benefit: fc.nat(3),
  amount: fc.integer({ min: 1, max: 3000 }),
  percent: fc.integer({ min: 1, max: 100 }),
  funding: fc.nat(3),
  split: fc.integer({ min: 1, max: 199 }),
  recover: fc.boolean(),
  threshold: fc.option(fc.integer({ min: 1, max: 20000 }), { nil: null }),
});

interface RulesModel {
  currency: Currency;
  promotions: PromotionModel[];
  commission: { a: number; b: number; fallback: number } | null;
}

const rulesArb: fc.Arbitrary<RulesModel> = fc.record({
  currency: fc.constantFrom<Currency>("USD", "JPY", "KWD"),
  promotions: fc.array(promotionArb, { minLength: 1, maxLength: 6 }),
  commission: fc.option(fc.record({ a: fc.integer({ min: 0, max: 200 }), b: fc.integer({ min: 0, max: 200 }), fallback: fc.integer({ min: 0, max: 200 }) }), {
    nil: null,
  }),
});

/** A percentage written with one optional decimal: 75 → "7.5%". */
const pct = (tenths: number) => `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}%`;

function ruleText(m: RulesModel): string {
  const c = m.currency;
  let out = `currency ${c}\n\n`;
  if (m.commission)
    out += `commission {\n  category "c1" ${pct(m.commission.a)}\n  category "c2" ${pct(m.commission.b)}\n  default ${pct(m.commission.fallback)}\n}\n\n`;
  m.promotions.forEach((p, i) => {
    out += `promotion p${i} {\n  title "p${i}"\n  kind ${p.kind}\n`;
    if (p.kind.endsWith("-coupon") && p.kind !== "selected-coupon") out += `  code "C${i}"\n`;
    if (p.kind === "promo-code") out += `  code "C${i}"\n`;
    if (p.kind === "shipping") out += p.benefit % 2 === 0 ? "  give free shipping\n" : `  give ${money(p.amount, c)} ${c} off shipping\n`;
    else if (p.kind === "coins") out += `  give coins at 100 per ${money(p.amount, c)} ${c}${p.benefit % 2 === 0 ? " up to 50% of order" : ""}\n`;
    else if (p.benefit === 0) out += `  give ${money(p.amount, c)} ${c} off order\n`;
    else if (p.benefit === 1) out += `  give ${p.percent}% off order\n`;
    else if (p.benefit === 2) out += `  give ${p.percent}% off (line.store is "s1")\n`;
    else out += `  give ${money(Math.max(1, Math.floor(p.amount / 10)), c)} ${c} off each unit of (line.category is "c2")\n`;
    if (p.funding === 1) out += "  funded by platform\n";
    else if (p.funding === 2 || p.kind === "promo-code") out += "  funded by seller\n";
    else if (p.funding === 3) out += `  funded by platform ${pct(p.split * 5)}, seller ${pct(1000 - p.split * 5)}\n`;
    if (p.threshold !== null) out += `  when subtotal at least ${money(p.threshold, c)} ${c}\n`;
    if (p.recover) out += "  on return recover discount\n";
    out += "}\n\n";
  });
  return out;
}

interface LineModel {
  store: number;
  category: number;
  unitPrice: number;
  quantity: number;
}

const cartArb = fc.record({
  lines: fc.array(
    fc.record({ store: fc.nat(3), category: fc.nat(2), unitPrice: fc.integer({ min: 0, max: 4000 }), quantity: fc.integer({ min: 1, max: 5 }) }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  shipping: fc.integer({ min: 0, max: 1500 }),
  coins: fc.integer({ min: 0, max: 400_000 }),
  /** Drives the order of the partial returns. */
  returnSeed: fc.integer(),
});

function cartJson(m: RulesModel, cart: { lines: LineModel[]; shipping: number; coins: number }): unknown {
  const c = m.currency;
  return {
    currency: c,
    at: "2026-11-11T10:00:00Z",
    customer: { id: "u1", coins: cart.coins },
    useCoins: true,
    shipping: { price: money(cart.shipping, c) },
    coupons: m.promotions.map((_, i) => ({ code: `C${i}` })),
    lines: cart.lines.map((l, i) => ({
      id: `l${i}`,
      sku: `S${i}`,
      store: ["s1", "s2", "s3", ""][l.store],
      category: `c${l.category + 1}`,
      unitPrice: money(l.unitPrice, c),
      quantity: l.quantity,
    })),
  };
}

/** Every unit of every line, returned in chunks in an order drawn from `seed`. */
function returnSequence(result: PricingResult, quantities: ReadonlyMap<string, number>, seed: number): Record<string, number>[] {
  let state = seed >>> 0 || 1;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const left = new Map(quantities);
  const out: Record<string, number>[] = [];
  while ([...left.values()].some((q) => q > 0)) {
    const now: Record<string, number> = {};
    for (const line of result.lines) {
      const q = left.get(line.id)!;
      if (q === 0 || next(2) === 0) continue;
      const k = 1 + next(q);
      now[line.id] = k;
      left.set(line.id, q - k);
    }
    if (Object.keys(now).length > 0) out.push(now);
  }
  return out;
}

function sumFunded(parts: { total: string; platform: string; seller: string }[], c: Currency) {
  return parts.reduce(
    (a, p) => ({ total: a.total + minorOf(p.total, c), platform: a.platform + minorOf(p.platform, c), seller: a.seller + minorOf(p.seller, c) }),
    { total: 0, platform: 0, seller: 0 },
  );
}

function checkSplits(s: Settlement, c: Currency): void {
  const funded = [s.totals, ...s.stores, ...s.stores.flatMap((st) => st.lines)].flatMap((f) => [
    f.discount,
    f.coins,
    ...("shippingDiscount" in f ? [f.shippingDiscount] : []),
  ]);
  for (const f of funded) expect(minorOf(f.platform, c) + minorOf(f.seller, c), "platform + seller").toBe(minorOf(f.total, c));
}

let cases = 0;
let returns = 0;

function checkCase(m: RulesModel, result: PricingResult, cart: { lines: LineModel[]; shipping: number; returnSeed: number }): void {
  const c = m.currency;
  const s = result.settlement!;
  cases++;
  // Stores sum to the totals, and the totals are the order's.
  const fields = ["items", "shipping", "paid", "commission", "sellerNet"] as const;
  for (const f of fields)
    expect(
      s.stores.reduce((a, st) => a + minorOf(st[f], c), 0),
      f,
    ).toBe(minorOf(s.totals[f], c));
  for (const f of ["discount", "coins", "shippingDiscount"] as const)
    expect(
      sumFunded(
        s.stores.map((st) => st[f]),
        c,
      ),
      f,
    ).toEqual(sumFunded([s.totals[f]], c));
  expect(s.totals.items).toBe(result.subtotal);
  expect(s.totals.discount.total).toBe(result.discount);
  expect(s.totals.coins.total).toBe(result.coins.amount);
  expect(minorOf(s.totals.shipping, c)).toBe(cart.shipping);
  expect(minorOf(s.totals.shippingDiscount.total, c)).toBe(cart.shipping - minorOf(result.shipping, c));
  expect(s.totals.paid).toBe(result.total);
  checkSplits(s, c);
  // Lines: paid = items - discount - coins, and the result's line totals.
  const byLine = new Map(s.stores.flatMap((st) => st.lines).map((l) => [l.line, l]));
  // The result's line totals are after discounts, before coins (coins are a means of payment).
  for (const line of result.lines)
    expect(minorOf(byLine.get(line.id)!.paid, c), line.id).toBe(minorOf(line.total, c) - minorOf(byLine.get(line.id)!.coins.total, c));

  // Every unit back, in a random sequence of partial returns, each with the `next` of the one before.
  const quantities = new Map(cart.lines.map((l, i) => [`l${i}`, l.quantity]));
  const unitPrices = new Map(cart.lines.map((l, i) => [`l${i}`, l.unitPrice]));
  const sequence = returnSequence(result, quantities, cart.returnSeed);
  const refunded = new Map<string, number>();
  let previous: Refund["next"] = { units: {}, recovered: [], outstanding: "0" };
  let total = 0;
  let due = 0;
  let coins = 0;
  let commission = 0;
  const funders = { platform: 0, seller: 0 };
  for (const now of sequence) {
    const outcome = refund(result, now, previous);
    expect("errors" in outcome ? outcome.errors : [], JSON.stringify(now)).toEqual([]);
    const r = outcome as Refund;
    returns++;
    for (const line of r.lines) {
      const value = minorOf(line.refund, c);
      // Amendment 1: a unit's deductions are its share of the line's running total, never more than its price.
      expect(value, `${line.line} refunds at most the returned units' price`).toBeLessThanOrEqual(unitPrices.get(line.line)! * line.units);
      expect(value, `${line.line} refunds 0 or more`).toBeGreaterThanOrEqual(0);
      refunded.set(line.line, (refunded.get(line.line) ?? 0) + value);
    }
    expect(minorOf(r.refund, c)).toBeGreaterThanOrEqual(0);
    total += minorOf(r.refund, c);
    for (const x of r.recovered) due += minorOf(x.amount, c) + minorOf(x.uncollected, c);
    coins += r.coinsReturned;
    commission += minorOf(r.commissionReversed, c);
    funders.platform += minorOf(r.funders.platform, c);
    funders.seller += minorOf(r.funders.seller, c);
    for (const [id, k] of Object.entries(now)) expect(r.next.units[id]).toBe((previous.units[id] ?? 0) + k);
    expect(r.next.outstanding).toBe(r.outstanding);
    previous = r.next;
  }
  const paid = minorOf(result.subtotal, c) - minorOf(result.discount, c) - minorOf(result.coins.amount, c);
  if (due === 0) {
    for (const line of result.lines)
      expect(refunded.get(line.id) ?? 0, `${line.id}: every unit back returns what was paid`).toBe(minorOf(byLine.get(line.id)!.paid, c));
    expect(funders).toEqual({ platform: minorOf(s.totals.discount.platform, c), seller: minorOf(s.totals.discount.seller, c) });
  }
  // A recovered promotion's kept shares are paid back once and then not deducted again when those units come back:
  // the lines refund what was paid plus what was recovered, and the buyer's refunds come to what was paid.
  expect([...refunded.values()].reduce((a, b) => a + b, 0)).toBe(paid + due);
  expect(minorOf(previous.outstanding, c), "nothing is owed once everything is back").toBe(0);
  expect(total).toBe(paid);
  expect(coins).toBe(result.coins.used);
  expect(commission).toBe(minorOf(s.totals.commission, c));
  // Nothing is left to return.
  const more = refund(result, { [result.lines[0]!.id]: 1 }, previous);
  expect("errors" in more).toBe(true);
}

describe("settlement and returns properties", () => {
  it(`hold over ${RULE_FILES} generated rule files × up to ${CARTS} carts`, () => {
    fc.assert(
      fc.property(rulesArb, fc.array(cartArb, { minLength: 1, maxLength: CARTS }), (model, carts) => {
        const text = ruleText(model);
        const { project, diagnostics } = checkSource("/gen.promo", text);
        const errors = diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.startLine}: ${d.message}`);
        expect(errors, text).toEqual([]);
        const evaluator = interpreterEvaluator(project);
        for (const cart of carts) {
          const outcome = evaluator.tryEvaluate(cartJson(model, cart));
          if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
          checkCase(model, outcome.result, cart);
        }
      }),
      { numRuns: RULE_FILES, seed: SEED },
    );
    console.log(`settlement properties: ${cases} cases, ${returns} returns`);
    expect(cases).toBeGreaterThanOrEqual(RULE_FILES);
  }, 600_000);
});
