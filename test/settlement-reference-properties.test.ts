import { describe, expect, it } from "vitest";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { readCart } from "../packages/reference/src/cart.js";
import { parseMinor, parseRational, type Rational } from "../packages/reference/src/money.js";
import { price } from "../packages/reference/src/price.js";
import { readRules } from "../packages/reference/src/rules.js";
import { refundReference, settleReference, type RefRefund, type RefSettlement, type SettlementInputs } from "../packages/reference/src/settlement.js";
import { prng } from "./helpers/prng.js";

/**
 * Properties of the reference settlement and returns on seeded random carts (funding and commission given as the
 * reference's plain-data inputs, so no new syntax is needed): the stores sum to the order and the order to the
 * priced result, every funder split sums to its amount, and returning every unit, in random partial returns,
 * gives back exactly what was paid for the goods, the coins used, the commission and each funder's share. Unit by
 * unit (SPEC-13, Amendment 1: unit shares of the running total), no unit's refund is below 0 or above its price,
 * its deductions are its share of the line's total deductions, and each discount's platform + seller shares on it
 * equal that discount's share.
 */
const rulesText = `currency USD

scope gadgets = line.category is "electronics"
scope socks = line.tags contains "socks"

promotion gadgets-15 {
  title "15% off electronics"
  kind automatic
  give 15% off gadgets
}

promotion socks-3-for-2 {
  title "Cheapest sock free for every 3"
  kind automatic
  give cheapest 1 free for every 3 of socks
}

promotion acme-coupon {
  title "1.37 USD off acme"
  kind store-coupon
  code "ACME"
  give 1.37 USD off (line.store is "acme")
}

promotion platform-coupon {
  title "3.03 USD off"
  kind platform-coupon
  code "PLAT"
  give 3.03 USD off order
}

promotion free-shipping-us {
  title "Free shipping to the US"
  kind shipping
  when shipping.country is US
  give free shipping
}

promotion shipping-off {
  title "1.11 USD off shipping"
  kind shipping
  code "SHIP"
  give 1.11 USD off shipping
}

promotion big-order {
  title "2.50 USD off orders of 40.00 USD or more"
  kind platform-coupon
  code "BIG"
  when subtotal at least 40.00 USD
  give 2.50 USD off order
}

promotion coins {
  title "Coins"
  kind coins
  give coins at 100 per 1.00 USD up to 50% of order
}
`;

const path = "/properties.promo";
const { project, diagnostics } = checkProject([path], memoryHost({ [path]: rulesText }));
const rules = readRules(project);
const SPLITS: [string, string][] = [
  ["100", "0"],
  ["0", "100"],
  ["70", "30"],
  ["33.33", "66.67"],
  ["50", "50"],
  ["12.5", "87.5"],
];
const r = (t: string): Rational => parseRational(t)!;
const minor = (t: string) => parseMinor(t, 2)!;

/** `mixed`: every line is cheap or not on its own (cheap lines next to dear ones), for the recovery property. */
function randomCase(seed: number, mixed = false): { cart: Record<string, unknown>; inputs: SettlementInputs } {
  const next = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  // About a third of the carts are cheap (0.01 to 0.60 a unit), so that the fixed-amount coupons and the coins take
  // whole lines and their units' shares of several components meet the unit price.
  const cheap = next() < 0.35;
  const lines = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) => ({
    id: `l${i}`,
    sku: `S${i}`,
    store: pick(["acme", "lumen", "zeta", ""]),
    category: pick(["electronics", "fashion", "toys", ""]),
    tags: next() < 0.4 ? ["socks"] : [],
    unitPrice: (((mixed ? next() < 0.5 : cheap) ? 1 + Math.floor(next() * 60) : Math.floor(next() * 3000)) / 100).toFixed(2),
    quantity: 1 + Math.floor(next() * 5),
  }));
  const cart = {
    currency: "USD",
    at: "2026-11-10T12:00:00Z",
    customer: { id: "c1", coins: Math.floor(next() * 3000) },
    lines,
    shipping: { country: pick(["US", "FR"]), price: (Math.floor(next() * 900) / 100).toFixed(2) },
    coupons: ["ACME", "PLAT", "SHIP", "BIG"].filter(() => next() < 0.6).map((code) => ({ code })),
    useCoins: next() < 0.6,
  };
  const funders: SettlementInputs["funders"] = {};
  for (const p of rules.promotions) {
    if (next() < 0.3) continue; // the kind's default
    const [platform, seller] = pick(SPLITS);
    funders[p.id] = { platform: r(platform), seller: r(seller) };
  }
  const inputs: SettlementInputs = {
    funders,
    commission: next() < 0.2 ? null : { categories: { electronics: r("5"), fashion: r("8") }, default: r(pick(["7.5", "10", "0"])) },
    onReturn: {},
    onCancel: {},
    limitUnits: {},
  };
  return { cart, inputs };
}

/** share_u(X) of q units: floor(X/q), plus 1 when u ≤ X mod q (SPEC-13, Amendment 1). */
const share = (x: bigint, q: number, u: number) => x / BigInt(q) + (BigInt(u) <= x % BigInt(q) ? 1n : 0n);

const splitSums = (s: { total: string; platform: string; seller: string }) => minor(s.platform) + minor(s.seller) === minor(s.total);

describe("reference settlement and returns on random carts", () => {
  it("has rules that check clean", () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(recoverChecked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("stores sum to the order, the order to the priced result, every split to its amount; full returns give back what was paid; every unit's refund is within its price", () => {
    let checkedCarts = 0;
    let units = 0;
    let unitChecks = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { cart: json, inputs } = randomCase(seed);
      const reading = readCart(json, rules.attributes);
      if (!reading.ok) throw new Error(reading.message);
      const cart = reading.cart;
      const result = price(rules, cart);
      const s: RefSettlement = settleReference(rules, cart, result, inputs);
      const fields = ["items", "shipping", "paid", "commission", "sellerNet"] as const;
      for (const f of fields)
        expect(
          s.stores.reduce((a, x) => a + minor(x[f]), 0n),
          `${seed} ${f}`,
        ).toBe(minor(s.totals[f]));
      for (const f of ["discount", "coins", "shippingDiscount"] as const)
        for (const k of ["total", "platform", "seller"] as const)
          expect(
            s.stores.reduce((a, x) => a + minor(x[f][k]), 0n),
            `${seed} ${f}.${k}`,
          ).toBe(minor(s.totals[f][k]));
      for (const x of [s.totals, ...s.stores, ...s.stores.flatMap((y) => y.lines)]) {
        expect(splitSums(x.discount) && splitSums(x.coins), `${seed} splits`).toBe(true);
        if ("shippingDiscount" in x) expect(splitSums(x.shippingDiscount), `${seed} shipping split`).toBe(true);
      }
      expect(s.totals.items).toBe(result.subtotal);
      expect(s.totals.discount.total).toBe(result.discount);
      expect(s.totals.coins.total).toBe(result.coins.amount);
      expect(minor(s.totals.shipping) - minor(s.totals.shippingDiscount.total)).toBe(minor(result.shipping));
      expect(s.totals.paid).toBe(result.total);

      // Return every unit in random partial returns: the refunds add up exactly.
      const next = prng(seed * 7919);
      const left = new Map(cart.lines.map((l) => [l.id, l.quantity]));
      const previous: Record<string, number> = {};
      let refunded = 0n;
      let coins = 0;
      let commission = 0n;
      const funders = { platform: 0n, seller: 0n };
      while ([...left.values()].some((q) => q > 0)) {
        const now: Record<string, number> = {};
        for (const [id, q] of left) if (q > 0 && next() < 0.6) now[id] = 1 + Math.floor(next() * q);
        const out = refundReference(rules, cart, result, inputs, now, { units: { ...previous }, recovered: [] });
        if ("errors" in out) throw new Error(JSON.stringify(out.errors));
        const refund = out as RefRefund;
        for (const line of refund.lines) {
          // Amendment 1: the returned units never get back less than 0 or more than their price, and each
          // promotion's platform and seller shares on them add up to its share.
          const price = cart.lines.find((l) => l.id === line.line)!.unitPrice * BigInt(line.units);
          const deducted = line.discounts.reduce((a, d) => a + minor(d.amount), 0n) + minor(line.coins.amount);
          expect(minor(line.refund) >= 0n && minor(line.refund) <= price, `${seed} ${line.line} refund ${line.refund}`).toBe(true);
          expect(minor(line.refund) + deducted, `${seed} ${line.line} refund + deductions`).toBe(price);
          for (const d of line.discounts) expect(minor(d.platform) + minor(d.seller), `${seed} ${line.line} ${d.promotion}`).toBe(minor(d.amount));
        }
        expect(refund.outstanding, `${seed} nothing recovered, nothing outstanding`).toBe("0.00");
        refunded += minor(refund.refund);
        coins += refund.coinsReturned;
        commission += minor(refund.commissionReversed);
        funders.platform += minor(refund.funders.platform);
        funders.seller += minor(refund.funders.seller);
        for (const [id, k] of Object.entries(now)) {
          previous[id] = (previous[id] ?? 0) + k;
          left.set(id, left.get(id)! - k);
          units += k;
        }
      }
      const goodsPaid = minor(s.totals.items) - minor(s.totals.discount.total) - minor(s.totals.coins.total);
      expect(refunded, `${seed} refunds`).toBe(goodsPaid);
      expect(coins, `${seed} coins`).toBe(result.coins.used);
      expect(commission, `${seed} commission`).toBe(minor(s.totals.commission));
      expect(funders, `${seed} funders`).toEqual({ platform: minor(s.totals.discount.platform), seller: minor(s.totals.discount.seller) });

      // Every unit on its own, from the last back (Amendment 1): unit u's deductions are share_u of the line's
      // running total (its discounts and coins), its refund is between 0 and its price, its platform + seller
      // shares of each discount equal that discount's share, and its commission is share_u of the line's.
      const settled = new Map(s.stores.flatMap((x) => x.lines).map((l) => [l.line, l]));
      let unitRefunds = 0n;
      for (const l of cart.lines) {
        const sl = settled.get(l.id)!;
        const deductions = minor(sl.discount.total) + minor(sl.coins.total);
        for (let u = l.quantity; u >= 1; u--) {
          const out = refundReference(rules, cart, result, inputs, { [l.id]: 1 }, { units: { [l.id]: l.quantity - u }, recovered: [] });
          if ("errors" in out) throw new Error(JSON.stringify(out.errors));
          const line = out.lines[0]!;
          const at = `${seed} ${l.id} unit ${u}`;
          expect(minor(line.refund) >= 0n && minor(line.refund) <= l.unitPrice, `${at} refund ${line.refund}`).toBe(true);
          expect(l.unitPrice - minor(line.refund), `${at} deductions`).toBe(share(deductions, l.quantity, u));
          expect(minor(line.commissionReversed), `${at} commission`).toBe(share(minor(sl.commission), l.quantity, u));
          for (const d of line.discounts) expect(minor(d.platform) + minor(d.seller), `${at} ${d.promotion}`).toBe(minor(d.amount));
          unitRefunds += minor(line.refund);
          unitChecks += 1;
        }
      }
      expect(unitRefunds, `${seed} unit refunds`).toBe(goodsPaid);
      checkedCarts += 1;
    }
    expect(checkedCarts).toBe(300);
    expect(units).toBeGreaterThan(1000);
    expect(unitChecks).toBe(units);
  });
});

// The recovery property's rules: the same, and a 20% coupon from 60.00 USD, large enough that a cheap return under the
// threshold often cannot pay back the kept units' shares.
const recoverPath = "/recover-properties.promo";
const recoverChecked = checkProject(
  [recoverPath],
  memoryHost({
    [recoverPath]: `${rulesText}
promotion big-20 {
  title "20% off orders of 60.00 USD or more"
  kind platform-coupon
  code "BIG20"
  when subtotal at least 60.00 USD
  give 20% off order
}
`,
  }),
);
const recoverRules = readRules(recoverChecked.project);

describe("on return recover discount on random carts", () => {
  // big-order (2.50 USD off from 40.00 USD) and big-20 (20% off from 60.00 USD, in two carts of three) are recovered
  // when a return brings the kept order under their thresholds; the other promotions have no condition and are kept.
  // Half the carts mix cheap lines with dear ones, so that cheap returns come before dear ones. Every unit is returned in random partial returns, each return given
  // the previous refund's `next` (SPEC-13, Amendment 2). Notation, after each return:
  //   R   = the sum of the refunds so far;
  //   P   = what was paid for the units returned so far (their unit price less every discount and coins share on
  //         them: the refunds the same returns give when nothing is recovered, computed with keep discount);
  //   E   = the kept units' shares of the promotions recovered so far (what their refunds will give back on top of
  //         what was paid for them, the recovered shares not being taken again: the lines of a return of every kept
  //         unit with recovery, less the same without);
  //   O   = `outstanding`, what recoveries could not deduct and no refund has deducted yet.
  // Asserted after every return: each refund is lines − min(O before, lines) − collected, never below 0;
  // O after = O before − what this refund deducted of it + this refund's uncollected; 0 ≤ O ≤ E; and exactly
  //   R = P − (E − O),
  // so R ≤ P ≤ what was paid for the goods: the refunds never exceed what was paid. Once every unit is returned,
  // E = 0, so O = 0 and R = P = what was paid for the goods: the recovered discount deducted earlier is given back
  // with the kept units it was taken for, and what could not be deducted was deducted from later refunds. `next`
  // is each time the units returned so far, the promotions recovered so far (each at most once) and O.
  it("never refunds more than was paid, carries what was not collected forward, and a full return gives back exactly what was paid", () => {
    let recoveries = 0;
    let uncollectedCarts = 0;
    let partlyPaidOff = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { cart: json, inputs: keep } = randomCase(seed, seed % 2 === 0);
      const inputs: SettlementInputs = { ...keep, onReturn: { "big-order": "recover", "big-20": "recover", "gadgets-15": "recover" } };
      const next = prng(seed * 104729);
      if (next() < 2 / 3) json["coupons"] = [...(json["coupons"] as object[]), { code: "BIG20" }];
      const reading = readCart(json, recoverRules.attributes);
      if (!reading.ok) throw new Error(reading.message);
      const cart = reading.cart;
      const result = price(recoverRules, cart);
      const s = settleReference(recoverRules, cart, result, inputs);
      const goodsPaid = minor(s.totals.items) - minor(s.totals.discount.total) - minor(s.totals.coins.total);
      const left = new Map(cart.lines.map((l) => [l.id, l.quantity]));
      const lineRefunds = (out: RefRefund) => out.lines.reduce((a, l) => a + minor(l.refund), 0n);
      let previous: RefRefund["next"] = { units: {}, recovered: [], outstanding: "0.00" };
      let refunded = 0n; // R
      let paidReturned = 0n; // P
      let uncollected = false;
      while ([...left.values()].some((q) => q > 0)) {
        const now: Record<string, number> = {};
        // Mixed carts return one line at a time, so that cheap lines come back on their own.
        const open = [...left].filter(([, q]) => q > 0).map(([id]) => id);
        const one = seed % 2 === 0 ? open[Math.floor(next() * open.length)]! : null;
        for (const [id, q] of left) if (q > 0 && (one === null ? next() < 0.6 : id === one)) now[id] = 1 + Math.floor(next() * q);
        const out = refundReference(recoverRules, cart, result, inputs, now, previous);
        if ("errors" in out) throw new Error(JSON.stringify(out.errors));
        const plain = refundReference(recoverRules, cart, result, keep, now, { units: previous.units });
        if ("errors" in plain) throw new Error(JSON.stringify(plain.errors));
        const lines = lineRefunds(out);
        const before = minor(previous.outstanding);
        const paidOff = before < lines ? before : lines;
        const collected = out.recovered.reduce((a, r) => a + minor(r.amount), 0n);
        const notCollected = out.recovered.reduce((a, r) => a + minor(r.uncollected), 0n);
        expect(minor(out.refund) >= 0n, `${seed} refund ${out.refund}`).toBe(true);
        expect(minor(out.refund), `${seed} refund = lines − outstanding paid off − recovered`).toBe(lines - paidOff - collected);
        expect(minor(out.outstanding), `${seed} outstanding`).toBe(before - paidOff + notCollected);
        if (paidOff > 0n && paidOff < before) partlyPaidOff += 1;
        for (const r of out.recovered) {
          expect(["big-order", "big-20"], `${seed} recovered`).toContain(r.promotion);
          expect(previous.recovered, `${seed} recovered once`).not.toContain(r.promotion);
          expect(minor(r.uncollected) >= 0n && minor(r.amount) >= 0n, `${seed} ${r.amount} ${r.uncollected}`).toBe(true);
          if (minor(r.uncollected) > 0n) uncollected = true;
          recoveries += 1;
        }
        refunded += minor(out.refund);
        paidReturned += minor(plain.refund);
        const units = { ...previous.units };
        for (const [id, k] of Object.entries(now)) {
          units[id] = (units[id] ?? 0) + k;
          left.set(id, left.get(id)! - k);
        }
        expect(out.next, `${seed} next`).toEqual({
          units,
          recovered: [...previous.recovered, ...out.recovered.map((r) => r.promotion)],
          outstanding: out.outstanding,
        });
        previous = out.next;

        // E: the kept units' lines returned now with recovery, less the same without.
        const rest = Object.fromEntries([...left].filter(([, q]) => q > 0));
        const withRecovery = refundReference(recoverRules, cart, result, inputs, rest, previous) as RefRefund;
        const without = refundReference(recoverRules, cart, result, keep, rest, { units: previous.units }) as RefRefund;
        const kept = lineRefunds(withRecovery) - lineRefunds(without);
        const O = minor(out.outstanding);
        expect(O >= 0n && O <= kept, `${seed} 0 ≤ outstanding ${O} ≤ kept recovered shares ${kept}`).toBe(true);
        expect(refunded, `${seed} R = P − (E − O)`).toBe(paidReturned - (kept - O));
        expect(refunded <= paidReturned && paidReturned <= goodsPaid, `${seed} R ${refunded} ≤ P ${paidReturned} ≤ paid ${goodsPaid}`).toBe(true);
      }
      expect(previous.outstanding, `${seed} nothing outstanding at the end`).toBe("0.00");
      expect(paidReturned, `${seed} P`).toBe(goodsPaid);
      expect(refunded, `${seed} refunds`).toBe(goodsPaid);
      if (uncollected) uncollectedCarts += 1;
    }
    console.log(
      `recover property: ${recoveries} recoveries, ${uncollectedCarts} carts with an uncollected amount, ${partlyPaidOff} returns paying one off partly`,
    );
    expect(recoveries).toBeGreaterThan(20);
    expect(uncollectedCarts).toBeGreaterThan(0);
    expect(partlyPaidOff).toBeGreaterThan(0);
  });
});

describe("unit shares of the running total (SPEC-13, Amendment 1)", () => {
  // Two discounts of 0.05 USD on a line of 2 × 0.05 USD. Divided on their own, each would give unit 1 its odd cent
  // (5 / 2 = 2 r 1: 3 and 2), so unit 1 would carry 0.06 of discounts on a 0.05 unit and the refunds would be 0.01
  // then −0.01. Of the running total: C1 = 5, C2 = 10; share_1(5) = 3, share_2(5) = 2; share_1(10) = share_2(10) = 5.
  // first: unit 1: 3, unit 2: 2; second: unit 1: 5 − 3 = 2, unit 2: 5 − 2 = 3. Each unit: 5 of 5 deducted.
  // Return 1 → unit 2: 0.05 − 0.02 − 0.03 = 0.00; return 1 → unit 1: 0.05 − 0.03 − 0.02 = 0.00.
  // Both automatic, so seller-funded: each unit's seller share is its whole share, platform 0.
  it("refunds 0.00 and 0.00 for the two units of a free line; each unit's shares are within its price", () => {
    const text = `currency USD

promotion first {
  title "0.05 USD off"
  kind automatic
  give 0.05 USD off order
}

promotion second {
  title "0.05 USD off, again"
  kind automatic
  give 0.05 USD off order
}
`;
    const file = "/running-total.promo";
    const checked = checkProject([file], memoryHost({ [file]: text }));
    const twoRules = readRules(checked.project);
    const reading = readCart(
      { currency: "USD", at: "2026-11-10T12:00:00Z", lines: [{ id: "a", sku: "A", unitPrice: "0.05", quantity: 2 }] },
      twoRules.attributes,
    );
    if (!reading.ok) throw new Error(reading.message);
    const result = price(twoRules, reading.cart);
    expect(result.total).toBe("0.00");
    const inputs: SettlementInputs = { funders: {}, commission: null, onReturn: {}, onCancel: {}, limitUnits: {} };
    const first = refundReference(twoRules, reading.cart, result, inputs, { a: 1 }) as RefRefund;
    const second = refundReference(twoRules, reading.cart, result, inputs, { a: 1 }, { units: { a: 1 }, recovered: [] }) as RefRefund;
    expect([first.refund, second.refund]).toEqual(["0.00", "0.00"]);
    expect(first.lines[0]!.discounts).toEqual([
      { promotion: "first", amount: "0.02", platform: "0.00", seller: "0.02" },
      { promotion: "second", amount: "0.03", platform: "0.00", seller: "0.03" },
    ]);
    expect(second.lines[0]!.discounts).toEqual([
      { promotion: "first", amount: "0.03", platform: "0.00", seller: "0.03" },
      { promotion: "second", amount: "0.02", platform: "0.00", seller: "0.02" },
    ]);
    for (const out of [first, second])
      for (const line of out.lines) {
        expect(minor(line.refund) >= 0n && minor(line.refund) <= minor("0.05")).toBe(true);
        for (const d of line.discounts) expect(minor(d.platform) + minor(d.seller)).toBe(minor(d.amount));
      }
  });
});
