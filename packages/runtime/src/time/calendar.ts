import { daysInMonth, epochToZoned, zonedToEpoch, type LocalDateTime } from "./zones.js";

export type DurationUnit = "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years";

const MS_PER_SECOND = 1000;

const EXACT_UNIT_MS: Readonly<Record<"seconds" | "minutes" | "hours", number>> = {
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
};

function requireSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/** Milliseconds past the whole second; wall-clock fields only carry whole seconds. */
function subSecondPart(epochMs: number): number {
  return epochMs - Math.floor(epochMs / MS_PER_SECOND) * MS_PER_SECOND;
}

/** Applies `change` to the wall-clock reading of `epochMs` in `zone` and converts back. */
function shiftWallClock(epochMs: number, zone: string, change: (local: LocalDateTime) => LocalDateTime): number {
  const shifted = change(epochToZoned(epochMs, zone));
  return zonedToEpoch(shifted, zone) + subSecondPart(epochMs);
}

function addMonthsToLocal(local: LocalDateTime, months: number): LocalDateTime {
  const monthIndex = local.year * 12 + (local.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return { ...local, year, month, day: Math.min(local.day, daysInMonth(year, month)) };
}

function addDaysToLocal(local: LocalDateTime, days: number): LocalDateTime {
  // Date arithmetic in UTC has no DST, so it is pure calendar-day counting.
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day + days);
  return { ...local, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/**
 * Adds calendar months in `zone`'s wall clock:
 *   - the day is clamped to the target month's last day (Jan 31 + 1 month =
 *     Feb 28, or Feb 29 in a leap year; Mar 31 + 1 month = Apr 30), because a
 *     "monthly" promotion must not skip a short month;
 *   - the wall-clock time is kept, so "midnight" stays midnight across DST;
 *   - the result goes through zonedToEpoch, so a time that lands in a DST gap
 *     moves forward by the gap and one in an overlap takes the earlier
 *     instant.
 * Adding 0 months returns `epochMs` unchanged (even inside an overlap).
 */
export function addCalendarMonths(epochMs: number, months: number, zone: string): number {
  requireSafeInteger(months, "months");
  if (months === 0) return epochMs;
  return shiftWallClock(epochMs, zone, (local) => addMonthsToLocal(local, months));
}

/**
 * Adds `amount` `unit`s to an instant, in the sense a shopper would expect:
 *   - seconds, minutes, hours: exact elapsed time, ignoring the zone's
 *     wall clock ("valid for 48 hours" means 172 800 seconds);
 *   - days, weeks: move the wall-clock date and keep the wall-clock time, so
 *     a day spanning a DST change lasts 23 or 25 hours (gap and overlap rules
 *     as in zonedToEpoch);
 *   - months: addCalendarMonths (day clamped to the month's end);
 *   - years: 12 calendar months each, so Feb 29 + 1 year = Feb 28.
 * `amount` may be negative. Throws RangeError for a non-integer amount or an
 * unknown zone.
 */
export function addDuration(epochMs: number, amount: number, unit: DurationUnit, zone: string): number {
  requireSafeInteger(amount, "amount");
  epochToZoned(epochMs, zone); // validates the zone and instant for every unit alike
  switch (unit) {
    case "seconds":
    case "minutes":
    case "hours":
      return epochMs + amount * EXACT_UNIT_MS[unit];
    case "days":
    case "weeks": {
      if (amount === 0) return epochMs;
      const days = unit === "weeks" ? amount * 7 : amount;
      return shiftWallClock(epochMs, zone, (local) => addDaysToLocal(local, days));
    }
    case "months":
      return addCalendarMonths(epochMs, amount, zone);
    case "years":
      return addCalendarMonths(epochMs, amount * 12, zone);
    default:
      throw new RangeError(`unknown duration unit ${JSON.stringify(unit satisfies never)}`);
  }
}
