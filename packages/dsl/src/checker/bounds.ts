import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { Reporter } from "./context.js";
import type { CheckedPromotion } from "./promotions.js";
import type { SymbolTable } from "./symbols.js";
import { appendAll } from "../util/arrays.js";

/**
 * Bounds on what a rule file can make the tools and the runtime do (docs/language.md, "Bounded cost"):
 *
 * - scopes built from scopes, and groups built from groups, nest at most {@link MAX_REFERENCE_DEPTH} levels, so
 *   lowering, emitting and evaluating them (each a recursion over the references) cannot exhaust the stack;
 * - every promotion has a static cost, the work its condition and benefit do per cart line with named scopes
 *   expanded, and a promotion over the budget ({@link DEFAULT_COST_BUDGET} by default) is an error. Named scopes
 *   are shared, so a few lines of text can describe exponentially much work
 *   (`scope s2 = s1 and s1`, `scope s3 = s2 and s2`, …); the estimate counts it.
 *
 * Every walk here is iterative: these checks must hold for files the parser accepts, whatever their size.
 */
export const MAX_REFERENCE_DEPTH = 64;
export const DEFAULT_COST_BUDGET = 10_000;
/** Costs saturate here (well inside the exactly representable integers). */
const COST_CEILING = 2 ** 50;

const add = (a: number, b: number) => Math.min(COST_CEILING, a + b);

/** Names a scope predicate refers to (as line conditions). */
function scopeRefs(expr: A.Expr, symbols: SymbolTable): string[] {
  const out: string[] = [];
  const stack: A.Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === "Path" && e.segments.length === 1 && symbols.scopes.has(e.segments[0]!.text)) out.push(e.segments[0]!.text);
    else if (e.kind === "And" || e.kind === "Or") appendAll(stack, e.operands);
    else if (e.kind === "Not") stack.push(e.operand);
    else if (e.kind === "Compare") stack.push(e.left, e.right);
  }
  return out;
}

/**
 * A fold over a graph of named declarations, computed bottom-up without recursion. `edges` gives a node's
 * successors; `combine` its value from theirs. A successor on the current path (a cycle, reported elsewhere)
 * contributes `onCycle`.
 */
function foldGraph<T>(
  roots: readonly string[],
  edges: (name: string) => readonly string[],
  combine: (name: string, deps: readonly T[]) => T,
  onCycle: T,
): Map<string, T> {
  const done = new Map<string, T>();
  const onPath = new Set<string>();
  for (const root of roots) {
    if (done.has(root)) continue;
    const stack: { name: string; deps: readonly string[]; next: number }[] = [{ name: root, deps: edges(root), next: 0 }];
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++]!;
        if (done.has(dep) || onPath.has(dep)) continue;
        onPath.add(dep);
        stack.push({ name: dep, deps: edges(dep), next: 0 });
        continue;
      }
      stack.pop();
      onPath.delete(top.name);
      done.set(
        top.name,
        combine(
          top.name,
          top.deps.map((d) => done.get(d) ?? onCycle),
        ),
      );
    }
  }
  return done;
}

/** Scope and group chains deeper than the limit: one diagnostic where each chain first goes over it. */
export function reportDeepReferences(symbols: SymbolTable, reporter: Reporter): void {
  const scopeNames = [...symbols.scopes.keys()];
  const scopeDepth = foldGraph<number>(
    scopeNames,
    (n) => scopeRefs(symbols.scopes.get(n)!.decl.predicate, symbols),
    (_n, deps) => 1 + Math.max(0, ...deps),
    0,
  );
  for (const name of scopeNames) {
    const deps = scopeRefs(symbols.scopes.get(name)!.decl.predicate, symbols);
    if (scopeDepth.get(name) === MAX_REFERENCE_DEPTH + 1 && deps.every((d) => (scopeDepth.get(d) ?? 0) <= MAX_REFERENCE_DEPTH)) {
      const symbol = symbols.scopes.get(name)!;
      reporter.report(Diagnostics.referenceTooDeep(reporter.at(symbol.file, symbol.decl.name.span), "scope", name, MAX_REFERENCE_DEPTH));
    }
  }
  const groupNames = [...symbols.groups.keys()];
  const groupDeps = (n: string) =>
    symbols.groups
      .get(n)!
      .decl.members.map((m) => m.text)
      .filter((m) => symbols.groups.has(m));
  const groupDepth = foldGraph<number>(groupNames, groupDeps, (_n, deps) => 1 + Math.max(0, ...deps), 0);
  for (const name of groupNames) {
    if (groupDepth.get(name) === MAX_REFERENCE_DEPTH + 1 && groupDeps(name).every((d) => (groupDepth.get(d) ?? 0) <= MAX_REFERENCE_DEPTH)) {
      const symbol = symbols.groups.get(name)!;
      reporter.report(Diagnostics.referenceTooDeep(reporter.at(symbol.file, symbol.decl.name.span), "group", name, MAX_REFERENCE_DEPTH));
    }
  }
}

/**
 * The static cost of a promotion: an upper bound on the operations its condition and benefit perform per cart
 * line, each named scope expanded where it is used.
 *
 * - an expression node costs 1, a literal list its length (a list of constants is a set built once, and costs 1);
 * - a named scope costs what its predicate costs, each time it is referred to;
 * - an aggregate (`subtotal`, `quantity`, `count`) costs 1 plus its scope's cost, per line;
 * - a benefit costs 2 plus its scope's cost per line (selection of the lines, then allocation); a pack costs its
 *   number of SKUs plus 2; a shipping benefit 1.
 *
 * The conditions' cart-level nodes are counted per line too, so the estimate is conservative for every cart of at
 * least one line.
 */
export class CostModel {
  private readonly scopeCosts = new Map<string, number>();

  constructor(private readonly symbols: SymbolTable) {
    // Bottom-up, so a scope's cost is known before any scope that refers to it is costed.
    foldGraph<number>(
      [...symbols.scopes.keys()],
      (n) => scopeRefs(symbols.scopes.get(n)!.decl.predicate, symbols),
      (n) => {
        const cost = this.exprCost(symbols.scopes.get(n)!.decl.predicate);
        this.scopeCosts.set(n, cost);
        return cost;
      },
      0,
    );
  }

  private scopeCost(name: string): number {
    return this.scopeCosts.get(name) ?? 1;
  }

  private scopeRefCost(ref: A.ScopeRef | undefined): number {
    if (!ref) return 0;
    return ref.kind === "InlineScope" ? this.exprCost(ref.predicate) : this.scopeCost(ref.name.text);
  }

  /** Iterative: expressions nest at most 64 levels, but a list or an `and` may hold any number of operands. */
  exprCost(expr: A.Expr): number {
    let total = 0;
    const stack: A.Expr[] = [expr];
    while (stack.length > 0) {
      const e = stack.pop()!;
      total = add(total, 1);
      switch (e.kind) {
        case "And":
        case "Or":
          appendAll(stack, e.operands);
          break;
        case "Not":
          stack.push(e.operand);
          break;
        case "Compare":
          stack.push(e.left, e.right);
          break;
        case "List":
          appendAll(stack, e.items);
          break;
        case "Aggregate":
          total = add(total, this.scopeRefCost(e.scope));
          break;
        case "Path":
          if (e.segments.length === 1 && this.symbols.scopes.has(e.segments[0]!.text)) {
            // The referenced scope's cost (0 for a scope on a cycle, which is reported elsewhere).
            total = add(total, this.scopeCosts.get(e.segments[0]!.text) ?? 0);
          }
          break;
        default:
          break;
      }
    }
    return total;
  }

  benefitCost(benefit: A.Benefit): number {
    switch (benefit.kind) {
      case "Discount":
        return benefit.target.kind === "ShippingTarget" ? 1 : add(2, benefit.target.kind === "OrderTarget" ? 0 : this.scopeRefCost(benefit.target));
      case "FixedPrice":
      case "CheapestFree":
        return add(2, this.scopeRefCost(benefit.scope));
      case "Pack":
        return add(2, benefit.skus.length);
      case "FreeShipping":
        return 1;
      case "Coins":
        return add(2, this.scopeRefCost(benefit.scope));
    }
  }

  promotionCost(p: CheckedPromotion): number {
    return add(p.condition ? this.exprCost(p.condition) : 0, p.benefit ? this.benefitCost(p.benefit) : 0);
  }
}

/** Promotions whose static cost is over the budget. */
export function reportCostOverBudget(promotions: readonly CheckedPromotion[], symbols: SymbolTable, budget: number, reporter: Reporter): void {
  const model = new CostModel(symbols);
  for (const p of promotions) {
    const cost = model.promotionCost(p);
    if (cost > budget)
      reporter.report(
        Diagnostics.costOverBudget(reporter.at(p.file, p.decl.name.span), p.id, cost >= COST_CEILING ? `more than ${COST_CEILING}` : String(cost), budget),
      );
  }
}

/** Scope cycles, each reported once, found by an iterative depth-first walk. */
export function reportScopeCycles(roots: readonly string[], symbols: SymbolTable, reporter: Reporter): void {
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  for (const root of roots) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const stack: { name: string; deps: string[]; next: number }[] = [{ name: root, deps: depsOf(root), next: 0 }];
    state.set(root, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next >= top.deps.length) {
        stack.pop();
        path.pop();
        state.set(top.name, "done");
        continue;
      }
      const dep = top.deps[top.next++]!;
      const s = state.get(dep);
      if (s === "done") continue;
      if (s === "visiting") {
        const cycle = [...path.slice(path.indexOf(dep)), dep];
        const key = [...cycle].sort().join(",");
        if (reported.has(key)) continue;
        reported.add(key);
        const symbol = symbols.scopes.get(dep)!;
        reporter.report(Diagnostics.scopeCycle(reporter.at(symbol.file, symbol.decl.name.span), cycle));
        continue;
      }
      state.set(dep, "visiting");
      path.push(dep);
      stack.push({ name: dep, deps: depsOf(dep), next: 0 });
    }
  }

  function depsOf(name: string): string[] {
    const symbol = symbols.scopes.get(name);
    return symbol ? scopeRefs(symbol.decl.predicate, symbols) : [];
  }
}
