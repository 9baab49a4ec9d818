import type * as A from "../../dsl/src/ast/nodes.js";
import { currencyDigits, parseMinor, parseRational, type Rational } from "./money.js";
import { durationUnit, wallToEpoch, type DurationUnit } from "./time.js";

/**
 * The rules as the reference model reads them, straight from the syntax trees of a project that checked clean.
 * Nothing here comes from lowering: windows, money, selectors, application order and index keys are worked out
 * again from docs/language.md. (Only AST types are imported, and only as types.)
 */

export const KINDS = ["automatic", "selected-coupon", "store-coupon", "platform-coupon", "promo-code", "shipping", "coins"] as const;
export type Kind = (typeof KINDS)[number];

export interface RefWindow {
  start: number;
  /** The last millisecond inside: the end second is inclusive. */
  end: number;
  zone: string;
}

/** A set of lines: null is the whole order. */
export type RefScope = A.Expr | null;

export type RefBenefit =
  | { type: "amount"; amount: bigint; scope: RefScope }
  | { type: "percent"; percent: Rational; scope: RefScope; after: boolean; cap: bigint | null }
  | { type: "amount-each"; amount: bigint; scope: RefScope; maxUnits: number | null }
  | { type: "fixed-price"; price: bigint; scope: RefScope; maxUnits: number | null }
  | { type: "pack"; skus: string[]; price: bigint }
  | { type: "cheapest-free"; free: number; every: number; scope: RefScope }
  | { type: "shipping-free" }
  | { type: "shipping-amount"; amount: bigint }
  | { type: "shipping-percent"; percent: Rational }
  | { type: "coins"; coins: bigint; per: bigint; cap: Rational | null; capWithShipping: boolean; scope: RefScope };

export interface RefLimit {
  /** `units`: promotional stock, the quantities of the lines the promotion can touch. */
  kind: "count" | "coins" | "budget" | "units";
  max: bigint;
  per: "customer" | "store" | "order" | null;
  period: "day" | "week" | "month" | "year" | null;
}

export interface RefPromotion {
  id: string;
  kind: Kind;
  currency: string;
  digits: number;
  priority: number | null;
  code: string | null;
  valid: RefWindow | null;
  collect: RefWindow | null;
  expires: { amount: number; unit: DurationUnit } | null;
  locked: { amount: number; unit: DurationUnit } | null;
  /** The zone of `valid`, else `collect`, else UTC: durations, limit periods. */
  zone: string;
  transferable: boolean;
  condition: A.Expr | null;
  benefit: RefBenefit;
  exclusive: "all" | Set<string> | null;
  combinesWith: Set<string>;
  limits: RefLimit[];
}

export interface RefStackingRule {
  max: number;
  members: Set<string>;
  per: "order" | "store" | "line" | "customer";
}

export interface RefRules {
  /** In application order. */
  promotions: RefPromotion[];
  stacking: RefStackingRule[];
  selection: "best-for-buyer" | "first-by-priority";
  /** The `earn` rules in declaration order; `per` null for `per purchase`, `scope` null for every line. */
  earn: { coins: bigint; per: bigint | null; currency: string; dailyLimit: bigint | null; scope: RefScope }[];
  scopes: Map<string, A.Expr>;
  attributes: Map<string, string>;
}

/** What the reference needs of a checked project: each file's syntax tree. */
export interface ProjectFiles {
  files: readonly { parsed: { ast: A.PromoFile } }[];
}

export function readRules(project: ProjectFiles): RefRules {
  const files = project.files.map((f) => f.parsed.ast);
  const decls = files.flatMap((file) => file.declarations.map((d) => ({ d, file })));
  const scopes = new Map<string, A.Expr>();
  const windows = new Map<string, A.WindowSpec>();
  const groups = new Map<string, string[]>();
  const attributes = new Map<string, string>();
  const fileCurrency = new Map<A.PromoFile, string>();
  for (const { d, file } of decls) {
    if (d.kind === "Scope") scopes.set(d.name.text, d.predicate);
    else if (d.kind === "Window") windows.set(d.name.text, d.window);
    else if (d.kind === "Group")
      groups.set(
        d.name.text,
        d.members.map((m) => m.text),
      );
    else if (d.kind === "Currency") fileCurrency.set(file, d.code.text);
    else if (d.kind === "Attribute") attributes.set(`${d.root.text}.${d.name.text}`, d.type.element ? `set:${d.type.element.text}` : d.type.head.text);
  }

  const resolveWindow = (ref: A.WindowRef): RefWindow => {
    const spec = ref.kind === "Name" ? windows.get(ref.text)! : ref;
    const zone = spec.zone.text;
    return { start: wallToEpoch(spec.start.text, zone), end: wallToEpoch(spec.end.text, zone) + 999, zone };
  };

  const promotionDecls = decls.filter((x): x is { d: A.PromotionDecl; file: A.PromoFile } => x.d.kind === "Promotion");
  const allIds = promotionDecls.map((x) => x.d.name.text);
  const kindOf = new Map<string, string>();
  const hasCode = new Set<string>();
  for (const { d } of promotionDecls) {
    for (const c of d.clauses) {
      if (c.kind === "KindClause") kindOf.set(d.name.text, c.name.text);
      if (c.kind === "Code") hasCode.add(d.name.text);
    }
  }
  // A selector name is a kind, then `any`/`coupons`, then a group, then a promotion id.
  const select = (names: readonly string[], seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    for (const name of names) {
      if ((KINDS as readonly string[]).includes(name)) allIds.filter((id) => (kindOf.get(id) ?? "automatic") === name).forEach((id) => out.add(id));
      else if (name === "any") allIds.forEach((id) => out.add(id));
      // `coupons`: every promotion with a code, and the code-less selected coupons (docs/language.md, Selectors).
      else if (name === "coupons") allIds.filter((id) => hasCode.has(id) || kindOf.get(id) === "selected-coupon").forEach((id) => out.add(id));
      else if (groups.has(name)) {
        if (seen.has(name)) continue;
        seen.add(name);
        select(groups.get(name)!, seen).forEach((id) => out.add(id));
      } else if (allIds.includes(name)) out.add(name);
    }
    return out;
  };

  const promotions = promotionDecls.map(({ d, file }): RefPromotion => {
    const currency = fileCurrency.get(file) ?? "";
    const digits = currencyDigits(currency) ?? 2;
    const money = (lit: A.MoneyLit) => parseMinor(lit.text, digits)!;
    const p: RefPromotion = {
      id: d.name.text,
      kind: "automatic",
      currency,
      digits,
      priority: null,
      code: null,
      valid: null,
      collect: null,
      expires: null,
      locked: null,
      zone: "UTC",
      transferable: true,
      condition: null,
      benefit: { type: "shipping-free" },
      exclusive: null,
      combinesWith: new Set(),
      limits: [],
    };
    for (const c of d.clauses) {
      switch (c.kind) {
        case "KindClause":
          p.kind = c.name.text as Kind;
          break;
        case "Code":
          p.code = c.code.value.trim().toUpperCase();
          break;
        case "Valid":
          p.valid = resolveWindow(c.window);
          break;
        case "Collect":
          p.collect = resolveWindow(c.window);
          break;
        case "Expires":
          p.expires = { amount: Number(c.duration.amount.text), unit: durationUnit(c.duration.unit.text) };
          break;
        case "Locked":
          p.locked = { amount: Number(c.duration.amount.text), unit: durationUnit(c.duration.unit.text) };
          break;
        case "NotTransferable":
          p.transferable = false;
          break;
        case "When":
          p.condition = c.condition;
          break;
        case "Give":
          p.benefit = readBenefit(c.benefit, money, scopes);
          break;
        case "Priority":
          p.priority = Number(c.value.text);
          break;
        case "Exclusive":
          if (!c.with) p.exclusive = "all";
          else {
            const names = c.with.names.map((n) => n.text);
            p.exclusive = names.includes("any") ? "all" : select(names);
          }
          break;
        case "Combines":
          p.combinesWith = select(c.with.names.map((n) => n.text));
          break;
        case "Limit":
          p.limits.push(readLimit(c.limit, money));
          break;
        default:
          break;
      }
    }
    if (p.exclusive instanceof Set) p.exclusive.delete(p.id);
    p.zone = p.valid?.zone ?? p.collect?.zone ?? "UTC";
    return p;
  });

  const stacking: RefStackingRule[] = [];
  let selection: RefRules["selection"] = "best-for-buyer";
  const earn: RefRules["earn"] = [];
  for (const { d, file } of decls) {
    if (d.kind === "Stacking") {
      for (const rule of d.rules) {
        if (rule.kind === "Select") selection = rule.mode.text as RefRules["selection"];
        else
          stacking.push({
            max: Number(rule.count.text),
            members: select(rule.selector.names.map((n) => n.text)),
            per: rule.per.text as RefStackingRule["per"],
          });
      }
    }
    if (d.kind === "Earn") {
      const currency = fileCurrency.get(file) ?? "";
      const daily = d.limits.find((l) => l.count && l.per.some((w) => w.text === "day"));
      earn.push({
        coins: BigInt(d.coins.text),
        per: d.per ? parseMinor(d.per.text, currencyDigits(currency) ?? 2)! : null,
        currency,
        dailyLimit: daily?.count ? BigInt(daily.count.text) : null,
        scope: d.scope ? scopeOf(d.scope, scopes) : null,
      });
    }
  }
  return { promotions: promotions.sort(applicationOrder), stacking, selection, earn, scopes, attributes };
}

export function applicationOrder(a: RefPromotion, b: RefPromotion): number {
  const stage = KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind);
  if (stage !== 0) return stage;
  const pa = a.priority ?? Infinity;
  const pb = b.priority ?? Infinity;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function scopeOf(ref: A.ScopeRef, scopes: Map<string, A.Expr>): A.Expr {
  return ref.kind === "InlineScope" ? ref.predicate : scopes.get(ref.name.text)!;
}

function readBenefit(b: A.Benefit, money: (lit: A.MoneyLit) => bigint, scopes: Map<string, A.Expr>): RefBenefit {
  switch (b.kind) {
    case "Discount": {
      if (b.target.kind === "ShippingTarget") {
        return b.value.kind === "Percent"
          ? { type: "shipping-percent", percent: parseRational(b.value.text)! }
          : { type: "shipping-amount", amount: money(b.value) };
      }
      const scope = b.target.kind === "OrderTarget" ? null : scopeOf(b.target, scopes);
      if (b.value.kind === "Percent")
        return { type: "percent", percent: parseRational(b.value.text)!, scope, after: b.base === "after", cap: b.cap ? money(b.cap) : null };
      if (b.eachUnit) return { type: "amount-each", amount: money(b.value), scope, maxUnits: b.maxUnits ? Number(b.maxUnits.count.text) : null };
      return { type: "amount", amount: money(b.value), scope };
    }
    case "FixedPrice":
      return { type: "fixed-price", price: money(b.price), scope: scopeOf(b.scope, scopes), maxUnits: b.maxUnits ? Number(b.maxUnits.count.text) : null };
    case "Pack":
      return { type: "pack", skus: b.skus.map((s) => s.value), price: money(b.price) };
    case "CheapestFree":
      return { type: "cheapest-free", free: Number(b.free.text), every: Number(b.every.text), scope: scopeOf(b.scope, scopes) };
    case "FreeShipping":
      return { type: "shipping-free" };
    case "Coins":
      return {
        type: "coins",
        coins: BigInt(b.coins.text),
        per: money(b.per),
        cap: b.capPercent ? parseRational(b.capPercent.text)! : null,
        capWithShipping: b.capWithShipping === true,
        scope: b.scope ? scopeOf(b.scope, scopes) : null,
      };
  }
}

function readLimit(l: A.LimitSpec, money: (lit: A.MoneyLit) => bigint): RefLimit {
  const words = l.per.map((w) => w.text);
  return {
    kind: l.budget ? "budget" : l.unit?.text === "coins" ? "coins" : l.unit?.text === "units" ? "units" : "count",
    max: l.budget ? money(l.budget) : BigInt(l.count?.text ?? "0"),
    per: (words.find((w) => w === "customer" || w === "store" || w === "order") ?? null) as RefLimit["per"],
    period: (words.find((w) => w === "day" || w === "week" || w === "month" || w === "year") ?? null) as RefLimit["period"],
  };
}
