import type { NormalizedCart, NormalizedLine } from "../cart/types.js";
import { formatMoney } from "../money/amount.js";
import { epochToZoned } from "../time/zones.js";
import { benefitScope, denseLines, type BenefitResult } from "./benefits.js";
import type { Rejection } from "./gates.js";
import type { Benefit, Limit, LinePredicate, PromotionSpec } from "./program.js";

/**
 * Usage limits (docs/language.md, Limits). Evaluation stays pure: the current use of each limit is an input
 * (`usage`, read by limit key), and every applied promotion with limits lists the reservations a ledger must take
 * to redeem it (`@promo/ledger`). Nothing here runs for a promotion without limits.
 *
 * A limit key names one counter: `PROMOTION|KIND[|ENTITY:VALUE][|PERIOD:BUCKET]`, for example
 * `launch-coupon|count|customer:c42|day:2026-11-11`. Values are percent-encoded where they hold `%` or `|`.
 */

/** Current use per limit key (count, coins, or minor units); a missing key is unused. */
export type Usage = Readonly<Record<string, number>> | ((key: string) => number | undefined);

export interface Reservation {
  promotion: string;
  /** Index of the limit in the promotion's `limit` clauses, in source order. */
  limit: number;
  key: string;
  /** Redemptions (1), coins, or savings in minor units. */
  amount: number;
  /** The limit's maximum, so a ledger can check it without the rules. */
  max: number;
  /** Whether cancelling the order gives this use back. */
  onCancel: "return" | "keep";
}

function readUsage(usage: Usage | undefined, key: string): number {
  if (usage === undefined) return 0;
  const value = typeof usage === "function" ? usage(key) : Object.hasOwn(usage, key) ? usage[key] : undefined;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

const two = (v: number) => String(v).padStart(2, "0");

/** ISO 8601 week of a local date: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = date + (3 - weekday) * 86_400_000;
  const thursdayYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(thursdayYear, 0, 1)) / (7 * 86_400_000)) + 1;
  return { year: thursdayYear, week };
}

/** The period bucket of an instant in a zone's local calendar: `day:2026-11-11`, `week:2026-W46`, `month:2026-11`, `year:2026`. */
export function periodBucket(at: number, period: NonNullable<Limit["period"]>, zone: string): string {
  const t = epochToZoned(at, zone);
  switch (period) {
    case "day":
      return `day:${t.year}-${two(t.month)}-${two(t.day)}`;
    case "week": {
      const w = isoWeek(t.year, t.month, t.day);
      return `week:${w.year}-W${two(w.week)}`;
    }
    case "month":
      return `month:${t.year}-${two(t.month)}`;
    case "year":
      return `year:${t.year}`;
  }
}

const encode = (value: string) => value.replace(/[%|]/g, (c) => (c === "%" ? "%25" : "%7C"));

/** The key of one limit's counter for an entity value (null: no entity) at an instant. */
export function limitKey(promotion: string, limit: Limit, entity: string | null, at: number): string {
  let key = `${encode(promotion)}|${limit.kind}`;
  if (limit.per !== null && limit.per !== "order") key += `|${limit.per}:${encode(entity ?? "")}`;
  if (limit.period !== null) key += `|${periodBucket(at, limit.period, limit.zone)}`;
  return key;
}

/** Lines a benefit can touch (null: every line). */
function benefitLines(benefit: Benefit): LinePredicate | null {
  if (benefit.type === "pack") {
    const skus = new Set(benefit.skus);
    return (line: NormalizedLine) => skus.has(line.sku);
  }
  if (benefit.type === "capped") return benefitLines(benefit.inner);
  return benefitScope(benefit);
}

/** Stores of the lines `benefit` may discount, sorted (the keys a per-store limit is checked against). */
function candidateStores(benefit: Benefit, cart: NormalizedCart): string[] {
  const scope = benefitLines(benefit);
  const stores = new Set<string>();
  for (const line of cart.lines) if (scope === null || scope(line, cart)) stores.add(line.store);
  return [...stores].sort();
}

/** The entity values a limit counts for in this cart; undefined when the cart lacks one (no customer id). */
function entities(limit: Limit, spec: PromotionSpec, cart: NormalizedCart): (string | null)[] | undefined {
  if (limit.per === "customer") return cart.customer.id === null ? undefined : [cart.customer.id];
  if (limit.per === "store") return candidateStores(spec.benefit, cart);
  return [null];
}

/**
 * Units of the cart a units limit counts (promotional stock): the quantities of the lines the promotion's benefit
 * can touch (every line for an order-wide or shipping benefit), of one store's lines for `per store`.
 */
function unitsIn(spec: PromotionSpec, cart: NormalizedCart, store: string | null): number {
  const inScope = unitsScope(spec);
  let units = 0;
  for (const line of cart.lines) if ((store === null || line.store === store) && inScope(line, cart)) units += line.quantity;
  return units;
}

/** Which lines' units a units limit counts: the lines the promotion's benefit can touch (every line when unscoped). */
export function unitsScope(spec: PromotionSpec): (line: NormalizedLine, cart: NormalizedCart) => boolean {
  const scope = benefitLines(spec.benefit);
  return scope === null ? () => true : (line, cart) => scope(line, cart);
}

function usedText(limit: Limit, value: number, currency: string): string {
  if (limit.kind === "budget") return formatMoney(value, currency);
  if (limit.kind === "units") return `${value} ${value === 1 ? "unit" : "units"}`;
  if (limit.kind === "coins") return `${value} ${value === 1 ? "coin" : "coins"}`;
  return `${value}`;
}

/**
 * Gate 7 (`limit`), after the cart-only gates and before the condition. Returns a rejection when a limit is used
 * up (or cannot be counted: a per-customer limit and no customer id); otherwise the spec to price with, whose
 * benefit is capped at what is left of its budgets and coin limits (the same spec when nothing is capped).
 */
export function limitGate(spec: PromotionSpec, cart: NormalizedCart, usage: Usage | undefined): { gate: Rejection | undefined; spec: PromotionSpec } {
  let budgetRoom = Infinity;
  let coinRoom = Infinity;
  for (const limit of spec.limits) {
    const values = entities(limit, spec, cart);
    if (values === undefined) return { gate: { reason: "limit", message: `${limit.text} counts per customer, and the cart has no customer id` }, spec };
    for (const value of values) {
      const used = limit.per === "order" ? 0 : readUsage(usage, limitKey(spec.id, limit, value, cart.at));
      const room = limit.max - used;
      if (limit.kind === "units") {
        // All of the cart's units in scope or none: a cart that needs more than is left is rejected, never partly served.
        const units = unitsIn(spec, cart, limit.per === "store" ? value : null);
        if (units > room) {
          const who = limit.per === "customer" || limit.per === "store" ? ` by ${limit.per} ${JSON.stringify(value)}` : "";
          const when = limit.period !== null ? ` (${periodBucket(cart.at, limit.period, limit.zone).replace(":", " ")} in ${limit.zone})` : "";
          const state = room <= 0 ? "is used up" : `has ${usedText(limit, room, spec.currency)} left and the cart takes ${units}`;
          return {
            gate: { reason: "limit", message: `${limit.text} ${state}: ${used} of ${usedText(limit, limit.max, spec.currency)} used${who}${when}` },
            spec,
          };
        }
        continue;
      }
      if (room <= 0 || (limit.kind === "count" && room < 1)) {
        const who = limit.per === "customer" || limit.per === "store" ? ` by ${limit.per} ${JSON.stringify(value)}` : "";
        const when = limit.period !== null ? ` (${periodBucket(cart.at, limit.period, limit.zone).replace(":", " ")} in ${limit.zone})` : "";
        return {
          gate: {
            reason: "limit",
            message: `${limit.text} is used up: ${usedText(limit, used, spec.currency)} of ${usedText(limit, limit.max, spec.currency)} used${who}${when}`,
          },
          spec,
        };
      }
      if (limit.kind === "budget") budgetRoom = Math.min(budgetRoom, room);
      else if (limit.kind === "coins") coinRoom = Math.min(coinRoom, Math.floor(room));
    }
  }
  if (budgetRoom === Infinity && coinRoom === Infinity) return { gate: undefined, spec };
  const b = spec.benefit;
  if (b.type === "coins") {
    const fromBudget = budgetRoom === Infinity ? Infinity : Math.floor((budgetRoom * b.coins) / b.per);
    return { gate: undefined, spec: { ...spec, benefit: { ...b, maxCoins: Math.min(coinRoom, fromBudget, b.maxCoins ?? Infinity) } } };
  }
  if (budgetRoom === Infinity) return { gate: undefined, spec };
  return { gate: undefined, spec: { ...spec, benefit: { type: "capped", inner: b, cap: budgetRoom } } };
}

/**
 * What redeeming an applied promotion takes from each of its limits. `lines` are the lines it discounts and their
 * amounts (null for coins), `shipping` its shipping saving; `coins` the coins it deducted and their value, for a
 * coins promotion.
 * Per-order limits are settled within the order and need no reservation.
 */
export function reservationsFor(
  spec: PromotionSpec,
  cart: NormalizedCart,
  lines: Pick<BenefitResult, "indexes" | "amounts"> | null,
  shipping: number,
  coins: { used: number; amount: number } | null,
): Reservation[] {
  const out: Reservation[] = [];
  spec.limits.forEach((limit, index) => {
    if (limit.per === "order") return;
    const take = (entity: string | null, savings: number) => {
      const amount =
        limit.kind === "count"
          ? 1
          : limit.kind === "coins"
            ? (coins?.used ?? 0)
            : limit.kind === "units"
              ? unitsIn(spec, cart, limit.per === "store" ? entity : null)
              : savings;
      if (amount > 0)
        out.push({ promotion: spec.id, limit: index, key: limitKey(spec.id, limit, entity, cart.at), amount, max: limit.max, onCancel: spec.onCancel });
    };
    const total = coins ? coins.amount : (lines?.amounts ?? []).reduce((a, b) => a + b, 0) + shipping;
    if (limit.per === "customer") take(cart.customer.id, total);
    else if (limit.per === "store") {
      // Each store whose lines it discounts; shipping savings count against every one of them (and against every
      // store in the cart for a shipping-only discount), so a per-store budget is never exceeded.
      const byStore = new Map<string, number>();
      const scope = coins ? benefitLines(spec.benefit) : null;
      const shares = lines ? denseLines(lines, cart.lines.length) : null;
      cart.lines.forEach((line, i) => {
        const share = shares ? shares[i]! : 0;
        if (share > 0 || (coins && (scope === null || scope(line, cart))) || (shipping > 0 && total === shipping))
          byStore.set(line.store, (byStore.get(line.store) ?? 0) + share);
      });
      for (const store of [...byStore.keys()].sort()) take(store, coins ? coins.amount : byStore.get(store)! + shipping);
    } else take(null, total);
  });
  return out;
}
