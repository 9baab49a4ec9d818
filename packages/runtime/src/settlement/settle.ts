import { minorFormatter } from "../money/amount.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { mulDivRoundHalfUp } from "../money/arithmetic.js";
import type { CommissionRate, CommissionTable } from "../engine/program.js";
import { contextOf, type PricingContext } from "./context.js";
import { fundersOf, splitFunding } from "./split.js";

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
}

export interface SettlementFigures {
  items: string;
  discount: FundedAmount;
  coins: FundedAmount;
  shipping: string;
  shippingDiscount: FundedAmount;
  paid: string;
  commission: string;
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
}

const ZERO_RATE: CommissionRate = { numerator: 0, denominator: 1, text: "0%" };

/** The commission rate of a category: its row in the table, else the table's default; 0% without a table. */
export function commissionRate(table: CommissionTable | null | undefined, category: string): CommissionRate {
  if (!table) return ZERO_RATE;
  for (const row of table.categories) if (row.category === category) return row.rate;
  return table.default;
}

function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Each line's figures in minor units, in the cart's line order. */
export function lineFigures(context: PricingContext): LineFigures[] {
  const { cart, steps, coins, program } = context;
  const stepFunders = steps.map((s) => fundersOf(s.candidate.spec));
  const coinFunders = coins.map((c) => fundersOf(c.candidate.spec));
  return cart.lines.map((line, i) => {
    const discount = { total: 0, platform: 0, seller: 0 };
    steps.forEach((step, k) => {
      const a = step.result.lines[i]!;
      if (a <= 0) return;
      const share = splitFunding(a, stepFunders[k]!);
      discount.total += a;
      discount.platform += share.platform;
      discount.seller += share.seller;
    });
    const coinSplit = { total: 0, platform: 0, seller: 0 };
    coins.forEach((step, k) => {
      const c = step.lines[i]!;
      if (c <= 0) return;
      const share = splitFunding(c, coinFunders[k]!);
      coinSplit.total += c;
      coinSplit.platform += share.platform;
      coinSplit.seller += share.seller;
    });
    const rate = commissionRate(program.commission, line.category);
    const commissionBase = line.subtotal - discount.seller - coinSplit.seller;
    const commission = mulDivRoundHalfUp(commissionBase, rate.numerator, rate.denominator);
    return { items: line.subtotal, discount, coins: coinSplit, commissionBase, rate, commission };
  });
}

/**
 * Splits `amount` over the stores by their items, largest remainder; ties to the store with larger items, then
 * the store id first in code-point order. When no store has items, equally (ties by store id).
 */
function byStore(amount: number, order: readonly string[], items: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  if (order.length === 0) return out;
  const sorted = [...order].sort(codePointCompare);
  const weights = sorted.map((s) => items.get(s)!);
  const shares = allocateLargestRemainder(amount, weights.some((w) => w > 0) ? weights : weights.map(() => 1));
  sorted.forEach((s, k) => out.set(s, shares[k]!));
  return out;
}

export function computeSettlement(context: PricingContext): Settlement {
  const { cart, steps } = context;
  const money = minorFormatter(cart.currency);
  const figures = lineFigures(context);
  const stores = new Map<string, StoreFigures>();
  const linesOf = new Map<string, SettlementLine[]>();
  cart.lines.forEach((line, i) => {
    const f = figures[i]!;
    let store = stores.get(line.store);
    if (!store) {
      store = {
        items: 0,
        discount: { total: 0, platform: 0, seller: 0 },
        coins: { total: 0, platform: 0, seller: 0 },
        shipping: 0,
        shippingDiscount: { total: 0, platform: 0, seller: 0 },
        goodsPaid: 0,
        commissionBase: 0,
        commission: 0,
      };
      stores.set(line.store, store);
      linesOf.set(line.store, []);
    }
    const paid = f.items - f.discount.total - f.coins.total;
    store.items += f.items;
    add(store.discount, f.discount);
    add(store.coins, f.coins);
    store.goodsPaid += paid;
    store.commissionBase += f.commissionBase;
    store.commission += f.commission;
    linesOf.get(line.store)!.push({
      line: line.id,
      items: money(f.items),
      discount: funded(f.discount, money),
      coins: funded(f.coins, money),
      paid: money(paid),
      commissionRate: f.rate.text,
      commission: money(f.commission),
    });
  });
  const order = [...stores.keys()];
  const items = new Map(order.map((s) => [s, stores.get(s)!.items]));
  for (const [s, share] of byStore(cart.shipping.price, order, items)) stores.get(s)!.shipping = share;
  for (const step of steps) {
    if (step.result.shipping <= 0) continue;
    const share = splitFunding(step.result.shipping, fundersOf(step.candidate.spec));
    for (const [s, part] of byStore(share.platform, order, items)) stores.get(s)!.shippingDiscount.platform += part;
    for (const [s, part] of byStore(share.seller, order, items)) stores.get(s)!.shippingDiscount.seller += part;
  }
  const totals: StoreFigures = {
    items: 0,
    discount: { total: 0, platform: 0, seller: 0 },
    coins: { total: 0, platform: 0, seller: 0 },
    shipping: 0,
    shippingDiscount: { total: 0, platform: 0, seller: 0 },
    goodsPaid: 0,
    commissionBase: 0,
    commission: 0,
  };
  const out: SettlementStore[] = [];
  for (const s of order) {
    const f = stores.get(s)!;
    f.shippingDiscount.total = f.shippingDiscount.platform + f.shippingDiscount.seller;
    totals.items += f.items;
    add(totals.discount, f.discount);
    add(totals.coins, f.coins);
    totals.shipping += f.shipping;
    add(totals.shippingDiscount, f.shippingDiscount);
    totals.goodsPaid += f.goodsPaid;
    totals.commissionBase += f.commissionBase;
    totals.commission += f.commission;
    out.push({ store: s, ...storeFigures(f, money), lines: linesOf.get(s)! });
  }
  return { currency: cart.currency, stores: out, totals: storeFigures(totals, money) };
}

function add(to: Split, from: Split): void {
  to.total += from.total;
  to.platform += from.platform;
  to.seller += from.seller;
}

function funded(split: Split, money: (minor: number) => string): FundedAmount {
  return { total: money(split.total), platform: money(split.platform), seller: money(split.seller) };
}

function storeFigures(f: StoreFigures, money: (minor: number) => string): SettlementFigures {
  return {
    items: money(f.items),
    discount: funded(f.discount, money),
    coins: funded(f.coins, money),
    shipping: money(f.shipping),
    shippingDiscount: funded(f.shippingDiscount, money),
    paid: money(f.goodsPaid + f.shipping - f.shippingDiscount.total),
    commission: money(f.commission),
    sellerNet: money(f.commissionBase - f.commission + f.shipping - f.shippingDiscount.seller),
  };
}

/** The settlement of a result `evaluate` returned (the same object as `result.settlement`). */
export function settle(result: object): Settlement {
  const context = contextOf(result);
  if (!context) throw new TypeError("settle: not a pricing result returned by evaluate");
  return (context.settlement ??= computeSettlement(context)) as Settlement;
}
