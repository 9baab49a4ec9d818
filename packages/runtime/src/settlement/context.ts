import type { NormalizedCart, NormalizedCoupon } from "../cart/types.js";
import type { Program, PromotionSpec } from "../engine/program.js";

/**
 * What settlement and returns need of one evaluation, kept on the result without being computed: references to
 * what pricing made anyway (the cart, the program, the chosen promotions' per-line allocations and the coins
 * promotions' per-line shares). Nothing here is worked out until `settlement` is read or `refund` is called.
 */
export interface PricedStep {
  readonly candidate: { readonly spec: PromotionSpec; readonly coupon: NormalizedCoupon | null };
  readonly result: {
    /** The lines it discounts (ascending indexes in the cart's line order) and each one's allocation, minor units. */
    readonly indexes: readonly number[];
    readonly amounts: readonly number[];
    /** Shipping discount, minor units. */
    readonly shipping: number;
  };
}

export interface PricedCoins {
  readonly candidate: { readonly spec: PromotionSpec; readonly coupon: NormalizedCoupon | null };
  /** Coins used. */
  readonly used: number;
  /** Their value, minor units. */
  readonly amount: number;
  /** The value's share of each line, minor units. */
  readonly lines: readonly number[];
}

export interface PricingContext {
  readonly program: Program;
  readonly cart: NormalizedCart;
  /** Chosen (non-coins) promotions in application order. */
  readonly steps: readonly PricedStep[];
  readonly coins: readonly PricedCoins[];
  /** Filled the first time the settlement is read. */
  settlement?: unknown;
}

/** A registered symbol: a result from another copy of the runtime (another bundle) is still understood. */
export const PRICING_CONTEXT: unique symbol = Symbol.for("@promo/runtime.pricing-context") as never;

export function contextOf(result: object): PricingContext | undefined {
  return (result as { [PRICING_CONTEXT]?: PricingContext })[PRICING_CONTEXT];
}
