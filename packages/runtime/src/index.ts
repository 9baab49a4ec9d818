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
