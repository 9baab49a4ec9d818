import type { BenefitData, ProgramData } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import type { SourceFile } from "../util/source.js";
import type { LoweredBenefit, LoweredProgram, LoweredScope } from "./lower.js";

/**
 * How an engine provides the functions the data refers to: each condition and scope predicate becomes an index
 * into that engine's function tables (closures in the interpreter, generated code in bundles).
 */
export interface FunctionRefs {
  condition(expr: A.Expr, file: SourceFile): number;
  /** The same index for the same predicate expression. */
  scope(expr: A.Expr): number;
}

/** The plain data of a program (see `hydrateProgram` in the runtime), shared by the interpreter and the emitter. */
export function programData(program: LoweredProgram, refs: FunctionRefs): ProgramData {
  const scope = (s: LoweredScope | null) => (s?.expr ? refs.scope(s.expr) : null);
  const benefit = (b: LoweredBenefit): BenefitData => {
    switch (b.type) {
      case "amount":
        return { type: "amount", amount: b.amount, target: { scope: scope(b.target), label: b.target.label } };
      case "percent":
        return { type: "percent", ratio: b.ratio, target: { scope: scope(b.target), label: b.target.label }, after: b.after, cap: b.cap };
      case "amount-each":
        return { type: "amount-each", amount: b.amount, scope: scope(b.scope), label: b.scope.label, maxUnits: b.maxUnits };
      case "fixed-price":
        return { type: "fixed-price", price: b.price, scope: scope(b.scope), label: b.scope.label, maxUnits: b.maxUnits };
      case "cheapest-free":
        return { type: "cheapest-free", free: b.free, every: b.every, scope: scope(b.scope), label: b.scope.label };
      case "coins":
        return { type: "coins", coins: b.coins, per: b.per, cap: b.cap, capBase: b.capBase, scope: scope(b.scope) };
      default:
        return b;
    }
  };
  return {
    promotions: program.promotions.map((p) => ({
      ...p,
      condition: p.condition ? refs.condition(p.condition.expr, p.condition.file) : null,
      benefit: benefit(p.benefit),
    })),
    stacking: program.stacking,
    selection: program.selection,
    earn: program.earn.map((e) => ({ ...e, scope: scope(e.scope) })),
    commission: program.commission,
  };
}
