import type { NormalizedCart, NormalizedLine } from "../cart/types.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { mulDivRoundHalfUp } from "../money/arithmetic.js";
import type { Benefit, IndexKeys, LinePredicate } from "./program.js";

/**
 * What one promotion gives on top of the discounts applied before it. `remaining` holds each line's value after
 * those discounts (lines in the cart's normalised order, sorted by id); nothing here exceeds what remains.
 *
 * Only the lines it discounts are listed: a promotion touching 3 lines of a 2,000-line cart costs (and allocates)
 * for 3 lines, not 2,000.
 */
export interface BenefitResult {
  /** Item discount in minor units (shipping excluded). */
  amount: number;
  /** The lines it discounts, ascending line indexes. Shared with other results: never to be changed. */
  indexes: readonly number[];
  /** The part of `amount` each of `indexes` carries, minor units, each above 0. */
  amounts: readonly number[];
  shipping: number;
}

const NONE: readonly number[] = Object.freeze([]);

function none(shipping = 0): BenefitResult {
  return { amount: 0, indexes: NONE, amounts: NONE, shipping };
}

/** Each line's part of a result's amount, for all `n` lines of the cart (zeros for lines it does not discount). */
export function denseLines(result: Pick<BenefitResult, "indexes" | "amounts">, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = 0;
  for (let k = 0; k < result.indexes.length; k++) out[result.indexes[k]!] = result.amounts[k]!;
  return out;
}

/** Subtracts (sign −1) or adds back (sign 1) a result's line amounts to per-line values, in place. */
export function applyLines(values: number[], result: Pick<BenefitResult, "indexes" | "amounts">, sign: 1 | -1): void {
  const { indexes, amounts } = result;
  for (let k = 0; k < indexes.length; k++) values[indexes[k]!]! += sign * amounts[k]!;
}

/** A result over `indexes` (ascending) with `shares` (same positions), the lines whose share is 0 left out. */
function over(indexes: readonly number[], shares: number[], amount: number, shipping: number): BenefitResult {
  let zeros = 0;
  for (const share of shares) if (share <= 0) zeros++;
  if (zeros === 0) return { amount, indexes, amounts: shares, shipping };
  const kept: number[] = [];
  const amounts: number[] = [];
  for (let k = 0; k < indexes.length; k++) {
    if (shares[k]! <= 0) continue;
    kept.push(indexes[k]!);
    amounts.push(shares[k]!);
  }
  return { amount, indexes: kept, amounts, shipping };
}

const KEYED_FROM_LINES = 64;

/**
 * Which lines a scope matches, and which lines hold a SKU, remembered for one cart: a promotion is applied
 * several times while a cart is priced (alone, in the search, in explanations), and its scope's answer does not
 * depend on the discounts before it.
 */
export class CartLines {
  private readonly byScope = new Map<LinePredicate, readonly number[]>();
  private readonly runsByScope = new Map<LinePredicate | null, { desc?: readonly Run[]; asc?: readonly Run[] }>();
  private subtotals: Map<LinePredicate | null, number> | undefined;
  private quantities: Map<LinePredicate | null, number> | undefined;
  private bySku: Map<string, number[]> | undefined;
  private all: readonly number[] | undefined;

  /** Per line field, each value's lines (ascending), made when first asked for. */
  private byStore: Map<string, number[]> | undefined;
  private byCategory: Map<string, number[]> | undefined;
  private byTag: Map<string, number[]> | undefined;

  /**
   * `keysOf`: for the scopes whose index keys are known (ProgramFacts.scopeKeys), keys that a line must have to
   * match: only the lines holding one are tested, so a scope costs what it could match, not the whole cart.
   */
  constructor(
    readonly cart: NormalizedCart,
    private readonly keysOf?: ReadonlyMap<LinePredicate, IndexKeys>,
  ) {}

  matching(scope: LinePredicate | null): readonly number[] {
    const lines = this.cart.lines;
    if (scope === null) return (this.all ??= lines.map((_, i) => i));
    let found = this.byScope.get(scope);
    if (found === undefined) {
      const out: number[] = [];
      // A small cart is scanned: grouping its lines would cost more than testing them all (measured).
      const keys = lines.length > KEYED_FROM_LINES ? this.keysOf?.get(scope) : undefined;
      if (keys) {
        for (const i of this.holding(keys)) if (scope(lines[i]!, this.cart)) out.push(i);
      } else for (let i = 0; i < lines.length; i++) if (scope(lines[i]!, this.cart)) out.push(i);
      this.byScope.set(scope, (found = out));
    }
    return found;
  }

  /** The lines holding one of `keys`, ascending, each once. */
  private holding(keys: IndexKeys): readonly number[] {
    const lists: (readonly number[])[] = [];
    const add = (list: readonly number[] | undefined) => {
      if (list && list.length > 0) lists.push(list);
    };
    for (const sku of keys.skus ?? []) add(this.withSku(sku));
    for (const store of keys.stores ?? []) add((this.byStore ??= this.group((line) => [line.store])).get(store));
    for (const category of keys.categories ?? []) add((this.byCategory ??= this.group((line) => [line.category])).get(category));
    for (const tag of keys.tags ?? []) add((this.byTag ??= this.group((line) => line.tags)).get(tag));
    if (lists.length <= 1) return lists[0] ?? [];
    const merged = lists.flat().sort((a, b) => a - b);
    return merged.filter((i, k) => k === 0 || merged[k - 1] !== i);
  }

  /** Each value of a line field (several for tags) with its lines, ascending. */
  private group(values: (line: NormalizedLine) => Iterable<string>): Map<string, number[]> {
    const out = new Map<string, number[]>();
    this.cart.lines.forEach((line, i) => {
      for (const value of values(line)) {
        const list = out.get(value);
        if (list === undefined) out.set(value, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    return out;
  }

  /** The undiscounted subtotal of the lines a scope matches; summed once per cart and scope. */
  subtotal(scope: LinePredicate | null): number {
    return this.sum((this.subtotals ??= new Map()), scope, "subtotal");
  }

  /** The units of the lines a scope matches; counted once per cart and scope. */
  quantity(scope: LinePredicate | null): number {
    return this.sum((this.quantities ??= new Map()), scope, "quantity");
  }

  private sum(known: Map<LinePredicate | null, number>, scope: LinePredicate | null, field: "subtotal" | "quantity"): number {
    let sum = known.get(scope);
    if (sum === undefined) {
      sum = 0;
      for (const i of this.matching(scope)) sum += this.cart.lines[i]![field];
      known.set(scope, sum);
    }
    return sum;
  }

  /** The runs of the lines a scope matches, most expensive (or cheapest) first; shared, never to be changed. */
  runs(scope: LinePredicate | null, order: "desc" | "asc"): readonly Run[] {
    let entry = this.runsByScope.get(scope);
    if (entry === undefined) this.runsByScope.set(scope, (entry = {}));
    return (entry[order] ??= runs(this.cart, this.matching(scope), order));
  }

  withSku(sku: string): readonly number[] {
    if (this.bySku === undefined) {
      this.bySku = new Map();
      this.cart.lines.forEach((line, i) => {
        const list = this.bySku!.get(line.sku);
        if (list) list.push(i);
        else this.bySku!.set(line.sku, [i]);
      });
    }
    return this.bySku.get(sku) ?? [];
  }
}

/** Spreads `amount` over `indexes` in proportion to what remains of each line, exact by largest remainder. */
function spread(amount: number, indexes: readonly number[], remaining: readonly number[]): BenefitResult {
  const weights = new Array<number>(indexes.length);
  let total = 0;
  for (let k = 0; k < indexes.length; k++) total += weights[k] = remaining[indexes[k]!]!;
  const capped = Math.min(amount, total);
  if (capped <= 0) return none();
  if (indexes.length === 1) return { amount: capped, indexes, amounts: [capped], shipping: 0 };
  return over(indexes, allocateLargestRemainder(capped, weights), capped, 0);
}

/**
 * The units of one line, all at one price: units are handled in runs, never one by one, so a line of a million
 * units costs what a line of one does.
 */
interface Run {
  index: number;
  price: number;
  count: number;
}

/** The runs of the given lines, most expensive (or cheapest) first; equal prices keep line id order. */
function runs(cart: NormalizedCart, indexes: readonly number[], order: "desc" | "asc"): Run[] {
  const out = indexes.map((i) => ({ index: i, price: cart.lines[i]!.unitPrice, count: cart.lines[i]!.quantity }));
  // Lines are already in id order and the sort is stable, so equal prices keep id order.
  out.sort(order === "desc" ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  return out;
}

/** Per-line discounts added up unit group by unit group, then each line capped at what remains of it. */
class LineDiscounts {
  private readonly indexes: number[] = [];
  private readonly amounts: number[] = [];
  /** Where each line's entry is, when a line can be added to more than once (packs); runs add each line once. */
  private readonly at: Map<number, number> | undefined;

  constructor(repeats: boolean) {
    if (repeats) this.at = new Map();
  }

  add(index: number, amount: number): void {
    if (amount <= 0) return;
    const known = this.at?.get(index);
    if (known !== undefined) {
      this.amounts[known]! += amount;
      return;
    }
    this.at?.set(index, this.indexes.length);
    this.indexes.push(index);
    this.amounts.push(amount);
  }

  capped(remaining: readonly number[]): BenefitResult {
    const { indexes, amounts } = this;
    // Lines were added in price order: listed in index order, each held to what remains of it.
    const order = indexes.map((_, k) => k).sort((a, b) => indexes[a]! - indexes[b]!);
    const kept: number[] = [];
    const shares: number[] = [];
    let amount = 0;
    for (const k of order) {
      const i = indexes[k]!;
      const share = Math.min(amounts[k]!, remaining[i]!);
      if (share <= 0) continue;
      kept.push(i);
      shares.push(share);
      amount += share;
    }
    return { amount, indexes: kept, amounts: shares, shipping: 0 };
  }
}

/**
 * The first `limit` units of `ordered` that are `eligible` (all of them when limit is null), each discounted by
 * `discount(price)`.
 */
function firstUnits(
  ordered: readonly Run[],
  limit: number | null,
  discount: (price: number) => number,
  remaining: readonly number[],
  eligible?: (price: number) => boolean,
): BenefitResult {
  const out = new LineDiscounts(false);
  let left = limit ?? Number.MAX_SAFE_INTEGER;
  for (const run of ordered) {
    if (left <= 0) break;
    if (eligible !== undefined && !eligible(run.price)) continue;
    const taken = Math.min(run.count, left);
    left -= taken;
    out.add(run.index, taken * discount(run.price));
  }
  return out.capped(remaining);
}

/** The scope of lines a benefit discounts: null for the whole order, for packs (by SKU) and for shipping. */
export function benefitScope(benefit: Benefit): LinePredicate | null {
  switch (benefit.type) {
    case "amount":
    case "percent":
      return benefit.target.scope;
    case "amount-each":
    case "fixed-price":
    case "cheapest-free":
    case "coins":
      return benefit.scope;
    default:
      return null;
  }
}

export function computeBenefit(
  benefit: Benefit,
  cart: NormalizedCart,
  remaining: readonly number[],
  shippingRemaining: number,
  lines: CartLines = new CartLines(cart),
): BenefitResult {
  switch (benefit.type) {
    case "amount":
      return spread(benefit.amount, lines.matching(benefit.target.scope), remaining);
    case "percent": {
      const indexes = lines.matching(benefit.target.scope);
      let base = 0;
      if (benefit.after) for (const i of indexes) base += remaining[i]!;
      else base = lines.subtotal(benefit.target.scope);
      // Rounded half away from zero at the minor unit, once per promotion, before the cap.
      let amount = mulDivRoundHalfUp(base, benefit.ratio.numerator, benefit.ratio.denominator);
      if (benefit.cap !== null) amount = Math.min(amount, benefit.cap);
      return spread(amount, indexes, remaining);
    }
    case "amount-each": {
      const each = benefit.amount;
      return firstUnits(lines.runs(benefit.scope, "desc"), benefit.maxUnits, (price) => Math.min(each, price), remaining);
    }
    case "fixed-price": {
      const fixed = benefit.price;
      // Units at the fixed price or below get nothing and do not count towards the maximum.
      return firstUnits(
        lines.runs(benefit.scope, "desc"),
        benefit.maxUnits,
        (price) => price - fixed,
        remaining,
        (price) => price > fixed,
      );
    }
    case "cheapest-free": {
      const cheapest = lines.runs(benefit.scope, "asc");
      let units = 0;
      for (const run of cheapest) units += run.count;
      const free = Math.floor(units / benefit.every) * benefit.free;
      return firstUnits(cheapest, free, (price) => price, remaining);
    }
    case "pack":
      return packs(benefit.skus, benefit.price, cart, remaining, lines);
    case "shipping-free":
      return none(shippingRemaining);
    case "shipping-amount":
      return none(Math.min(benefit.amount, shippingRemaining));
    case "shipping-percent":
      // P% of the shipping price, rounded half-up once, capped at the shipping left.
      return none(Math.min(mulDivRoundHalfUp(cart.shipping.price, benefit.ratio.numerator, benefit.ratio.denominator), shippingRemaining));
    case "coins":
      // Coins are not a discount: the engine prices them after the combination is chosen (see coins.ts).
      return none();
    case "capped":
      return capped(computeBenefit(benefit.inner, cart, remaining, shippingRemaining, lines), benefit.cap);
  }
}

/** A benefit held to what is left of a budget (limits.ts): the cap spread over its lines and shipping, exactly. */
function capped(result: BenefitResult, cap: number): BenefitResult {
  if (result.amount + result.shipping <= cap) return result;
  // Over its lines in index order, then shipping: ties go to the line first in id order, as over the whole cart.
  const shares = allocateLargestRemainder(cap, [...result.amounts, result.shipping]);
  const shipping = shares.pop()!;
  return over(result.indexes, shares, cap - shipping, shipping);
}

/** A SKU's units for packs, most expensive first, taken from the front. */
class Pool {
  private at = 0;
  private usedOfHead = 0;

  constructor(private readonly runs: readonly Run[]) {}

  /** Units left in the run at the front (0 when the pool is empty). */
  headLeft(): number {
    return this.at < this.runs.length ? this.runs[this.at]!.count - this.usedOfHead : 0;
  }

  head(): Run {
    return this.runs[this.at]!;
  }

  take(units: number): void {
    this.usedOfHead += units;
    while (this.at < this.runs.length && this.usedOfHead >= this.runs[this.at]!.count) {
      this.usedOfHead -= this.runs[this.at]!.count;
      this.at++;
    }
  }
}

/**
 * Complete packs, most expensive units first; each pack's saving spread over its units by price. Consecutive
 * packs made of units at the same prices split their savings the same way, so they are handled as one batch.
 */
function packs(skus: readonly string[], price: number, cart: NormalizedCart, remaining: readonly number[], lines: CartLines): BenefitResult {
  const pools = new Map<string, Pool>();
  const perPack = new Map<string, number>();
  for (const sku of skus) {
    perPack.set(sku, (perPack.get(sku) ?? 0) + 1);
    if (pools.has(sku)) continue;
    const indexes = lines.withSku(sku);
    // A SKU the cart lacks means no complete pack.
    if (indexes.length === 0) return none();
    pools.set(sku, new Pool(runs(cart, indexes, "desc")));
  }
  const out = new LineDiscounts(true);
  for (;;) {
    // How many packs in a row take every unit from the runs now at the front of their pools.
    let batch = Number.MAX_SAFE_INTEGER;
    for (const [sku, pool] of pools) batch = Math.min(batch, Math.floor(pool.headLeft() / perPack.get(sku)!));
    if (batch >= 1) {
      const pack = skus.map((sku) => pools.get(sku)!.head());
      addPacks(pack, batch, price, out);
      for (const [sku, pool] of pools) pool.take(batch * perPack.get(sku)!);
      continue;
    }
    // One pack whose units straddle runs: unit by unit, in pack order.
    const pack: Run[] = [];
    for (const sku of skus) {
      const pool = pools.get(sku)!;
      if (pool.headLeft() === 0) return out.capped(remaining);
      pack.push(pool.head());
      pool.take(1);
    }
    addPacks(pack, 1, price, out);
  }
}

/** `count` packs of these units (one entry per unit) at `price` each. */
function addPacks(pack: readonly Run[], count: number, price: number, out: LineDiscounts): void {
  let sum = 0;
  for (const unit of pack) sum += unit.price;
  const saving = sum - price;
  if (saving <= 0) return;
  // Split over the pack's lines, not its units: by the value of the pack's units on each line, lines in index (id)
  // order, so equal remainders go to the line whose id comes first (docs/language.md, Pack).
  const byLine = new Map<number, number>();
  for (const unit of pack) byLine.set(unit.index, (byLine.get(unit.index) ?? 0) + unit.price);
  const indexes = [...byLine.keys()].sort((a, b) => a - b);
  const shares = allocateLargestRemainder(
    saving,
    indexes.map((index) => byLine.get(index)!),
  );
  indexes.forEach((index, k) => out.add(index, count * shares[k]!));
}
