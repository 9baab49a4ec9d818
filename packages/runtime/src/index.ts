export { CURRENCY_CODES, currencyExponent, isCurrencyCode } from "./money/currencies.js";
export { formatMinor, formatMoney, parseAmount } from "./money/amount.js";
export type { ParseAmountFailureReason, ParseAmountResult } from "./money/amount.js";
export { mulDivRoundHalfUp, parsePercent, percentOf } from "./money/arithmetic.js";
export type { Ratio } from "./money/arithmetic.js";
export { allocateLargestRemainder } from "./money/allocate.js";
export {
  canonicalTimeZone,
  daysInMonth,
  epochToZoned,
  isLeapYear,
  isValidLocalDate,
  isValidLocalTime,
  isValidTimeZone,
  listTimeZones,
  zonedToEpoch,
} from "./time/zones.js";
export type { LocalDateTime } from "./time/zones.js";
export { addCalendarMonths, addDuration } from "./time/calendar.js";
export type { DurationUnit } from "./time/calendar.js";
export { REGION_CODES, isRegionCode } from "./regions.js";
export * from "./cart/types.js";
export * from "./engine/program.js";
export { computeBenefit, denseLines, type BenefitResult } from "./engine/benefits.js";
export { CandidateIndex } from "./engine/candidates.js";
export { CartConditionContext, NEGATED, describeValue, compare } from "./engine/conditions.js";
export { cartField, lineField } from "./engine/fields.js";
export { limitGate, limitKey, periodBucket, reservationsFor, type Reservation, type Usage } from "./engine/limits.js";
export { staticGate, wallClock, type Reason, type Rejection } from "./engine/gates.js";
export {
  evaluateProgram,
  type EvaluateOptions,
  type PricingResult,
  type AppliedPromotion,
  type RejectedPromotion,
  type LineAmount,
} from "./engine/evaluate.js";
export { createEvaluatorWith, InvalidCartError, type Evaluator, type EvaluateOutcome } from "./engine/evaluator.js";
export { cartSchema, CART_SCHEMA_DIALECT } from "./cart/schema.js";
export { createCartValidatorWith, parseCartJson, MAX_REPORTED_ERRORS, type CartValidator, type SchemaCheck } from "./cart/validate.js";
export {
  hydrateProgram,
  compactProgramData,
  packProgramData,
  type CompactProgramData,
  type ProgramData,
  type PromotionData,
  type BenefitData,
} from "./engine/hydrate.js";
export { packJson, unpackJson, type PackedJson } from "./engine/packed.js";
export { editDistance, suggest } from "./text/similar.js";
export { instantJson, pricingResultJson, reservationJson, type ReservationJson } from "./engine/json.js";
export { excerpt, quoteExcerpt, EXCERPT_LENGTH } from "./excerpt.js";
export * from "./attribution/evaluate.js";
export {
  settle,
  refund,
  attachPricingContext,
  commissionRate,
  fundersOf,
  splitFunding,
  unitShares,
  DEFAULT_FUNDER,
  type Settlement,
  type SettlementStore,
  type SettlementLine,
  type SettlementFigures,
  type FundedAmount,
  type Refund,
  type RefundLine,
  type RefundRecovery,
  type RefundRelease,
  type RefundError,
  type RefundOutcome,
  type Returns,
  type PreviousReturns,
  type Funders,
  type Party,
} from "./settlement/index.js";
export { attributionSchemaDefs } from "./attribution/schema.js";
/** The evaluator under the name compiled bundles import it by (they export their own `attribute`). */
export { attribute as attributeWithRules } from "./attribution/evaluate.js";
