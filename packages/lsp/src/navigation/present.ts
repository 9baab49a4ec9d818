import type { ResolvedWindow } from "@promo/dsl";
import { currencyExponent, epochToZoned, formatMinor } from "@promo/runtime";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-11-10T13:00:00Z`: an instant in UTC, to the second. */
export function utc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** `2026-11-10 05:00:00 America/Los_Angeles`: the wall-clock time of an instant in a zone. */
export function zoned(ms: number, zone: string): string {
  try {
    const t = epochToZoned(ms, zone);
    return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${zone}`;
  } catch {
    return `(${zone})`;
  }
}

/** `2026-11-10 05:00:00 America/Los_Angeles = 2026-11-10T13:00:00Z`. */
export function instant(ms: number, zone: string): string {
  return zone === "UTC" ? utc(ms) : `${zoned(ms, zone)} = ${utc(ms)}`;
}

/** The two ends of a resolved window; the end is the last second inside it (it runs to `:59.999`). */
export function windowLines(window: ResolvedWindow): string[] {
  const end = window.endMs - 999;
  return [`- from ${instant(window.startMs, window.zone)}`, `- to ${instant(end, window.zone)} (inclusive, to ${utc(end).replace("Z", ".999Z")})`];
}

export function moneyLines(minor: number | undefined, currency: string): string[] {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return [`\`${currency}\` is not an ISO 4217 currency with a minor unit`];
  const unit =
    exponent === 0 ? "no minor-unit digits" : `${exponent} minor-unit digit${exponent === 1 ? "" : "s"} (1 ${currency} = ${10 ** exponent} minor units)`;
  const lines = [];
  if (minor !== undefined) lines.push(`${formatMinor(minor, currency)} ${currency} = **${minor}** minor units`);
  lines.push(`${currency} has exponent ${exponent}: ${unit}`);
  return lines;
}

export function code(text: string): string {
  const fence = text.includes("```") ? "````" : "```";
  return `${fence}promo\n${text}\n${fence}`;
}

/** A declaration's source text for a hover, cut after a few lines. */
export function excerpt(text: string, maxLines = 12): string {
  const lines = text.split(/\r?\n/);
  return lines.length <= maxLines ? text : [...lines.slice(0, maxLines), "  …"].join("\n");
}
