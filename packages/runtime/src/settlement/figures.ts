import { allocateLargestRemainderInto } from "../money/allocate.js";
import { mulDivRoundHalfUp } from "../money/arithmetic.js";
import type { CommissionRate, CommissionTable } from "../engine/program.js";
import { cartOrder, inCartOrder } from "../cart/order.js";
import type { NormalizedLine } from "../cart/types.js";
import type { AffiliateLine } from "./affiliate.js";
import type { PricingContext } from "./context.js";
import { fundersOf, splitFunding, type Funders } from "./split.js";

/**
 * The settlement's figures in integer minor units (docs/language.md, Settlement), worked out without a money string
 * or an object per figure: one row of numbers per store and one for the totals, in one flat array. The money
 * strings a reader sees are made from these rows when read (settle.ts), with the line rows worked out again then;
 * refunds read the commission column of the line rows.
 *
 * A row keeps only what cannot be read off the others: a discount's total is its platform part plus its seller
 * part (the split is exact), a line's items are its subtotal, and a commission base is items − the seller-funded
 * discounts − the seller-funded coins.
 */

// Columns of a line's row.
export const L_DISCOUNT_PLATFORM = 0;
export const L_DISCOUNT_SELLER = 1;
export const L_COINS_PLATFORM = 2;
export const L_COINS_SELLER = 3;
export const L_COMMISSION = 4;
export const LINE_WIDTH = 5;

// Columns of a store's row; the totals are one more row after the stores.
export const S_ITEMS = 0;
export const S_DISCOUNT_PLATFORM = 1;
export const S_DISCOUNT_SELLER = 2;
export const S_COINS_PLATFORM = 3;
export const S_COINS_SELLER = 4;
export const S_SHIPPING = 5;
export const S_SHIPPING_DISCOUNT_PLATFORM = 6;
export const S_SHIPPING_DISCOUNT_SELLER = 7;
export const S_COMMISSION = 8;
export const S_AFFILIATE = 9;
export const STORE_WIDTH = 10;

export interface SettlementNumbers {
  /** The store rows, then the totals row. */
  readonly stores: number[];
  /** The program's commission table (each line's rate is its category's). */
  readonly commission: CommissionTable | null | undefined;
  /** The stores in order of first appearance in the cart. */
  readonly storeNames: string[];
  /** Per line (pricing order), the index of its store. */
  readonly storeOf: number[];
  /** Per line (pricing order), its attribution; absent without one. */
  readonly affiliates?: readonly (AffiliateLine | undefined)[];
}

const ZERO_RATE: CommissionRate = { numerator: 0, denominator: 1, text: "0%" };

/** The commission rate of a category: its row in the table, else the table's default; 0% without a table. */
export function commissionRate(table: CommissionTable | null | undefined, category: string): CommissionRate {
  if (!table) return ZERO_RATE;
  for (const row of table.categories) if (row.category === category) return row.rate;
  return table.default;
}

/** `base` × rate, rounded half away from zero (docs/language.md, Commission). */
function commissionOn(base: number, rate: CommissionRate): number {
  const { numerator, denominator } = rate;
  if (numerator === 0) return 0;
  const product = base * numerator;
  // The common case in plain numbers: a non-negative base whose product, plus the divisor, is exact in a double.
  if (product >= 0 && denominator > 0 && product + denominator <= Number.MAX_SAFE_INTEGER) {
    let quotient = Math.floor(product / denominator);
    let remainder = product - quotient * denominator;
    // The floating division is within one of the true quotient.
    if (remainder < 0) {
      quotient--;
      remainder += denominator;
    } else if (remainder >= denominator) {
      quotient++;
      remainder -= denominator;
    }
    return 2 * remainder >= denominator ? quotient + 1 : quotient;
  }
  return mulDivRoundHalfUp(base, numerator, denominator);
}

/** Adds `amount`'s funders' shares to the platform column `at` and the seller column `at + 1`. */
function addFunded(rows: ArrayLike<number> & { [i: number]: number }, at: number, amount: number, funders: Funders): void {
  if (funders.seller === 0) rows[at]! += amount;
  else if (funders.platform === 0) rows[at + 1]! += amount;
  else {
    const share = splitFunding(amount, funders);
    rows[at]! += share.platform;
    rows[at + 1]! += share.seller;
  }
}

/**
 * Per line (pricing order), its discounts and coins by funder and its commission, written into `rows` (zeroed,
 * LINE_WIDTH numbers per line).
 */
function fillLineRows(context: PricingContext, rows: ArrayLike<number> & { [i: number]: number }): void {
  const { cart, steps, coins, program } = context;
  const n = cart.lines.length;
  for (let k = 0; k < steps.length; k++) {
    const { indexes, amounts } = steps[k]!.result;
    const funders = fundersOf(steps[k]!.candidate.spec);
    for (let j = 0; j < indexes.length; j++) addFunded(rows, indexes[j]! * LINE_WIDTH + L_DISCOUNT_PLATFORM, amounts[j]!, funders);
  }
  for (let k = 0; k < coins.length; k++) {
    const shares = coins[k]!.lines;
    const funders = fundersOf(coins[k]!.candidate.spec);
    for (let i = 0; i < n; i++) if (shares[i]! > 0) addFunded(rows, i * LINE_WIDTH + L_COINS_PLATFORM, shares[i]!, funders);
  }
  // Lines of one category follow one another more often than not: the last rate looked up is tried first.
  let category: string | undefined;
  let rate = ZERO_RATE;
  for (let i = 0; i < n; i++) {
    const line = cart.lines[i]!;
    const at = i * LINE_WIDTH;
    if (line.category !== category) rate = commissionRate(program.commission, (category = line.category));
    rows[at + L_COMMISSION] = commissionOn(line.subtotal - rows[at + L_DISCOUNT_SELLER]! - rows[at + L_COINS_SELLER]!, rate);
  }
}

/** Every line's row in a new array (what the money strings and refunds read). */
export function lineRows(context: PricingContext): number[] {
  const size = context.cart.lines.length * LINE_WIDTH;
  const rows = new Array<number>(size);
  for (let k = 0; k < size; k++) rows[k] = 0;
  fillLineRows(context, rows);
  return rows;
}

// Scratch for the line rows while the store rows are summed (nothing in between can call back into this module).
let lineScratch = new Float64Array(64);

/**
 * A store name's slot in an open-addressing table of `mask + 1` slots: a hash of its length and a few of its last
 * and first characters (ids tend to differ at the end). A poor spread only makes probes longer, never a wrong group.
 */
function slotOf(name: string, mask: number): number {
  const n = name.length;
  let h = n * 0x9e3779b1;
  if (n > 0) h = Math.imul(h ^ name.charCodeAt(n - 1), 0x85ebca6b) ^ name.charCodeAt(0);
  if (n > 1) h = Math.imul(h ^ name.charCodeAt(n - 2), 0xc2b2ae35);
  if (n > 2) h = Math.imul(h ^ name.charCodeAt(n - 3), 0x27d4eb2f) ^ name.charCodeAt(n >> 1);
  return (h ^ (h >>> 15)) & mask;
}

// The table's slots hold store index + 1 (0: empty); cleared after each use.
let storeSlots = new Int32Array(64);

/** Groups the lines by store: the stores in order of first appearance in cart order, and each line's store. */
function groupByStore(lines: readonly NormalizedLine[]): { storeNames: string[]; storeOf: number[] } {
  // Lines given in id order need no permutation to be read in cart order.
  const order = inCartOrder(lines) ? undefined : cartOrder(lines);
  const storeNames: string[] = [];
  const storeOf = new Array<number>(lines.length);
  let size = 16;
  while (size < 2 * lines.length) size *= 2;
  if (storeSlots.length < size) storeSlots = new Int32Array(size);
  const slots = storeSlots;
  const mask = size - 1;
  for (let p = 0; p < lines.length; p++) {
    const i = order ? order[p]! : p;
    const name = lines[i]!.store;
    let h = slotOf(name, mask);
    let s = -1;
    for (let slot = slots[h]!; slot !== 0; slot = slots[h]!) {
      if (storeNames[slot - 1] === name) {
        s = slot - 1;
        break;
      }
      h = (h + 1) & mask;
    }
    if (s < 0) {
      s = storeNames.length;
      storeNames.push(name);
      slots[h] = s + 1;
    }
    storeOf[i] = s;
  }
  slots.fill(0, 0, size);
  return { storeNames, storeOf };
}

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
 * The order's shipping and each shipping discount's funders' shares, attributed to the stores by their items:
 * largest remainder, ties to the store with larger items, then the store id first in code-point order; when no
 * store has items, equally.
 */
function attributeShipping(context: PricingContext, numbers: SettlementNumbers): void {
  const { cart, steps } = context;
  const { stores: rows, storeNames } = numbers;
  const storeCount = storeNames.length;
  let discounted = false;
  for (let k = 0; k < steps.length; k++) if (steps[k]!.result.shipping > 0) discounted = true;
  if (storeCount === 0 || (cart.shipping.price === 0 && !discounted)) return;
  const weights = new Array<number>(storeCount);
  let anyItems = false;
  for (let s = 0; s < storeCount; s++) anyItems = (weights[s] = rows[s * STORE_WIDTH + S_ITEMS]!) > 0 || anyItems;
  if (!anyItems) weights.fill(1);
  const byStoreId = (a: number, b: number) => codePointCompare(storeNames[a]!, storeNames[b]!);
  // The split of an amount depends on nothing else: a discount of the whole shipping (free shipping, one funder)
  // is split as the shipping price was, so the last split is kept for an equal amount.
  const shares = new Array<number>(storeCount);
  let lastAmount = -1;
  const add = (amount: number, column: number) => {
    if (amount === 0) return;
    if (amount !== lastAmount) {
      allocateLargestRemainderInto(amount, weights, byStoreId, shares);
      lastAmount = amount;
    }
    for (let s = 0; s < storeCount; s++) rows[s * STORE_WIDTH + column]! += shares[s]!;
  };
  add(cart.shipping.price, S_SHIPPING);
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    if (step.result.shipping <= 0) continue;
    const share = splitFunding(step.result.shipping, fundersOf(step.candidate.spec));
    add(share.platform, S_SHIPPING_DISCOUNT_PLATFORM);
    add(share.seller, S_SHIPPING_DISCOUNT_SELLER);
  }
}

/** The settlement in minor units. `affiliates`: per line (pricing order), its attribution. */
export function settlementNumbers(context: PricingContext, affiliates?: readonly (AffiliateLine | undefined)[]): SettlementNumbers {
  const lines = context.cart.lines;
  const n = lines.length;
  const { storeNames, storeOf } = groupByStore(lines);
  const totals = storeNames.length * STORE_WIDTH;
  const size = totals + STORE_WIDTH;
  const rows = new Array<number>(size);
  for (let k = 0; k < size; k++) rows[k] = 0;
  const numbers: SettlementNumbers = { stores: rows, commission: context.program.commission, storeNames, storeOf, affiliates };
  if (lineScratch.length < n * LINE_WIDTH) lineScratch = new Float64Array(Math.max(n * LINE_WIDTH, 2 * lineScratch.length));
  const line = lineScratch;
  line.fill(0, 0, n * LINE_WIDTH);
  fillLineRows(context, line);
  for (let i = 0; i < n; i++) {
    const at = i * LINE_WIDTH;
    const to = storeOf[i]! * STORE_WIDTH;
    rows[to + S_ITEMS]! += lines[i]!.subtotal;
    rows[to + S_DISCOUNT_PLATFORM]! += line[at + L_DISCOUNT_PLATFORM]!;
    rows[to + S_DISCOUNT_SELLER]! += line[at + L_DISCOUNT_SELLER]!;
    rows[to + S_COINS_PLATFORM]! += line[at + L_COINS_PLATFORM]!;
    rows[to + S_COINS_SELLER]! += line[at + L_COINS_SELLER]!;
    rows[to + S_COMMISSION]! += line[at + L_COMMISSION]!;
    if (affiliates) rows[to + S_AFFILIATE]! += affiliates[i]?.commission ?? 0;
  }
  attributeShipping(context, numbers);
  for (let at = 0; at < totals; at += STORE_WIDTH) for (let c = 0; c < STORE_WIDTH; c++) rows[totals + c]! += rows[at + c]!;
  return numbers;
}

/** Each line's commission in minor units, in pricing order (what a refund reverses per unit). */
export function lineCommissions(context: PricingContext): number[] {
  const rows = lineRows(context);
  const out = new Array<number>(context.cart.lines.length);
  for (let i = 0; i < out.length; i++) out[i] = rows[i * LINE_WIDTH + L_COMMISSION]!;
  return out;
}
