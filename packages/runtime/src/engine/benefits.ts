import type { NormalizedCart, NormalizedLine } from "../cart/types.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { mulDivRoundHalfUp } from "../money/arithmetic.js";
import type { Benefit, LinePredicate } from "./program.js";

/**
 * What one promotion gives on top of the discounts applied before it. `remaining` holds each line's value after
 * those discounts (lines in the cart's normalised order, sorted by id); nothing here exceeds what remains.
 */
export interface BenefitResult {
  /** Item discount in minor units (shipping excluded). */
  amount: number;
  /** Per line index, the part of `amount` it carries; zeros for untouched lines. */
  lines: number[];
  shipping: number;
}

const none = (n: number): BenefitResult => ({ amount: 0, lines: new Array<number>(n).fill(0), shipping: 0 });

function matching(cart: NormalizedCart, scope: LinePredicate | null): number[] {
  const out: number[] = [];
  cart.lines.forEach((line, i) => {
    if (scope === null || scope(line, cart)) out.push(i);
  });
  return out;
}

/** Spreads `amount` over `indexes` in proportion to what remains of each line, exact by largest remainder. */
function spread(amount: number, indexes: readonly number[], remaining: readonly number[], n: number): BenefitResult {
  const weights = indexes.map((i) => remaining[i]!);
  const total = weights.reduce((a, b) => a + b, 0);
  const capped = Math.min(amount, total);
  const result = none(n);
  if (capped <= 0) return result;
  const shares = allocateLargestRemainder(capped, weights);
  indexes.forEach((i, k) => (result.lines[i] = shares[k]!));
  result.amount = capped;
  return result;
}

interface Unit {
  index: number;
  price: number;
  id: string;
}

/** Every unit of the matching lines, most expensive first (ties: line id, as lines are sorted by id). */
function units(cart: NormalizedCart, indexes: readonly number[], order: "desc" | "asc"): Unit[] {
  const out: Unit[] = [];
  for (const i of indexes) {
    const line = cart.lines[i]!;
    for (let q = 0; q < line.quantity; q++) out.push({ index: i, price: line.unitPrice, id: line.id });
  }
  // Lines are already in id order and the sort is stable, so equal prices keep id order.
  out.sort((a, b) => (order === "desc" ? b.price - a.price : a.price - b.price));
  return out;
}

/** Per-line discounts for chosen units, each line capped at what remains of it. */
function perUnit(discounts: { index: number; amount: number }[], remaining: readonly number[], n: number): BenefitResult {
  const result = none(n);
  for (const { index, amount } of discounts) result.lines[index]! += amount;
  for (let i = 0; i < n; i++) {
    result.lines[i] = Math.max(0, Math.min(result.lines[i]!, remaining[i]!));
    result.amount += result.lines[i]!;
  }
  return result;
}

export function computeBenefit(benefit: Benefit, cart: NormalizedCart, remaining: readonly number[], shippingRemaining: number): BenefitResult {
  const n = cart.lines.length;
  switch (benefit.type) {
    case "amount":
      return spread(benefit.amount, matching(cart, benefit.target.scope), remaining, n);
    case "percent": {
      const indexes = matching(cart, benefit.target.scope);
      const base = indexes.reduce((sum, i) => sum + (benefit.after ? remaining[i]! : cart.lines[i]!.subtotal), 0);
      // Rounded half away from zero at the minor unit, once per promotion, before the cap.
      let amount = mulDivRoundHalfUp(base, benefit.ratio.numerator, benefit.ratio.denominator);
      if (benefit.cap !== null) amount = Math.min(amount, benefit.cap);
      return spread(amount, indexes, remaining, n);
    }
    case "amount-each": {
      let chosen = units(cart, matching(cart, benefit.scope), "desc");
      if (benefit.maxUnits !== null) chosen = chosen.slice(0, benefit.maxUnits);
      return perUnit(chosen.map((u) => ({ index: u.index, amount: Math.min(benefit.amount, u.price) })), remaining, n);
    }
    case "fixed-price": {
      let chosen = units(cart, matching(cart, benefit.scope), "desc").filter((u) => u.price > benefit.price);
      if (benefit.maxUnits !== null) chosen = chosen.slice(0, benefit.maxUnits);
      return perUnit(chosen.map((u) => ({ index: u.index, amount: u.price - benefit.price })), remaining, n);
    }
    case "cheapest-free": {
      const all = units(cart, matching(cart, benefit.scope), "asc");
      const free = Math.floor(all.length / benefit.every) * benefit.free;
      return perUnit(all.slice(0, free).map((u) => ({ index: u.index, amount: u.price })), remaining, n);
    }
    case "pack":
      return packs(benefit.skus, benefit.price, cart, remaining);
    case "shipping-free":
      return { ...none(n), shipping: shippingRemaining };
    case "shipping-amount":
      return { ...none(n), shipping: Math.min(benefit.amount, shippingRemaining) };
    case "shipping-percent":
      // P% of the shipping price, rounded half-up once, capped at the shipping left.
      return { ...none(n), shipping: Math.min(mulDivRoundHalfUp(cart.shipping.price, benefit.ratio.numerator, benefit.ratio.denominator), shippingRemaining) };
    case "coins":
      // Coins are not a discount: the engine prices them after the combination is chosen (see coins.ts).
      return none(n);
  }
}

/** Complete packs, most expensive units first; each pack's saving spread over its units by price. */
function packs(skus: readonly string[], price: number, cart: NormalizedCart, remaining: readonly number[]): BenefitResult {
  const n = cart.lines.length;
  const pools = new Map<string, Unit[]>();
  for (const sku of new Set(skus)) {
    const indexes = cart.lines.flatMap((line: NormalizedLine, i) => (line.sku === sku ? [i] : []));
    pools.set(sku, units(cart, indexes, "desc"));
  }
  const discounts: { index: number; amount: number }[] = [];
  for (;;) {
    const pack: Unit[] = [];
    for (const sku of skus) {
      const unit = pools.get(sku)!.shift();
      if (!unit) return perUnit(discounts, remaining, n);
      pack.push(unit);
    }
    const saving = pack.reduce((sum, u) => sum + u.price, 0) - price;
    if (saving <= 0) continue;
    const shares = allocateLargestRemainder(saving, pack.map((u) => u.price));
    pack.forEach((u, k) => discounts.push({ index: u.index, amount: shares[k]! }));
  }
}
