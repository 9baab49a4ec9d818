import { minorFormatter } from "../money/amount.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { mulDivRoundHalfUp } from "../money/arithmetic.js";
import type { CommissionRate, CommissionTable } from "../engine/program.js";
import { cartOrder } from "../cart/order.js";
import { readAttribution, type AffiliateLine, type AttributionError, type SettlementOptions } from "./affiliate.js";
import { contextOf, type PricingContext } from "./context.js";
import { fundersOf, splitFunding, type Funders } from "./split.js";

/**
 * Settlement: who funded every minor unit of the order's discounts and coins, what each store's buyer paid, the
 * platform's commission and each seller's net (docs/language.md, Settlement). A pure function of the cart, the
 * program and the priced result, computed only when asked for.
 */
export interface FundedAmount {
  total: string;
  platform: string;
  seller: string;
}

export interface SettlementLine {
  line: string;
  items: string;
  discount: FundedAmount;
  coins: FundedAmount;
  paid: string;
  commissionRate: string;
  commission: string;
  /** With an attribution: the line's winning webmaster, or null. */
  webmaster?: string | null;
  /** With an attribution: the affiliate commission the line's goods owe. */
  affiliateCommission?: string;
}

export interface SettlementFigures {
  items: string;
  discount: FundedAmount;
  coins: FundedAmount;
  shipping: string;
  shippingDiscount: FundedAmount;
  paid: string;
  commission: string;
  /** With an attribution: the affiliate commissions of the store's goods (taken off `sellerNet`). */
  affiliateCommission?: string;
  sellerNet: string;
}

export interface SettlementStore extends SettlementFigures {
  store: string;
  lines: SettlementLine[];
}

export interface Settlement {
  currency: string;
  stores: SettlementStore[];
  totals: SettlementFigures;
}

/** The figures of one line in minor units (also what returns divide over units). */
export interface LineFigures {
  items: number;
  discount: Split;
  coins: Split;
  commissionBase: number;
  rate: CommissionRate;
  commission: number;
}

interface Split {
  total: number;
  platform: number;
  seller: number;
}

interface StoreFigures {
  items: number;
  discount: Split;
  coins: Split;
  shipping: number;
  shippingDiscount: Split;
  goodsPaid: number;
  commissionBase: number;
  commission: number;
  affiliate: number;
}

const ZERO_RATE: CommissionRate = { numerator: 0, denominator: 1, text: "0%" };

/** The commission rate of a category: its row in the table, else the table's default; 0% without a table. */
export function commissionRate(table: CommissionTable | null | undefined, category: string): CommissionRate {
  if (!table) return ZERO_RATE;
  for (const row of table.categories) if (row.category === category) return row.rate;
  return table.default;
}

const HIGH_UTF16 = /[\uD800-\uFFFF]/;

/** Code-point order of two strings without allocating: UTF-16 order, with surrogates moved above U+FFFF. */
function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Sorts store indexes by their names in code-point order. An insertion sort: orders have a few dozen stores, and
 * Array.prototype.sort with a comparator cost more than the rest of the settlement together (measured).
 */
function sortByName(byId: number[], names: readonly string[]): void {
  // UTF-16 order is code-point order unless a surrogate meets a character above it (U+E000 … U+FFFF).
  const plain = !names.some((name) => HIGH_UTF16.test(name));
  for (let i = 1; i < byId.length; i++) {
    const id = byId[i]!;
    const name = names[id]!;
    let j = i - 1;
    while (j >= 0 && (plain ? names[byId[j]!]! > name : codePointCompare(names[byId[j]!]!, name) > 0)) {
      byId[j + 1] = byId[j]!;
      j--;
    }
    byId[j + 1] = id;
  }
}

const split = (): Split => ({ total: 0, platform: 0, seller: 0 });

/** Adds the funders' shares of `amount` to `to` (one party alone needs no split). */
function addSplit(to: Split, amount: number, funders: Funders): void {
  if (funders.seller === 0) to.platform += amount;
  else if (funders.platform === 0) to.seller += amount;
  else {
    const share = splitFunding(amount, funders);
    to.platform += share.platform;
    to.seller += share.seller;
  }
}

/** Each line's figures in minor units, in the cart's line order. */
export function lineFigures(context: PricingContext): LineFigures[] {
  const { cart, steps, coins, program } = context;
  const stepFunders = steps.map((s) => fundersOf(s.candidate.spec));
  const coinFunders = coins.map((c) => fundersOf(c.candidate.spec));
  const out: LineFigures[] = new Array<LineFigures>(cart.lines.length);
  for (let i = 0; i < cart.lines.length; i++) {
    const line = cart.lines[i]!;
    const discount = split();
    for (let k = 0; k < steps.length; k++) {
      const a = steps[k]!.result.lines[i]!;
      if (a <= 0) continue;
      discount.total += a;
      addSplit(discount, a, stepFunders[k]!);
    }
    const coinSplit = split();
    for (let k = 0; k < coins.length; k++) {
      const c = coins[k]!.lines[i]!;
      if (c <= 0) continue;
      coinSplit.total += c;
      addSplit(coinSplit, c, coinFunders[k]!);
    }
    const rate = commissionRate(program.commission, line.category);
    const commissionBase = line.subtotal - discount.seller - coinSplit.seller;
    const commission = rate.numerator === 0 ? 0 : mulDivRoundHalfUp(commissionBase, rate.numerator, rate.denominator);
    out[i] = { items: line.subtotal, discount, coins: coinSplit, commissionBase, rate, commission };
  }
  return out;
}

/**
 * Adds `amount` split over the stores by their items (largest remainder; ties to the store with larger items, then
 * the store id first in code-point order: `byId` lists the store indexes in that order) to `into[store]`. When no
 * store has items, equally (ties by store id).
 */
function addByStore(amount: number, byId: readonly number[], weights: readonly number[], into: number[]): void {
  if (amount === 0 || byId.length === 0) return;
  const shares = allocateLargestRemainder(amount, weights);
  for (let k = 0; k < byId.length; k++) into[byId[k]!]! += shares[k]!;
}

function newStore(): StoreFigures {
  return { items: 0, discount: split(), coins: split(), shipping: 0, shippingDiscount: split(), goodsPaid: 0, commissionBase: 0, commission: 0, affiliate: 0 };
}

/** `affiliates`: per cart line, its attribution (docs/language.md, Affiliate commissions in settlement and returns). */
export function computeSettlement(context: PricingContext, affiliates?: readonly (AffiliateLine | undefined)[]): Settlement {
  const { cart, steps } = context;
  const money = minorFormatter(cart.currency);
  const zero = money(0);
  const format = (minor: number) => (minor === 0 ? zero : money(minor));
  const figures = lineFigures(context);
  const index = new Map<string, number>();
  const names: string[] = [];
  const stores: StoreFigures[] = [];
  const linesOf: SettlementLine[][] = [];
  // A store with one line repeats that line's figures: its strings are reused rather than formatted again.
  const soleLine: (SettlementLine | null)[] = [];
  // Stores in order of first appearance in the cart, lines in cart order (pricing holds them sorted by id).
  for (const i of cartOrder(cart.lines)) {
    const line = cart.lines[i]!;
    const f = figures[i]!;
    let s = index.get(line.store);
    if (s === undefined) {
      index.set(line.store, (s = names.length));
      names.push(line.store);
      stores.push(newStore());
      linesOf.push([]);
    }
    const store = stores[s]!;
    const paid = f.items - f.discount.total - f.coins.total;
    store.items += f.items;
    add(store.discount, f.discount);
    add(store.coins, f.coins);
    store.goodsPaid += paid;
    store.commissionBase += f.commissionBase;
    store.commission += f.commission;
    const settled: SettlementLine = {
      line: line.id,
      items: format(f.items),
      discount: funded(f.discount, format),
      coins: funded(f.coins, format),
      paid: format(paid),
      commissionRate: f.rate.text,
      commission: format(f.commission),
    };
    soleLine[s] = linesOf[s]!.length === 0 ? settled : null;
    if (affiliates) {
      const affiliate = affiliates[i];
      store.affiliate += affiliate?.commission ?? 0;
      settled.webmaster = affiliate?.webmaster ?? null;
      settled.affiliateCommission = format(affiliate?.commission ?? 0);
    }
    linesOf[s]!.push(settled);
  }
  // Shipping and its discounts, attributed to the stores by items.
  const byId = names.map((_, s) => s);
  sortByName(byId, names);
  let weights = byId.map((s) => stores[s]!.items);
  if (!weights.some((w) => w > 0)) weights = weights.map(() => 1);
  const shipping = new Array<number>(names.length).fill(0);
  addByStore(cart.shipping.price, byId, weights, shipping);
  const shipPlatform = new Array<number>(names.length).fill(0);
  const shipSeller = new Array<number>(names.length).fill(0);
  for (const step of steps) {
    if (step.result.shipping <= 0) continue;
    const share = splitFunding(step.result.shipping, fundersOf(step.candidate.spec));
    addByStore(share.platform, byId, weights, shipPlatform);
    addByStore(share.seller, byId, weights, shipSeller);
  }
  const totals = newStore();
  const out: SettlementStore[] = new Array<SettlementStore>(names.length);
  for (let s = 0; s < names.length; s++) {
    const f = stores[s]!;
    f.shipping = shipping[s]!;
    f.shippingDiscount.platform = shipPlatform[s]!;
    f.shippingDiscount.seller = shipSeller[s]!;
    f.shippingDiscount.total = shipPlatform[s]! + shipSeller[s]!;
    totals.items += f.items;
    add(totals.discount, f.discount);
    add(totals.coins, f.coins);
    totals.shipping += f.shipping;
    add(totals.shippingDiscount, f.shippingDiscount);
    totals.goodsPaid += f.goodsPaid;
    totals.commissionBase += f.commissionBase;
    totals.commission += f.commission;
    totals.affiliate += f.affiliate;
    const store = storeFigures(f, format, affiliates !== undefined, { name: names[s]!, lines: linesOf[s]!, sole: soleLine[s]! });
    out[s] = store;
  }
  return { currency: cart.currency, stores: out, totals: storeFigures(totals, format, affiliates !== undefined) };
}

function add(to: Split, from: Split): void {
  to.total += from.total;
  to.platform += from.platform;
  to.seller += from.seller;
}

/** The three strings of a split; one party alone pays the whole, so its string is the total's (most do). */
function funded(split: Split, money: (minor: number) => string): FundedAmount {
  const total = money(split.total);
  const platform = split.platform === split.total ? total : money(split.platform);
  const seller = split.seller === split.total ? total : money(split.seller);
  return { total, platform, seller };
}

/** A copy of a line's funded strings, for the store of that line alone. */
const copyFunded = (a: FundedAmount): FundedAmount => ({ total: a.total, platform: a.platform, seller: a.seller });

/** The figures in money strings: the order's totals, or (with `store`) one store's entry, built in place. */
function storeFigures(f: StoreFigures, money: (minor: number) => string, withAffiliates: boolean): SettlementFigures;
function storeFigures(
  f: StoreFigures,
  money: (minor: number) => string,
  withAffiliates: boolean,
  store: { name: string; lines: SettlementLine[]; sole: SettlementLine | null },
): SettlementStore;
function storeFigures(
  f: StoreFigures,
  money: (minor: number) => string,
  withAffiliates: boolean,
  store?: { name: string; lines: SettlementLine[]; sole: SettlementLine | null },
): SettlementFigures | SettlementStore {
  const sole = store?.sole ?? null;
  const items = sole ? sole.items : money(f.items);
  const discount = sole ? copyFunded(sole.discount) : funded(f.discount, money);
  const coins = sole ? copyFunded(sole.coins) : funded(f.coins, money);
  const shipping = money(f.shipping);
  const shippingDiscount = funded(f.shippingDiscount, money);
  const paid = money(f.goodsPaid + f.shipping - f.shippingDiscount.total);
  const commission = sole ? sole.commission : money(f.commission);
  const sellerNet = money(f.commissionBase - f.commission - f.affiliate + f.shipping - f.shippingDiscount.seller);
  const figures: SettlementFigures | SettlementStore =
    store === undefined
      ? { items, discount, coins, shipping, shippingDiscount, paid, commission, sellerNet }
      : { store: store.name, items, discount, coins, shipping, shippingDiscount, paid, commission, sellerNet, lines: store.lines };
  if (withAffiliates) figures.affiliateCommission = money(f.affiliate);
  return figures;
}

/**
 * The settlement of a result `evaluate` returned (the same object as `result.settlement`). With `{ attribution }`
 * (what `attribute(order, journey)` returned for the order), each line, store and the totals carry the affiliate
 * commissions too; an attribution that does not fit the order is returned as `{ errors }` naming its path.
 */
export function settle(result: object): Settlement;
export function settle(result: object, options: SettlementOptions): Settlement | { errors: AttributionError[] };
export function settle(result: object, options?: SettlementOptions): Settlement | { errors: AttributionError[] } {
  const context = contextOf(result);
  if (!context) throw new TypeError("settle: not a pricing result returned by evaluate");
  if (options?.attribution === undefined) return (context.settlement ??= computeSettlement(context)) as Settlement;
  const read = readAttribution(options.attribution, context.cart);
  if ("errors" in read) return read;
  return computeSettlement(context, read.lines);
}
