import { PRICING_CONTEXT, type PricingContext } from "./context.js";
import { settle } from "./settle.js";

export {
  settle,
  computeSettlement,
  commissionRate,
  type Settlement,
  type SettlementStore,
  type SettlementLine,
  type SettlementFigures,
  type FundedAmount,
} from "./settle.js";
export {
  refund,
  type Refund,
  type RefundLine,
  type RefundRecovery,
  type RefundRelease,
  type RefundError,
  type RefundOutcome,
  type Returns,
  type PreviousReturns,
} from "./refund.js";
export { readAttribution, type AffiliateLine, type AttributionError as SettlementAttributionError, type SettlementOptions } from "./affiliate.js";
export { DEFAULT_FUNDER, fundersOf, splitFunding, unitShares, type Funders, type Party } from "./split.js";
export { contextOf, type PricingContext, type PricedStep, type PricedCoins } from "./context.js";

/** One getter shared by every result: nothing is computed, and no closure made, until `settlement` is read. */
function settlementGetter(this: object) {
  return settle(this);
}

/**
 * Keeps what settlement and returns need on a result, out of sight: a non-enumerable symbol property and a
 * non-enumerable `settlement` getter, so JSON.stringify of the result and equality on its fields are unchanged.
 */
export function attachPricingContext(result: object, context: PricingContext): void {
  Object.defineProperty(result, PRICING_CONTEXT, { value: context, enumerable: false, configurable: true });
  Object.defineProperty(result, "settlement", { get: settlementGetter, enumerable: false, configurable: true });
}
