import { formatMinor } from "../money/amount.js";
import type { PricingResult } from "./evaluate.js";
import type { Reservation } from "./limits.js";

/**
 * The JSON boundary of pricing results. Inside, the engine and the ledger count in integer minor units and epoch
 * milliseconds; in JSON every amount of money is a decimal string ("3.00") and every instant an ISO 8601 string.
 * A reservation's amount and max are money only for a budget limit (savings); for count and coins limits they
 * are plain counts and stay numbers.
 */
export interface ReservationJson {
  promotion: string;
  limit: number;
  key: string;
  amount: string | number;
  max: string | number;
  onCancel: "return" | "keep";
}

/** The limit kind a reservation's key names: `<promotion>|<kind>|…` (the promotion's own `|` is escaped). */
function limitKindOf(key: string): string | undefined {
  return key.split("|")[1];
}

export function reservationJson(reservation: Reservation, currency: string): ReservationJson {
  const money = limitKindOf(reservation.key) === "budget";
  const value = (minor: number) => (money ? formatMinor(minor, currency) : minor);
  return { ...reservation, amount: value(reservation.amount), max: value(reservation.max) };
}

/** An instant (epoch milliseconds) as ISO 8601 in UTC, without milliseconds when they are zero. */
export function instantJson(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(".000Z", "Z");
}

/** A pricing result as JSON: the result itself, with reservations' money as decimal strings. */
export function pricingResultJson(result: PricingResult): unknown {
  return {
    ...result,
    applied: result.applied.map((a) =>
      a.reservations === undefined ? a : { ...a, reservations: a.reservations.map((r) => reservationJson(r, result.currency)) },
    ),
  };
}
