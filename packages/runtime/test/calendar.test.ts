import { describe, expect, it } from "vitest";
import { addCalendarMonths, addDuration } from "../src/time/calendar.js";
import { zonedToEpoch } from "../src/time/zones.js";

const HOUR = 3_600_000;

function at(text: string, zone: string): number {
  const [date = "", time = "00:00:00"] = text.split(" ");
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute, second] = time.split(":").map(Number) as [number, number, number];
  return zonedToEpoch({ year, month, day, hour, minute, second }, zone);
}

describe("addCalendarMonths", () => {
  const paris = "Europe/Paris";

  it("clamps to the last day of the target month", () => {
    expect(addCalendarMonths(at("2026-01-31 10:00:00", paris), 1, paris)).toBe(at("2026-02-28 10:00:00", paris));
    expect(addCalendarMonths(at("2028-01-31 10:00:00", paris), 1, paris)).toBe(at("2028-02-29 10:00:00", paris));
    expect(addCalendarMonths(at("2026-03-31 10:00:00", paris), 1, paris)).toBe(at("2026-04-30 10:00:00", paris));
    expect(addCalendarMonths(at("2026-03-31 10:00:00", paris), -1, paris)).toBe(at("2026-02-28 10:00:00", paris));
    expect(addCalendarMonths(at("2026-05-31 10:00:00", paris), 1, paris)).toBe(at("2026-06-30 10:00:00", paris));
  });

  it("crosses year boundaries both ways", () => {
    expect(addCalendarMonths(at("2026-11-15 08:00:00", paris), 3, paris)).toBe(at("2027-02-15 08:00:00", paris));
    expect(addCalendarMonths(at("2026-01-15 08:00:00", paris), -13, paris)).toBe(at("2024-12-15 08:00:00", paris));
    expect(addCalendarMonths(at("2026-01-15 08:00:00", paris), 24, paris)).toBe(at("2028-01-15 08:00:00", paris));
  });

  it("keeps the wall-clock time across a DST change", () => {
    const ny = "America/New_York";
    const start = at("2026-02-15 12:00:00", ny);
    const end = addCalendarMonths(start, 1, ny);
    expect(new Date(end).toISOString()).toBe("2026-03-15T16:00:00.000Z");
    expect(end - start).toBe(28 * 24 * HOUR - HOUR);
  });

  it("applies the gap and overlap rules where the result lands", () => {
    const ny = "America/New_York";
    expect(addCalendarMonths(at("2026-02-08 02:30:00", ny), 1, ny)).toBe(Date.parse("2026-03-08T07:30:00Z")); // 03:30 EDT
    expect(addCalendarMonths(at("2026-10-01 01:30:00", ny), 1, ny)).toBe(Date.parse("2026-11-01T05:30:00Z")); // first 01:30
  });

  it("preserves milliseconds and treats 0 months as identity", () => {
    const ny = "America/New_York";
    expect(addCalendarMonths(at("2026-01-10 09:00:00", ny) + 250, 1, ny)).toBe(at("2026-02-10 09:00:00", ny) + 250);
    const secondOccurrence = Date.parse("2026-11-01T06:30:00Z"); // 01:30 EST
    expect(addCalendarMonths(secondOccurrence, 0, ny)).toBe(secondOccurrence);
  });

  it("rejects non-integer months and unknown zones", () => {
    expect(() => addCalendarMonths(0, 1.5, "UTC")).toThrow(RangeError);
    expect(() => addCalendarMonths(0, 1, "Nowhere/Special")).toThrow(RangeError);
  });
});

describe("addDuration", () => {
  const ny = "America/New_York";

  it("treats seconds, minutes and hours as elapsed time", () => {
    const start = at("2026-03-08 01:00:00", ny);
    expect(addDuration(start, 90, "seconds", ny)).toBe(start + 90_000);
    expect(addDuration(start, 30, "minutes", ny)).toBe(start + 30 * 60_000);
    const twoHoursLater = addDuration(start, 2, "hours", ny);
    expect(twoHoursLater).toBe(start + 2 * HOUR);
    expect(twoHoursLater).toBe(at("2026-03-08 04:00:00", ny)); // wall clock jumped over 02:xx
    expect(addDuration(start, -1, "hours", ny)).toBe(start - HOUR);
  });

  it("moves the wall-clock date for days, so DST days are 23 or 25 hours", () => {
    const beforeSpring = at("2026-03-07 12:00:00", ny);
    expect(addDuration(beforeSpring, 1, "days", ny) - beforeSpring).toBe(23 * HOUR);
    const beforeFall = at("2026-10-31 12:00:00", ny);
    expect(addDuration(beforeFall, 1, "days", ny) - beforeFall).toBe(25 * HOUR);
    expect(addDuration(beforeFall, 1, "days", ny)).toBe(at("2026-11-01 12:00:00", ny));
    expect(addDuration(at("2026-03-01 00:00:00", ny), -1, "days", ny)).toBe(at("2026-02-28 00:00:00", ny));
    expect(addDuration(at("2026-12-31 23:59:59", ny), 1, "days", ny)).toBe(at("2027-01-01 23:59:59", ny));
  });

  it("moves the wall-clock date by 7 days per week", () => {
    const start = at("2026-03-02 09:00:00", ny);
    expect(addDuration(start, 1, "weeks", ny)).toBe(at("2026-03-09 09:00:00", ny));
    expect(addDuration(start, 1, "weeks", ny) - start).toBe(7 * 24 * HOUR - HOUR);
    expect(addDuration(start, -2, "weeks", ny)).toBe(at("2026-02-16 09:00:00", ny));
  });

  it("applies the gap and overlap rules for days", () => {
    expect(addDuration(at("2026-03-07 02:30:00", ny), 1, "days", ny)).toBe(Date.parse("2026-03-08T07:30:00Z"));
    expect(addDuration(at("2026-10-31 01:30:00", ny), 1, "days", ny)).toBe(Date.parse("2026-11-01T05:30:00Z"));
    const secondOccurrence = Date.parse("2026-11-01T06:30:00Z"); // 01:30 EST
    expect(addDuration(secondOccurrence, 0, "days", ny)).toBe(secondOccurrence);
    expect(addDuration(secondOccurrence, 1, "days", ny)).toBe(at("2026-11-02 01:30:00", ny));
  });

  it("adds months and years as calendar months", () => {
    expect(addDuration(at("2026-01-31 10:00:00", ny), 1, "months", ny)).toBe(at("2026-02-28 10:00:00", ny));
    expect(addDuration(at("2028-02-29 10:00:00", ny), 1, "years", ny)).toBe(at("2029-02-28 10:00:00", ny));
    expect(addDuration(at("2028-02-29 10:00:00", ny), 4, "years", ny)).toBe(at("2032-02-29 10:00:00", ny));
    expect(addDuration(at("2028-02-29 10:00:00", ny), -1, "years", ny)).toBe(at("2027-02-28 10:00:00", ny));
  });

  it("rejects bad input", () => {
    expect(() => addDuration(0, 1.5, "days", "UTC")).toThrow(RangeError);
    expect(() => addDuration(0, 1, "hours", "Nowhere/Special")).toThrow(RangeError);
    expect(() => addDuration(0, 1, "fortnights" as never, "UTC")).toThrow(RangeError);
  });
});
