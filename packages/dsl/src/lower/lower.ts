import {
  applicationOrder,
  parsePercent,
  type AttributeSpec,
  type CommissionTable,
  type IndexKeys,
  type Limit,
  type PromotionSpec,
  type Ratio,
  type Window,
} from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import type { CheckedProject } from "../checker/checker.js";
import type { ResolvedWindow } from "../checker/context.js";
import type { CheckedPromotion } from "../checker/promotions.js";
import type { SourceFile } from "../util/source.js";
import { appendAll } from "../util/arrays.js";

/**
 * Lowering: the checked AST becomes plain promotion specs with every constant folded (money in minor units,
 * windows in epoch milliseconds, selectors resolved to promotion ids, application order fixed, index keys
 * derived). Conditions and scopes stay expressions: the interpreter walks them, the emitter compiles them.
 */
export interface LoweredScope {
  /** The line predicate; null selects every line (the whole order). */
  expr: A.Expr | null;
  label: string;
  file: SourceFile;
}

export type LoweredBenefit =
  | { type: "amount"; amount: number; target: LoweredScope }
  | { type: "amount-each"; amount: number; scope: LoweredScope; maxUnits: number | null }
  | { type: "percent"; ratio: Ratio; target: LoweredScope; after: boolean; cap: number | null }
  | { type: "fixed-price"; price: number; scope: LoweredScope; maxUnits: number | null }
  | { type: "pack"; skus: string[]; price: number }
  | { type: "cheapest-free"; free: number; every: number; scope: LoweredScope }
  | { type: "shipping-free" }
  | { type: "shipping-amount"; amount: number }
  | { type: "shipping-percent"; ratio: Ratio }
  | { type: "coins"; coins: number; per: number; cap: Ratio | null; capBase: "order" | "order and shipping"; scope: LoweredScope | null };

/** A promotion spec whose condition and scopes are still expressions (see PromotionSpec in the runtime). */
export interface LoweredPromotion extends Omit<PromotionSpec, "condition" | "benefit" | "exclusiveWith" | "combinesWith"> {
  condition: { expr: A.Expr; file: SourceFile } | null;
  benefit: LoweredBenefit;
  exclusiveWith: string[] | "all" | null;
  combinesWith: string[];
}

export interface LoweredProgram {
  promotions: LoweredPromotion[];
  stacking: { max: number; members: string[]; per: "order" | "store" | "line" | "customer"; text: string }[];
  selection: "best-for-buyer" | "first-by-priority";
  /** The `earn` rules in declaration order; `per` is null for `per purchase`, `scope` null for every line. */
  earn: { coins: number; per: number | null; currency: string; dailyLimit: number | null; scope: LoweredScope | null }[];
  attributes: AttributeSpec[];
  /** The `commission` table; null without one (commission 0 everywhere). */
  commission: CommissionTable | null;
  project: CheckedProject;
}

const window = (w: ResolvedWindow | undefined): Window | null => (w ? { start: w.startMs, end: w.endMs, zone: w.zone } : null);

export function lower(project: CheckedProject): LoweredProgram {
  const tables = project.tables;
  const minor = (lit: A.MoneyLit | undefined): number => (lit ? (tables.money.get(lit.id)?.minor ?? 0) : 0);
  const all = project.promotions;
  const resolve = selectorResolver(project);

  const promotions = all.map((p): LoweredPromotion => {
    const zone = p.valid?.zone ?? p.collect?.zone ?? "UTC";
    const at = p.file.positionAt(p.decl.span.start);
    const benefit = lowerBenefit(p, project, minor);
    return {
      id: p.id,
      title: p.title ?? p.id,
      kind: p.kind ?? "automatic",
      currency: p.currency ?? "",
      priority: p.priority ?? null,
      code: p.code === undefined ? null : p.code.trim().toUpperCase(),
      valid: window(p.valid),
      collect: window(p.collect),
      expires: p.expires ? { ...p.expires, zone } : null,
      lock: p.locked ? { ...p.locked, zone } : null,
      transferable: p.transferable,
      condition: p.condition ? { expr: p.condition, file: p.file } : null,
      conditionAfterDiscounts: p.condition ? readsAfterDiscounts(p.condition) : false,
      reads: p.condition ? conditionReads(p.condition) : [],
      benefit,
      exclusiveWith: p.exclusiveWith === undefined ? null : p.exclusiveWith.includes("any") ? "all" : resolve(p.exclusiveWith).filter((id) => id !== p.id),
      combinesWith: resolve(p.combinesWith),
      index: p.code === undefined ? benefitKeys(benefit, project) : null,
      limits: p.limits.map((l) => lowerLimit(l, zone, p.file, minor)),
      onCancel: p.onCancel,
      ...(p.funders ? { funders: p.funders } : {}),
      onReturn: p.onReturn ?? "keep",
      source: { file: p.file.path, line: at.line, column: at.column },
    };
  });

  return {
    promotions: applicationOrder(promotions),
    stacking: project.stacking.map(({ rule, file }) => ({
      max: Number(rule.count.text),
      members: resolve(rule.selector.names.map((n) => n.text)),
      per: rule.per.text as "order" | "store" | "line" | "customer",
      text: file.parsed.source.text.slice(rule.span.start, rule.span.end).replace(/\s+/g, " "),
    })),
    selection: project.selection,
    earn: project.earn.map(({ decl, file }) => {
      const daily = decl.limits.find((l) => l.count && l.per.some((x) => x.text === "day"));
      return {
        coins: Number(decl.coins.text),
        per: decl.per ? minor(decl.per) : null,
        currency: file.currency ?? "",
        dailyLimit: daily?.count ? Number(daily.count.text) : null,
        scope: decl.scope ? scopeOf(decl.scope, project, file.parsed.source) : null,
      };
    }),
    attributes: [...project.symbols.attributes.values()].map((a) => ({
      owner: a.name.startsWith("customer.") ? "customer" : "line",
      name: a.name.slice(a.name.indexOf(".") + 1),
      type: a.type.t === "set" ? (`set:${a.type.element.t}` as const) : (a.type.t as AttributeSpec["type"]),
    })),
    commission: project.commission ?? null,
    project,
  };
}

/** A `limit` clause as the engine counts it; periods are cut in the promotion's zone (`valid`, else `collect`, else UTC). */
function lowerLimit(l: A.LimitSpec, zone: string, file: SourceFile, minor: (lit: A.MoneyLit | undefined) => number): Limit {
  const per = l.per.map((n) => n.text);
  return {
    kind: l.budget ? "budget" : l.unit?.text === "coins" ? "coins" : l.unit?.text === "units" ? "units" : "count",
    max: l.budget ? minor(l.budget) : Number(l.count?.text ?? 0),
    per: (per.find((w) => w === "customer" || w === "store" || w === "order") ?? null) as Limit["per"],
    period: (per.find((w) => w === "day" || w === "week" || w === "month" || w === "year") ?? null) as Limit["period"],
    zone,
    text: `limit ${file.text.slice(l.span.start, l.span.end).replace(/\s+/g, " ")}`,
  };
}

/** Resolves selector names (kinds, groups, ids, `any`, `coupons`) to promotion ids, sorted, each once. */
function selectorResolver(project: CheckedProject): (names: readonly string[]) => string[] {
  const all = project.promotions;
  const resolveOne = (name: string, seen: Set<string>): string[] => {
    if (name === "any") return all.map((p) => p.id);
    if (name === "coupons") return all.filter((p) => p.code !== undefined || p.kind === "selected-coupon").map((p) => p.id);
    const byKind = all.filter((p) => p.kind === name);
    if (byKind.length > 0) return byKind.map((p) => p.id);
    const group = project.symbols.groups.get(name);
    if (group && !seen.has(name)) {
      seen.add(name);
      return group.decl.members.flatMap((m) => resolveOne(m.text, seen));
    }
    return project.symbols.promotions.has(name) ? [name] : [];
  };
  return (names) => [...new Set(names.flatMap((n) => resolveOne(n, new Set())))].sort();
}

function scopeOf(ref: A.ScopeRef, project: CheckedProject, file: SourceFile): LoweredScope {
  if (ref.kind === "InlineScope") return { expr: ref.predicate, label: file.text.slice(ref.span.start, ref.span.end), file };
  const symbol = project.symbols.scopes.get(ref.name.text);
  return { expr: symbol ? symbol.decl.predicate : null, label: ref.name.text, file: symbol?.file ?? file };
}

function lowerBenefit(p: CheckedPromotion, project: CheckedProject, minor: (lit: A.MoneyLit | undefined) => number): LoweredBenefit {
  const b = p.benefit!;
  const order: LoweredScope = { expr: null, label: "the order", file: p.file };
  const count = (lit: A.MoneyLit | undefined) => (lit ? Number(lit.text) : null);
  switch (b.kind) {
    case "Discount": {
      if (b.target.kind === "ShippingTarget") {
        // P% off shipping is a percentage of the shipping price, not an amount (it was once lowered to 0).
        if (b.value.kind === "Percent") return { type: "shipping-percent", ratio: parsePercent(b.value.text.replace(/^0+(?=\d)/, ""))! };
        return { type: "shipping-amount", amount: minor(b.value) };
      }
      const target = b.target.kind === "OrderTarget" ? order : scopeOf(b.target, project, p.file);
      if (b.value.kind === "Percent") {
        return {
          type: "percent",
          ratio: parsePercent(b.value.text.replace(/^0+(?=\d)/, ""))!,
          target,
          after: b.base === "after",
          cap: b.cap ? minor(b.cap) : null,
        };
      }
      if (b.eachUnit) return { type: "amount-each", amount: minor(b.value), scope: target, maxUnits: count(b.maxUnits?.count) };
      return { type: "amount", amount: minor(b.value), target };
    }
    case "FixedPrice":
      return { type: "fixed-price", price: minor(b.price), scope: scopeOf(b.scope, project, p.file), maxUnits: count(b.maxUnits?.count) };
    case "Pack":
      return { type: "pack", skus: b.skus.map((s) => s.value), price: minor(b.price) };
    case "CheapestFree":
      return { type: "cheapest-free", free: Number(b.free.text), every: Number(b.every.text), scope: scopeOf(b.scope, project, p.file) };
    case "FreeShipping":
      return { type: "shipping-free" };
    case "Coins":
      return {
        type: "coins",
        coins: Number(b.coins.text),
        per: minor(b.per),
        cap: b.capPercent ? (parsePercent(b.capPercent.text.replace(/^0+(?=\d)/, "")) ?? null) : null,
        capBase: b.capWithShipping ? "order and shipping" : "order",
        scope: b.scope ? scopeOf(b.scope, project, p.file) : null,
      };
  }
}

/** Index keys of an automatic promotion: values one of its benefit's lines must have, when there are such. */
function benefitKeys(benefit: LoweredBenefit, project: CheckedProject): IndexKeys | null {
  switch (benefit.type) {
    case "pack":
      return { skus: [...new Set(benefit.skus)] };
    case "amount":
    case "percent":
      return benefit.target.expr ? predicateKeys(benefit.target.expr, project, new Set()) : null;
    case "amount-each":
    case "fixed-price":
    case "cheapest-free":
      return benefit.scope.expr ? predicateKeys(benefit.scope.expr, project, new Set()) : null;
    case "coins":
      return benefit.scope?.expr ? predicateKeys(benefit.scope.expr, project, new Set()) : null;
    default:
      return null;
  }
}

/** A Map, not an object: the field name comes from the rule file (an attribute may be called `constructor`). */
const KEY_FIELDS: ReadonlyMap<string, keyof IndexKeys> = new Map([
  ["sku", "skus"],
  ["store", "stores"],
  ["category", "categories"],
]);

/** Necessary conditions of a line predicate as index keys, or null when none can be read off it. */
function predicateKeys(expr: A.Expr, project: CheckedProject, seen: Set<string>): IndexKeys | null {
  switch (expr.kind) {
    case "Compare": {
      const path =
        expr.left.kind === "Path" && expr.left.segments.length === 2 && expr.left.segments[0]!.text === "line" ? expr.left.segments[1]!.text : undefined;
      if (!path) return null;
      if (expr.op === "contains" && path === "tags" && expr.right.kind === "String") return { tags: [expr.right.value] };
      const key = KEY_FIELDS.get(path);
      if (!key) return null;
      if (expr.op === "is" && expr.right.kind === "String") return { [key]: [expr.right.value] };
      if (expr.op === "in" && expr.right.kind === "List" && expr.right.items.every((i) => i.kind === "String")) {
        return { [key]: expr.right.items.map((i) => (i as A.StringLit).value) };
      }
      return null;
    }
    case "And": {
      for (const operand of expr.operands) {
        const keys = predicateKeys(operand, project, seen);
        if (keys) return keys;
      }
      return null;
    }
    case "Or": {
      const merged: IndexKeys = {};
      for (const operand of expr.operands) {
        const keys = predicateKeys(operand, project, seen);
        if (!keys) return null;
        for (const [k, values] of Object.entries(keys) as [keyof IndexKeys, string[]][]) merged[k] = [...(merged[k] ?? []), ...values];
      }
      return merged;
    }
    case "Path": {
      if (expr.segments.length !== 1) return null;
      const name = expr.segments[0]!.text;
      const scope = project.symbols.scopes.get(name);
      if (!scope || seen.has(name)) return null;
      seen.add(name);
      return predicateKeys(scope.decl.predicate, project, seen);
    }
    default:
      return null;
  }
}

/** The customer, cart and shipping fields a condition reads, each once, in source order (the `missing-data` gate). */
function conditionReads(expr: A.Expr): string[] {
  const out = new Set<string>();
  const visit = (e: A.Expr): void => {
    if (e.kind === "And" || e.kind === "Or") e.operands.forEach(visit);
    else if (e.kind === "Not") visit(e.operand);
    else if (e.kind === "Compare") [e.left, e.right].forEach(visit);
    else if (e.kind === "List") e.items.forEach(visit);
    else if (e.kind === "Path" && e.segments.length === 2 && DATA_ROOTS.has(e.segments[0]!.text)) out.add(`${e.segments[0]!.text}.${e.segments[1]!.text}`);
  };
  visit(expr);
  return [...out];
}

const DATA_ROOTS: ReadonlySet<string> = new Set(["customer", "cart", "shipping"]);

/** Whether a condition reads an aggregate after earlier discounts (then its outcome depends on the combination). */
function readsAfterDiscounts(expr: A.Expr): boolean {
  const stack: A.Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === "Aggregate" && e.base === "after") return true;
    if (e.kind === "And" || e.kind === "Or") appendAll(stack, e.operands);
    else if (e.kind === "Not") stack.push(e.operand);
    else if (e.kind === "Compare") stack.push(e.left, e.right);
    else if (e.kind === "List") appendAll(stack, e.items);
  }
  return false;
}
