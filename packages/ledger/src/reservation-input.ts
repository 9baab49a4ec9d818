import type { Reservation } from "@promo/runtime";

/**
 * The one place the ledger reads a pricing result's reservation. Pricing results are JSON-shaped and their
 * number encodings may change (amounts as decimal strings, times as ISO 8601): only this function then changes;
 * everything after it counts in integer minor units (redemptions, coins or minor units of the currency).
 */
export interface ReservationInput {
  promotion: string;
  limit: number;
  key: string;
  /** Whole units: 1 per redemption, coins, or minor units of money. */
  amount: number;
  max: number;
  onCancel: "return" | "keep";
}

/** A whole number of units from a reservation field: a safe integer, or a string of digits holding one. */
export function wholeUnits(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d{1,16}$/.test(value)) return Number(value);
  return Number.NaN;
}

export function readReservation(r: Reservation): ReservationInput {
  return { promotion: r.promotion, limit: r.limit, key: r.key, amount: wholeUnits(r.amount), max: wholeUnits(r.max), onCancel: r.onCancel };
}
