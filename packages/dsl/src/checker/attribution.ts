import type { AffiliateProgramDecl, AttributionClause, AttributionDecl, AttributionExampleDecl, ProgramClause } from "../ast/nodes.js";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { CheckedProject, CheckStage, CheckState } from "./state.js";
import type { FileContext, ResolvedWindow } from "./context.js";

/**
 * Checks `attribution` and `affiliate program` declarations (docs/language.md, Affiliate attribution) and keeps
 * what they resolve to for lowering (lower/attribution.ts): windows as epoch milliseconds, rates in basis points.
 */
export type ActionWord = "coupon" | "cart" | "click";
export type ModelWord = "first-cookie" | "last-cookie";

export interface CheckedAttribution {
  decl: AttributionDecl;
  file: FileContext;
  priority: ActionWord[];
  /** In declaration order; `to` exclusive. */
  windows: { from: number; to: number; model: ModelWord; clause: AttributionClause }[];
  defaultModel: ModelWord | undefined;
  lookbackMs: number | undefined;
  sale: { from: number; to: number; clause: AttributionClause } | undefined;
  couponExclusion: boolean;
}

export interface CheckedProgram {
  decl: AffiliateProgramDecl;
  file: FileContext;
  storeRateBp: number | undefined;
  featured: { goods: string[]; rateBp: number; clause: ProgramClause }[];
  premium: { webmasters: string[]; rateBp: number; from: number; to: number; clause: ProgramClause } | undefined;
}

export interface CheckedAffiliate {
  attribution: CheckedAttribution | undefined;
  program: CheckedProgram | undefined;
  /** `attribution example` declarations, in project order (run by `promo test`). */
  examples: { decl: AttributionExampleDecl; file: FileContext }[];
}

const checkedAffiliate = new WeakMap<CheckedProject, CheckedAffiliate>();

/** The project's checked attribution and affiliate program (both undefined when it declares none). */
export function affiliateOf(project: CheckedProject): CheckedAffiliate {
  return checkedAffiliate.get(project) ?? { attribution: undefined, program: undefined, examples: [] };
}

export const ACTIONS: readonly ActionWord[] = ["coupon", "cart", "click"];
export const MODELS: readonly ModelWord[] = ["first-cookie", "last-cookie"];
export const GRANULARITIES = ["goods"] as const;
export const EXCLUSIONS = ["coupon-via-another-webmaster"] as const;
const LOOKBACK_UNITS: Record<string, number> = {
  second: 1_000,
  seconds: 1_000,
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000,
};
const MIN_BP = 300;
export const PROGRAM_HEADS = ["minimum", "featured", "premium"] as const;
const SHAPES: Record<(typeof PROGRAM_HEADS)[number], { list: boolean; window: boolean; what: string; listWhat: string; example: string }> = {
  minimum: { list: false, window: false, what: "the store-wide rate", listWhat: "", example: "minimum 3%" },
  featured: { list: true, window: false, what: "a featured rate", listWhat: "list of featured goods", example: "featured [FEAT] 8%" },
  premium: { list: true, window: true, what: "the premium rate", listWhat: "list of premium webmasters", example: "premium [U1] 10% during project-u" },
};

/** Needs windows resolved and every name declared (the `windows` and `symbols` stages). */
export const affiliateStage: CheckStage = {
  name: "affiliate",
  run(state) {
    const out: CheckedAffiliate = { attribution: undefined, program: undefined, examples: [] };
    for (const file of state.project.files) {
      const ctx = state.contexts.get(file)!;
      for (const decl of file.parsed.ast.declarations) {
        if (decl.kind === "Attribution") {
          if (out.attribution) twice(state, ctx, decl.span, "attribution declaration", out.attribution);
          else out.attribution = attribution(state, decl, ctx);
        } else if (decl.kind === "AttributionExample") {
          out.examples.push({ decl, file: ctx });
        } else if (decl.kind === "AffiliateProgram") {
          if (out.program) twice(state, ctx, decl.span, "affiliate program", out.program);
          else out.program = program(state, decl, ctx);
        }
      }
    }
    const first = out.examples[0];
    if (first && !out.attribution)
      state.reporter.report(
        Diagnostics.affiliateMissingClause(
          at(state, first.file, first.decl.name.span),
          "the project",
          "attribution for its attribution examples",
          "attribution NAME { … }",
        ),
      );
    if (out.attribution && !out.program) {
      const { decl, file } = out.attribution;
      state.reporter.report(
        Diagnostics.affiliateMissingClause(
          at(state, file, decl.name.span),
          `attribution '${decl.name.text}'`,
          "affiliate program in the project",
          "affiliate program store { minimum 3% }",
        ),
      );
    }
    checkedAffiliate.set(state.project, out);
  },
};

function at(state: CheckState, file: FileContext, span: A.Span) {
  return state.reporter.at(file.source, span);
}

function twice(state: CheckState, ctx: FileContext, span: A.Span, what: string, first: { decl: { span: A.Span }; file: FileContext }): void {
  const head = { start: span.start, end: Math.min(span.end, span.start + (what.startsWith("affiliate") ? "affiliate".length : "attribution".length)) };
  state.reporter.report(Diagnostics.affiliateDeclaredTwice(at(state, ctx, head), what, at(state, first.file, first.decl.span)));
}

function word<T extends string>(state: CheckState, file: FileContext, name: A.Name, what: string, known: readonly T[]): T | undefined {
  if (name.text === "") return undefined;
  if ((known as readonly string[]).includes(name.text)) return name.text as T;
  state.reporter.report(Diagnostics.affiliateUnknownWord(at(state, file, name.span), what, name.text, known, suggest(name.text, known)));
  return undefined;
}

/** Duplicate clause of a kind that may appear once. */
function once(state: CheckState, file: FileContext, seen: Map<string, A.Span>, key: string, label: string, span: A.Span): boolean {
  const first = seen.get(key);
  if (first) {
    state.reporter.report(Diagnostics.duplicateClause(at(state, file, span), label, at(state, file, first)));
    return false;
  }
  seen.set(key, span);
  return true;
}

function halfOpen(w: ResolvedWindow): { from: number; to: number } {
  // A window's end second is inclusive (…:59.999); the runtime reads windows as from ≤ t < to.
  return { from: w.startMs, to: w.endMs + 1 };
}

function attribution(state: CheckState, decl: AttributionDecl, file: FileContext): CheckedAttribution {
  const out: CheckedAttribution = {
    decl,
    file,
    priority: [...ACTIONS],
    windows: [],
    defaultModel: undefined,
    lookbackMs: undefined,
    sale: undefined,
    couponExclusion: false,
  };
  const seen = new Map<string, A.Span>();
  for (const c of decl.clauses) {
    switch (c.kind) {
      case "AttributionPriority": {
        if (!once(state, file, seen, "priority", "priority", c.span)) break;
        const words = c.actions.map((a) => word(state, file, a, "action", ACTIONS));
        if (words.some((w) => w === undefined)) break;
        if (words.length !== 3 || new Set(words).size !== 3)
          state.reporter.report(Diagnostics.affiliateInvalidPriority(at(state, file, c.span), c.actions.map((a) => a.text).join(" > ")));
        else out.priority = words as ActionWord[];
        break;
      }
      case "AttributionModel": {
        const model = word(state, file, c.model, "attribution model", MODELS);
        if (c.window === undefined) {
          if (!once(state, file, seen, "otherwise", "otherwise", c.span)) break;
          if (model) out.defaultModel = model;
          break;
        }
        const w = state.promotions.windowRef(c.window, file);
        if (model && w) out.windows.push({ ...halfOpen(w), model, clause: c });
        break;
      }
      case "AttributionLookback": {
        if (!word(state, file, c.head, "clause", ["lookback"])) break;
        if (!once(state, file, seen, "lookback", "lookback", c.span)) break;
        const amount = state.literals.count(file, c.duration.amount, "a lookback", 0);
        const unit = c.duration.unit.text;
        if (unit === "") break;
        const ms = Object.hasOwn(LOOKBACK_UNITS, unit) ? LOOKBACK_UNITS[unit] : undefined;
        if (ms === undefined) {
          const allowed = Object.keys(LOOKBACK_UNITS).filter((u) => u.endsWith("s"));
          state.reporter.report(Diagnostics.unknownUnit(at(state, file, c.duration.unit.span), unit, allowed, suggest(unit, Object.keys(LOOKBACK_UNITS))));
        } else if (amount !== undefined) out.lookbackMs = amount * ms;
        break;
      }
      case "AttributionPer":
        if (once(state, file, seen, "per", "per", c.span)) word(state, file, c.granularity, "granularity", GRANULARITIES);
        break;
      case "AttributionPayment": {
        if (!once(state, file, seen, "payment", "payment during", c.span)) break;
        const w = state.promotions.windowRef(c.window, file);
        if (w) out.sale = { ...halfOpen(w), clause: c };
        break;
      }
      case "AttributionExclude":
        if (!word(state, file, c.head, "clause", ["exclude"])) break;
        if (word(state, file, c.exclusion, "exclusion", EXCLUSIONS)) out.couponExclusion = true;
        break;
    }
  }
  const owner = `attribution '${decl.name.text}'`;
  if (!seen.has("otherwise"))
    state.reporter.report(
      Diagnostics.affiliateMissingClause(at(state, file, decl.name.span), owner, "model for the rest of the time", "last-cookie otherwise"),
    );
  if (!seen.has("lookback")) state.reporter.report(Diagnostics.affiliateMissingClause(at(state, file, decl.name.span), owner, "lookback", "lookback 30 days"));
  if (!seen.has("per")) state.reporter.report(Diagnostics.affiliateMissingClause(at(state, file, decl.name.span), owner, "granularity", "per goods"));
  return out;
}

/** A rate in basis points: 3% → 300, 2.5% → 250 (at most two decimals). */
function rate(state: CheckState, file: FileContext, lit: A.PercentLit, what: string): number | undefined {
  if (lit.text === "") return undefined;
  const ratio = state.literals.percent(file, lit, what);
  if (!ratio) return undefined;
  const bp = (ratio.numerator * 10_000) / ratio.denominator;
  if (!Number.isInteger(bp)) {
    state.reporter.report(
      Diagnostics.invalidNumber(at(state, file, lit.span), `${what} must have at most two decimals (a whole number of basis points), not ${lit.text}%`),
    );
    return undefined;
  }
  return bp;
}

function program(state: CheckState, decl: AffiliateProgramDecl, file: FileContext): CheckedProgram {
  word(state, file, decl.keyword, "word after 'affiliate'", ["program"]);
  const out: CheckedProgram = { decl, file, storeRateBp: undefined, featured: [], premium: undefined };
  const seen = new Map<string, A.Span>();
  const extra: { clause: ProgramClause; bp: number; what: string }[] = [];
  for (const c of decl.clauses) {
    const head = word(state, file, c.head, "rate clause", PROGRAM_HEADS);
    if (!head) continue;
    const shape = SHAPES[head];
    const where = at(state, file, c.head.span);
    if (shape.list && c.list === undefined) state.reporter.report(Diagnostics.affiliateMissingClause(where, `'${head}'`, shape.listWhat, shape.example));
    if (!shape.list && c.list !== undefined) state.reporter.report(Diagnostics.clauseNotAllowed(where, `'${head}' takes no list (e.g. ${shape.example})`));
    if (shape.window && c.window === undefined) state.reporter.report(Diagnostics.affiliateMissingClause(where, `'${head}'`, "window", shape.example));
    if (!shape.window && c.window !== undefined)
      state.reporter.report(Diagnostics.clauseNotAllowed(where, `'${head}' takes no window (e.g. ${shape.example})`));
    const bp = rate(state, file, c.rate, shape.what);
    if (bp !== undefined && bp < MIN_BP) state.reporter.report(Diagnostics.affiliateRateBelowMinimum(at(state, file, c.rate.span), `${c.rate.text}%`));
    const ok = bp !== undefined && bp >= MIN_BP;
    if (head === "minimum") {
      if (once(state, file, seen, "minimum", "minimum", c.span) && ok) out.storeRateBp = bp;
    } else if (head === "featured") {
      if (ok && c.list) {
        out.featured.push({ goods: c.list.map((g) => g.text), rateBp: bp, clause: c });
        extra.push({ clause: c, bp, what: "featured" });
      }
    } else if (once(state, file, seen, "premium", "premium", c.span)) {
      const w = c.window === undefined ? undefined : state.promotions.windowRef(c.window, file);
      if (ok && w && c.list) {
        out.premium = { webmasters: c.list.map((x) => x.text), rateBp: bp, ...halfOpen(w), clause: c };
        extra.push({ clause: c, bp, what: "premium" });
      }
    }
  }
  if (!seen.has("minimum"))
    state.reporter.report(
      Diagnostics.affiliateMissingClause(at(state, file, decl.name.span), `affiliate program '${decl.name.text}'`, "store-wide rate", "minimum 3%"),
    );
  else if (out.storeRateBp !== undefined)
    for (const e of extra)
      if (e.bp <= out.storeRateBp)
        state.reporter.report(
          Diagnostics.affiliateRateNotHigher(at(state, file, e.clause.rate.span), e.what, `${e.clause.rate.text}%`, `${out.storeRateBp / 100}%`),
        );
  return out;
}
