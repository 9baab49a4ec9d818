import fc from "fast-check";

/**
 * Generated rule files and carts for settlement and returns (docs/language.md, Funding, Commission, Settlement and
 * Returns): promotions of every kind with funding clauses (one party or a split), `on return recover discount`,
 * thresholds, limits released on return, a commission table, and carts over several stores whose lines are not
 * given in id order. Shared by test/settlement-properties.test.ts and test/settlement-differential.test.ts.
 */
export const CURRENCIES = { USD: 2, JPY: 0, KWD: 3 } as const;
export type Currency = keyof typeof CURRENCIES;

export const money = (minor: number, currency: Currency) => {
  const e = CURRENCIES[currency];
  if (e === 0) return String(minor);
  const s = String(minor).padStart(e + 1, "0");
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
};
export const minorOf = (text: string, currency: Currency) => Math.round(Number(text) * 10 ** CURRENCIES[currency]);

export interface PromotionModel {
  kind: "automatic" | "store-coupon" | "platform-coupon" | "promo-code" | "selected-coupon" | "shipping" | "coins";
  benefit: number;
  amount: number;
  percent: number;
  funding: number;
  split: number;
  recover: boolean;
  threshold: number | null;
  /** 0: none; 1: a budget; 2: a count per customer; 3: a budget per store (with a count overall). */
  limit: number;
  /** `on cancel keep use` instead of the default `return use`. */
  keepUse: boolean;
}

export const promotionArb: fc.Arbitrary<PromotionModel> = fc.record({
  kind: fc.constantFrom("automatic", "store-coupon", "platform-coupon", "promo-code", "selected-coupon", "shipping", "coins"),
  benefit: fc.nat(3),
  amount: fc.integer({ min: 1, max: 3000 }),
  percent: fc.integer({ min: 1, max: 100 }),
  funding: fc.nat(3),
  split: fc.integer({ min: 1, max: 199 }),
  recover: fc.boolean(),
  threshold: fc.option(fc.integer({ min: 1, max: 20000 }), { nil: null }),
  limit: fc.nat(3),
  keepUse: fc.boolean(),
});

export interface RulesModel {
  currency: Currency;
  promotions: PromotionModel[];
  commission: { a: number; b: number; fallback: number } | null;
}

export const rulesArb: fc.Arbitrary<RulesModel> = fc.record({
  currency: fc.constantFrom<Currency>("USD", "JPY", "KWD"),
  promotions: fc.array(promotionArb, { minLength: 1, maxLength: 6 }),
  commission: fc.option(fc.record({ a: fc.integer({ min: 0, max: 200 }), b: fc.integer({ min: 0, max: 200 }), fallback: fc.integer({ min: 0, max: 200 }) }), {
    nil: null,
  }),
});

/** A percentage written with one optional decimal: 75 → "7.5%". */
const pct = (tenths: number) => `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}%`;

export function ruleText(m: RulesModel): string {
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
    if (p.limit === 1) out += `  limit budget ${money(1_000_000, c)} ${c}\n`;
    else if (p.limit === 2) out += "  limit 5 per customer\n";
    else if (p.limit === 3) out += `  limit budget ${money(1_000_000, c)} ${c} per store\n  limit 100 redemptions\n`;
    if (p.limit > 0 && p.keepUse) out += "  on cancel keep use\n";
    out += "}\n\n";
  });
  return out;
}

export interface LineModel {
  store: number;
  category: number;
  unitPrice: number;
  quantity: number;
}

export const cartArb = fc.record({
  lines: fc.array(
    fc.record({ store: fc.nat(3), category: fc.nat(2), unitPrice: fc.integer({ min: 0, max: 4000 }), quantity: fc.integer({ min: 1, max: 5 }) }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  shipping: fc.integer({ min: 0, max: 1500 }),
  coins: fc.integer({ min: 0, max: 400_000 }),
  /** Line ids given in the cart's order (0), backwards (1) or rotated (2): settlement keeps the cart's order. */
  idOrder: fc.nat(2),
  /** Drives the order of the partial returns. */
  returnSeed: fc.integer(),
});

/** The id of the i-th line of `n` in the cart (`l0`, `l1`, … in an order set by `idOrder`). */
export function lineId(i: number, n: number, idOrder = 0): string {
  return `l${idOrder === 1 ? n - 1 - i : idOrder === 2 ? (i + 1) % n : i}`;
}

export function cartJson(m: RulesModel, cart: { lines: LineModel[]; shipping: number; coins: number; idOrder?: number }): unknown {
  const c = m.currency;
  return {
    currency: c,
    at: "2026-11-11T10:00:00Z",
    customer: { id: "u1", coins: cart.coins },
    useCoins: true,
    shipping: { price: money(cart.shipping, c) },
    coupons: m.promotions.map((_, i) => ({ code: `C${i}` })),
    lines: cart.lines.map((l, i) => ({
      id: lineId(i, cart.lines.length, cart.idOrder),
      sku: `S${i}`,
      store: ["s1", "s2", "s3", ""][l.store],
      category: `c${l.category + 1}`,
      unitPrice: money(l.unitPrice, c),
      quantity: l.quantity,
    })),
  };
}

/** Every unit of every line, returned in chunks in an order drawn from `seed`. */
export function returnSequence(result: { lines: readonly { id: string }[] }, quantities: ReadonlyMap<string, number>, seed: number): Record<string, number>[] {
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
