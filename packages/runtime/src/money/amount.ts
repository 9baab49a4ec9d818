import { Decimal } from "decimal.js";
import { currencyExponent } from "./currencies.js";
import { excerpt, quoteExcerpt } from "../excerpt.js";

// A private clone so nothing we do (or anyone else does) to the global
// Decimal configuration can change how amounts are converted.
const ExactDecimal = Decimal.clone({ precision: 40 });

/** Longer texts are refused unread (the cart schema's limit for amounts, MAX_NUMBER_TEXT_LENGTH, is the same). */
const MAX_AMOUNT_TEXT_LENGTH = 64;

export type ParseAmountFailureReason = "syntax" | "unknown-currency" | "too-many-decimals" | "out-of-range";

export type ParseAmountResult = { ok: true; minor: number } | { ok: false; reason: ParseAmountFailureReason; message: string };

/**
 * Plain decimal notation only: optional "-", an integer part without leading
 * zeros, and an optional "." followed by at least one digit. Exponents, "+",
 * whitespace, hex, "NaN"/"Infinity", "5." and ".5" are rejected so that every
 * amount in a promotion has exactly one spelling per value and precision.
 */
const PLAIN_DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

// Beyond this many integer digits the value is certainly above
// MAX_SAFE_INTEGER (16 digits), whatever the exponent; checking it first keeps
// absurdly long inputs away from Decimal entirely.
const MAX_INTEGER_DIGITS = 16;

/**
 * The common case without regular expressions or intermediate strings: a non-negative plain decimal with at most
 * `exponent` decimals and at most 15 significant digits once scaled → its minor units; -1 for anything else
 * (then the general path below decides, and names the problem).
 */
export function plainMinorUnits(text: string, exponent: number): number {
  const length = text.length;
  if (length === 0 || length > 16) return -1;
  let value = 0;
  let digits = 0;
  let decimals = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (decimals >= 0 || i === 0 || i === length - 1) return -1;
      decimals = 0;
      continue;
    }
    if (c < 48 || c > 57) return -1;
    // No leading zeros: "0" alone or "0.x" only.
    if (i === 1 && text.charCodeAt(0) === 48 && decimals < 0) return -1;
    value = value * 10 + (c - 48);
    digits++;
    if (decimals >= 0) decimals++;
  }
  if (decimals < 0) decimals = 0;
  if (decimals > exponent || digits + exponent - decimals > 15) return -1;
  return value * 10 ** (exponent - decimals);
}

function failure(reason: ParseAmountFailureReason, message: string): ParseAmountResult {
  return { ok: false, reason, message };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function outOfRange(text: string, currency: string): ParseAmountResult {
  return failure("out-of-range", `${excerpt(text)} ${currency} is outside the supported range of ±${Number.MAX_SAFE_INTEGER} minor units`);
}

/**
 * Converts a decimal string in major units (e.g. "19.99") to integer minor
 * units (1999) of `currency`. Never throws; every rejection comes back as a
 * failure with a message naming the value and the currency.
 *
 * Trailing zeros count as decimals: "5.000" is rejected for USD even though
 * it equals 5.00. The author wrote a precision the currency cannot carry,
 * which usually signals a wrong currency or a typo, so we refuse to guess.
 */
export function parseAmount(text: string, currency: string): ParseAmountResult {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) {
    return failure("unknown-currency", `${quoteExcerpt(currency)} is not an ISO 4217 currency code (amount ${quoteExcerpt(text)})`);
  }
  const quick = plainMinorUnits(text, exponent);
  if (quick >= 0) return { ok: true, minor: quick };
  // The longest amount in range has 18 characters: a longer text is refused before any pattern scans it.
  if (text.length > MAX_AMOUNT_TEXT_LENGTH) {
    return failure("out-of-range", `${quoteExcerpt(text)} is too long for a ${currency} amount (at most ${MAX_AMOUNT_TEXT_LENGTH} characters)`);
  }

  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) {
    return failure("syntax", `${quoteExcerpt(text)} is not a valid ${currency} amount; expected plain decimal notation such as 19.99`);
  }

  const decimals = match[1]?.length ?? 0;
  if (decimals > exponent) {
    return failure("too-many-decimals", `${excerpt(text)} has ${plural(decimals, "decimal")} but ${currency} has ${exponent}`);
  }

  const integerDigits = text.replace(/^-/, "").split(".")[0]?.length ?? 0;
  if (integerDigits > MAX_INTEGER_DIGITS) return outOfRange(text, currency);

  // Up to 15 digits the scaled value is an exact safe integer built from the digits themselves; decimal.js is
  // only needed for longer amounts, where it decides exactly whether they are still in range.
  const digits = text.replace("-", "").replace(".", "");
  if (digits.length + exponent - decimals <= 15) {
    const scaled = Number(digits) * 10 ** (exponent - decimals);
    return { ok: true, minor: (text.startsWith("-") ? -scaled : scaled) + 0 };
  }
  const minor = new ExactDecimal(text).times(new ExactDecimal(10).pow(exponent));
  if (minor.abs().greaterThan(Number.MAX_SAFE_INTEGER)) return outOfRange(text, currency);

  // `+ 0` turns "-0"/"-0.00" into 0 rather than -0.
  return { ok: true, minor: minor.toNumber() + 0 };
}

function requireExponent(currency: string): number {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new RangeError(`${quoteExcerpt(currency)} is not an ISO 4217 currency code`);
  return exponent;
}

function requireSafeInteger(minor: number): void {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a safe integer amount of minor units`);
}

/**
 * Integer minor units → major-unit decimal string with exactly the
 * currency's number of decimals ("5.00", "-0.01", "500" for JPY).
 * Throws RangeError for a non-integer amount or unknown currency, which are
 * programming errors rather than user input.
 */
export function formatMinor(minor: number, currency: string): string {
  return minorFormatter(currency)(minor);
}

const formatters = new Map<string, (minor: number) => string>();

/**
 * formatMinor for one currency, its exponent looked up once: pricing a cart formats dozens of amounts in the
 * cart's currency. Throws RangeError for an unknown currency, and the formatter for a non-integer amount.
 */
export function minorFormatter(currency: string): (minor: number) => string {
  let format = formatters.get(currency);
  if (format === undefined) {
    const exponent = requireExponent(currency);
    const scale = 10 ** exponent;
    // Every fraction's digits made once ("00" … "99" for two decimals; exponents are at most 4): settlement formats
    // hundreds of amounts per order.
    const fractions = Array.from({ length: scale }, (_, f) => `.${String(f).padStart(exponent, "0")}`);
    format = (minor: number): string => {
      requireSafeInteger(minor);
      if (exponent === 0) return String(minor);
      const magnitude = minor < 0 ? -minor : minor;
      const whole = Math.floor(magnitude / scale);
      const digits = whole + fractions[magnitude - whole * scale]!;
      return minor < 0 ? "-" + digits : digits;
    };
    formatters.set(currency, format);
  }
  return format;
}

/** "5.00 USD": the amount followed by its currency code. */
export function formatMoney(minor: number, currency: string): string {
  return `${formatMinor(minor, currency)} ${currency}`;
}
