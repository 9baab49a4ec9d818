import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkSource } from "../packages/dsl/src/pipeline/frontend.js";
import { refund, type PricingResult, type Refund, type Settlement } from "../packages/runtime/src/index.js";
import {
  cartArb,
  cartJson,
  lineId,
  minorOf,
  returnSequence,
  rulesArb,
  ruleText,
  type Currency,
  type LineModel,
  type RulesModel,
} from "./helpers/settlement-models.js";

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

function checkCase(m: RulesModel, result: PricingResult, cart: { lines: LineModel[]; shipping: number; returnSeed: number; idOrder: number }): void {
  const c = m.currency;
  const s = result.settlement!;
  const id = (i: number) => lineId(i, cart.lines.length, cart.idOrder);
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
  // Stores in order of first appearance in the cart, lines in cart order.
  const stores = [...new Set(cart.lines.map((l) => ["s1", "s2", "s3", ""][l.store]!))];
  expect(s.stores.map((st) => st.store)).toEqual(stores);
  expect(s.stores.flatMap((st) => st.lines.map((l) => l.line))).toEqual(
    stores.flatMap((store) => cart.lines.flatMap((l, i) => (["s1", "s2", "s3", ""][l.store] === store ? [id(i)] : []))),
  );
  // Lines: paid = items - discount - coins, and the result's line totals.
  const byLine = new Map(s.stores.flatMap((st) => st.lines).map((l) => [l.line, l]));
  // The result's line totals are after discounts, before coins (coins are a means of payment).
  for (const line of result.lines)
    expect(minorOf(byLine.get(line.id)!.paid, c), line.id).toBe(minorOf(line.total, c) - minorOf(byLine.get(line.id)!.coins.total, c));

  // Every unit back, in a random sequence of partial returns, each with the `next` of the one before.
  const quantities = new Map(cart.lines.map((l, i) => [id(i), l.quantity]));
  const unitPrices = new Map(cart.lines.map((l, i) => [id(i), l.unitPrice]));
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
