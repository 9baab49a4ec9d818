/**
 * Affiliate attribution: a pure function of (rules, order, journey) → per line the winning webmaster,
 * the rule that decided it, the commission in minor units, and why every other touchpoint lost.
 * Rules come as data (lowered from `attribution` / `affiliate program` declarations, or written by hand).
 * Commission base: the amount the buyer paid for the line after discounts (`paidMinor`), per unit.
 *
 * Pricing is separate from explaining: one pass over the journey keeps, per goods (and for store links), the
 * touchpoints that can still win; each line then reads its winner in constant time. The losing touchpoints of a
 * line are listed only when `losers` is read.
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
/** Where a rule was declared, so that an explanation can point at it. */
export interface RuleSource {
  file?: string;
  line: number;
  column: number;
  text?: string;
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
  /** Action priority, highest first (default: coupon, cart, click — "Coupon activation > Adding to the cart > Regular Last-Click attribution"). */
  priority?: ActionKind[];
  /** Whether a coupon activated through another webmaster's link excludes the winner (default true). */
  couponExclusion?: boolean;
  /** Source spans of the declarations, by rule: `priority`, `window:0`…, `default`, `lookback`, `sale`, `coupon`, `store-rate`, `featured`, `premium`. */
  sources?: Record<string, RuleSource>;
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
  /** Built when read. */
  readonly losers: Loss[];
  /** The declaration that decided the line (window, priority or exclusion), when the rules carry sources. */
  readonly rule?: { name: string; source: RuleSource };
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

const RANK_CLICK = 1;
const RANK_CART = 2;
const RANK_COUPON = 3;
const ACTION_WORDS: Record<ActionKind, string> = { coupon: "coupon activation", cart: "add to cart", click: "click" };
const DEFAULT_PRIORITY: readonly ActionKind[] = ["coupon", "cart", "click"];
export const MAX_EVENTS = 200_000;
export const MAX_LINES = 10_000;
export const MIN_STORE_RATE_BP = 300;
const NOT_IN_SALE = "cart not paid during the main sale period";

function rankIn(p: Prepared, kind: ActionKind): number {
  return kind === "click" ? p.rClick : kind === "cart" ? p.rCart : p.rCoupon;
}

function rankOf(kind: unknown): number {
  return kind === "click" ? RANK_CLICK : kind === "cart" ? RANK_CART : kind === "coupon" ? RANK_COUPON : 0;
}

export function validateJourney(events: unknown): AttributionError[] {
  const errors: AttributionError[] = [];
  if (!Array.isArray(events)) return [{ path: "$", message: "journey must be an array" }];
  if (events.length > MAX_EVENTS) return [{ path: "$", message: `journey has more than ${MAX_EVENTS} events` }];
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    if (typeof e !== "object" || e === null || Array.isArray(e)) {
      errors.push({ path: `$[${i}]`, message: "event must be an object" });
      continue;
    }
    const ev = e as Record<string, unknown>;
    const id = ev.id;
    if (typeof id !== "string") errors.push({ path: `$[${i}].id`, message: "id must be a string" });
    else if (seen.size === seen.add(id).size) errors.push({ path: `$[${i}].id`, message: `duplicate event id ${JSON.stringify(id)}` });
    const at = ev.at;
    if (typeof at !== "number" || !Number.isFinite(at)) errors.push({ path: `$[${i}].at`, message: "at must be a finite number" });
    if (rankOf(ev.kind) === 0) errors.push({ path: `$[${i}].kind`, message: "kind must be click, cart or coupon" });
    if (typeof ev.webmaster !== "string") errors.push({ path: `$[${i}].webmaster`, message: "webmaster must be a string" });
    if (ev.sku !== undefined && typeof ev.sku !== "string") errors.push({ path: `$[${i}].sku`, message: "sku must be a string when present" });
  }
  return errors;
}

const isCount = (v: unknown, min: number): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= min;

export function validateOrder(order: unknown): AttributionError[] {
  if (typeof order !== "object" || order === null || Array.isArray(order)) return [{ path: "order", message: "order must be an object" }];
  const o = order as Record<string, unknown>;
  const errors: AttributionError[] = [];
  if (typeof o.paidAt !== "number" || !Number.isFinite(o.paidAt)) errors.push({ path: "order.paidAt", message: "paidAt must be a finite number" });
  if (!Array.isArray(o.lines)) return [...errors, { path: "order.lines", message: "lines must be an array" }];
  if (o.lines.length > MAX_LINES) return [...errors, { path: "order.lines", message: `order has more than ${MAX_LINES} lines` }];
  for (let i = 0; i < o.lines.length; i++) {
    const raw: unknown = o.lines[i];
    const p = `order.lines[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      errors.push({ path: p, message: "line must be an object" });
      continue;
    }
    const l = raw as Record<string, unknown>;
    if (typeof l.id !== "string") errors.push({ path: `${p}.id`, message: "id must be a string" });
    if (typeof l.sku !== "string") errors.push({ path: `${p}.sku`, message: "sku must be a string" });
    if (!isCount(l.quantity, 1) || (l.quantity as number) > 1_000_000)
      errors.push({ path: `${p}.quantity`, message: "quantity must be an integer from 1 to 1000000" });
    if (!isCount(l.paidMinor, 0)) errors.push({ path: `${p}.paidMinor`, message: "paidMinor must be a non-negative integer (minor units)" });
    if (l.returnedUnits !== undefined && !isCount(l.returnedUnits, 0))
      errors.push({ path: `${p}.returnedUnits`, message: "returnedUnits must be a non-negative integer" });
  }
  return errors;
}

/** Rules in the shape the evaluator reads; built once per rule set (the rules object is treated as immutable). */
interface Prepared {
  winFrom: Float64Array;
  winTo: Float64Array;
  winFirst: Uint8Array; // 1 = first-cookie
  defaultFirst: number;
  featured: Map<string, number>;
  premium: Set<string>;
  sources: Record<string, RuleSource> | undefined;
  /** Rank of each action (3 = highest); 0 for an action the priority does not list. */
  rClick: number;
  rCart: number;
  rCoupon: number;
  /** Loss reason of a lower-priority action, by rank. */
  lower: string[];
}
const prepared = new WeakMap<AttributionRules, Prepared>();

function prepare(rules: AttributionRules): Prepared {
  let p = prepared.get(rules);
  if (p !== undefined) return p;
  const n = rules.windows.length;
  const winFrom = new Float64Array(n);
  const winTo = new Float64Array(n);
  const winFirst = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const w = rules.windows[i]!;
    winFrom[i] = w.from;
    winTo[i] = w.to;
    winFirst[i] = w.model === "first-cookie" ? 1 : 0;
  }
  const featured = new Map<string, number>();
  if (rules.featured) for (const k of Object.keys(rules.featured)) featured.set(k, rules.featured[k]!);
  const order = rules.priority ?? DEFAULT_PRIORITY;
  const rank = (k: ActionKind): number => {
    const i = order.indexOf(k);
    return i < 0 ? 0 : 3 - i;
  };
  const chain = order.map((k) => ACTION_WORDS[k]).join(" > ");
  const lower = ["", "", "", ""];
  for (const k of order) lower[rank(k)] = `lower priority action: ${ACTION_WORDS[k]} (${chain})`;
  p = {
    rClick: rank("click"),
    rCart: rank("cart"),
    rCoupon: rank("coupon"),
    lower,
    winFrom,
    winTo,
    winFirst,
    defaultFirst: rules.defaultModel === "first-cookie" ? 1 : 0,
    featured,
    premium: new Set(rules.premium?.webmasters ?? []),
    sources: rules.sources,
  };
  prepared.set(rules, p);
  return p;
}

/** Index of the first listed window containing the instant, or -1 (the default model). */
function windowAt(p: Prepared, at: number): number {
  const n = p.winFrom.length;
  for (let i = 0; i < n; i++) if (at >= p.winFrom[i]! && at < p.winTo[i]!) return i;
  return -1;
}

/** Time order, then id order (UTF-16 code units) for events at the same instant. */
function before(a: JourneyEvent, b: JourneyEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

/**
 * The touchpoints of one goods (or the store links) that can still win: per action rank, the earliest cookie set
 * inside a first-cookie window and the latest cookie; and which kinds occur.
 */
class Group {
  kinds = 0;
  firstFc1: JourneyEvent | undefined = undefined;
  firstFc2: JourneyEvent | undefined = undefined;
  firstFc3: JourneyEvent | undefined = undefined;
  last1: JourneyEvent | undefined = undefined;
  last2: JourneyEvent | undefined = undefined;
  last3: JourneyEvent | undefined = undefined;
  add(e: JourneyEvent, rank: number, fc: boolean): void {
    this.kinds |= 1 << rank;
    if (rank === RANK_CLICK) {
      if (fc && (this.firstFc1 === undefined || before(e, this.firstFc1))) this.firstFc1 = e;
      if (this.last1 === undefined || before(this.last1, e)) this.last1 = e;
    } else if (rank === RANK_CART) {
      if (fc && (this.firstFc2 === undefined || before(e, this.firstFc2))) this.firstFc2 = e;
      if (this.last2 === undefined || before(this.last2, e)) this.last2 = e;
    } else {
      if (fc && (this.firstFc3 === undefined || before(e, this.firstFc3))) this.firstFc3 = e;
      if (this.last3 === undefined || before(this.last3, e)) this.last3 = e;
    }
  }
  top(): number {
    return this.kinds & 8 ? RANK_COUPON : this.kinds & 4 ? RANK_CART : this.kinds & 2 ? RANK_CLICK : 0;
  }
  firstFc(rank: number): JourneyEvent | undefined {
    return rank === RANK_CLICK ? this.firstFc1 : rank === RANK_CART ? this.firstFc2 : this.firstFc3;
  }
  last(rank: number): JourneyEvent | undefined {
    return rank === RANK_CLICK ? this.last1 : rank === RANK_CART ? this.last2 : this.last3;
  }
}
const EMPTY = new Group();

function earlier(a: JourneyEvent | undefined, b: JourneyEvent | undefined): JourneyEvent | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return before(a, b) ? a : b;
}
function later(a: JourneyEvent | undefined, b: JourneyEvent | undefined): JourneyEvent | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return before(a, b) ? b : a;
}

/** What one call shares with its lines' lazy explanations. */
interface Context {
  rules: AttributionRules;
  p: Prepared;
  journey: JourneyEvent[];
  lo: number;
  paidAt: number;
  explain: boolean;
  sorted: JourneyEvent[] | undefined;
}

class Line implements LineAttribution {
  line: string;
  webmaster: string | undefined;
  event: string | undefined;
  decidedBy: Decision;
  rateBp: number;
  commissionMinor: number;
  reversedMinor: number;
  perUnitMinor: number[];
  #ctx: Context;
  #sku: string;
  #winner: JourneyEvent | undefined;
  #excluded: string | undefined;
  #losers: Loss[] | undefined;
  #rule: string | undefined;
  constructor(
    ctx: Context,
    line: OrderLine,
    winner: JourneyEvent | undefined,
    excluded: string | undefined,
    decidedBy: Decision,
    rule: string | undefined,
    rateBp: number,
    commissionMinor: number,
    reversedMinor: number,
    perUnitMinor: number[],
  ) {
    this.line = line.id;
    this.webmaster = excluded === undefined ? winner?.webmaster : undefined;
    this.event = excluded === undefined ? winner?.id : undefined;
    this.decidedBy = decidedBy;
    this.rateBp = rateBp;
    this.commissionMinor = commissionMinor;
    this.reversedMinor = reversedMinor;
    this.perUnitMinor = perUnitMinor;
    this.#ctx = ctx;
    this.#sku = line.sku;
    this.#winner = winner;
    this.#excluded = excluded;
    this.#rule = rule;
  }
  get rule(): { name: string; source: RuleSource } | undefined {
    const source = this.#rule === undefined ? undefined : this.#ctx.p.sources?.[this.#rule];
    return source === undefined ? undefined : { name: this.#rule!, source };
  }
  /** Why every other touchpoint lost (and the winner, when the sale period or a coupon excluded it), in time order. */
  get losers(): Loss[] {
    if (this.#losers !== undefined) return this.#losers;
    const ctx = this.#ctx;
    const out: Loss[] = [];
    if (ctx.explain) {
      const w = this.#winner;
      ctx.sorted ??= ctx.journey.slice().sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      for (const e of ctx.sorted) {
        if (e === w) {
          if (this.#excluded !== undefined) out.push({ event: e.id, reason: this.#excluded });
          continue;
        }
        let reason: string;
        if (e.at > ctx.paidAt) reason = "after payment";
        else if (e.at < ctx.lo) reason = "outside lookback";
        else if (e.sku !== undefined && e.sku !== this.#sku) reason = "different goods";
        else {
          const re = rankIn(ctx.p, e.kind);
          // The winner has the highest rank of the line's touchpoints.
          if (re !== rankIn(ctx.p, w!.kind)) reason = ctx.p.lower[re]!;
          else reason = before(w!, e) ? "first-cookie-win: later cookie" : "last-cookie-win: earlier cookie";
        }
        out.push({ event: e.id, reason });
      }
    }
    this.#losers = out;
    return out;
  }
  toJSON(): Record<string, unknown> {
    const rule = this.rule;
    return {
      line: this.line,
      webmaster: this.webmaster,
      event: this.event,
      decidedBy: this.decidedBy,
      rateBp: this.rateBp,
      commissionMinor: this.commissionMinor,
      reversedMinor: this.reversedMinor,
      perUnitMinor: this.perUnitMinor,
      losers: this.losers,
      ...(rule === undefined ? {} : { rule }),
    };
  }
}

/** round(value × bp / 10 000), halves up; exact for non-negative safe integers. */
function commissionOf(value: number, bp: number): number {
  if (bp === 0) return 0;
  const q = value * bp;
  if (q <= Number.MAX_SAFE_INTEGER) {
    const r = q % 10_000;
    return (q - r) / 10_000 + (r >= 5_000 ? 1 : 0);
  }
  return mulDivRoundHalfUp(value, bp, 10_000);
}

function priorityValid(priority: unknown): boolean {
  if (priority === undefined) return true;
  return Array.isArray(priority) && priority.length === 3 && ["coupon", "cart", "click"].every((k) => priority.includes(k));
}

function plainOrder(order: unknown): order is Order {
  if (typeof order !== "object" || order === null) return false;
  const o = order as Order;
  return typeof o.paidAt === "number" && Number.isFinite(o.paidAt) && Array.isArray(o.lines) && o.lines.length <= MAX_LINES;
}
function plainLine(line: unknown): line is OrderLine {
  if (typeof line !== "object" || line === null) return false;
  const l = line as OrderLine;
  const r = l.returnedUnits;
  return (
    typeof l.id === "string" &&
    typeof l.sku === "string" &&
    Number.isSafeInteger(l.quantity) &&
    l.quantity >= 1 &&
    l.quantity <= 1_000_000 &&
    Number.isSafeInteger(l.paidMinor) &&
    l.paidMinor >= 0 &&
    (r === undefined || (Number.isSafeInteger(r) && r >= 0))
  );
}
function invalid(rules: AttributionRules, order: unknown, journey: unknown): AttributionResult {
  const errors = validateOrder(order);
  for (const e of validateJourney(journey)) errors.push(e);
  if (!(rules.storeRateBp >= MIN_STORE_RATE_BP)) errors.push({ path: "rules.storeRateBp", message: "store-wide affiliate rate is below the 3% minimum" });
  if (!priorityValid(rules.priority)) errors.push({ path: "rules.priority", message: "priority must list coupon, cart and click once each" });
  return { ok: false, errors, lines: [], steps: 0 };
}

/** With `explain: false` the losing touchpoints are not listed (winner, rule and commission are the same). */
export function attribute(rules: AttributionRules, order: Order, journey: JourneyEvent[], options: { explain?: boolean } = {}): AttributionResult {
  const explain = options.explain !== false;
  // Validation is fused into the passes below; the first failed check hands over to the validators for the messages.
  if (
    !(rules.storeRateBp >= MIN_STORE_RATE_BP) ||
    !priorityValid(rules.priority) ||
    !Array.isArray(journey) ||
    journey.length > MAX_EVENTS ||
    !plainOrder(order)
  )
    return invalid(rules, order, journey);
  const p = prepare(rules);
  const paidAt = order.paidAt;
  const lo = paidAt - rules.lookbackMs;
  const lines = order.lines;
  const nLines = lines.length;

  // One group per goods named by a line, one for store links.
  const groups = new Map<string, Group>();
  for (let i = 0; i < nLines; i++) {
    const line = lines[i];
    if (!plainLine(line)) return invalid(rules, order, journey);
    if (!groups.has(line.sku)) groups.set(line.sku, new Group());
  }
  const store = new Group();
  let firstCoupon: JourneyEvent | undefined;
  const nEvents = journey.length;
  const ids = new Set<string>();
  for (let i = 0; i < nEvents; i++) {
    const e = journey[i]!;
    if (typeof e !== "object" || e === null) return invalid(rules, order, journey);
    const { id, at, sku, kind } = e;
    const rank = kind === "click" ? p.rClick : kind === "cart" ? p.rCart : kind === "coupon" ? p.rCoupon : 0;
    if (
      typeof id !== "string" ||
      typeof at !== "number" ||
      !Number.isFinite(at) ||
      rank === 0 ||
      typeof e.webmaster !== "string" ||
      (sku !== undefined && typeof sku !== "string") ||
      ids.size === ids.add(id).size
    )
      return invalid(rules, order, journey);
    if (at > paidAt || at < lo) continue;
    if (kind === "coupon" && (firstCoupon === undefined || before(e, firstCoupon))) firstCoupon = e;
    const g = sku === undefined ? store : groups.get(sku);
    if (g === undefined) continue;
    const w = windowAt(p, at);
    g.add(e, rank, (w < 0 ? p.defaultFirst : p.winFirst[w]!) === 1);
  }
  const steps = nEvents + nLines;
  const sale = rules.salePeriod;
  const paidInSale = sale === undefined || (paidAt >= sale.from && paidAt < sale.to);
  const couponExclusion = rules.couponExclusion !== false;
  const premium = rules.premium;
  const premiumNow = premium !== undefined && paidAt >= premium.from && paidAt < premium.to;
  const ctx: Context = { rules, p, journey, lo, paidAt, explain, sorted: undefined };

  const out: LineAttribution[] = new Array<LineAttribution>(nLines);
  for (let li = 0; li < nLines; li++) {
    const line = lines[li]!;
    const g = groups.get(line.sku) ?? EMPTY;
    const rank = Math.max(g.top(), store.top());
    let winner: JourneyEvent | undefined;
    let decidedBy: Decision = "none";
    let excluded: string | undefined;
    let rule: string | undefined;
    if (rank > 0) {
      winner = earlier(g.firstFc(rank), store.firstFc(rank)) ?? later(g.last(rank), store.last(rank))!;
      const kinds = g.kinds | store.kinds;
      const w = windowAt(p, winner.at);
      if ((kinds & (kinds - 1)) !== 0) {
        decidedBy = "priority";
        rule = "priority";
      } else {
        decidedBy = (w < 0 ? p.defaultFirst : p.winFirst[w]!) === 1 ? "first-cookie" : "last-cookie";
        rule = w < 0 ? "default" : `window:${w}`;
      }
      if (!paidInSale) {
        excluded = NOT_IN_SALE;
        rule = "sale";
      } else if (couponExclusion && firstCoupon !== undefined && firstCoupon.webmaster !== winner.webmaster && !before(winner, firstCoupon)) {
        excluded = `buyer's coupon came earlier through webmaster ${firstCoupon.webmaster}`;
        rule = "coupon";
      }
      if (excluded !== undefined) decidedBy = "none";
    }
    let rateBp = 0;
    if (winner !== undefined && excluded === undefined) {
      rateBp = rules.storeRateBp;
      const f = p.featured.get(line.sku);
      if (f !== undefined && f > rateBp) rateBp = f;
      if (premiumNow && premium.rateBp > rateBp && p.premium.has(winner.webmaster)) rateBp = premium.rateBp;
    }
    // Per unit: split the paid amount by largest remainder (the first units one minor unit more), then the rate.
    const q = line.quantity;
    const base = Math.floor(line.paidMinor / q);
    const extra = line.paidMinor - base * q;
    const cLow = commissionOf(base, rateBp);
    const cHigh = extra > 0 ? commissionOf(base + 1, rateBp) : cLow;
    const perUnitMinor = new Array<number>(q);
    for (let u = 0; u < q; u++) perUnitMinor[u] = u < extra ? cHigh : cLow;
    const returned = Math.min(line.returnedUnits ?? 0, q);
    const kept = q - returned;
    // Units [0, kept) are kept, [kept, q) returned; the first `extra` units carry cHigh.
    const keptHigh = Math.min(extra, kept);
    const commission = keptHigh * cHigh + (kept - keptHigh) * cLow;
    const total = extra * cHigh + (q - extra) * cLow;
    out[li] = new Line(ctx, line, winner, excluded, decidedBy, rule, rateBp, commission, total - commission, perUnitMinor);
  }
  return { ok: true, errors: [], lines: out, steps };
}
