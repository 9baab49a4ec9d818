/**
 * Affiliate attribution: a pure function of (rules, order, journey) → per line the winning webmaster,
 * the rule that decided it, the commission in minor units, and why every other touchpoint lost.
 * Declarations in the rule language are not wired yet; rules are passed as a plain object.
 * Commission base: the amount the buyer paid for the line after discounts (`paidMinor`), per unit.
 */
import { mulDivRoundHalfUp } from "../money/arithmetic.js";

export type ActionKind = "click" | "cart" | "coupon";
export interface JourneyEvent {
  id: string;
  at: number; // epoch milliseconds
  kind: ActionKind;
  webmaster: string;
  sku?: string; // deep link / goods; absent = whole store
}
export interface AttributionWindow {
  from: number; // inclusive, epoch ms
  to: number; // exclusive
  model: "first-cookie" | "last-cookie";
}
export interface AttributionRules {
  windows: AttributionWindow[];
  defaultModel: "first-cookie" | "last-cookie";
  lookbackMs: number;
  salePeriod?: { from: number; to: number };
  /** Basis points; store-wide minimum is 300 (3%). */
  storeRateBp: number;
  featured?: Record<string, number>;
  premium?: { webmasters: string[]; rateBp: number; from: number; to: number };
}
export interface OrderLine {
  id: string;
  sku: string;
  quantity: number;
  paidMinor: number;
  returnedUnits?: number;
}
export interface Order {
  paidAt: number;
  lines: OrderLine[];
}
export type Decision = "priority" | "first-cookie" | "last-cookie" | "none";
export interface Loss {
  event: string;
  reason: string;
}
export interface LineAttribution {
  line: string;
  webmaster?: string;
  event?: string;
  decidedBy: Decision;
  rateBp: number;
  commissionMinor: number;
  reversedMinor: number;
  perUnitMinor: number[];
  losers: Loss[];
}
export interface AttributionError {
  path: string;
  message: string;
}
export interface AttributionResult {
  ok: boolean;
  errors: AttributionError[];
  lines: LineAttribution[];
  /** Counted work, for bounded-time tests. */
  steps: number;
}

const PRIORITY: Record<ActionKind, number> = { coupon: 3, cart: 2, click: 1 };
const LOWER: Record<ActionKind, string> = {
  click: "lower priority action: click (coupon activation > adding to the cart > last click)",
  cart: "lower priority action: add to cart (coupon activation > adding to the cart > last click)",
  coupon: "lower priority action: coupon",
};
export const MAX_EVENTS = 200_000;
export const MIN_STORE_RATE_BP = 300;

export function validateJourney(events: unknown): AttributionError[] {
  const errors: AttributionError[] = [];
  if (!Array.isArray(events)) return [{ path: "$", message: "journey must be an array" }];
  if (events.length > MAX_EVENTS) return [{ path: "$", message: `journey has more than ${MAX_EVENTS} events` }];
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    if (typeof e !== "object" || e === null) {
      errors.push({ path: `$[${i}]`, message: "event must be an object" });
      continue;
    }
    const p = `$[${i}]`;
    const ev = e as Record<string, unknown>;
    if (typeof ev.id !== "string") errors.push({ path: `${p}.id`, message: "id must be a string" });
    else if (seen.has(ev.id)) errors.push({ path: `${p}.id`, message: `duplicate event id ${JSON.stringify(ev.id)}` });
    else seen.add(ev.id);
    if (typeof ev.at !== "number" || !Number.isFinite(ev.at)) errors.push({ path: `${p}.at`, message: "at must be a finite number" });
    if (ev.kind !== "click" && ev.kind !== "cart" && ev.kind !== "coupon") errors.push({ path: `${p}.kind`, message: "kind must be click, cart or coupon" });
    if (typeof ev.webmaster !== "string") errors.push({ path: `${p}.webmaster`, message: "webmaster must be a string" });
  }
  return errors;
}

function modelAt(rules: AttributionRules, at: number): "first-cookie" | "last-cookie" {
  for (const w of rules.windows) if (at >= w.from && at < w.to) return w.model;
  return rules.defaultModel;
}

/** With `explain: false` the losing touchpoints are not listed (winner, rule and commission are the same). */
export function attribute(rules: AttributionRules, order: Order, journey: JourneyEvent[], options: { explain?: boolean } = {}): AttributionResult {
  const explain = options.explain !== false;
  const errors = validateJourney(journey);
  if (rules.storeRateBp < MIN_STORE_RATE_BP) errors.push({ path: "rules.storeRateBp", message: "store-wide affiliate rate is below the 3% minimum" });
  if (errors.length > 0) return { ok: false, errors, lines: [], steps: 0 };
  let steps = 0;
  // Events after payment or outside the lookback are ignored; sorting makes unsorted input deterministic.
  const lo = order.paidAt - rules.lookbackMs;
  const events: JourneyEvent[] = [];
  let sorted = true;
  for (const e of journey) {
    if (e.at > order.paidAt || e.at < lo) continue;
    const prev = events[events.length - 1];
    if (prev !== undefined && (prev.at > e.at || (prev.at === e.at && prev.id > e.id))) sorted = false;
    events.push(e);
  }
  if (!sorted) events.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  steps += journey.length;
  const paidInSale = !rules.salePeriod || (order.paidAt >= rules.salePeriod.from && order.paidAt < rules.salePeriod.to);
  // Earliest coupon activation: a coupon brought by one webmaster excludes all others.
  const firstCoupon = events.find((e) => e.kind === "coupon");
  const outside: Loss[] = [];
  for (const e of journey) {
    if (e.at > order.paidAt) outside.push({ event: e.id, reason: "after payment" });
    else if (e.at < order.paidAt - rules.lookbackMs) outside.push({ event: e.id, reason: "outside lookback" });
  }
  const lines: LineAttribution[] = [];
  // Without explanation each line walks only its own goods' events and the store-wide ones (time order kept).
  const bySku = new Map<string, JourneyEvent[]>();
  if (!explain) {
    for (const line of order.lines) if (!bySku.has(line.sku)) bySku.set(line.sku, []);
    for (const e of events) {
      if (e.sku === undefined) for (const list of bySku.values()) list.push(e);
      else bySku.get(e.sku)?.push(e);
    }
  }
  for (const line of order.lines) {
    const losers: Loss[] = explain ? outside.slice() : [];
    const candidates = explain ? events : bySku.get(line.sku)!;
    let best: JourneyEvent | undefined;
    let decidedBy: Decision = "none";
    let mixedPriority = false;
    for (const e of candidates) {
      steps++;
      if (e.sku !== undefined && e.sku !== line.sku) {
        if (explain) losers.push({ event: e.id, reason: "different goods" });
        continue;
      }
      if (best === undefined) {
        best = e;
        continue;
      }
      const pe = PRIORITY[e.kind];
      const pb = PRIORITY[best.kind];
      if (pe !== pb) {
        mixedPriority = true;
        if (pe > pb) {
          if (explain) losers.push({ event: best.id, reason: LOWER[best.kind] });
          best = e;
        } else if (explain) losers.push({ event: e.id, reason: LOWER[e.kind] });
        continue;
      }
      if (modelAt(rules, best.at) === "first-cookie") {
        if (explain) losers.push({ event: e.id, reason: "first-cookie-win: later cookie" });
      } else {
        if (explain) losers.push({ event: best.id, reason: "last-cookie-win: earlier cookie" });
        best = e;
      }
    }
    let rateBp = 0;
    let webmaster: string | undefined;
    if (best !== undefined) {
      decidedBy = mixedPriority ? "priority" : modelAt(rules, best.at) === "first-cookie" ? "first-cookie" : "last-cookie";
      if (!paidInSale) {
        losers.push({ event: best.id, reason: "cart not paid during the main sale period" });
        best = undefined;
      } else if (firstCoupon && firstCoupon.webmaster !== best.webmaster && firstCoupon.at <= best.at) {
        losers.push({ event: best.id, reason: `buyer's coupon came earlier through webmaster ${firstCoupon.webmaster}` });
        best = undefined;
      }
    }
    if (best !== undefined) {
      webmaster = best.webmaster;
      rateBp = Math.max(rules.storeRateBp, rules.featured?.[line.sku] ?? 0);
      const pr = rules.premium;
      if (pr && pr.webmasters.includes(webmaster) && order.paidAt >= pr.from && order.paidAt < pr.to) rateBp = Math.max(rateBp, pr.rateBp);
    } else decidedBy = "none";
    // Per unit: split the paid amount by largest remainder, then commission per unit.
    const perUnitPaid: number[] = [];
    const base = Math.floor(line.paidMinor / line.quantity);
    let rem = line.paidMinor - base * line.quantity;
    for (let u = 0; u < line.quantity; u++) perUnitPaid.push(base + (rem-- > 0 ? 1 : 0));
    const perUnitMinor = perUnitPaid.map((p) => (rateBp === 0 ? 0 : mulDivRoundHalfUp(p, rateBp, 10_000)));
    const returned = Math.min(line.returnedUnits ?? 0, line.quantity);
    const total = perUnitMinor.reduce((a, b) => a + b, 0);
    const reversed = perUnitMinor.slice(line.quantity - returned).reduce((a, b) => a + b, 0);
    lines.push({
      line: line.id,
      webmaster,
      event: best?.id,
      decidedBy,
      rateBp,
      commissionMinor: total - reversed,
      reversedMinor: reversed,
      perUnitMinor,
      losers,
    });
  }
  return { ok: true, errors: [], lines, steps };
}
