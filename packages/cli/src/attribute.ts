import { readFileSync } from "node:fs";
import { checkProject, hasErrors, lowerAttribution } from "@promo/dsl";
import { attributeWithRules, formatMinor, isCurrencyCode, type AttributionResult, type LineAttribution } from "@promo/runtime";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { describeFsError, EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { absolute, projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import { diagnosticJson, expandRuleFiles, plural, renderDiagnostics, renderFrames, styles, table } from "./rules.js";

export const attributeCommand: Command = {
  name: "attribute",
  summary: "attribute a paid order's lines to affiliates (webmasters) with .promo attribution rules",
  usage: "promo attribute <rules (files|dirs)...> --order <order.json> --journey <events.json> [--json] [--explain] [--root <dir>]",
  description:
    "Checks the rule files (with the files they import) as one project, reads its `attribution` and `affiliate\n" +
    "program` declarations and attributes each line of the order: the winning webmaster (or none), the rule that\n" +
    "decided it, the rate and the commission in minor units, returned units reversed (docs/language.md, Affiliate\n" +
    "attribution). The order is {paidAt, lines: [{id, sku, quantity, paidMinor, returnedUnits?}], currency?}; the\n" +
    "journey an array of {id, at, kind: click|cart|coupon, webmaster, sku?}. Instants are epoch milliseconds or\n" +
    "RFC 3339 strings. Problems in the order or journey are named by file and path.",
  options: [
    ROOT_OPTION,
    { name: "order", value: "<order.json>", description: "the paid order; required" },
    { name: "journey", value: "<events.json>", description: "the buyer's touchpoints; required" },
    { name: "json", description: "print only the attribution as JSON; errors as JSON too" },
    { name: "explain", description: "list why every other touchpoint lost, and where the deciding rule is declared" },
  ],
  exitCodes: [
    "0  the order was attributed",
    "1  errors in the rules (or no attribution declared), or the order or journey is not valid",
    "2  usage or I/O error",
  ],
  run: runAttribute,
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function readJson(ctx: CommandContext, path: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8").decode(readFileSync(absolute(ctx.io.cwd, path)));
  } catch (error) {
    throw new PathError(`cannot read '${path}': ${describeFsError(error)}`);
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
}

/** RFC 3339 strings at `key` become epoch milliseconds; a string that is not one is an error at its path. */
function instants(items: unknown, key: string, path: (i: number) => string, errors: { path: string; message: string }[]): unknown {
  if (!Array.isArray(items)) return items;
  return items.map((item: unknown, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const value = (item as Record<string, unknown>)[key];
    if (typeof value !== "string") return item;
    const ms = RFC3339.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) errors.push({ path: path(i), message: `${key} must be epoch milliseconds or an RFC 3339 instant` });
    return { ...(item as object), [key]: ms };
  });
}

/** The order's `paidAt` and the events' `at` as epoch milliseconds (RFC 3339 strings converted), with path-named errors. */
export function withInstants(orderValue: unknown, journeyValue: unknown): { order: unknown; journey: unknown; errors: { path: string; message: string }[] } {
  const errors: { path: string; message: string }[] = [];
  let order = orderValue;
  if (order !== null && typeof order === "object" && !Array.isArray(order) && typeof (order as Record<string, unknown>).paidAt === "string")
    order = (instants([order], "paidAt", () => "order.paidAt", errors) as unknown[])[0];
  const journey = instants(journeyValue, "at", (i) => `$[${i}].at`, errors);
  return { order, journey, errors };
}

function runAttribute(args: ParsedArgs, ctx: CommandContext): number {
  if (args.positionals.length === 0) throw new UsageError("missing rule file or directory", "attribute");
  const orderPath = optionValue(args, "order");
  if (orderPath === undefined) throw new UsageError("missing the order: --order <order.json>", "attribute");
  const journeyPath = optionValue(args, "journey");
  if (journeyPath === undefined) throw new UsageError("missing the journey: --journey <events.json>", "attribute");
  const json = flag(args, "json");
  const explain = flag(args, "explain");

  const files = expandRuleFiles(args.positionals, ctx);
  const orderRead = readJson(ctx, orderPath);
  const journeyRead = readJson(ctx, journeyPath);

  const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd));
  const { project, diagnostics } = checkProject(files, host);
  const fileCount = new Set<string>([...files, ...read.keys()]).size;
  if (hasErrors(diagnostics)) {
    if (json) ctx.io.stdout(`${JSON.stringify({ attributed: false, diagnostics: diagnostics.map(diagnosticJson) }, null, 2)}\n`);
    else ctx.io.stderr(renderDiagnostics(diagnostics, read, fileCount, ctx.color));
    return EXIT.problems;
  }
  if (diagnostics.length > 0 && !json) ctx.io.stderr(renderFrames(diagnostics, read, ctx.color));

  const fail = (errors: { file: string; path: string; message: string }[]): number => {
    if (json) ctx.io.stdout(`${JSON.stringify({ attributed: false, errors }, null, 2)}\n`);
    else {
      for (const e of errors) ctx.io.stderr(`${e.file}: ${e.path}: ${e.message}\n`);
      ctx.io.stderr(`the order was not attributed (${plural(errors.length, "error")})\n`);
    }
    return EXIT.problems;
  };
  const rules = lowerAttribution(project);
  if (rules === undefined)
    return fail([
      { file: files[0]!, path: "rules", message: "the rule files declare no attribution (attribution NAME { … } and affiliate program NAME { … })" },
    ]);
  if (!orderRead.ok || !journeyRead.ok) {
    const errors = [];
    if (!orderRead.ok) errors.push({ file: orderPath, path: "order", message: orderRead.message });
    if (!journeyRead.ok) errors.push({ file: journeyPath, path: "$", message: journeyRead.message });
    return fail(errors);
  }

  const { order, journey, errors: instantErrors } = withInstants(orderRead.value, journeyRead.value);
  const result = instantErrors.length > 0 ? undefined : attributeWithRules(rules, order as never, journey as never, { explain });
  if (result === undefined || !result.ok) {
    const errors = result?.errors ?? instantErrors;
    return fail(errors.map((e) => ({ file: e.path.startsWith("$") ? journeyPath : e.path.startsWith("order") ? orderPath : files[0]!, ...e })));
  }
  const currency = (order as { currency?: unknown }).currency;
  if (json) {
    const lines = result.lines.map((l) => {
      const { losers, rule, ...rest } = (l as unknown as { toJSON(): Record<string, unknown> }).toJSON();
      return explain ? { ...rest, losers, ...(rule === undefined ? {} : { rule }) } : rest;
    });
    ctx.io.stdout(`${JSON.stringify({ attributed: true, lines, totals: totals(result) }, null, 2)}\n`);
    return EXIT.ok;
  }
  ctx.io.stdout(report(result, typeof currency === "string" && isCurrencyCode(currency) ? currency : undefined, orderPath, explain, ctx.color));
  return EXIT.ok;
}

function totals(result: AttributionResult): { commissionMinor: number; reversedMinor: number; byWebmaster: Record<string, number> } {
  const byWebmaster: Record<string, number> = Object.create(null) as Record<string, number>;
  let commissionMinor = 0;
  let reversedMinor = 0;
  for (const l of result.lines) {
    commissionMinor += l.commissionMinor;
    reversedMinor += l.reversedMinor;
    if (l.webmaster !== undefined) byWebmaster[l.webmaster] = (byWebmaster[l.webmaster] ?? 0) + l.commissionMinor;
  }
  return { commissionMinor, reversedMinor, byWebmaster: { ...byWebmaster } };
}

function report(result: AttributionResult, currency: string | undefined, label: string, explain: boolean, color: boolean): string {
  const s = styles(color);
  const money = (minor: number) => (currency === undefined ? `${minor} (minor units)` : `${formatMinor(minor, currency)} ${currency}`);
  let out = `${s.bold(label)}: ${plural(result.lines.length, "line")}\n\n`;
  const rows = [["line", "webmaster", "decided by", "rate", "commission", "reversed"].map((h) => s.dim(h))];
  for (const l of result.lines)
    rows.push([l.line, l.webmaster ?? s.dim("none"), l.decidedBy, `${l.rateBp / 100}%`, money(l.commissionMinor), money(l.reversedMinor)]);
  out += table(rows, "lllrrr");
  const t = totals(result);
  out += `\n${s.bold("Total")}: ${money(t.commissionMinor)} commission, ${money(t.reversedMinor)} reversed\n`;
  if (explain) for (const l of result.lines) out += explanation(l, s.bold);
  return out;
}

function explanation(l: LineAttribution, bold: (t: string) => string): string {
  let out = `\n${bold(l.line)}: ${l.webmaster === undefined ? "no commission" : `${l.webmaster} by event ${l.event}`} (${l.decidedBy})\n`;
  const rule = l.rule;
  if (rule !== undefined) out += `  rule ${rule.name}: ${rule.source.file ?? ""}:${rule.source.line}:${rule.source.column} ${rule.source.text ?? ""}\n`;
  for (const loss of l.losers) out += `  ${loss.event}: ${loss.reason}\n`;
  return out;
}
