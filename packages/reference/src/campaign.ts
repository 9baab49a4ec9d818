import type * as A from "../../dsl/src/ast/nodes.js";
import { currencyDigits, formatMinor, parseMinor } from "./money.js";
import { addDuration, durationUnit, parseInstant, wallToEpoch } from "./time.js";
import type { ProjectFiles } from "./rules.js";

/**
 * Platform campaigns as the reference model reads them (docs/language.md, "Platform campaigns"), straight from the
 * `campaign` declarations of a project that checked clean: the eligibility of a product and its store, the edit
 * policy of a registration, and the rewrite of a cart for the campaign's phase. Nothing here comes from lowering
 * or from packages/campaign; only AST types are imported, and only as types.
 */

export type RefComparator = ">=" | ">" | "<=" | "<" | "==" | "not" | "in";

export interface RefRequirement {
  reason: string;
  /** The snapshot path the fact reads (`product.listedMinutes` for `product.listed`). */
  fact: string;
  op: RefComparator;
  value: number | string | boolean | string[];
  /** A snapshot path that must hold a number greater than 0 before the requirement is checked. */
  gate: string | undefined;
}

export interface RefEditRule {
  /** The last instant (epoch ms, inclusive) an increase is allowed; undefined: any time. */
  until: number | undefined;
}

export interface RefCampaign {
  name: string;
  registrationOpens: number;
  registrationCloses: number;
  warmUpStart: number | undefined;
  saleStart: number;
  /** Exclusive: the instant after the sale window's last second. */
  saleEnd: number;
  /** Exclusive, as `saleEnd`; undefined without a `review` window. */
  reviewEnd: number | undefined;
  /** `ends`, by default the end of the sale. */
  end: number;
  requirements: RefRequirement[];
  /** The `allow FIELD increase` clauses, by field (`discount`, `units`). */
  allows: Map<string, RefEditRule>;
}

// ---- reading the declaration ----

/** The snapshot path of each fact of the docs' table. */
const SNAPSHOT_PATH: Record<string, string> = {
  "product.sales30d": "product.sales30d",
  "product.sales90d": "product.sales90d",
  "product.sales180d": "product.sales180d",
  "product.rating": "product.rating",
  "product.listed": "product.listedMinutes",
  "product.category": "product.category",
  "product.evaluations": "product.evaluations",
  "product.freeDelivery": "product.freeDelivery",
  "store.evaluation": "store.evaluationPercent",
  "store.seriousPenalties": "store.seriousPenalties",
};

const COMPARATOR: Record<string, RefComparator> = {
  "at least": ">=",
  exceeds: ">",
  "at most": "<=",
  below: "<",
  is: "==",
  "is not": "not",
  in: "in",
};

const MINUTES: Record<string, number> = { minutes: 1, hours: 60, days: 1440, weeks: 10080 };

function factOf(e: A.Expr): string {
  if (e.kind !== "Path") throw new Error("a campaign fact is a path");
  return e.segments.map((s) => s.text).join(".");
}

function valueOf(e: A.Expr): number | string | boolean | string[] {
  switch (e.kind) {
    case "Number": {
      const n = Number(e.text);
      // `24 hours`: a duration, read in minutes.
      return e.currency ? n * MINUTES[durationUnit(e.currency.text)]! : n;
    }
    case "Percent":
      return Number(e.text);
    case "String":
      return e.value;
    case "Bool":
      return e.value;
    case "List":
      return e.items.map((i) => (i.kind === "String" ? i.value : String(valueOf(i))));
    default:
      throw new Error(`not a campaign value: ${e.kind}`);
  }
}

function requirementOf(c: A.CampaignRequire): RefRequirement {
  const test = c.test as A.CompareExpr;
  const fact = factOf(test.left);
  return {
    reason: c.reason.text,
    fact: SNAPSHOT_PATH[fact] ?? fact,
    op: COMPARATOR[test.op]!,
    value: valueOf(test.right),
    gate: c.gate ? SNAPSHOT_PATH[factOf((c.gate as A.CompareExpr).left)] : undefined,
  };
}

/** Every `campaign` declaration of a checked project, in the order written. */
export function readCampaigns(project: ProjectFiles): RefCampaign[] {
  const out: RefCampaign[] = [];
  for (const file of project.files) {
    for (const d of file.parsed.ast.declarations) {
      if (d.kind === "Campaign") out.push(readCampaign(d));
    }
  }
  return out;
}

export function readCampaign(d: A.CampaignDecl): RefCampaign {
  const dates = new Map<string, A.CampaignDate>();
  for (const c of d.clauses) if (c.kind === "CampaignDate") dates.set(c.words.map((w) => w.text).join(" "), c);
  const sale = dates.get("sale")!.window!;
  const saleZone = sale.zone.text;
  // A point without a zone is read in the zone of the sale window.
  const pointZone = (name: string) => dates.get(name)!.at!.zone?.text ?? saleZone;
  const point = (name: string) => wallToEpoch(dates.get(name)!.at!.text, pointZone(name));
  const warmUp = dates.get("warm-up")?.window;
  const review = dates.get("review")?.window;
  const saleEnd = wallToEpoch(sale.end.text, saleZone) + 1000;
  const campaign: RefCampaign = {
    name: d.name.text,
    registrationOpens: point("registration opens"),
    registrationCloses: point("registration closes"),
    warmUpStart: warmUp ? wallToEpoch(warmUp.start.text, warmUp.zone.text) : undefined,
    saleStart: wallToEpoch(sale.start.text, saleZone),
    // The end second is inclusive: the window ends at the next second.
    saleEnd,
    reviewEnd: review ? wallToEpoch(review.end.text, review.zone.text) + 1000 : undefined,
    end: dates.has("ends") ? point("ends") : saleEnd,
    requirements: [],
    allows: new Map(),
  };
  for (const c of d.clauses) {
    if (c.kind === "CampaignRequire") campaign.requirements.push(requirementOf(c));
    if (c.kind === "CampaignAllow") {
      let until: number | undefined;
      if (c.until) {
        const event = c.until.event.map((w) => w.text).join(" ");
        const [at, zone] = event === "registration closes" ? [campaign.registrationCloses, pointZone("registration closes")] : [campaign.saleStart, saleZone];
        // Minutes and hours elapse; days and weeks move the wall clock in the event's zone (as durations do).
        until = addDuration(at, -Number(c.until.duration.amount.text), durationUnit(c.until.duration.unit.text), zone);
      }
      campaign.allows.set(c.field.text, { until });
    }
  }
  return campaign;
}

// ---- (a) eligibility ----

export interface RefFailure {
  reason: string;
  fact: string;
  /** The value read; null when absent. */
  actual: unknown;
  /** The operator and the value: `>= 4.5`. */
  expected: string;
}

export interface RefSnapshot {
  product: Record<string, unknown>;
  store: Record<string, unknown>;
}

function read(snapshot: RefSnapshot, path: string): unknown {
  const [root, key] = path.split(".") as [string, string];
  const object = (snapshot as unknown as Record<string, unknown>)[root];
  if (object === null || typeof object !== "object") return undefined;
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function holds(actual: unknown, op: RefComparator, value: RefRequirement["value"]): boolean {
  switch (op) {
    case ">=":
    case ">":
    case "<=":
    case "<":
      if (typeof actual !== "number") return false;
      return op === ">="
        ? actual >= (value as number)
        : op === ">"
          ? actual > (value as number)
          : op === "<="
            ? actual <= (value as number)
            : actual < (value as number);
    case "==":
      return actual === value;
    case "not":
      // "a fact of the wrong type fails with the requirement's own reason"
      return typeof actual === typeof value && actual !== value;
    case "in":
      return typeof actual === "string" && (value as string[]).includes(actual);
  }
}

/** `>= 4.5`, `not "toys"`, `in ["apparel","home"]`: the docs fix "the operator and the value"; texts are written as JSON. */
const show = (op: RefComparator, value: RefRequirement["value"]) =>
  `${op} ${typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value)}`;

/**
 * Every requirement, in order; every failure. A requirement with a gate holds only when the gate fact is a number
 * greater than 0 (checked first). An absent or null fact is `missing-data`; a fact of the wrong type fails with the
 * requirement's own reason.
 */
export function referenceEligibility(campaign: Pick<RefCampaign, "requirements">, snapshot: RefSnapshot): RefFailure[] {
  const failures: RefFailure[] = [];
  for (const r of campaign.requirements) {
    if (r.gate !== undefined) {
      const g = read(snapshot, r.gate);
      if (g === undefined || g === null) {
        failures.push({ reason: "missing-data", fact: r.gate, actual: null, expected: "> 0" });
        continue;
      }
      if (!(typeof g === "number" && g > 0)) {
        failures.push({ reason: r.reason, fact: r.gate, actual: g, expected: "> 0" });
        continue;
      }
    }
    const actual = read(snapshot, r.fact);
    if (actual === undefined || actual === null) failures.push({ reason: "missing-data", fact: r.fact, actual: null, expected: show(r.op, r.value) });
    else if (!holds(actual, r.op, r.value)) failures.push({ reason: r.reason, fact: r.fact, actual, expected: show(r.op, r.value) });
  }
  return failures;
}

// ---- (b) the edit policy ----

export interface RefRegistration {
  discountPercent: number;
  units: number;
  originalPrice: number;
}
export type RefEditRequest = Partial<RefRegistration>;

export interface RefEditPolicy {
  registrationCloses: number;
  saleStart: number;
  allows: ReadonlyMap<string, RefEditRule>;
}

/** The seeds' policy (002 q.80–81), used without `allow` rules: a discount increase until 24 hours before registration closes, units up at any time. */
export function seedEditPolicy(registrationCloses: number, saleStart: number): RefEditPolicy {
  return {
    registrationCloses,
    saleStart,
    allows: new Map([
      ["discount", { until: registrationCloses - 24 * 3_600_000 }],
      ["units", { until: undefined }],
    ]),
  };
}

/** Every reason that applies, in the docs' order: the discount, the original price, the units. */
export function referenceEdit(policy: RefEditPolicy, old: RefRegistration, change: RefEditRequest, at: number): { allowed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (change.discountPercent !== undefined && change.discountPercent !== old.discountPercent) {
    if (change.discountPercent < old.discountPercent) reasons.push("discount-decrease");
    else {
      const rule = policy.allows.get("discount");
      // The first that applies: once the sale has started, that is the reason (docs: "otherwise the first that applies of").
      if (at >= policy.saleStart) reasons.push("sale-started");
      else if (!rule) reasons.push("discount-edit-not-allowed");
      else if (rule.until !== undefined && at > rule.until) reasons.push("discount-edit-window-closed");
    }
  }
  if (change.originalPrice !== undefined && change.originalPrice !== old.originalPrice) reasons.push("original-price-locked");
  if (change.units !== undefined && change.units !== old.units) {
    if (change.units < old.units) reasons.push("units-withdrawn");
    else {
      const rule = policy.allows.get("units");
      if (!rule) reasons.push("units-edit-not-allowed");
      else if (rule.until !== undefined && at > rule.until) reasons.push("units-edit-window-closed");
    }
  }
  return { allowed: reasons.length === 0, reasons };
}

// ---- (c) the cart for the campaign's phase ----

export type RefPhase = "before" | "warm-up" | "sale" | "after";

export function referencePhase(campaign: Pick<RefCampaign, "warmUpStart" | "saleStart" | "saleEnd">, at: number): RefPhase {
  if (at >= campaign.saleEnd) return "after";
  if (at >= campaign.saleStart) return "sale";
  if (campaign.warmUpStart !== undefined && at >= campaign.warmUpStart) return "warm-up";
  return "before";
}

export interface RefRegisteredSku {
  product: string;
  sku: string;
  discountPercent: number;
  remainingUnits: number;
}

export type RefCampaignLine =
  | { line: string; sku: string; status: "not-in-campaign" }
  | { line: string; sku: string; status: "unavailable"; reason: "sku-not-registered" }
  | { line: string; sku: string; status: "registered"; promoUnits: number; promoUnitPrice: string; fullPriceUnits: number; preview: boolean };

export interface RefCampaignCart {
  phase: RefPhase;
  cart: unknown;
  lines: RefCampaignLine[];
  take: { sku: string; units: number }[];
  /** A split line whose `<id>~full-price` name the cart already uses: the paths of such lines (the cart is not rewritten). */
  errors?: string[];
}

/** A line of the JSON cart of `promo eval`, as far as the campaign reads it. */
export interface RefCampaignCartLine {
  id: string;
  sku: string;
  product?: string;
  unitPrice: string;
  quantity: number;
  tags?: readonly string[];
  [key: string]: unknown;
}
type JsonLine = RefCampaignCartLine;

/** The discount rounded half up to the minor unit, taken off the unit price. */
export function campaignUnitPrice(unitPrice: bigint, percent: number): bigint {
  const scaled = unitPrice * BigInt(percent);
  const discount = (scaled * 2n + 100n) / 200n;
  return unitPrice - discount;
}

/**
 * The cart (the JSON cart of `promo eval`, assumed well formed) for the campaign's phase at its `at`: during the
 * sale (or the warm-up with `asOfSale`) registered units at the registered discount, the rest `<id>~full-price` when
 * the line is split (a line all at one price keeps its id; a taken split name is an error at the line's path),
 * both tagged `campaign:<name>`, an unregistered SKU of a registered product removed; otherwise unchanged.
 */
export function referenceCampaignCart(
  campaign: Pick<RefCampaign, "name" | "warmUpStart" | "saleStart" | "saleEnd">,
  cart: { currency: string; at: string; lines: readonly JsonLine[]; [key: string]: unknown },
  registered: readonly RefRegisteredSku[],
  options: { asOfSale?: boolean } = {},
): RefCampaignCart {
  const phase = referencePhase(campaign, parseInstant(cart.at)!);
  if (phase === "before" || phase === "after") return { phase, cart, lines: [], take: [] };
  const preview = phase === "warm-up";
  const digits = currencyDigits(cart.currency)!;
  const tag = `campaign:${campaign.name}`;
  const left = new Map<string, number>();
  const find = (product: string | undefined, sku: string) => registered.find((r) => r.product === product && r.sku === sku);
  const products = new Set(registered.map((r) => r.product));
  const lines: RefCampaignLine[] = [];
  const out: JsonLine[] = [];
  const take = new Map<string, number>();
  const errors: string[] = [];
  for (const line of cart.lines) {
    const r = find(line.product, line.sku);
    if (!r) {
      if (line.product !== undefined && products.has(line.product)) {
        lines.push({ line: line.id, sku: line.sku, status: "unavailable", reason: "sku-not-registered" });
      } else {
        lines.push({ line: line.id, sku: line.sku, status: "not-in-campaign" });
        out.push(line);
      }
      continue;
    }
    const key = `${r.product}\u0000${r.sku}`;
    const available = left.get(key) ?? r.remainingUnits;
    const promoUnits = Math.min(line.quantity, available);
    left.set(key, available - promoUnits);
    const fullPriceUnits = line.quantity - promoUnits;
    const price = formatMinor(campaignUnitPrice(parseMinor(line.unitPrice, digits)!, r.discountPercent), digits);
    lines.push({ line: line.id, sku: line.sku, status: "registered", promoUnits, promoUnitPrice: price, fullPriceUnits, preview });
    const tags = [...(line.tags ?? []), ...((line.tags ?? []).includes(tag) ? [] : [tag])];
    if (promoUnits > 0) out.push({ ...line, unitPrice: price, quantity: promoUnits, tags });
    // docs/language.md: a line that is split keeps its id for the units at the discount and names the rest
    // `<id>~full-price`, which must be free in the cart; a line all at one price keeps its id.
    const split = promoUnits > 0 && fullPriceUnits > 0;
    if (split && cart.lines.some((l) => l.id === `${line.id}~full-price`)) errors.push(`$.lines[${cart.lines.indexOf(line)}].id`);
    if (fullPriceUnits > 0) out.push({ ...line, id: split ? `${line.id}~full-price` : line.id, quantity: fullPriceUnits, tags });
    if (!preview && promoUnits > 0) take.set(line.sku, (take.get(line.sku) ?? 0) + promoUnits);
  }
  const rewritten = phase === "sale" || options.asOfSale === true;
  if (rewritten && errors.length > 0) return { phase, cart, lines: [], take: [], errors };
  return {
    phase,
    cart: rewritten ? { ...cart, lines: out } : cart,
    lines,
    take: [...take].map(([sku, units]) => ({ sku, units })),
  };
}

// ---- registration, status and locked fields ----

/** Registration is open from `registration opens` (inclusive) until `registration closes` (exclusive). */
export function referenceRegistrationRefusal(campaign: Pick<RefCampaign, "registrationOpens" | "registrationCloses">, at: number): string | undefined {
  if (at < campaign.registrationOpens) return "registration-not-open";
  if (at >= campaign.registrationCloses) return "registration-closed";
  return undefined;
}

export type RefStatus = "under-review" | "approved" | "rejected" | "removed";
export type RefStatusEvent = "approve" | "reject" | "remove" | "penalty" | "requirement-lost";

/**
 * The status after an event (docs, Status), or the reason it is refused; undefined where the docs say nothing (a
 * `penalty` on a rejected or removed registration).
 */
export function referenceTransition(status: RefStatus, event: RefStatusEvent): { status: RefStatus } | { refused: string } | undefined {
  switch (event) {
    case "approve":
      return status === "under-review" ? { status: "approved" } : { refused: "not-under-review" };
    case "reject":
      return status === "under-review" ? { status: "rejected" } : { refused: "not-under-review" };
    case "remove":
      return status === "under-review" ? { status: "removed" } : { refused: "removal-only-under-review" };
    case "penalty":
      return status === "under-review" || status === "approved" ? { status: "removed" } : undefined;
    case "requirement-lost":
      return { status };
  }
}

const LOCKED_FROM_REGISTRATION = ["category", "unit", "salesUnit", "colour", "shipFrom", "discountedPrice", "originalPrice", "pricesByCountry"];
const LOCKED_FROM_REVIEW_END = ["packageSize", "shippingModel"];

/** The review's end (the sale's start without a `review`) and the campaign's `ends`, as `promo campaign edit --field` reads them. */
export function lockCalendar(campaign: Pick<RefCampaign, "reviewEnd" | "saleStart" | "end">): { reviewEnds: number; saleEnd: number } {
  return { reviewEnds: campaign.reviewEnd ?? campaign.saleStart, saleEnd: campaign.end };
}

/** Locked fields (docs, Locked fields) of a registered product at `at`. */
export function referenceFieldEdit(
  field: string,
  status: RefStatus,
  at: number,
  calendar: { reviewEnds: number; saleEnd: number },
): { allowed: true } | { allowed: false; field: string; unlocksAt: number } {
  if (status === "rejected" || status === "removed" || at >= calendar.saleEnd) return { allowed: true };
  const locked = LOCKED_FROM_REGISTRATION.includes(field) || (LOCKED_FROM_REVIEW_END.includes(field) && at >= calendar.reviewEnds);
  return locked ? { allowed: false, field, unlocksAt: calendar.saleEnd } : { allowed: true };
}
