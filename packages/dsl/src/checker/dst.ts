import { epochToZoned, type LocalDateTime } from "@promo/runtime";

/**
 * How a wall-clock time in a zone maps to instants around offset changes (daylight saving): `gap` when the time never
 * happens (spring forward), `overlap` when it happens twice (fall back), else `exact`. Found by trying the offsets in
 * force a day before and a day after, as the runtime's `zonedToEpoch` does, and keeping those that give the time back.
 */
export type LocalTimeMapping = { kind: "exact" } | { kind: "gap" } | { kind: "overlap"; instants: [number, number] };

const DAY = 86_400_000;

function wallAsUtc(t: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second, 0);
  return d.getTime();
}

function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(epochToZoned(whole, zone)) - whole;
}

export function mapLocalTime(local: LocalDateTime, zone: string): LocalTimeMapping {
  const wall = wallAsUtc(local);
  const candidates = [...new Set([wall - offsetAt(wall - DAY, zone), wall - offsetAt(wall + DAY, zone)])];
  const matching = candidates.filter((instant) => offsetAt(instant, zone) === wall - instant).sort((a, b) => a - b);
  if (matching.length === 0) return { kind: "gap" };
  if (matching.length === 2) return { kind: "overlap", instants: [matching[0]!, matching[1]!] };
  return { kind: "exact" };
}

/** `2026-03-08 03:30:00 in America/New_York (2026-03-08T07:30:00Z)`. */
export function describeInstant(ms: number, zone: string): string {
  const t = epochToZoned(ms, zone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${t.year}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}:${p(t.second)} in ${zone} (${new Date(ms).toISOString().replace(".000Z", "Z")})`;
}
