import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  daysInMonth,
  epochToZoned,
  isValidLocalDate,
  isValidLocalTime,
  isValidTimeZone,
  listTimeZones,
  zonedToEpoch,
  type LocalDateTime,
} from "../src/time/zones.js";

function local(text: string): LocalDateTime {
  const match = /^(-?\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text);
  if (match === null) throw new Error(`bad fixture ${text}`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return { year, month, day, hour, minute, second };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe("time zone names", () => {
  it("accepts what Intl accepts", () => {
    for (const zone of ["UTC", "Etc/UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata", "Asia/Calcutta", "Australia/Lord_Howe"]) {
      expect(isValidTimeZone(zone)).toBe(true);
    }
    for (const zone of ["", "Mars/Olympus_Mons", "America/NewYork", "Z", "__proto__", "constructor"]) {
      expect(isValidTimeZone(zone)).toBe(false);
      expect(canonicalTimeZone(zone)).toBeUndefined();
    }
  });

  it("canonicalises spelling", () => {
    expect(canonicalTimeZone("Etc/UTC")).toBe("UTC");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("america/new_york")).toBe("America/New_York");
    expect(canonicalTimeZone("Europe/Paris")).toBe("Europe/Paris");
  });

  it("lists zones sorted and unique, including UTC", () => {
    const zones = listTimeZones();
    expect(zones).toContain("UTC");
    expect(zones).toContain("America/Los_Angeles");
    expect([...zones].sort()).toEqual(zones);
    expect(new Set(zones).size).toBe(zones.length);
    expect(listTimeZones()).toBe(zones);
    for (const zone of zones) expect(isValidTimeZone(zone)).toBe(true);
  });
});

describe("local date and time validation", () => {
  it("knows leap years", () => {
    expect(isValidLocalDate(2026, 2, 29)).toBe(false);
    expect(isValidLocalDate(2028, 2, 29)).toBe(true);
    expect(isValidLocalDate(2000, 2, 29)).toBe(true);
    expect(isValidLocalDate(1900, 2, 29)).toBe(false);
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(daysInMonth(2026, 12)).toBe(31);
  });

  it("rejects impossible dates", () => {
    expect(isValidLocalDate(2026, 4, 31)).toBe(false);
    expect(isValidLocalDate(2026, 0, 1)).toBe(false);
    expect(isValidLocalDate(2026, 13, 1)).toBe(false);
    expect(isValidLocalDate(2026, 1, 0)).toBe(false);
    expect(isValidLocalDate(2026, 1.5, 1)).toBe(false);
    expect(isValidLocalDate(Number.NaN, 1, 1)).toBe(false);
    expect(isValidLocalDate(2026, 12, 31)).toBe(true);
  });

  it("validates times of day", () => {
    expect(isValidLocalTime(0, 0, 0)).toBe(true);
    expect(isValidLocalTime(23, 59, 59)).toBe(true);
    expect(isValidLocalTime(24, 0, 0)).toBe(false);
    expect(isValidLocalTime(12, 60, 0)).toBe(false);
    expect(isValidLocalTime(12, 0, 60)).toBe(false);
    expect(isValidLocalTime(-1, 0, 0)).toBe(false);
    expect(isValidLocalTime(1.5, 0, 0)).toBe(false);
  });
});

describe("zonedToEpoch", () => {
  it.each([
    ["2026-11-10 05:00:00", "America/Los_Angeles", "2026-11-10T13:00:00.000Z"],
    ["2026-11-12 04:59:59", "America/Los_Angeles", "2026-11-12T12:59:59.000Z"],
    ["2026-11-01 00:00:00", "Europe/Paris", "2026-10-31T23:00:00.000Z"],
    ["2026-11-30 23:59:59", "Europe/Paris", "2026-11-30T22:59:59.000Z"],
    ["2026-07-01 12:00:00", "UTC", "2026-07-01T12:00:00.000Z"],
    ["2026-07-01 12:00:00", "Etc/UTC", "2026-07-01T12:00:00.000Z"],
    ["2026-01-01 00:00:00", "Asia/Kolkata", "2025-12-31T18:30:00.000Z"],
    ["2026-01-01 00:00:00", "Asia/Kathmandu", "2025-12-31T18:15:00.000Z"],
    ["2026-01-01 00:00:00", "Pacific/Kiritimati", "2025-12-31T10:00:00.000Z"],
    ["2026-01-01 00:00:00", "Pacific/Pago_Pago", "2026-01-01T11:00:00.000Z"],
    ["2026-01-15 09:00:00", "Australia/Sydney", "2026-01-14T22:00:00.000Z"],
  ])("%s %s = %s", (wall, zone, expected) => {
    expect(iso(zonedToEpoch(local(wall), zone))).toBe(expected);
  });

  describe("spring-forward gap: moved forward by the gap length", () => {
    it.each([
      ["2026-03-08 02:30:00", "America/New_York", "2026-03-08T07:30:00.000Z"], // → 03:30 EDT
      ["2026-03-08 02:00:00", "America/New_York", "2026-03-08T07:00:00.000Z"], // → 03:00 EDT
      ["2026-03-08 02:59:59", "America/New_York", "2026-03-08T07:59:59.000Z"], // → 03:59:59 EDT
      ["2026-03-29 02:30:00", "Europe/Paris", "2026-03-29T01:30:00.000Z"], // → 03:30 CEST
      ["2026-10-04 02:15:00", "Australia/Lord_Howe", "2026-10-03T15:45:00.000Z"], // 30-minute gap → 02:45 +11
      ["2011-12-30 12:00:00", "Pacific/Apia", "2011-12-30T22:00:00.000Z"], // whole skipped day → Dec 31 12:00
    ])("%s %s = %s", (wall, zone, expected) => {
      expect(iso(zonedToEpoch(local(wall), zone))).toBe(expected);
    });

    it("reads back as the wall time plus the gap", () => {
      expect(epochToZoned(zonedToEpoch(local("2026-03-08 02:30:00"), "America/New_York"), "America/New_York")).toEqual(local("2026-03-08 03:30:00"));
      expect(epochToZoned(zonedToEpoch(local("2026-03-29 02:30:00"), "Europe/Paris"), "Europe/Paris")).toEqual(local("2026-03-29 03:30:00"));
    });

    it("leaves the instants around the gap alone", () => {
      expect(iso(zonedToEpoch(local("2026-03-08 01:59:59"), "America/New_York"))).toBe("2026-03-08T06:59:59.000Z");
      expect(iso(zonedToEpoch(local("2026-03-08 03:00:00"), "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
      expect(iso(zonedToEpoch(local("2026-03-29 01:59:59"), "Europe/Paris"))).toBe("2026-03-29T00:59:59.000Z");
      expect(iso(zonedToEpoch(local("2026-03-29 03:00:00"), "Europe/Paris"))).toBe("2026-03-29T01:00:00.000Z");
    });
  });

  describe("fall-back overlap: the earlier instant", () => {
    it.each([
      ["2026-11-01 01:30:00", "America/New_York", "2026-11-01T05:30:00.000Z"], // EDT, not 06:30Z EST
      ["2026-11-01 01:00:00", "America/New_York", "2026-11-01T05:00:00.000Z"],
      ["2026-11-01 01:59:59", "America/New_York", "2026-11-01T05:59:59.000Z"],
      ["2026-11-01 02:00:00", "America/New_York", "2026-11-01T07:00:00.000Z"], // only EST
      ["2026-11-01 00:59:59", "America/New_York", "2026-11-01T04:59:59.000Z"], // only EDT
      ["2026-10-25 02:30:00", "Europe/Paris", "2026-10-25T00:30:00.000Z"], // CEST, not 01:30Z CET
      ["2026-10-25 02:00:00", "Europe/Paris", "2026-10-25T00:00:00.000Z"],
      ["2026-10-25 03:00:00", "Europe/Paris", "2026-10-25T02:00:00.000Z"],
      ["2026-04-05 02:30:00", "Australia/Sydney", "2026-04-04T15:30:00.000Z"], // AEDT, southern-hemisphere fall-back
    ])("%s %s = %s", (wall, zone, expected) => {
      expect(iso(zonedToEpoch(local(wall), zone))).toBe(expected);
    });
  });

  it("handles years 0–99 literally and years before the common era", () => {
    expect(zonedToEpoch(local("0050-06-01 00:00:00"), "UTC")).toBe(new Date("0050-06-01T00:00:00Z").getTime());
    expect(epochToZoned(zonedToEpoch(local("0050-06-01 12:00:00"), "Europe/Paris"), "Europe/Paris")).toEqual(local("0050-06-01 12:00:00"));
    expect(epochToZoned(Date.UTC(-1, 0, 1), "UTC")).toMatchObject({ year: -1, month: 1, day: 1 });
  });

  it("throws for bad input", () => {
    expect(() => zonedToEpoch(local("2026-02-29 00:00:00"), "UTC")).toThrow(RangeError);
    expect(() => zonedToEpoch(local("2026-01-01 24:00:00"), "UTC")).toThrow(RangeError);
    expect(() => zonedToEpoch(local("2026-01-01 00:00:00"), "Nowhere/Special")).toThrow(RangeError);
    expect(() => epochToZoned(0, "Nowhere/Special")).toThrow(RangeError);
    expect(() => epochToZoned(Number.NaN, "UTC")).toThrow(RangeError);
  });
});

describe("epochToZoned", () => {
  it("reads wall-clock fields", () => {
    expect(epochToZoned(Date.parse("2026-11-10T13:00:00Z"), "America/Los_Angeles")).toEqual(local("2026-11-10 05:00:00"));
    expect(epochToZoned(Date.parse("2026-10-31T23:00:00Z"), "Europe/Paris")).toEqual(local("2026-11-01 00:00:00"));
    expect(epochToZoned(Date.parse("2026-01-01T00:00:00Z"), "UTC")).toEqual(local("2026-01-01 00:00:00"));
    expect(epochToZoned(Date.parse("2026-11-01T06:30:00Z"), "America/New_York")).toEqual(local("2026-11-01 01:30:00"));
    expect(epochToZoned(Date.parse("2026-01-01T00:00:00.999Z"), "UTC").second).toBe(0);
    expect(epochToZoned(-1, "UTC")).toEqual(local("1969-12-31 23:59:59"));
  });

  it("round-trips through zonedToEpoch for random instants", () => {
    const zones = ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago", "UTC"];
    let state = 12345;
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 600; i++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const ms = start + (state % (3 * 366 * 24 * 3600)) * 1000;
      const zone = zones[i % zones.length]!;
      const wall = epochToZoned(ms, zone);
      const back = zonedToEpoch(wall, zone);
      // Equal, except for the second occurrence of an overlapped wall time.
      expect(epochToZoned(back, zone)).toEqual(wall);
      expect(back).toBeLessThanOrEqual(ms);
      if (back !== ms) expect(ms - back).toBeLessThanOrEqual(3_600_000);
    }
  });
});
