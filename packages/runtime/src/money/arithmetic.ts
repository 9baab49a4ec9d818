/**
 * Integer minor-unit arithmetic. Inputs and outputs are safe integers; the
 * intermediate products go through BigInt so nothing is lost to floating
 * point on the way.
 */

/** An exact ratio: `numerator / denominator` (a percent already divided by 100). */
export interface Ratio {
  numerator: number;
  denominator: number;
}

function requireSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/**
 * value × numerator ÷ denominator, rounded half away from zero, computed
 * exactly. Half away from zero keeps the result symmetric: a −x input gives
 * exactly −(result for x), so refunds mirror charges to the cent.
 */
export function mulDivRoundHalfUp(value: number, numerator: number, denominator: number): number {
  requireSafeInteger(value, "value");
  requireSafeInteger(numerator, "numerator");
  requireSafeInteger(denominator, "denominator");
  if (denominator === 0) throw new RangeError("denominator must not be zero");

  const quick = value * numerator;
  if (Number.isSafeInteger(quick) && Math.abs(denominator) <= 2 ** 51) {
    // Exact in doubles: the product is a safe integer, and the remainder is corrected to be exact.
    let quotient = Math.trunc(quick / denominator);
    let remainder = quick - quotient * denominator;
    if (remainder !== 0 && Math.sign(remainder) !== Math.sign(quick)) {
      quotient -= Math.sign(quick) * Math.sign(denominator);
      remainder = quick - quotient * denominator;
    }
    if (Math.abs(remainder) >= Math.abs(denominator)) {
      quotient += Math.sign(quick) * Math.sign(denominator);
      remainder = quick - quotient * denominator;
    }
    if (2 * Math.abs(remainder) >= Math.abs(denominator)) quotient += quick < 0 !== denominator < 0 ? -1 : 1;
    return quotient + 0;
  }

  const product = BigInt(value) * BigInt(numerator);
  const divisor = BigInt(denominator);
  let quotient = product / divisor; // BigInt division truncates toward zero
  const remainder = product % divisor;

  const absRemainder = remainder < 0n ? -remainder : remainder;
  const absDivisor = divisor < 0n ? -divisor : divisor;
  if (2n * absRemainder >= absDivisor) {
    const negative = product < 0n !== divisor < 0n;
    quotient += negative ? -1n : 1n;
  }

  const result = Number(quotient);
  if (!Number.isSafeInteger(result)) throw new RangeError(`result ${quotient} exceeds the safe integer range`);
  return result;
}

// Plain non-negative decimal, same spelling rules as money amounts.
const PERCENT_TEXT = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Parses a percent such as "15", "12.5" or "0.01" into the exact ratio it
 * denotes: "12.5" → 125/1000 (i.e. 12.5 %). The ratio is not reduced, so the
 * denominator is always 100 × 10^decimals. Returns undefined for anything
 * else, including negative numbers and values whose ratio would not fit in
 * safe integers.
 */
export function parsePercent(text: string): Ratio | undefined {
  const match = PERCENT_TEXT.exec(text);
  if (match === null) return undefined;
  const fraction = match[2] ?? "";
  const numerator = Number((match[1] ?? "") + fraction);
  const denominator = 100 * 10 ** fraction.length;
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) return undefined;
  return { numerator, denominator };
}

/** `percent` (as returned by parsePercent) of `minor`, rounded half away from zero. */
export function percentOf(minor: number, percent: Ratio): number {
  return mulDivRoundHalfUp(minor, percent.numerator, percent.denominator);
}
