/**
 * Reference affiliate attribution, written from docs/language.md ("Affiliate attribution") alone. It shares
 * nothing with the runtime: it is slow and declarative (filter, sort, pick) so that each step reads like the docs.
 */

export type RefActionKind = "click" | "cart" | "coupon";
export type RefModel = "first-cookie" | "last-cookie";
export interface RefJourneyEvent {
  id: string;
  at: number;
  kind: RefActionKind;
  webmaster: string;
  sku?: string;
}
export interface RefAttributionRules {
  windows: { from: number; to: number; model: RefModel }[];
  defaultModel: RefModel;
  lookbackMs: number;
  salePeriod?: { from: number; to: number };
  storeRateBp: number;
  featured?: Record<string, number>;
  premium?: { webmasters: string[]; rateBp: number; from: number; to: number };
  /** Highest first; the manual's order when absent. */
  priority?: RefActionKind[];
  couponExclusion?: boolean;
}
export interface RefOrder {
  paidAt: number;
  lines: { id: string; sku: string; quantity: number; paidMinor: number; returnedUnits?: number }[];
}
export interface RefLineAttribution {
  line: string;
  webmaster?: string;
  event?: string;
  decidedBy: "priority" | RefModel | "none";
  rateBp: number;
  commissionMinor: number;
  reversedMinor: number;
  perUnitMinor: number[];
  losers: { event: string; reason: string }[];
}
export type RefAttributionOutcome = { ok: true; lines: RefLineAttribution[] } | { ok: false; errors: { path: string; message: string }[] };

/** "Coupon activation > Adding to the cart > Regular Last-Click attribution." — unless the rules list another order. */
const MANUAL_ORDER: RefActionKind[] = ["coupon", "cart", "click"];
function rankTable(rules: RefAttributionRules): Record<RefActionKind, number> {
  const order = rules.priority ?? MANUAL_ORDER;
  return { coupon: 3 - order.indexOf("coupon"), cart: 3 - order.indexOf("cart"), click: 3 - order.indexOf("click") };
}

const wholeNumber = (v: unknown, least: number): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= least;

function checkOrder(order: unknown): { path: string; message: string }[] {
  if (order === null || typeof order !== "object" || Array.isArray(order)) return [{ path: "order", message: "not an object" }];
  const o = order as { paidAt?: unknown; lines?: unknown };
  const errors: { path: string; message: string }[] = [];
  if (typeof o.paidAt !== "number" || !Number.isFinite(o.paidAt)) errors.push({ path: "order.paidAt", message: "not a finite number" });
  if (!Array.isArray(o.lines)) return errors.concat({ path: "order.lines", message: "not an array" });
  if (o.lines.length > 10_000) return errors.concat({ path: "order.lines", message: "too many lines" });
  o.lines.forEach((raw: unknown, i) => {
    const at = `order.lines[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return errors.push({ path: at, message: "not an object" });
    const l = raw as Record<string, unknown>;
    if (typeof l.id !== "string") errors.push({ path: `${at}.id`, message: "not a string" });
    if (typeof l.sku !== "string") errors.push({ path: `${at}.sku`, message: "not a string" });
    if (!wholeNumber(l.quantity, 1) || (l.quantity as number) > 1_000_000) errors.push({ path: `${at}.quantity`, message: "not 1..1000000" });
    if (!wholeNumber(l.paidMinor, 0)) errors.push({ path: `${at}.paidMinor`, message: "not a whole number of minor units" });
    if (l.returnedUnits !== undefined && !wholeNumber(l.returnedUnits, 0)) errors.push({ path: `${at}.returnedUnits`, message: "not a whole number" });
    return undefined;
  });
  return errors;
}

const inHalfOpen = (at: number, w: { from: number; to: number }): boolean => w.from <= at && at < w.to;

/** The model of the first listed window containing the instant, else the default model. */
function modelAt(rules: RefAttributionRules, at: number): RefModel {
  return rules.windows.find((w) => inHalfOpen(at, w))?.model ?? rules.defaultModel;
}

function checkJourney(journey: unknown): { path: string; message: string }[] {
  if (!Array.isArray(journey)) return [{ path: "$", message: "journey must be an array" }];
  const errors: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  journey.forEach((raw: unknown, i) => {
    if (typeof raw !== "object" || raw === null) {
      errors.push({ path: `$[${i}]`, message: "event must be an object" });
      return;
    }
    const e = raw as Record<string, unknown>;
    if (typeof e.id !== "string") errors.push({ path: `$[${i}].id`, message: "id must be a string" });
    else if (ids.has(e.id)) errors.push({ path: `$[${i}].id`, message: "duplicate event id" });
    else ids.add(e.id);
    if (typeof e.at !== "number" || !Number.isFinite(e.at)) errors.push({ path: `$[${i}].at`, message: "at must be a finite number" });
    if (e.kind !== "click" && e.kind !== "cart" && e.kind !== "coupon") errors.push({ path: `$[${i}].kind`, message: "unknown kind" });
    if (typeof e.webmaster !== "string") errors.push({ path: `$[${i}].webmaster`, message: "webmaster must be a string" });
    if (e.sku !== undefined && typeof e.sku !== "string") errors.push({ path: `$[${i}].sku`, message: "sku must be a string" });
  });
  return errors;
}

/** Time order, then id order (UTF-16 code units) for events at the same instant. */
function chronological(a: RefJourneyEvent, b: RefJourneyEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** round(value × bp / 10 000), halves up, on non-negative integers, exactly (BigInt). */
function rateOf(value: number, bp: number): number {
  const twice = BigInt(value) * BigInt(bp) * 2n + 10_000n;
  return Number(twice / 20_000n);
}

/** Equal split by largest remainder: every unit gets the floor, the first `remainder` units one minor unit more. */
function splitEqually(total: number, units: number): number[] {
  const floor = Math.floor(total / units);
  const remainder = total - floor * units;
  return Array.from({ length: units }, (_, u) => floor + (u < remainder ? 1 : 0));
}

export function referenceAttribute(rules: RefAttributionRules, order: RefOrder, journey: unknown): RefAttributionOutcome {
  const errors = [...checkOrder(order), ...checkJourney(journey)];
  if (!(rules.storeRateBp >= 300)) errors.push({ path: "rules.storeRateBp", message: "below the 3% minimum" });
  const listed = rules.priority;
  if (listed !== undefined && (listed.length !== 3 || !MANUAL_ORDER.every((k) => listed.includes(k))))
    errors.push({ path: "rules.priority", message: "not coupon, cart and click once each" });
  if (errors.length > 0) return { ok: false, errors };
  const all = journey as RefJourneyEvent[];
  const RANK = rankTable(rules);

  // Events in [paidAt − lookback, paidAt] count; the rest are ignored.
  const counted = all.filter((e) => order.paidAt - rules.lookbackMs <= e.at && e.at <= order.paidAt).sort(chronological);
  const firstCoupon = counted.find((e) => e.kind === "coupon");
  const paidInSale = rules.salePeriod === undefined || inHalfOpen(order.paidAt, rules.salePeriod);

  const lines = order.lines.map((line): RefLineAttribution => {
    const candidates = counted.filter((e) => e.sku === undefined || e.sku === line.sku);
    let winner: RefJourneyEvent | undefined;
    let decidedBy: RefLineAttribution["decidedBy"] = "none";
    let excluded: string | undefined;
    if (candidates.length > 0) {
      const top = Math.max(...candidates.map((e) => RANK[e.kind]));
      const best = candidates.filter((e) => RANK[e.kind] === top);
      // A cookie set inside a first-cookie window holds; otherwise the latest cookie wins.
      winner = best.find((e) => modelAt(rules, e.at) === "first-cookie") ?? best[best.length - 1]!;
      const kinds = new Set(candidates.map((e) => e.kind));
      decidedBy = kinds.size > 1 ? "priority" : modelAt(rules, winner.at);
      if (!paidInSale) excluded = "cart not paid during the main sale period";
      else if (rules.couponExclusion !== false && firstCoupon !== undefined && firstCoupon.webmaster !== winner.webmaster && firstCoupon.at <= winner.at)
        excluded = `buyer's coupon came earlier through webmaster ${firstCoupon.webmaster}`;
    }
    const kept = excluded === undefined ? winner : undefined;
    const losers = all.filter((e) => e !== kept).map((e) => ({ event: e.id, reason: e === winner ? excluded! : lossReason(e) }));
    function lossReason(e: RefJourneyEvent): string {
      if (e.at > order.paidAt) return "after payment";
      if (e.at < order.paidAt - rules.lookbackMs) return "outside lookback";
      if (e.sku !== undefined && e.sku !== line.sku) return "different goods";
      if (RANK[e.kind] < RANK[winner!.kind]) return "lower priority action";
      return chronological(e, winner!) > 0 ? "first-cookie-win: later cookie" : "last-cookie-win: earlier cookie";
    }
    if (kept === undefined) decidedBy = "none";

    let rateBp = 0;
    if (kept !== undefined) {
      const rates = [rules.storeRateBp, rules.featured?.[line.sku] ?? 0];
      const p = rules.premium;
      if (p !== undefined && p.webmasters.includes(kept.webmaster) && inHalfOpen(order.paidAt, p)) rates.push(p.rateBp);
      rateBp = Math.max(...rates);
    }
    const perUnitMinor = splitEqually(line.paidMinor, line.quantity).map((paid) => rateOf(paid, rateBp));
    const returned = Math.min(line.returnedUnits ?? 0, line.quantity);
    const keptUnits = perUnitMinor.slice(0, line.quantity - returned);
    const returnedUnits = perUnitMinor.slice(line.quantity - returned);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      line: line.id,
      webmaster: kept?.webmaster,
      event: kept?.id,
      decidedBy,
      rateBp,
      commissionMinor: sum(keptUnits),
      reversedMinor: sum(returnedUnits),
      perUnitMinor,
      losers,
    };
  });
  return { ok: true, lines };
}
