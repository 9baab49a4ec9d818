import type { NormalizedCart } from "../cart/types.js";

/**
 * What settlement and returns read of an attribution (`attribute(order, journey)`'s value) for the priced order:
 * per line of the cart, the winning webmaster, the whole commission and each unit's share
 * (docs/language.md, Affiliate commissions in settlement and returns).
 */
export interface AffiliateLine {
  webmaster: string | null;
  commission: number;
  /** Unit i's commission at index i − 1. */
  perUnit: readonly number[];
}

export interface AttributionError {
  path: string;
  message: string;
}

/** Options of `settle` and `refund`. */
export interface SettlementOptions {
  /** What `attribute(order, journey)` returned for this order. */
  attribution?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** Reads an attribution against the cart's lines (by id), or names every problem with its path. */
export function readAttribution(value: unknown, cart: NormalizedCart): { lines: (AffiliateLine | undefined)[] } | { errors: AttributionError[] } {
  if (!isRecord(value) || !Array.isArray(value["lines"]))
    return { errors: [{ path: "/attribution", message: "/attribution: expected the value attribute(order, journey) returned" }] };
  if (value["ok"] !== true)
    return {
      errors: [{ path: "/attribution", message: "/attribution: the attribution has errors of its own (ok is not true); fix the order or the journey" }],
    };
  const index = new Map(cart.lines.map((line, i) => [line.id, i]));
  const out: (AffiliateLine | undefined)[] = cart.lines.map(() => undefined);
  const errors: AttributionError[] = [];
  const seen = new Set<number>();
  value["lines"].forEach((entry: unknown, k: number) => {
    const at = `/attribution/lines/${k}`;
    if (!isRecord(entry)) return errors.push({ path: at, message: `${at}: expected an attributed line` });
    const id = entry["line"];
    const i = typeof id === "string" ? index.get(id) : undefined;
    if (i === undefined) return errors.push({ path: `${at}/line`, message: `${at}/line: the order has no line ${JSON.stringify(id)}` });
    // A line listed twice is refused even when its first listing was refused too.
    if (seen.has(i)) return errors.push({ path: `${at}/line`, message: `${at}/line: line ${JSON.stringify(id)} is attributed twice` });
    seen.add(i);
    const commission = entry["commissionMinor"];
    if (!isCount(commission))
      return errors.push({ path: `${at}/commissionMinor`, message: `${at}/commissionMinor: expected a whole number of minor units, 0 or more` });
    const perUnit = entry["perUnitMinor"];
    const quantity = cart.lines[i]!.quantity;
    if (!Array.isArray(perUnit) || perUnit.length !== quantity || !perUnit.every(isCount))
      return errors.push({
        path: `${at}/perUnitMinor`,
        message: `${at}/perUnitMinor: expected ${quantity} whole numbers of minor units (one per unit of line ${JSON.stringify(id)})`,
      });
    const sum = (perUnit as number[]).reduce((a, b) => a + b, 0);
    if (sum !== commission)
      return errors.push({
        path: `${at}/perUnitMinor`,
        message: `${at}/perUnitMinor: the units' commissions sum to ${sum}, not commissionMinor ${commission}`,
      });
    const webmaster = entry["webmaster"];
    out[i] = { webmaster: typeof webmaster === "string" ? webmaster : null, commission, perUnit: perUnit as number[] };
  });
  return errors.length > 0 ? { errors } : { lines: out };
}

/** The commission of units lo … hi (1-based, inclusive) of a line. */
export function unitsCommission(line: AffiliateLine | undefined, lo: number, hi: number): number {
  if (!line) return 0;
  let sum = 0;
  for (let u = lo; u <= hi; u++) sum += line.perUnit[u - 1]!;
  return sum;
}
