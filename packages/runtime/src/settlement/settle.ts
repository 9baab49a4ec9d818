import { minorFormatter } from "../money/amount.js";
import { cartOrder } from "../cart/order.js";
import type { NormalizedCart } from "../cart/types.js";
import { readAttribution, type AffiliateLine, type AttributionError, type SettlementOptions } from "./affiliate.js";
import { contextOf, type PricingContext } from "./context.js";
import {
  L_COINS_PLATFORM,
  L_COINS_SELLER,
  L_COMMISSION,
  L_DISCOUNT_PLATFORM,
  L_DISCOUNT_SELLER,
  LINE_WIDTH,
  S_AFFILIATE,
  S_COINS_PLATFORM,
  S_COINS_SELLER,
  S_COMMISSION,
  S_DISCOUNT_PLATFORM,
  S_DISCOUNT_SELLER,
  S_ITEMS,
  S_SHIPPING,
  S_SHIPPING_DISCOUNT_PLATFORM,
  S_SHIPPING_DISCOUNT_SELLER,
  commissionRate,
  lineRows,
  settlementNumbers,
  STORE_WIDTH,
  type SettlementNumbers,
} from "./figures.js";

export { commissionRate };

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

type Money = (minor: number) => string;

/** A funded amount's three strings from its parts; one party alone pays the whole, so its string is the total's. */
function funded(platform: number, seller: number, money: Money): FundedAmount {
  if (seller === 0) {
    const total = money(platform);
    return { total, platform: total, seller: money(0) };
  }
  if (platform === 0) {
    const total = money(seller);
    return { total, platform: money(0), seller: total };
  }
  return { total: money(platform + seller), platform: money(platform), seller: money(seller) };
}

function lineEntry(numbers: SettlementNumbers, rows: readonly number[], i: number, cart: NormalizedCart, money: Money): SettlementLine {
  const at = i * LINE_WIDTH;
  const line = cart.lines[i]!;
  const dp = rows[at + L_DISCOUNT_PLATFORM]!;
  const ds = rows[at + L_DISCOUNT_SELLER]!;
  const cp = rows[at + L_COINS_PLATFORM]!;
  const cs = rows[at + L_COINS_SELLER]!;
  const entry: SettlementLine = {
    line: line.id,
    items: money(line.subtotal),
    discount: funded(dp, ds, money),
    coins: funded(cp, cs, money),
    paid: money(line.subtotal - dp - ds - cp - cs),
    commissionRate: commissionRate(numbers.commission, line.category).text,
    commission: money(rows[at + L_COMMISSION]!),
  };
  if (numbers.affiliates) {
    const affiliate = numbers.affiliates[i];
    entry.webmaster = affiliate?.webmaster ?? null;
    entry.affiliateCommission = money(affiliate?.commission ?? 0);
  }
  return entry;
}

/** A copy of a line's funded strings, for the store of that line alone. */
const copyFunded = (a: FundedAmount): FundedAmount => ({ total: a.total, platform: a.platform, seller: a.seller });

/**
 * The figures of store `s` in money strings, or the totals' (the row after the last store, no `store`). A store of
 * one line has that line's items, discount, coins and commission: their strings are reused rather than made again.
 */
function figuresEntry(numbers: SettlementNumbers, s: number, money: Money): SettlementFigures;
function figuresEntry(numbers: SettlementNumbers, s: number, money: Money, store: string, lines: SettlementLine[]): SettlementStore;
function figuresEntry(numbers: SettlementNumbers, s: number, money: Money, store?: string, lines?: SettlementLine[]): SettlementFigures | SettlementStore {
  const rows = numbers.stores;
  const at = s * STORE_WIDTH;
  const sole = lines?.length === 1 ? lines[0]! : undefined;
  const items = rows[at + S_ITEMS]!;
  const dp = rows[at + S_DISCOUNT_PLATFORM]!;
  const ds = rows[at + S_DISCOUNT_SELLER]!;
  const cp = rows[at + S_COINS_PLATFORM]!;
  const cs = rows[at + S_COINS_SELLER]!;
  const shipping = rows[at + S_SHIPPING]!;
  const sdp = rows[at + S_SHIPPING_DISCOUNT_PLATFORM]!;
  const sds = rows[at + S_SHIPPING_DISCOUNT_SELLER]!;
  const commission = rows[at + S_COMMISSION]!;
  const affiliate = rows[at + S_AFFILIATE]!;
  const itemsText = sole ? sole.items : money(items);
  const discount = sole ? copyFunded(sole.discount) : funded(dp, ds, money);
  const coins = sole ? copyFunded(sole.coins) : funded(cp, cs, money);
  const shippingText = money(shipping);
  const shippingDiscount = funded(sdp, sds, money);
  const paid = money(items - dp - ds - cp - cs + shipping - sdp - sds);
  const commissionText = sole ? sole.commission : money(commission);
  // The commission base (items − seller-funded discounts and coins) less the commissions, plus shipping less its
  // seller-funded discount.
  const sellerNet = money(items - ds - cs - commission - affiliate + shipping - sds);
  const figures: SettlementFigures | SettlementStore =
    store === undefined
      ? { items: itemsText, discount, coins, shipping: shippingText, shippingDiscount, paid, commission: commissionText, sellerNet }
      : { store, items: itemsText, discount, coins, shipping: shippingText, shippingDiscount, paid, commission: commissionText, sellerNet, lines: lines! };
  if (numbers.affiliates) figures.affiliateCommission = sole ? sole.affiliateCommission! : money(affiliate);
  return figures;
}

/** Every store's entry, its lines in cart order. */
function storeEntries(numbers: SettlementNumbers, context: PricingContext, money: Money): SettlementStore[] {
  const { cart } = context;
  const rows = lineRows(context);
  const lines: SettlementLine[][] = numbers.storeNames.map(() => []);
  for (const i of cartOrder(cart.lines)) lines[numbers.storeOf[i]!]!.push(lineEntry(numbers, rows, i, cart, money));
  return numbers.storeNames.map((store, s) => figuresEntry(numbers, s, money, store, lines[s]!));
}

/**
 * The settlement as its reader sees it. Every store's and the order's figures are worked out, in minor units, before
 * this is made (the lines' figures along the way, worked out again with their strings); the money strings of
 * `stores` and of `totals` are made the first time each is read (docs/language.md, Settlement), and from then on
 * each is an ordinary enumerable property. `JSON.stringify` gives the whole settlement at any time.
 */
class SettlementView implements Settlement {
  readonly currency: string;
  readonly #context: PricingContext;
  readonly #numbers: SettlementNumbers;
  #money: Money | undefined;

  constructor(context: PricingContext, numbers: SettlementNumbers) {
    this.currency = context.cart.currency;
    this.#context = context;
    this.#numbers = numbers;
  }

  get stores(): SettlementStore[] {
    return this.#keep("stores", storeEntries(this.#numbers, this.#context, this.#format()));
  }

  get totals(): SettlementFigures {
    return this.#keep("totals", figuresEntry(this.#numbers, this.#numbers.storeNames.length, this.#format()));
  }

  toJSON(): Settlement {
    return { currency: this.currency, stores: this.stores, totals: this.totals };
  }

  /** Makes `value` the object's own property `key`, so the strings are made once and the object reads as plain. */
  #keep<T>(key: "stores" | "totals", value: T): T {
    Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true });
    return value;
  }

  #format(): Money {
    if (this.#money) return this.#money;
    const formatter = minorFormatter(this.currency);
    const zero = formatter(0);
    return (this.#money = (minor) => (minor === 0 ? zero : formatter(minor)));
  }
}

/** `affiliates`: per cart line, its attribution (docs/language.md, Affiliate commissions in settlement and returns). */
export function computeSettlement(context: PricingContext, affiliates?: readonly (AffiliateLine | undefined)[]): Settlement {
  return new SettlementView(context, settlementNumbers(context, affiliates));
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
