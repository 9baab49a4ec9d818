import { Temporal } from "temporal-polyfill";

/**
 * Time for the reference model, on a Temporal polyfill (not the runtime's own zone code): wall-clock times in IANA
 * zones, durations and limit periods as docs/language.md describes them.
 */

/**
 * A wall-clock date-time ("2026-11-10 05:00:00", "2026-11-10T05:00", "2026-11-10") in a zone, to epoch ms. A time
 * in a spring-forward gap moves forward by the gap's length and an ambiguous time means its first occurrence:
 * exactly Temporal's "compatible" disambiguation.
 */
export function wallToEpoch(text: string, zone: string): number {
  const iso = text.includes(" ") ? text.replace(" ", "T") : text;
  const withTime = iso.includes("T") ? iso : `${iso}T00:00:00`;
  return Temporal.PlainDateTime.from(withTime).toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
}

const INSTANT =
  /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$/;

/** An RFC 3339 instant with its offset, to epoch ms (fractions below a millisecond dropped); undefined if invalid. */
export function parseInstant(text: string): number | undefined {
  if (!INSTANT.test(text)) return undefined;
  try {
    const instant = Temporal.Instant.from(text);
    // The day must exist: Temporal rejects 2026-02-30.
    const ns = instant.epochNanoseconds;
    return Number(ns >= 0n ? ns / 1_000_000n : -((-ns + 999_999n) / 1_000_000n));
  } catch {
    return undefined;
  }
}

export function isDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  try {
    Temporal.PlainDate.from(text, { overflow: "reject" });
    return true;
  } catch {
    return false;
  }
}

export type DurationUnit = "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years";

export function durationUnit(word: string): DurationUnit {
  return (word.endsWith("s") ? word : `${word}s`) as DurationUnit;
}

/** `at` + N units: seconds to hours elapse; days and weeks keep the wall clock; months and years clamp the day. */
export function addDuration(at: number, amount: number, unit: DurationUnit, zone: string): number {
  if (unit === "seconds" || unit === "minutes" || unit === "hours") {
    return at + amount * { seconds: 1000, minutes: 60_000, hours: 3_600_000 }[unit];
  }
  const wall = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).toPlainDateTime();
  const moved =
    unit === "days"
      ? wall.add({ days: amount })
      : unit === "weeks"
        ? wall.add({ weeks: amount })
        : wall.add({ months: unit === "months" ? amount : amount * 12 }, { overflow: "constrain" });
  return moved.toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
}

/** The limit period bucket of an instant, cut in a zone: `day:2026-11-11`, `week:2026-W46`, `month:2026-11`, `year:2026`. */
export function periodBucket(period: "day" | "week" | "month" | "year", at: number, zone: string): string {
  const date = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone).toPlainDate();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  switch (period) {
    case "day":
      return `day:${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
    case "week":
      return `week:${pad(date.yearOfWeek!, 4)}-W${pad(date.weekOfYear!)}`;
    case "month":
      return `month:${pad(date.year, 4)}-${pad(date.month)}`;
    case "year":
      return `year:${pad(date.year, 4)}`;
  }
}
