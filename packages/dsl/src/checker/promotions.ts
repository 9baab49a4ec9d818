import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { SourceFile } from "../util/source.js";
import type { DurationUnit, FileContext, ResolvedWindow, Reporter, WritableTables } from "./context.js";
import type { ExpressionChecker } from "./expressions.js";
import type { Literals } from "./literals.js";
import { BUILTIN_GROUPS, KINDS, type PromotionKind, type SymbolTable } from "./symbols.js";
import { describeInstant, mapLocalTime } from "./dst.js";

/** A promotion after checking: its clauses folded to values, for the compiler, interpreter and editor. */
export interface CheckedPromotion {
  id: string;
  decl: A.PromotionDecl;
  file: SourceFile;
  currency: string | undefined;
  title: string | undefined;
  kind: PromotionKind | undefined;
  /** The code as written; codes compare case-insensitively (see docs/language.md). */
  code: string | undefined;
  valid: ResolvedWindow | undefined;
  collect: ResolvedWindow | undefined;
  expires: { amount: number; unit: DurationUnit } | undefined;
  locked: { amount: number; unit: DurationUnit } | undefined;
  transferable: boolean;
  condition: A.Expr | undefined;
  benefit: A.Benefit | undefined;
  priority: number | undefined;
  /** `exclusive` alone excludes every other promotion ("any"); `exclusive with X` the selected ones. */
  exclusiveWith: string[] | undefined;
  combinesWith: string[];
  limits: A.LimitSpec[];
  /** `on cancel return use` (the default) or `on cancel keep use`. */
  onCancel: "return" | "keep";
  /** Who funds it: `funded by`, else the kind's default (set by checker/settlement.ts). */
  funders?: { platform: number; seller: number };
  /** `on return recover discount`; absent: keep (set by checker/settlement.ts). */
  onReturn?: "keep" | "recover";
}

const DURATION_UNITS: Record<string, DurationUnit> = {
  second: "seconds",
  seconds: "seconds",
  minute: "minutes",
  minutes: "minutes",
  hour: "hours",
  hours: "hours",
  day: "days",
  days: "days",
  week: "weeks",
  weeks: "weeks",
  month: "months",
  months: "months",
  year: "years",
  years: "years",
};

const LIMIT_ENTITIES = ["customer", "store", "order"];
const LIMIT_PERIODS = ["day", "week", "month", "year"];
const STACKING_ENTITIES = ["order", "store", "line", "customer"];
export const SELECTION_MODES = ["best-for-buyer", "first-by-priority"] as const;

/** How each clause is written, for messages and editors. */
export const CLAUSE_WORDS: Record<A.Clause["kind"], string> = {
  Title: "title",
  Description: "description",
  KindClause: "kind",
  Code: "code",
  Valid: "valid",
  Collect: "collect",
  Expires: "expires",
  Locked: "locked",
  NotTransferable: "not transferable",
  When: "when",
  Give: "give",
  Priority: "priority",
  Exclusive: "exclusive",
  Combines: "combines with",
  Limit: "limit",
  OnCancel: "on cancel",
  Funded: "funded by",
  OnReturn: "on return",
};

export class PromotionChecker {
  constructor(
    private readonly reporter: Reporter,
    private readonly tables: WritableTables,
    private readonly literals: Literals,
    private readonly symbols: SymbolTable,
    private readonly expressions: ExpressionChecker,
  ) {}

  private at(file: FileContext, span: A.Span) {
    return this.reporter.at(file.source, span);
  }

  promotion(decl: A.PromotionDecl, file: FileContext): CheckedPromotion {
    const result: CheckedPromotion = {
      id: decl.name.text,
      decl,
      file: file.source,
      currency: file.currency,
      title: undefined,
      kind: undefined,
      code: undefined,
      valid: undefined,
      collect: undefined,
      expires: undefined,
      locked: undefined,
      transferable: true,
      condition: undefined,
      benefit: undefined,
      priority: undefined,
      exclusiveWith: undefined,
      combinesWith: [],
      limits: [],
      onCancel: "return",
    };
    const seen = new Map<string, A.Clause>();
    for (const clause of decl.clauses) {
      if (clause.kind !== "Limit") {
        const first = seen.get(clause.kind);
        if (first) {
          this.reporter.report(Diagnostics.duplicateClause(this.at(file, clause.span), CLAUSE_WORDS[clause.kind], this.at(file, first.span)));
          continue;
        }
        seen.set(clause.kind, clause);
      }
    }
    const hasCode = seen.has("Code");
    for (const clause of decl.clauses) {
      if (seen.get(clause.kind) !== clause && clause.kind !== "Limit") continue;
      this.clause(clause, file, result, hasCode);
    }
    this.required(decl, file, seen);
    this.kindAndBenefit(result, file, seen);
    return result;
  }

  private required(decl: A.PromotionDecl, file: FileContext, seen: Map<string, A.Clause>): void {
    if (decl.name.text === "") return;
    const span = this.at(file, decl.name.span);
    if (!seen.has("Title")) this.reporter.report(Diagnostics.missingClause(span, decl.name.text, "title", 'title "5.00 USD off orders over 25.00 USD"'));
    if (!seen.has("KindClause")) this.reporter.report(Diagnostics.missingClause(span, decl.name.text, "kind", `kind ${KINDS.join(" | ")}`));
    if (!seen.has("Give")) this.reporter.report(Diagnostics.missingClause(span, decl.name.text, "give", "give 5.00 USD off order"));
  }

  private clause(clause: A.Clause, file: FileContext, out: CheckedPromotion, hasCode: boolean): void {
    const needsCode = (what: string) => {
      if (!hasCode)
        this.reporter.report(Diagnostics.clauseNotAllowed(this.at(file, clause.span), `'${what}' applies to coupons: add a 'code' clause or remove it`));
    };
    switch (clause.kind) {
      case "Title":
        if (clause.text.value.trim() === "") this.reporter.report(Diagnostics.invalidNumber(this.at(file, clause.text.span), "a title cannot be empty"));
        out.title = clause.text.value;
        return;
      case "Description":
        return;
      case "KindClause": {
        const name = clause.name.text;
        if (name === "") return;
        if ((KINDS as readonly string[]).includes(name)) {
          out.kind = name as PromotionKind;
          this.tables.refs.set(clause.name.id, { kind: "kind", name });
        } else this.reporter.report(Diagnostics.unknownKind(this.at(file, clause.name.span), name, suggest(name, KINDS), KINDS));
        return;
      }
      case "Code": {
        const code = clause.code.value;
        if (code.trim() === "" || /\s/.test(code) || code.length > 64) {
          this.reporter.report(Diagnostics.invalidNumber(this.at(file, clause.code.span), "a code is 1 to 64 characters without spaces"));
          return;
        }
        out.code = code;
        return;
      }
      case "Valid":
        out.valid = this.windowRef(clause.window, file);
        return;
      case "Collect":
        needsCode("collect");
        out.collect = this.windowRef(clause.window, file);
        return;
      case "Expires":
        needsCode("expires");
        out.expires = this.duration(clause.duration, file, true);
        return;
      case "Locked":
        needsCode("locked");
        out.locked = this.duration(clause.duration, file, false);
        return;
      case "NotTransferable":
        needsCode("not transferable");
        out.transferable = false;
        return;
      case "When":
        this.expressions.condition(clause.condition, { file, mode: "cart", couponAvailable: hasCode }, "a 'when' condition");
        out.condition = clause.condition;
        return;
      case "Give":
        this.benefit(clause.benefit, file);
        out.benefit = clause.benefit;
        return;
      case "Priority":
        out.priority = this.literals.count(file, clause.value, "a priority", 0);
        return;
      case "Exclusive":
        out.exclusiveWith = clause.with ? this.selector(clause.with, file) : ["any"];
        return;
      case "Combines":
        out.combinesWith = this.selector(clause.with, file);
        return;
      case "Limit":
        this.limit(clause.limit, file, "promotion");
        out.limits.push(clause.limit);
        return;
      case "OnCancel": {
        const words = [clause.event, clause.action, clause.object];
        if (words.some((w) => w.text === "")) return;
        const action = clause.action.text;
        if (clause.event.text !== "cancel" || clause.object.text !== "use" || (action !== "return" && action !== "keep")) {
          this.reporter.report(
            Diagnostics.invalidLimit(
              this.at(file, clause.span),
              `'on ${words.map((w) => w.text).join(" ")}' is not a cancellation policy: write 'on cancel return use' or 'on cancel keep use'`,
            ),
          );
          return;
        }
        out.onCancel = action;
        return;
      }
    }
  }

  /** The kind decides which benefits fit: coins deduct coins, shipping promotions discount shipping. */
  private kindAndBenefit(out: CheckedPromotion, file: FileContext, seen: Map<string, A.Clause>): void {
    const benefit = out.benefit;
    // An empty span is a benefit the parser could not read, already reported: nothing to say about its kind.
    if (!benefit || !out.kind || benefit.span.start === benefit.span.end) return;
    const isShippingBenefit = benefit.kind === "FreeShipping" || (benefit.kind === "Discount" && benefit.target.kind === "ShippingTarget");
    const span = this.at(file, benefit.span);
    if (benefit.kind === "Coins" && out.kind !== "coins") {
      this.reporter.report(Diagnostics.clauseNotAllowed(span, `a coins deduction belongs to a promotion of kind coins, not ${out.kind}`));
    } else if (out.kind === "coins" && benefit.kind !== "Coins") {
      this.reporter.report(Diagnostics.clauseNotAllowed(span, "a promotion of kind coins gives a coins deduction: 'give coins at 100 per 1.00 USD ...'"));
    } else if (isShippingBenefit && out.kind !== "shipping") {
      this.reporter.report(Diagnostics.clauseNotAllowed(span, `a shipping discount belongs to a promotion of kind shipping, not ${out.kind}`));
    } else if (out.kind === "shipping" && !isShippingBenefit) {
      this.reporter.report(
        Diagnostics.clauseNotAllowed(span, "a promotion of kind shipping discounts shipping: 'give free shipping' or 'give 3.00 USD off shipping'"),
      );
    }
    for (const limit of out.limits) {
      if (limit.unit?.text === "coins" && out.kind !== "coins") {
        this.reporter.report(
          Diagnostics.invalidLimit(
            this.at(file, limit.span),
            `a limit in coins counts coins deducted, and only a promotion of kind coins deducts coins (this one is ${out.kind}): count redemptions or set a budget`,
          ),
        );
      }
    }
    const onCancel = seen.get("OnCancel");
    if (onCancel && !out.limits.some((l) => !l.per.some((p) => p.text === "order"))) {
      this.reporter.report(Diagnostics.cancelWithoutLimit(this.at(file, onCancel.span), out.id));
    }
    const code = seen.get("Code");
    if (code && (out.kind === "automatic" || out.kind === "selected-coupon")) {
      this.reporter.report(Diagnostics.clauseNotAllowed(this.at(file, code.span), `a promotion of kind ${out.kind} applies automatically and has no code`));
    }
    if (!code && (out.kind === "promo-code" || out.kind === "platform-coupon" || out.kind === "store-coupon")) {
      const name = out.decl.name;
      this.reporter.report(Diagnostics.missingClause(this.at(file, name.span), name.text, "code", `code "SAVE10" (a ${out.kind} is triggered by a code)`));
    }
  }

  windowRef(ref: A.WindowRef, file: FileContext): ResolvedWindow | undefined {
    if (ref.kind === "WindowSpec") return this.windowSpec(ref, file);
    if (ref.text === "") return undefined;
    const symbol = this.symbols.windows.get(ref.text);
    if (!symbol) {
      this.reporter.report(Diagnostics.unknownName(this.at(file, ref.span), "window", ref.text, suggest(ref.text, this.symbols.windows.keys())));
      return undefined;
    }
    this.tables.refs.set(ref.id, symbol);
    this.symbols.markUsed(symbol);
    return this.tables.windows.get(symbol.decl.window.id);
  }

  /** A window bound in a DST gap or overlap is resolved by a rule (language.md, Windows): say which instant it became. */
  private warnAboutOffsetChange(file: FileContext, lit: A.DateTimeLit, ms: number, zone: string): void {
    const local = this.literals.localDateTime(file, lit);
    if (!local) return;
    const mapping = mapLocalTime(local, zone);
    const span = this.at(file, lit.span);
    if (mapping.kind === "gap") this.reporter.report(Diagnostics.timeInDstGap(span, lit.text, zone, describeInstant(ms, zone)));
    else if (mapping.kind === "overlap")
      this.reporter.report(
        Diagnostics.timeInDstOverlap(span, lit.text, zone, describeInstant(mapping.instants[0], zone), describeInstant(mapping.instants[1], zone)),
      );
  }

  windowSpec(spec: A.WindowSpec, file: FileContext): ResolvedWindow | undefined {
    const cached = this.tables.windows.get(spec.id);
    if (cached) return cached;
    const zone = this.literals.zone(file, spec.zone);
    const start = this.literals.instant(file, spec.start, zone);
    const end = this.literals.instant(file, spec.end, zone);
    if (start === undefined || end === undefined || !zone) return undefined;
    if (end < start) {
      this.reporter.report(Diagnostics.windowEndBeforeStart(this.at(file, spec.span), spec.start.text, spec.end.text));
      return undefined;
    }
    this.warnAboutOffsetChange(file, spec.start, start, zone);
    this.warnAboutOffsetChange(file, spec.end, end, zone);
    const window = { startMs: start, endMs: end + 999, zone };
    this.tables.windows.set(spec.id, window);
    return window;
  }

  private duration(node: A.Duration, file: FileContext, calendarAllowed: boolean): { amount: number; unit: DurationUnit } | undefined {
    const amount = this.literals.count(file, node.amount, "a duration", 1);
    const unitText = node.unit.text;
    if (unitText === "") return undefined;
    const unit = Object.hasOwn(DURATION_UNITS, unitText) ? DURATION_UNITS[unitText] : undefined;
    if (!unit) {
      this.reporter.report(
        Diagnostics.unknownUnit(
          this.at(file, node.unit.span),
          unitText,
          Object.keys(DURATION_UNITS).filter((u) => u.endsWith("s")),
          suggest(unitText, Object.keys(DURATION_UNITS)),
        ),
      );
      return undefined;
    }
    if (!calendarAllowed && (unit === "months" || unit === "years")) {
      this.reporter.report(Diagnostics.unknownUnit(this.at(file, node.unit.span), unitText, ["seconds", "minutes", "hours", "days", "weeks"], []));
      return undefined;
    }
    if (amount === undefined) return undefined;
    const value = { amount, unit };
    this.tables.durations.set(node.id, value);
    return value;
  }

  /** Resolves kinds, groups, promotion ids and `any`/`coupons` in a selector; returns the names that resolved. */
  selector(selector: A.Selector, file: FileContext): string[] {
    const resolved: string[] = [];
    for (const name of selector.names) {
      if (name.text === "") continue;
      if ((KINDS as readonly string[]).includes(name.text)) {
        this.tables.refs.set(name.id, { kind: "kind", name: name.text });
      } else if ((BUILTIN_GROUPS as readonly string[]).includes(name.text)) {
        this.tables.refs.set(name.id, { kind: "builtin-group", name: name.text });
      } else {
        const symbol = this.symbols.groups.get(name.text) ?? this.symbols.promotions.get(name.text);
        if (!symbol) {
          const candidates = [...KINDS, ...BUILTIN_GROUPS, ...this.symbols.groups.keys(), ...this.symbols.promotions.keys()];
          this.reporter.report(Diagnostics.unknownName(this.at(file, name.span), "kind, group or promotion", name.text, suggest(name.text, candidates)));
          continue;
        }
        this.tables.refs.set(name.id, symbol);
        this.symbols.markUsed(symbol);
      }
      resolved.push(name.text);
    }
    return resolved;
  }

  limit(spec: A.LimitSpec, file: FileContext, owner: "promotion" | "earn"): void {
    if (spec.budget) this.literals.money(file, spec.budget, "a budget", { allowZero: false });
    if (spec.count) this.literals.count(file, spec.count, "a limit", 1);
    if (spec.unit) {
      const allowed = owner === "earn" ? ["coins"] : ["redemptions", "uses", "coins", "units"];
      if (!allowed.includes(spec.unit.text)) {
        this.reporter.report(Diagnostics.unknownUnit(this.at(file, spec.unit.span), spec.unit.text, allowed, suggest(spec.unit.text, allowed)));
      }
    }
    let entity: A.Name | undefined;
    let period: A.Name | undefined;
    for (const per of spec.per) {
      if (per.text === "") continue;
      const isEntity = LIMIT_ENTITIES.includes(per.text);
      const isPeriod = LIMIT_PERIODS.includes(per.text);
      if (!isEntity && !isPeriod) {
        const known = [...LIMIT_ENTITIES, ...LIMIT_PERIODS];
        this.reporter.report(Diagnostics.unknownUnit(this.at(file, per.span), per.text, known, suggest(per.text, known)));
        continue;
      }
      const previous = isEntity ? entity : period;
      if (previous) {
        this.reporter.report(
          Diagnostics.duplicateClause(
            this.at(file, per.span),
            `per ${isEntity ? "customer/store/order" : "day/week/month/year"}`,
            this.at(file, previous.span),
          ),
        );
        continue;
      }
      if (isEntity) entity = per;
      else period = per;
    }
  }

  benefit(benefit: A.Benefit, file: FileContext): void {
    switch (benefit.kind) {
      case "Discount": {
        if (benefit.value.kind === "Percent") {
          this.literals.percent(file, benefit.value, "a discount");
          if (benefit.eachUnit)
            this.reporter.report(
              Diagnostics.clauseNotAllowed(this.at(file, benefit.span), "a percentage already applies to every unit: write 'give 20% off <scope>'"),
            );
        } else {
          this.literals.money(file, benefit.value, "a discount", { allowZero: false });
          if (benefit.cap)
            this.reporter.report(
              Diagnostics.clauseNotAllowed(this.at(file, benefit.cap.span), "'up to' caps a percentage discount; an amount off is its own cap"),
            );
        }
        if (benefit.cap && benefit.value.kind === "Percent") this.literals.money(file, benefit.cap, "a cap", { allowZero: false });
        if (benefit.maxUnits && !benefit.eachUnit)
          this.reporter.report(
            Diagnostics.clauseNotAllowed(this.at(file, benefit.maxUnits.span), "'max N units' goes with 'off each unit of' and 'price ... on'"),
          );
        if (benefit.maxUnits) this.maxUnits(benefit.maxUnits, file);
        if (benefit.base && benefit.target.kind === "ShippingTarget")
          this.reporter.report(Diagnostics.clauseNotAllowed(this.at(file, benefit.span), "a shipping discount has no before/after-discounts base"));
        if (benefit.target.kind === "ScopeName" || benefit.target.kind === "InlineScope") this.expressions.scopeRef(benefit.target, file);
        return;
      }
      case "FixedPrice":
        this.literals.money(file, benefit.price, "a price");
        this.expressions.scopeRef(benefit.scope, file);
        if (benefit.maxUnits) this.maxUnits(benefit.maxUnits, file);
        return;
      case "Pack": {
        this.literals.money(file, benefit.price, "a pack price", { allowZero: false });
        if (benefit.skus.length === 0) this.reporter.report(Diagnostics.invalidNumber(this.at(file, benefit.span), "a pack lists at least one SKU"));
        return;
      }
      case "CheapestFree": {
        const free = this.literals.count(file, benefit.free, "the number of free units", 1);
        const every = this.literals.count(file, benefit.every, "the group size", 1);
        if (free !== undefined && every !== undefined && free >= every) {
          this.reporter.report(
            Diagnostics.invalidNumber(
              this.at(file, benefit.span),
              `${free} free for every ${every} would make every unit free; the group must be larger than the free units`,
            ),
          );
        }
        this.expressions.scopeRef(benefit.scope, file);
        return;
      }
      case "FreeShipping":
        return;
      case "Coins":
        this.literals.count(file, benefit.coins, "the number of coins", 1);
        this.literals.money(file, benefit.per, "the value of those coins", { allowZero: false });
        if (benefit.capPercent) this.literals.percent(file, benefit.capPercent, "a cap");
        if (benefit.scope) this.expressions.scopeRef(benefit.scope, file);
        return;
    }
  }

  private maxUnits(node: A.MaxUnits, file: FileContext): void {
    this.literals.count(file, node.count, "a maximum number of units", 1);
    if (node.unitWord.text !== "" && node.unitWord.text !== "unit" && node.unitWord.text !== "units") {
      this.reporter.report(Diagnostics.unknownUnit(this.at(file, node.unitWord.span), node.unitWord.text, ["unit", "units"], ["units"]));
    }
  }

  stacking(decl: A.StackingDecl, file: FileContext, selections: { mode: string; span: A.Span; file: FileContext }[]): void {
    for (const rule of decl.rules) {
      if (rule.kind === "Select") {
        const mode = rule.mode.text;
        if (mode === "") continue;
        if (!(SELECTION_MODES as readonly string[]).includes(mode)) {
          this.reporter.report(Diagnostics.unknownName(this.at(file, rule.mode.span), "selection", mode, suggest(mode, SELECTION_MODES)));
          continue;
        }
        const other = selections.find((s) => s.mode !== mode);
        if (other)
          this.reporter.report(
            Diagnostics.conflictingSelection(this.at(file, rule.span), mode, `select ${other.mode}`, this.reporter.at(other.file.source, other.span)),
          );
        selections.push({ mode, span: rule.span, file });
        continue;
      }
      this.literals.count(file, rule.count, "the maximum", 1);
      this.selector(rule.selector, file);
      const per = rule.per.text;
      if (per !== "" && !STACKING_ENTITIES.includes(per)) {
        this.reporter.report(Diagnostics.unknownUnit(this.at(file, rule.per.span), per, STACKING_ENTITIES, suggest(per, STACKING_ENTITIES)));
      }
    }
  }

  group(decl: A.GroupDecl, file: FileContext): void {
    this.selector({ kind: "Selector", id: decl.id, span: decl.span, names: decl.members, bracketed: true }, file);
  }
}
