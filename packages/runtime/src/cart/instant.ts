import { daysInMonth } from "../time/zones.js";
import { DATE_PATTERN, INSTANT_PATTERN } from "./schema.js";

const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] as const;

// The schema's patterns decide the shape; these only split a matching text into its fields.
const INSTANT_SHAPE = new RegExp(INSTANT_PATTERN);
const DATE_SHAPE = new RegExp(DATE_PATTERN);
const INSTANT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

export type CalendarResult = { ok: true; value: number } | { ok: false; message: string };

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function checkDay(text: string, year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `${text} is not a real date: there is no month ${month}`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return `${text} is not a real date: ${MONTH_NAMES[month - 1] ?? `month ${month}`} ${year} has ${days} days`;
  }
  return undefined;
}

/** The two digits at `at` as a number, or NaN. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * The common spellings, `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS±HH:MM` (no fraction), read without
 * regular expressions: epoch milliseconds when the text is one of them and names a real date and time,
 * undefined otherwise (then the general path decides and names the problem).
 */
function quickInstant(text: string): number | undefined {
  const length = text.length;
  if (length !== 20 && length !== 25) return undefined;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return undefined;
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  let offset = 0;
  if (length === 20) {
    if (text.charCodeAt(19) !== 90 /* Z */) return undefined;
  } else {
    const sign = text.charCodeAt(19);
    const offsetHours = twoDigits(text, 20);
    const offsetMinutes = twoDigits(text, 23);
    if ((sign !== 43 && sign !== 45) || text.charCodeAt(22) !== 58 || !(offsetHours <= 23 && offsetMinutes <= 59)) return undefined;
    offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  // NaN fails every comparison, so a non-digit anywhere ends here too.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59)) {
    return undefined;
  }
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 - offset + 0;
}

/**
 * An RFC 3339 date-time with `Z` or an offset → epoch milliseconds (a fraction beyond milliseconds is
 * truncated). Returns undefined when the text does not have the shape at all (the schema reports that),
 * and a failure naming the problem for a date that does not exist, such as 2026-02-30.
 */
export function parseInstant(text: string): CalendarResult | undefined {
  const quick = quickInstant(text);
  if (quick !== undefined) return { ok: true, value: quick };
  const m = INSTANT_SHAPE.test(text) ? INSTANT.exec(text) : null;
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const dayProblem = checkDay(text, year, month, day);
  if (dayProblem !== undefined) return { ok: false, message: dayProblem };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `${text} is not a real time of day` };
  const offsetHours = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinutes = m[10] === undefined ? 0 : Number(m[10]);
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, message: `${text} has an impossible offset` };
  const millis = Number(((m[7] ?? "") + "000").slice(0, 3));
  const sign = m[8] === "-" ? -1 : 1;
  const offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const local = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
  return { ok: true, value: local - offset + 0 };
}

/** `YYYY-MM-DD` that exists in the proleptic Gregorian calendar; undefined when the shape is wrong. */
export function checkDate(text: string): CalendarResult | undefined {
  const m = DATE_SHAPE.test(text) ? DATE.exec(text) : null;
  if (m === null) return undefined;
  const problem = checkDay(text, Number(m[1]), Number(m[2]), Number(m[3]));
  return problem === undefined ? { ok: true, value: daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) } : { ok: false, message: problem };
}
