import type { NormalizedCart, NormalizedCoupon } from "../cart/types.js";
import { addDuration } from "../time/calendar.js";
import { epochToZoned } from "../time/zones.js";
import { cartField } from "./fields.js";
import type { PromotionSpec, Window } from "./program.js";

export type Reason =
  | "condition"
  | "missing-data"
  | "window"
  | "not-collected"
  | "expired"
  | "locked"
  | "owner"
  | "currency"
  | "not-combinable"
  | "not-best"
  | "no-eligible-lines"
  | "limit";

export interface Rejection {
  reason: Reason;
  message: string;
}

/**
 * Gate 8, `missing-data`: a condition that reads a customer, cart or shipping field the cart does not give fails,
 * whatever it says, so absent data never grants a benefit (docs/language.md, Candidates and rejection reasons).
 */
export function missingDataGate(p: PromotionSpec, cart: NormalizedCart): Rejection | undefined {
  for (const path of p.reads ?? []) {
    const [root, field] = splitRead(path);
    const value = cartField(cart, null, root, field);
    if (value === null || value === undefined) return { reason: "missing-data", message: `the cart does not give ${path}, which the condition reads` };
  }
  return undefined;
}

/** `customer.region` → ["customer", "region"], split once per distinct path rather than on every cart. */
const splitReads = new Map<string, readonly [string, string]>();
function splitRead(path: string): readonly [string, string] {
  let split = splitReads.get(path);
  if (split === undefined) {
    const dot = path.indexOf(".");
    splitReads.set(path, (split = [path.slice(0, dot), path.slice(dot + 1)]));
  }
  return split;
}

/** Wall-clock time in a zone, as rule files write it: `2026-11-12 04:59:59 America/Los_Angeles`. */
export function wallClock(ms: number, zone: string): string {
  const t = epochToZoned(ms, zone);
  const two = (v: number) => String(v).padStart(2, "0");
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${zone}`;
}

function windowText(w: Window): string {
  return `${wallClock(w.start, w.zone)} to ${wallClock(w.end, w.zone)}`;
}

/**
 * The checks that depend on the cart alone, in the documented order: currency, window, collection, expiry,
 * retry lock, owner. Returns the first that fails.
 */
export function staticGate(p: PromotionSpec, cart: NormalizedCart, coupon: NormalizedCoupon | null): Rejection | undefined {
  if (p.currency !== cart.currency) return { reason: "currency", message: `the rules are in ${p.currency} but the cart is in ${cart.currency}` };
  if (p.valid && (cart.at < p.valid.start || cart.at > p.valid.end)) {
    return { reason: "window", message: `valid ${windowText(p.valid)}; the cart is at ${wallClock(cart.at, p.valid.zone)}` };
  }
  if (!coupon) return undefined;
  if (p.collect) {
    if (coupon.activatedAt === null) return { reason: "not-collected", message: `the coupon was not collected (collection ${windowText(p.collect)})` };
    if (coupon.activatedAt < p.collect.start || coupon.activatedAt > p.collect.end) {
      return {
        reason: "not-collected",
        message: `collected at ${wallClock(coupon.activatedAt, p.collect.zone)}, outside the collection period ${windowText(p.collect)}`,
      };
    }
  }
  if (p.expires && coupon.activatedAt !== null) {
    const expiry = addDuration(coupon.activatedAt, p.expires.amount, p.expires.unit, p.expires.zone);
    if (cart.at > expiry) {
      return {
        reason: "expired",
        message: `expired at ${wallClock(expiry, p.expires.zone)}, ${p.expires.amount} ${p.expires.unit} after activation at ${wallClock(coupon.activatedAt, p.expires.zone)}`,
      };
    }
  }
  if (p.lock && coupon.lastFailedPaymentAt !== null) {
    const until = addDuration(coupon.lastFailedPaymentAt, p.lock.amount, p.lock.unit, p.lock.zone);
    if (cart.at < until) {
      return {
        reason: "locked",
        message: `a payment with this coupon failed at ${wallClock(coupon.lastFailedPaymentAt, p.lock.zone)}; it can be used again from ${wallClock(until, p.lock.zone)}`,
      };
    }
  }
  if (!p.transferable && coupon.owner !== null && coupon.owner !== cart.customer.id) {
    return { reason: "owner", message: `the coupon belongs to customer ${JSON.stringify(coupon.owner)}, not ${JSON.stringify(cart.customer.id)}` };
  }
  return undefined;
}
