/**
 * Money for the reference model: integer minor units as BigInt, so no amount the cart contract allows can lose a
 * unit. The minor-unit digits are this module's own table (ISO 4217 List One), written out again on purpose
 * rather than taken from the runtime: the reference must not share the code it checks.
 */

/** Currencies whose minor unit is not two digits. */
const DIGITS_OTHER_THAN_TWO: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Every other ISO 4217 List One currency with a minor unit (two digits). */
const TWO_DIGITS = (
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF " +
  "CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF " +
  "IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN " +
  "MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS " +
  "SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
).split(" ");

export function currencyDigits(code: string): number | undefined {
  if (Object.hasOwn(DIGITS_OTHER_THAN_TWO, code)) return DIGITS_OTHER_THAN_TWO[code];
  return TWO_DIGITS.includes(code) ? 2 : undefined;
}

/** "12.34" in a 2-digit currency → 1234n; undefined when not plain decimal notation or with too many decimals. */
export function parseMinor(text: string, digits: number): bigint | undefined {
  const m = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  // Trailing zeros beyond the currency's digits are still exact ("5.000" USD is 5.00 USD).
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > digits) return undefined;
  const minor = BigInt(m[2]! + fraction.padEnd(digits, "0").slice(0, digits));
  return m[1] === "-" ? -minor : minor;
}

export function formatMinor(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const body = digits === 0 ? text : `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`;
  return negative ? `-${body}` : body;
}

/** A non-negative exact rational number. */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** "12.5" → 125/10; for percentages and decimals. */
export function parseRational(text: string): Rational | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  const num = BigInt(m[2]! + fraction);
  return { num: m[1] === "-" ? -num : num, den: 10n ** BigInt(fraction.length) };
}

export function compareRational(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** amount × percent / 100, rounded half up (amounts here are never negative). */
export function percentOf(amount: bigint, percent: Rational): bigint {
  const num = amount * percent.num;
  const den = percent.den * 100n;
  return (2n * num + den) / (2n * den);
}

/** amount × percent / 100, rounded down. */
export function percentOfDown(amount: bigint, percent: Rational): bigint {
  return (amount * percent.num) / (percent.den * 100n);
}

export const min = (...xs: bigint[]): bigint => xs.reduce((a, b) => (b < a ? b : a));
export const max = (...xs: bigint[]): bigint => xs.reduce((a, b) => (b > a ? b : a));
export const sum = (xs: Iterable<bigint>): bigint => {
  let s = 0n;
  for (const x of xs) s += x;
  return s;
};

/**
 * Splits `total` over parts in proportion to their weights, exactly, by the largest-remainder method
 * (docs/language.md, Money, rounding and allocation): each part gets the floor of its share; the units left over
 * go one each to the largest remainders, equal remainders to the larger weight, then to the first key in
 * code-point order.
 */
export function largestRemainder(total: bigint, parts: readonly { key: string; weight: bigint }[]): bigint[] {
  const weightSum = sum(parts.map((p) => p.weight));
  if (weightSum === 0n) return parts.map(() => 0n);
  const shares = parts.map((p) => (total * p.weight) / weightSum);
  let left = total - sum(shares);
  const order = parts
    .map((p, i) => ({ i, remainder: (total * p.weight) % weightSum, weight: p.weight, key: p.key }))
    .sort((a, b) =>
      a.remainder !== b.remainder
        ? a.remainder > b.remainder
          ? -1
          : 1
        : a.weight !== b.weight
          ? a.weight > b.weight
            ? -1
            : 1
          : codePointCompare(a.key, b.key),
    );
  for (const o of order) {
    if (left <= 0n) break;
    shares[o.i]! += 1n;
    left -= 1n;
  }
  return shares;
}

/** Code-point order (not UTF-16 code-unit order): how the docs order ids. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}
