/**
 * IANA time zones through the built-in Intl API only (no bundled tz data):
 * the zone rules therefore track the ICU data of the running engine.
 */

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  minute: number;
  second: number;
}

const MS_PER_SECOND = 1000;
const MS_PER_DAY = 86_400_000;

// Constructing a DateTimeFormat is far more expensive than using one. The
// cache is keyed by the name as given; it is cleared when it grows past a
// bound so arbitrary caller-supplied spellings cannot grow it without limit.
const MAX_CACHED_FORMATTERS = 2048;
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function createFormatter(zone: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      calendar: "gregory",
      numberingSystem: "latn",
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined; // RangeError: not a zone this engine knows
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatterCache.get(zone);
  if (cached !== undefined) return cached;
  const created = createFormatter(zone);
  if (created === undefined) return undefined;
  if (formatterCache.size >= MAX_CACHED_FORMATTERS) formatterCache.clear();
  formatterCache.set(zone, created);
  return created;
}

function requireFormatter(zone: string): Intl.DateTimeFormat {
  const formatter = formatterFor(zone);
  if (formatter === undefined) throw new RangeError(`${JSON.stringify(zone)} is not a known IANA time zone`);
  return formatter;
}

/** True for any name Intl accepts, e.g. "UTC", "Etc/UTC", "Europe/Paris" (and case variants Intl tolerates). */
export function isValidTimeZone(name: string): boolean {
  return formatterFor(name) !== undefined;
}

/**
 * The engine's canonical spelling of a zone ("etc/utc" → "UTC",
 * "america/new_york" → "America/New_York"), or undefined if unknown.
 * Store this form so equal zones compare equal.
 */
export function canonicalTimeZone(name: string): string | undefined {
  return formatterFor(name)?.resolvedOptions().timeZone;
}

let cachedZoneList: readonly string[] | undefined;

/** Every zone the engine lists, plus "UTC" (which Intl accepts but does not list), sorted. */
export function listTimeZones(): readonly string[] {
  if (cachedZoneList === undefined) {
    const zones = new Set(Intl.supportedValuesOf("timeZone"));
    zones.add("UTC");
    cachedZoneList = Object.freeze([...zones].sort());
  }
  return cachedZoneList;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of the proleptic Gregorian `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidLocalDate(year: number, month: number, day: number): boolean {
  return (
    Number.isSafeInteger(year) && Number.isInteger(month) && month >= 1 && month <= 12 && Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** 00:00:00–23:59:59; leap seconds (ss = 60) are not representable in epoch time. */
export function isValidLocalTime(hour: number, minute: number, second: number): boolean {
  return (
    Number.isInteger(hour) &&
    hour >= 0 &&
    hour <= 23 &&
    Number.isInteger(minute) &&
    minute >= 0 &&
    minute <= 59 &&
    Number.isInteger(second) &&
    second >= 0 &&
    second <= 59
  );
}

/** The wall-clock fields read as if they were UTC (Date.UTC maps years 0–99 to 19xx, so avoid it). */
function wallClockAsUtc(local: LocalDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, 0);
  return date.getTime();
}

function requireEpoch(ms: number): void {
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    throw new RangeError(`${ms} is not a representable epoch time in milliseconds`);
  }
}

const MS_PER_HOUR = 3_600_000;
const OFFSET_CACHE_LIMIT = 16_384;
const offsetCache = new Map<string, number>();

/**
 * The zone's UTC offset at `ms`, from a cache of whole hours. An hour is cached only when the offset is the same
 * at its first and last second, so a transition inside it is never smoothed over; such hours ask Intl each time.
 */
function cachedOffset(ms: number, zone: string): number {
  const hour = Math.floor(ms / MS_PER_HOUR);
  const key = `${zone}|${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const first = offsetAt(hour * MS_PER_HOUR, zone);
  const last = offsetAt(hour * MS_PER_HOUR + MS_PER_HOUR - MS_PER_SECOND, zone);
  if (first !== last) return offsetAt(ms, zone);
  if (offsetCache.size >= OFFSET_CACHE_LIMIT) offsetCache.clear();
  offsetCache.set(key, first);
  return first;
}

/** The wall-clock date-time (whole seconds) in `zone` at instant `ms`. */
export function epochToZoned(ms: number, zone: string): LocalDateTime {
  requireFormatter(zone);
  requireEpoch(ms);
  const wholeSecond = Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
  const wall = new Date(wholeSecond + cachedOffset(wholeSecond, zone));
  if (!Number.isFinite(wall.getTime())) return intlZoned(ms, zone);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/** The wall-clock fields as Intl formats them (the source of truth the offset cache is built from). */
function intlZoned(ms: number, zone: string): LocalDateTime {
  const formatter = requireFormatter(zone);
  requireEpoch(ms);
  const fields: Record<string, string> = {};
  for (const part of formatter.formatToParts(ms)) fields[part.type] = part.value;
  const yearOfEra = Number(fields["year"]);
  return {
    year: fields["era"] === "BC" ? 1 - yearOfEra : yearOfEra,
    month: Number(fields["month"]),
    day: Number(fields["day"]),
    hour: Number(fields["hour"]) % 24, // guards engines that still render midnight as "24"
    minute: Number(fields["minute"]),
    second: Number(fields["second"]),
  };
}

/** UTC offset of `zone` at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, zone: string): number {
  const wholeSecond = Math.floor(ms / MS_PER_SECOND) * MS_PER_SECOND;
  return wallClockAsUtc(intlZoned(wholeSecond, zone)) - wholeSecond;
}

/**
 * Wall-clock date-time in `zone` → epoch milliseconds.
 *
 * Most wall times map to exactly one instant. Around DST (or any offset)
 * transitions two rules apply:
 *
 *   - Gap (spring forward; the wall time never happens): the time is moved
 *     forward by the length of the gap, i.e. read with the offset in force
 *     before the transition. 02:30 on America/New_York's spring-forward night
 *     becomes 03:30 EDT.
 *   - Overlap (fall back; the wall time happens twice): the earlier instant,
 *     i.e. the first occurrence, is used. 01:30 on America/New_York's
 *     fall-back night is 01:30 EDT, not 01:30 EST.
 *
 * Offsets are sampled a day either side, which covers every real offset
 * (−12 h … +14 h) provided a zone changes offset at most once within those
 * 48 hours — true of all IANA data.
 *
 * Throws RangeError for an unknown zone or an impossible date or time.
 */
const ZONED_CACHE_LIMIT = 4096;
const zonedCache = new Map<string, number>();

export function zonedToEpoch(local: LocalDateTime, zone: string): number {
  // Each conversion costs several Intl calls; rule files repeat the same campaign windows many times over.
  const key = `${zone}|${local.year}|${local.month}|${local.day}|${local.hour}|${local.minute}|${local.second}`;
  const cached = zonedCache.get(key);
  if (cached !== undefined) return cached;
  const ms = computeZonedToEpoch(local, zone);
  if (zonedCache.size >= ZONED_CACHE_LIMIT) zonedCache.clear();
  zonedCache.set(key, ms);
  return ms;
}

function computeZonedToEpoch(local: LocalDateTime, zone: string): number {
  requireFormatter(zone);
  if (!isValidLocalDate(local.year, local.month, local.day)) {
    throw new RangeError(`${local.year}-${local.month}-${local.day} is not a valid calendar date`);
  }
  if (!isValidLocalTime(local.hour, local.minute, local.second)) {
    throw new RangeError(`${local.hour}:${local.minute}:${local.second} is not a valid time of day`);
  }

  const wall = wallClockAsUtc(local);
  requireEpoch(wall);
  const offsetBefore = offsetAt(wall - MS_PER_DAY, zone);
  const offsetAfter = offsetAt(wall + MS_PER_DAY, zone);

  const matching = [wall - offsetBefore, wall - offsetAfter].filter((instant) => offsetAt(instant, zone) === wall - instant);
  if (matching.length > 0) return Math.min(...matching);
  return wall - offsetBefore;
}
