import { isPackedJson, packJson, unpackJson, type PackedJson } from "./packed.js";
import { DEFAULT_FUNDER, type Benefit, type Condition, type Kind, type LinePredicate, type Program, type PromotionSpec, type Target } from "./program.js";

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

const NO_READS: readonly string[] = Object.freeze([]);
/** Shared by every promotion without a `combines with` list (most of them): a read-only set, never written. */
const NO_IDS: ReadonlySet<string> = new Set();

/** Every field of a spec named, so that none is forgotten here (optional ones may be undefined). */
type EveryField<T> = { [K in keyof T & string]: T[K] | undefined };

/**
 * A spec from full or compact data. Every spec is built with the same fields in the same order (one shape for the
 * engine's hot loops), each field left out of compact data taking its default.
 */
function promotion(p: PromotionData | CompactPromotionData, conditions: readonly Condition[], benefit: (b: BenefitData) => Benefit): PromotionSpec {
  const d = PROMOTION_DEFAULTS;
  const condition = p.condition ?? d.condition;
  const exclusiveWith = p.exclusiveWith ?? d.exclusiveWith;
  const spec: EveryField<PromotionSpec> = {
    id: p.id,
    title: p.title,
    kind: p.kind as Kind,
    currency: p.currency,
    priority: p.priority ?? d.priority,
    code: p.code ?? d.code,
    valid: p.valid ?? d.valid,
    collect: p.collect ?? d.collect,
    expires: p.expires ?? d.expires,
    lock: p.lock ?? d.lock,
    transferable: p.transferable ?? d.transferable,
    condition: condition === null ? null : conditions[condition]!,
    conditionAfterDiscounts: p.conditionAfterDiscounts ?? d.conditionAfterDiscounts,
    reads: p.reads ?? NO_READS,
    benefit: benefit(p.benefit),
    exclusiveWith: exclusiveWith === "all" ? "all" : exclusiveWith === null ? null : new Set(exclusiveWith),
    combinesWith: p.combinesWith === undefined || p.combinesWith.length === 0 ? NO_IDS : new Set(p.combinesWith),
    index: p.index ?? d.index,
    limits: p.limits ?? d.limits,
    onCancel: p.onCancel ?? d.onCancel,
    funders: p.funders,
    onReturn: p.onReturn,
    source: p.source,
  };
  return spec as PromotionSpec;
}

/**
 * The value of each promotion field that compact data (`compactProgramData`) leaves out. Most promotions of a large
 * rule file have no code, window, limit or stacking list: leaving those fields out halves a bundle and the time to
 * load it. `funders` left out means the kind's default funder and `onReturn` left out means `keep`, as in a spec.
 */
const PROMOTION_DEFAULTS = {
  priority: null,
  code: null,
  valid: null,
  collect: null,
  expires: null,
  lock: null,
  transferable: true,
  condition: null,
  conditionAfterDiscounts: false,
  exclusiveWith: null,
  combinesWith: [],
  index: null,
  limits: [],
  onCancel: "return",
} as const satisfies Partial<PromotionData>;

/** A promotion as compact data carries it: the fields equal to their default left out. */
export type CompactPromotionData = Partial<PromotionData> & Pick<PromotionData, "id" | "title" | "kind" | "currency" | "benefit" | "source">;

export interface CompactProgramData extends Omit<ProgramData, "promotions"> {
  promotions: CompactPromotionData[];
}

const isDefault = (key: string, value: unknown): boolean => {
  if (!Object.hasOwn(PROMOTION_DEFAULTS, key)) return false;
  const fallback: unknown = PROMOTION_DEFAULTS[key as keyof typeof PROMOTION_DEFAULTS];
  return Array.isArray(fallback) ? Array.isArray(value) && value.length === 0 : value === fallback;
};

/** Whether `funders` says what leaving it out says: the kind's one default funder pays it all. */
function isDefaultFunding(kind: string, funders: PromotionData["funders"]): boolean {
  if (funders === undefined) return true;
  const platform = DEFAULT_FUNDER[kind as Kind] === "platform";
  return platform ? funders.platform > 0 && funders.seller === 0 : funders.platform === 0 && funders.seller > 0;
}

/** `data` with every promotion field that equals its default left out (what `hydrateProgram` puts back). */
export function compactProgramData(data: ProgramData): CompactProgramData {
  const promotions = data.promotions.map((p) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(p)) {
      if (value === undefined || isDefault(key, value)) continue;
      if (key === "funders" && isDefaultFunding(p.kind, p.funders)) continue;
      if (key === "onReturn" && value === "keep") continue;
      if (key === "reads" && Array.isArray(value) && value.length === 0) continue;
      out[key] = value;
    }
    return out as CompactPromotionData;
  });
  return { ...data, promotions };
}

/** What a bundle carries: `data` compact, then packed (shared object shapes and repeated strings written once). */
export function packProgramData(data: ProgramData): PackedJson {
  return packJson(compactProgramData(data));
}

/** A program from its data: full, compact, or compact and packed (what bundles carry, `packProgramData`). */
export function hydrateProgram(
  given: ProgramData | CompactProgramData | PackedJson,
  conditions: readonly Condition[],
  scopes: readonly LinePredicate[],
): Program {
  const data = isPackedJson(given) ? (unpackJson(given) as CompactProgramData) : given;
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
    promotions: data.promotions.map((p) => promotion(p, conditions, benefit)),
    stacking: data.stacking.map((r) => ({ ...r, members: new Set(r.members) })),
    selection: data.selection,
    earn: data.earn.map((e) => ({ ...e, scope: scope(e.scope) })),
    commission: data.commission ?? null,
  };
}
