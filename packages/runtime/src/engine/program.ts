import type { NormalizedCart, NormalizedCoupon, NormalizedLine } from "../cart/types.js";
import type { Ratio } from "../money/arithmetic.js";
import type { DurationUnit } from "../time/calendar.js";

/**
 * The contract between a rule set and the pricing engine. The reference interpreter builds it by walking the
 * checked AST; compiled bundles build it from generated, specialised functions. Everything else (gates,
 * benefits, stacking, search, allocation, coins, explanations) is the engine's, shared by both.
 */
export type Kind = "automatic" | "selected-coupon" | "store-coupon" | "platform-coupon" | "promo-code" | "shipping" | "coins";

/** Application order of kinds: automatic discounts first, coins last (docs/language.md). */
export const STAGES: readonly Kind[] = ["automatic", "selected-coupon", "store-coupon", "platform-coupon", "promo-code", "shipping", "coins"];

export type LinePredicate = (line: NormalizedLine, cart: NormalizedCart) => boolean;

/** What a condition may ask of the cart; `after` aggregates see the discounts applied so far. */
export interface ConditionContext {
  readonly cart: NormalizedCart;
  readonly coupon: NormalizedCoupon | null;
  subtotal(scope: LinePredicate | null, after: boolean): number;
  quantity(scope: LinePredicate | null): number;
  count(scope: LinePredicate | null): number;
}

/** Undefined when the condition holds; otherwise why it does not, in words. */
export type Condition = (ctx: ConditionContext) => string | undefined;

export interface Window {
  start: number;
  /** Inclusive: the last millisecond inside the window. */
  end: number;
  zone: string;
}

export interface Target {
  /** Null: the whole order. */
  scope: LinePredicate | null;
  /** How the target reads in explanations: "the order", "acme". */
  label: string;
}

export type Benefit =
  | { type: "amount"; amount: number; target: Target }
  | { type: "amount-each"; amount: number; scope: LinePredicate; label: string; maxUnits: number | null }
  | { type: "percent"; ratio: Ratio; target: Target; after: boolean; cap: number | null }
  | { type: "fixed-price"; price: number; scope: LinePredicate; label: string; maxUnits: number | null }
  | { type: "pack"; skus: readonly string[]; price: number }
  | { type: "cheapest-free"; free: number; every: number; scope: LinePredicate; label: string }
  | { type: "shipping-free" }
  | { type: "shipping-amount"; amount: number }
  | { type: "shipping-percent"; ratio: Ratio }
  | { type: "coins"; coins: number; per: number; cap: Ratio | null; capBase?: "order" | "order and shipping"; scope: LinePredicate | null; maxCoins?: number }
  /** Made by the engine for one cart when a budget limit is partly used (limits.ts); never in a program. */
  | { type: "capped"; inner: Benefit; cap: number };

/** A usage limit (`limit …` clauses; docs/language.md, Limits). */
export interface Limit {
  /** `count`: redemptions; `coins`: coins deducted; `budget`: savings in minor units; `units`: units in the promotion's scope (promotional stock). */
  kind: "count" | "coins" | "budget" | "units";
  max: number;
  per: "customer" | "store" | "order" | null;
  period: "day" | "week" | "month" | "year" | null;
  /** The zone whose local calendar cuts periods: the `valid` window's zone, else `collect`'s, else UTC. */
  zone: string;
  /** As written, for explanations: "limit 1 per customer". */
  text: string;
}

/** Values that let the engine skip promotions a cart cannot match (see `index.ts`). */
export interface IndexKeys {
  skus?: readonly string[];
  stores?: readonly string[];
  categories?: readonly string[];
  tags?: readonly string[];
}

/** Who pays for a promotion (docs/language.md, Funding). */
export type Party = "platform" | "seller";

/** The default funder of each kind when a promotion has no `funded by` clause (docs/language.md, Funding). */
export const DEFAULT_FUNDER: Readonly<Record<Kind, Party>> = {
  automatic: "seller",
  "store-coupon": "seller",
  shipping: "seller",
  "selected-coupon": "platform",
  "platform-coupon": "platform",
  coins: "platform",
  "promo-code": "platform",
};

export interface PromotionSpec {
  id: string;
  title: string;
  kind: Kind;
  currency: string;
  priority: number | null;
  /** Upper-cased; null for automatic promotions. */
  code: string | null;
  valid: Window | null;
  collect: Window | null;
  expires: { amount: number; unit: DurationUnit; zone: string } | null;
  lock: { amount: number; unit: DurationUnit; zone: string } | null;
  transferable: boolean;
  condition: Condition | null;
  /**
   * Whether the condition reads amounts after earlier discounts. When it does not, its outcome is the same in
   * every combination, and the engine evaluates it once per cart.
   */
  conditionAfterDiscounts: boolean;
  /** The customer, cart and shipping fields the condition reads ("customer.previousOrders"); one absent is `missing-data`. */
  reads?: readonly string[];
  benefit: Benefit;
  /** Ids this promotion may not combine with; "all" for `exclusive` alone. */
  exclusiveWith: ReadonlySet<string> | "all" | null;
  combinesWith: ReadonlySet<string>;
  /** For automatic promotions: the cart must hold a line with one of these, or the promotion is no candidate. */
  index: IndexKeys | null;
  /** Usage limits, in source order; empty when there are none. */
  limits: readonly Limit[];
  /** Whether cancelling an order gives its use of the limits back (`on cancel return use`, the default). */
  onCancel: "return" | "keep";
  /** `funded by`: each party's weight (percentages on a common integer scale); absent: the kind's default (settlement/). */
  funders?: { platform: number; seller: number };
  /** `on return recover discount`, or `keep` (the default when absent). */
  onReturn?: "keep" | "recover";
  source: { file: string; line: number; column: number };
}

export interface StackingRule {
  max: number;
  members: ReadonlySet<string>;
  per: "order" | "store" | "line" | "customer";
  /** As written, for explanations: "at most 1 platform-coupon per order". */
  text: string;
}

export interface Program {
  /** In application order: stage, then priority (unset last), then id in code-point order. */
  promotions: readonly PromotionSpec[];
  stacking: readonly StackingRule[];
  selection: "best-for-buyer" | "first-by-priority";
  /** The `earn` rules in declaration order; `per` null for `per purchase`, `scope` null for every line. */
  earn: { coins: number; per: number | null; currency: string; dailyLimit: number | null; scope: LinePredicate | null }[];
  /** The `commission` declaration; absent or null: commission 0 everywhere (docs/language.md, Commission). */
  commission?: CommissionTable | null;
}

/** A commission rate: the ratio and its text as results show it ("5%"). */
export interface CommissionRate {
  numerator: number;
  denominator: number;
  text: string;
}

export interface CommissionTable {
  categories: { category: string; rate: CommissionRate }[];
  default: CommissionRate;
}

/** Sorts promotions into application order. */
export function applicationOrder<T extends Pick<PromotionSpec, "kind" | "priority" | "id">>(promotions: readonly T[]): T[] {
  return [...promotions].sort(
    (a, b) =>
      STAGES.indexOf(a.kind) - STAGES.indexOf(b.kind) ||
      (a.priority ?? Number.MAX_SAFE_INTEGER) - (b.priority ?? Number.MAX_SAFE_INTEGER) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
