import type { Benefit, Condition, Kind, LinePredicate, Program, PromotionSpec, Target } from "./program.js";

/**
 * The plain-data form of a program that compiled bundles carry as one JSON literal: functions (conditions and
 * scope predicates) are referred to by index into the bundle's function tables. Keeping the data out of code
 * keeps bundles small and fast to build and to load.
 */
type Ref = number | null;

type TargetData = { scope: Ref; label: string };

export type BenefitData =
  | { type: "amount"; amount: number; target: TargetData }
  | { type: "amount-each"; amount: number; scope: Ref; label: string; maxUnits: number | null }
  | { type: "percent"; ratio: { numerator: number; denominator: number }; target: TargetData; after: boolean; cap: number | null }
  | { type: "fixed-price"; price: number; scope: Ref; label: string; maxUnits: number | null }
  | { type: "pack"; skus: string[]; price: number }
  | { type: "cheapest-free"; free: number; every: number; scope: Ref; label: string }
  | { type: "shipping-free" }
  | { type: "shipping-amount"; amount: number }
  | { type: "shipping-percent"; ratio: { numerator: number; denominator: number } }
  | { type: "coins"; coins: number; per: number; cap: { numerator: number; denominator: number } | null; capBase?: "order" | "order and shipping"; scope: Ref };

export interface PromotionData extends Omit<PromotionSpec, "condition" | "benefit" | "exclusiveWith" | "combinesWith"> {
  condition: Ref;
  benefit: BenefitData;
  exclusiveWith: string[] | "all" | null;
  combinesWith: string[];
}

export interface ProgramData {
  promotions: PromotionData[];
  stacking: { max: number; members: string[]; per: "order" | "store" | "line" | "customer"; text: string }[];
  selection: Program["selection"];
  earn: { coins: number; per: number | null; currency: string; dailyLimit: number | null; scope: Ref }[];
  commission?: Program["commission"];
}

const everyLine: LinePredicate = () => true;

export function hydrateProgram(data: ProgramData, conditions: readonly Condition[], scopes: readonly LinePredicate[]): Program {
  const scope = (ref: Ref): LinePredicate | null => (ref === null ? null : scopes[ref]!);
  const target = (t: TargetData): Target => ({ scope: scope(t.scope), label: t.label });
  const benefit = (b: BenefitData): Benefit => {
    switch (b.type) {
      case "amount":
        return { ...b, target: target(b.target) };
      case "percent":
        return { ...b, target: target(b.target) };
      case "amount-each":
      case "fixed-price":
      case "cheapest-free":
        return { ...b, scope: scope(b.scope) ?? everyLine };
      case "coins":
        return { ...b, scope: scope(b.scope) };
      default:
        return b;
    }
  };
  return {
    promotions: data.promotions.map((p): PromotionSpec => ({
      ...p,
      kind: p.kind as Kind,
      condition: p.condition === null ? null : conditions[p.condition]!,
      benefit: benefit(p.benefit),
      exclusiveWith: p.exclusiveWith === "all" ? "all" : p.exclusiveWith === null ? null : new Set(p.exclusiveWith),
      combinesWith: new Set(p.combinesWith),
    })),
    stacking: data.stacking.map((r) => ({ ...r, members: new Set(r.members) })),
    selection: data.selection,
    earn: data.earn.map((e) => ({ ...e, scope: scope(e.scope) })),
    commission: data.commission ?? null,
  };
}
