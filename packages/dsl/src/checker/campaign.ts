import { addDuration } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { suggest } from "../util/similar.js";
import type { FileContext, Reporter } from "./context.js";
import type { Literals } from "./literals.js";
import type { PromotionChecker } from "./promotions.js";

/**
 * Checks a `campaign` declaration (docs/language.md, Platform campaigns) and lowers it to the data the runtime in
 * @promo/campaign reads: the calendar as UTC instants, the requirements (`{ reason, fact, op, value,
 * onlyWhenPositive?, span }`, as `promo campaign check` takes them in JSON) and the allowed edits.
 */

/** A fact a requirement may test: where it is in a product/store snapshot, and its type. */
export interface CampaignFact {
  /** The snapshot path the runtime reads. */
  path: string;
  type: "count" | "rating" | "duration" | "percent" | "text" | "bool";
  doc: string;
}

export const CAMPAIGN_FACTS: Readonly<Record<string, CampaignFact>> = {
  "product.sales30d": { path: "product.sales30d", type: "count", doc: "units sold in the last 30 days" },
  "product.sales90d": { path: "product.sales90d", type: "count", doc: "units sold in the last 90 days" },
  "product.sales180d": { path: "product.sales180d", type: "count", doc: "units sold in the last 180 days" },
  "product.rating": { path: "product.rating", type: "rating", doc: "the product's average rating, 0 to 5" },
  "product.listed": { path: "product.listedMinutes", type: "duration", doc: "how long the product has been listed" },
  "product.category": { path: "product.category", type: "text", doc: "the product's category" },
  "product.evaluations": { path: "product.evaluations", type: "count", doc: "the number of product evaluations" },
  "product.freeDelivery": { path: "product.freeDelivery", type: "bool", doc: "whether the shipping model delivers for free" },
  "store.evaluation": { path: "store.evaluationPercent", type: "percent", doc: "the store's positive evaluation rate" },
  "store.seriousPenalties": { path: "store.seriousPenalties", type: "count", doc: "serious penalties on the store" },
};

/** The calendar's dates: each written with one or two words, and whether it is a point in time or a window. */
export const CAMPAIGN_DATES: Readonly<Record<string, "point" | "window">> = {
  "registration opens": "point",
  "registration closes": "point",
  review: "window",
  "warm-up": "window",
  sale: "window",
  ends: "point",
};

export const CAMPAIGN_EDIT_FIELDS = ["discount", "units"] as const;
const EDIT_EVENTS = ["registration closes", "sale starts"] as const;

const UNIT_MINUTES: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
  week: 10080,
  weeks: 10080,
};

export type RequirementOp = ">=" | ">" | "<=" | "<" | "==" | "in" | "includes" | "not";

const OPS: Partial<Record<A.Comparator, RequirementOp>> = {
  "at least": ">=",
  exceeds: ">",
  "at most": "<=",
  below: "<",
  is: "==",
  "is not": "not",
  in: "in",
};

export interface CampaignRequirementData {
  reason: string;
  fact: string;
  op: RequirementOp;
  value: number | string | boolean | string[];
  onlyWhenPositive?: string;
  span: { start: number; end: number };
}

/** Instants are ISO 8601 UTC strings; window ends are exclusive (the first instant after the window). */
export interface CampaignCalendarData {
  zone: string;
  registrationOpens: string;
  registrationCloses: string;
  reviewStart?: string;
  reviewEnd?: string;
  warmUpStart?: string;
  warmUpEnd?: string;
  saleStart: string;
  saleEnd: string;
  end: string;
}

export interface CampaignEditData {
  field: (typeof CAMPAIGN_EDIT_FIELDS)[number];
  change: "increase";
  /** The last instant the edit is allowed (inclusive); no edit is allowed once the sale has started. */
  until?: string;
}

export interface CampaignData {
  campaign: string;
  title?: string;
  calendar: CampaignCalendarData;
  requirements: CampaignRequirementData[];
  edits: CampaignEditData[];
}

interface Resolved {
  clause: A.CampaignDate;
  start: number;
  /** Exclusive end for windows; the instant itself for points. */
  end: number;
  startText: string;
  endText: string;
  /** The zone the date is written in (`N days before` it moves that wall clock). */
  zone: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class CampaignChecker {
  constructor(
    private readonly reporter: Reporter,
    private readonly literals: Literals,
    private readonly promotions: PromotionChecker,
  ) {}

  private at(file: FileContext, span: A.Span) {
    return this.reporter.at(file.source, span);
  }

  /**
   * Checks the declaration; returns its data when it has no error. `parsed`: the file's syntax diagnostics — a
   * campaign the parser recovered is not also reported for the dates it lost.
   */
  campaign(decl: A.CampaignDecl, file: FileContext, parsed: readonly Diagnostic[] = []): CampaignData | undefined {
    const before = this.reporter.diagnostics.filter((d) => d.severity === "error").length;
    const title = decl.clauses.find((c): c is A.CampaignTitle => c.kind === "CampaignTitle");
    const broken = parsed.some((d) => d.severity === "error" && d.span.start >= decl.span.start && d.span.start <= decl.span.end);
    const calendar = this.calendar(decl, file, broken);
    const requirements = this.requirements(decl, file);
    const edits = calendar ? this.edits(decl, file, calendar) : [];
    const errors = this.reporter.diagnostics.filter((d) => d.severity === "error").length;
    if (!calendar || errors > before) return undefined;
    return {
      campaign: decl.name.text,
      ...(title ? { title: title.text.value } : {}),
      calendar: calendar.data,
      requirements,
      edits,
    };
  }

  private calendar(decl: A.CampaignDecl, file: FileContext, broken: boolean): { data: CampaignCalendarData; byName: Map<string, Resolved> } | undefined {
    const dates = decl.clauses.filter((c): c is A.CampaignDate => c.kind === "CampaignDate");
    const seen = new Map<string, A.CampaignDate>();
    // Dates written but reported (wrong form): not missing as well.
    const written = new Set<string>();
    for (const d of dates) {
      const name = d.words.map((w) => w.text).join(" ");
      if (d.words.some((w) => w.text === "")) continue;
      const span = { start: d.words[0]!.span.start, end: d.words[d.words.length - 1]!.span.end };
      const shape = Object.hasOwn(CAMPAIGN_DATES, name) ? CAMPAIGN_DATES[name] : undefined;
      if (!shape) {
        this.reporter.report(Diagnostics.unknownName(this.at(file, span), "campaign date", name, suggest(name, Object.keys(CAMPAIGN_DATES))));
        continue;
      }
      const first = seen.get(name);
      if (first) {
        this.reporter.report(Diagnostics.duplicateClause(this.at(file, span), name, this.at(file, first.span)));
        continue;
      }
      written.add(name);
      if ((shape === "window") !== (d.window !== undefined)) {
        const how = shape === "window" ? `${name} from … to … in ZONE` : `${name} DATE-TIME in ZONE`;
        this.reporter.report(
          Diagnostics.typeMismatch(this.at(file, d.span), `'${name}' is ${shape === "window" ? "a window" : "a point in time"}: write ${how}`),
        );
        continue;
      }
      seen.set(name, d);
    }
    const sale = seen.get("sale");
    const saleWindow = sale?.window ? this.promotions.windowSpec(sale.window, file) : undefined;
    const byName = new Map<string, Resolved>();
    for (const [name, d] of seen) {
      if (d.window) {
        const w = name === "sale" ? saleWindow : this.promotions.windowSpec(d.window, file);
        if (w) byName.set(name, { clause: d, start: w.startMs, end: w.endMs + 1, startText: d.window.start.text, endText: d.window.end.text, zone: w.zone });
      } else if (d.at) {
        let zone: string | undefined;
        if (d.at.zone) zone = this.literals.zone(file, d.at.zone);
        else if (saleWindow) zone = saleWindow.zone;
        else {
          this.reporter.report(Diagnostics.invalidDateTime(this.at(file, d.at.span), d.at.text, `give its time zone (${d.at.text} in Asia/Shanghai)`));
          continue;
        }
        const ms = this.literals.instant(file, d.at, zone);
        if (ms !== undefined && zone !== undefined) byName.set(name, { clause: d, start: ms, end: ms, startText: d.at.text, endText: d.at.text, zone });
      }
    }
    const nameSpan = decl.name.span;
    const required: [string, string][] = [
      ["registration opens", "registration opens 2026-10-01 00:00 in Asia/Shanghai"],
      ["registration closes", "registration closes 2026-11-01 00:00 in Asia/Shanghai"],
      ["sale", "sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai"],
    ];
    let missing = false;
    for (const [name, example] of required) {
      if (seen.has(name)) continue;
      missing = true;
      if (broken || written.has(name) || decl.name.text === "") continue;
      this.reporter.report(Diagnostics.campaignDateMissing(this.at(file, nameSpan), decl.name.text, name, example));
    }
    const opens = byName.get("registration opens");
    const closes = byName.get("registration closes");
    const saleAt = byName.get("sale");
    if (missing || !opens || !closes || !saleAt || !saleWindow) return undefined;
    let ok = true;
    if (closes.start <= opens.start) {
      this.reporter.report(Diagnostics.registrationClosesBeforeOpens(this.at(file, closes.clause.span), closes.startText, opens.startText));
      ok = false;
    }
    if (saleAt.start < closes.start) {
      this.reporter.report(Diagnostics.saleBeforeRegistrationCloses(this.at(file, saleAt.clause.span), saleAt.startText, closes.startText));
      ok = false;
    }
    const review = byName.get("review");
    if (review && review.end > saleAt.start) {
      this.reporter.report(Diagnostics.reviewAfterSale(this.at(file, review.clause.span), review.endText, saleAt.startText));
      ok = false;
    }
    const warmUp = byName.get("warm-up");
    if (warmUp && warmUp.end > saleAt.start) {
      this.reporter.report(Diagnostics.warmUpNotBeforeSale(this.at(file, warmUp.clause.span), warmUp.endText, saleAt.startText));
      ok = false;
    }
    const ends = byName.get("ends");
    if (ends && ends.start < saleAt.end) {
      this.reporter.report(Diagnostics.campaignEndsBeforeSale(this.at(file, ends.clause.span), ends.startText, saleAt.endText));
      ok = false;
    }
    if (!ok) return undefined;
    const data: CampaignCalendarData = {
      zone: saleWindow.zone,
      registrationOpens: iso(opens.start),
      registrationCloses: iso(closes.start),
      ...(review ? { reviewStart: iso(review.start), reviewEnd: iso(review.end) } : {}),
      ...(warmUp ? { warmUpStart: iso(warmUp.start), warmUpEnd: iso(warmUp.end) } : {}),
      saleStart: iso(saleAt.start),
      saleEnd: iso(saleAt.end),
      end: iso(ends ? ends.start : saleAt.end),
    };
    return { data, byName };
  }

  private requirements(decl: A.CampaignDecl, file: FileContext): CampaignRequirementData[] {
    const out: CampaignRequirementData[] = [];
    const reasons = new Map<string, A.Name>();
    for (const r of decl.clauses) {
      if (r.kind !== "CampaignRequire" || r.reason.text === "") continue;
      const first = reasons.get(r.reason.text);
      if (first) {
        this.reporter.report(Diagnostics.duplicateId(this.at(file, r.reason.span), "requirement", r.reason.text, this.at(file, first.span)));
        continue;
      }
      reasons.set(r.reason.text, r.reason);
      const test = this.test(r.test, file);
      if (!test) continue;
      const requirement: CampaignRequirementData = { reason: r.reason.text, fact: test.fact.path, op: test.op, value: test.value, span: r.span };
      if (r.gate) {
        const gate = this.test(r.gate, file);
        if (!gate) continue;
        const positive = gate.fact.type === "count" && ((gate.op === ">" && gate.value === 0) || (gate.op === ">=" && gate.value === 1));
        if (!positive) {
          this.reporter.report(
            Diagnostics.invalidRequirement(
              this.at(file, r.gate.span),
              "the condition after 'and' must be a count that is positive, e.g. 'and product.sales30d exceeds 0' (the requirement holds only with at least one sale)",
            ),
          );
          continue;
        }
        requirement.onlyWhenPositive = gate.fact.path;
      }
      out.push(requirement);
    }
    return out;
  }

  /** One `FACT COMPARATOR VALUE` test: the fact, the runtime operator and the folded value, or undefined (reported). */
  private test(e: A.Expr, file: FileContext): { fact: CampaignFact; op: RequirementOp; value: CampaignRequirementData["value"] } | undefined {
    if (e.kind === "Error") return undefined;
    if (e.kind !== "Compare" || e.left.kind !== "Path") {
      this.reporter.report(
        Diagnostics.invalidRequirement(this.at(file, e.span), "a requirement compares a fact with a value, e.g. 'product.rating at least 4.5'"),
      );
      return undefined;
    }
    const segments = e.left.segments;
    const root = segments[0]!.text;
    if (root !== "product" && root !== "store") {
      this.reporter.report(Diagnostics.unknownName(this.at(file, segments[0]!.span), "fact", root, suggest(root, ["product", "store"])));
      return undefined;
    }
    const key = segments.map((s) => s.text).join(".");
    const fact = Object.hasOwn(CAMPAIGN_FACTS, key) ? CAMPAIGN_FACTS[key] : undefined;
    if (!fact) {
      const rest = segments
        .slice(1)
        .map((s) => s.text)
        .join(".");
      const names = Object.keys(CAMPAIGN_FACTS)
        .filter((k) => k.startsWith(`${root}.`))
        .map((k) => k.slice(root.length + 1));
      const span = { start: segments[1]!.span.start, end: segments[segments.length - 1]!.span.end };
      this.reporter.report(Diagnostics.unknownField(this.at(file, span), root, rest, suggest(rest, names)));
      return undefined;
    }
    const op = OPS[e.op];
    const mismatch = (message: string) => {
      this.reporter.report(Diagnostics.typeMismatch(this.at(file, e.right.span.end > e.right.span.start ? e.right.span : e.span), message));
      return undefined;
    };
    if (!op) {
      this.reporter.report(Diagnostics.invalidRequirement(this.at(file, e.opSpan), `'${e.op}' is not a requirement comparator for ${key}`));
      return undefined;
    }
    const right = e.right;
    if (right.kind === "Error") return undefined;
    const numeric = op === ">=" || op === ">" || op === "<=" || op === "<" || op === "==" || op === "not";
    switch (fact.type) {
      case "count":
      case "rating":
      case "duration": {
        if (!numeric) return this.badOp(file, e, key);
        if (right.kind !== "Number") return mismatch(`${key} is ${fact.type === "duration" ? "a duration, e.g. 24 hours" : "a number"}`);
        const n = Number(right.text);
        if (fact.type === "duration") {
          const unit = right.currency?.text;
          if (unit === undefined) return mismatch(`${key} is a duration: give its unit, e.g. ${right.text} hours`);
          const minutes = n * UNIT_MINUTES[unit]!;
          if (!Number.isInteger(minutes) || minutes < 0) return mismatch(`${key} is a whole number of minutes`);
          return { fact, op, value: minutes };
        }
        if (right.currency) return mismatch(`${key} is a number, not a duration: drop '${right.currency.text}'`);
        if (fact.type === "count" && (!Number.isInteger(n) || n < 0)) return mismatch(`${key} is a count: a whole number, 0 or more`);
        if (fact.type === "rating" && !(n >= 0 && n <= 5)) return mismatch(`${key} is a rating from 0 to 5`);
        return { fact, op, value: n };
      }
      case "percent": {
        if (!numeric) return this.badOp(file, e, key);
        if (right.kind !== "Percent") return mismatch(`${key} is a percentage, e.g. 95%`);
        const n = Number(right.text);
        if (!(n >= 0 && n <= 100)) return mismatch(`${key} is a percentage from 0% to 100%`);
        return { fact, op, value: n };
      }
      case "bool":
        if (op !== "==" && op !== "not") return this.badOp(file, e, key);
        if (right.kind !== "Bool") return mismatch(`${key} is true or false`);
        return { fact, op, value: right.value };
      case "text":
        if (op === "in") {
          if (right.kind !== "List" || !right.items.every((i) => i.kind === "String")) return mismatch(`${key} is text: 'in' takes a list of strings`);
          return { fact, op, value: right.items.map((i) => (i as A.StringLit).value) };
        }
        if (op !== "==" && op !== "not") return this.badOp(file, e, key);
        if (right.kind !== "String") return mismatch(`${key} is text, e.g. "apparel"`);
        return { fact, op, value: right.value };
    }
  }

  private badOp(file: FileContext, e: A.CompareExpr, key: string): undefined {
    this.reporter.report(Diagnostics.invalidRequirement(this.at(file, e.opSpan), `'${e.op}' does not apply to ${key}`));
    return undefined;
  }

  private edits(decl: A.CampaignDecl, file: FileContext, calendar: { data: CampaignCalendarData; byName: Map<string, Resolved> }): CampaignEditData[] {
    const out: CampaignEditData[] = [];
    const seen = new Map<string, A.CampaignAllow>();
    for (const a of decl.clauses) {
      if (a.kind !== "CampaignAllow" || a.field.text === "" || a.change.text === "") continue;
      const field = a.field.text;
      if (field === "price" || field === "originalPrice" || field === "original-price") {
        this.reporter.report(
          Diagnostics.editNotAllowed(
            this.at(file, a.field.span),
            'the original price of a registered product cannot change (002 q.81: "You will also not be able to change the initial price")',
          ),
        );
        continue;
      }
      if (!(CAMPAIGN_EDIT_FIELDS as readonly string[]).includes(field)) {
        this.reporter.report(Diagnostics.unknownName(this.at(file, a.field.span), "editable field", field, suggest(field, CAMPAIGN_EDIT_FIELDS)));
        continue;
      }
      if (a.change.text === "decrease") {
        const why =
          field === "discount"
            ? 'a registered discount may only be increased (002 q.81: "or decrease the discount offered")'
            : 'registered units may only be added, never withdrawn (002 q.80: "you can increase the discount percentage or add additional units")';
        this.reporter.report(Diagnostics.editNotAllowed(this.at(file, a.change.span), why));
        continue;
      }
      if (a.change.text !== "increase") {
        this.reporter.report(Diagnostics.unknownName(this.at(file, a.change.span), "change", a.change.text, suggest(a.change.text, ["increase", "decrease"])));
        continue;
      }
      const first = seen.get(field);
      if (first) {
        this.reporter.report(Diagnostics.duplicateClause(this.at(file, a.span), `allow ${field}`, this.at(file, first.span)));
        continue;
      }
      seen.set(field, a);
      const edit: CampaignEditData = { field: field as CampaignEditData["field"], change: "increase" };
      if (a.until) {
        const until = this.until(a.until, file, calendar.byName);
        if (until === undefined) continue;
        edit.until = iso(until);
      }
      out.push(edit);
    }
    return out;
  }

  private until(until: NonNullable<A.CampaignAllow["until"]>, file: FileContext, byName: Map<string, Resolved>): number | undefined {
    const amount = this.literals.count(file, until.duration.amount, "a duration", 0);
    const unit = until.duration.unit.text;
    if (unit === "" || amount === undefined) return undefined;
    if (!Object.hasOwn(UNIT_MINUTES, unit)) {
      const units = Object.keys(UNIT_MINUTES);
      this.reporter.report(
        Diagnostics.unknownUnit(
          this.at(file, until.duration.unit.span),
          unit,
          units.filter((u) => u.endsWith("s")),
          suggest(unit, units),
        ),
      );
      return undefined;
    }
    const event = until.event.map((w) => w.text).join(" ");
    if (until.event.length === 0 || until.event.some((w) => w.text === "")) return undefined;
    if (!(EDIT_EVENTS as readonly string[]).includes(event)) {
      const span = { start: until.event[0]!.span.start, end: until.event[until.event.length - 1]!.span.end };
      this.reporter.report(Diagnostics.unknownName(this.at(file, span), "calendar event", event, suggest(event, EDIT_EVENTS)));
      return undefined;
    }
    const date = event === "sale starts" ? byName.get("sale")! : byName.get("registration closes")!;
    const at = date.start;
    const zone = date.zone;
    // Days and weeks move the wall-clock date in the zone the event is written in and keep the time (as `expires` does: a day
    // across a daylight-saving change lasts 23 or 25 hours); minutes and hours are elapsed time.
    const minutes = UNIT_MINUTES[unit]!;
    if (minutes % 1440 !== 0) return at - amount * minutes * 60_000;
    try {
      return addDuration(at, -amount * (minutes / 1440), "days", zone);
    } catch {
      return undefined; // an invalid zone is reported where the calendar names it
    }
  }
}
