import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import {
  asReport,
  mergeReports,
  progressDisplay,
  renderHtmlReport,
  ReportError,
  simulate,
  SimulateError,
  type BundleSource,
  type SimulateOptions,
  type SimulationReport,
} from "@promo/simulate";
import { hasErrors, ProjectRoot } from "@promo/dsl";
import { compile } from "@promo/dsl/compiler";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { describeFsError, EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { absolute, recordingHost } from "./files.js";
import { expandRuleFiles, plural, renderDiagnostics, styles, table, writeFilesAtomically, type OutputFile } from "./rules.js";

/** `promo simulate`: a thin layer over @promo/simulate (all simulation logic lives there). */
export const simulateCommand: Command = {
  name: "simulate",
  summary: "replay historical carts against rules: cost and impact report, version diff",
  usage:
    "promo simulate <rules...> --carts <file|dir> [--against <rules>] [--report <out.html>] [--out <report.json>] [--json] [--workers <n>] [--sample <n>] [--usage <usage.json>] [--shard <i/n>]  |  promo simulate merge <parts.json...>",
  description:
    "Compiles the rules once and prices every cart of --carts (NDJSON, one cart per line, optionally .gz; or a\n" +
    "directory of such files) on worker threads, without writing anything anywhere: usage limits are simulated in\n" +
    "memory in input order. Reports per promotion the carts where it was a candidate, applied or rejected (by\n" +
    "reason), its cost, average and largest discount, discount depth, cost per hour and per store; with --against,\n" +
    "both versions and their diff. Invalid carts are counted and listed, never fatal. --shard i/n simulates a\n" +
    "deterministic part of the input (every n-th line) into a partial report; 'promo simulate merge' combines the\n" +
    "partial reports exactly. With --json, stdout holds exactly one JSON document (the report, or an error).",
  options: [
    { name: "carts", value: "<file|dir>", description: "the carts: NDJSON (.gz allowed) or a directory of such files; required" },
    { name: "against", value: "<rules>", description: "older rules (.promo files or a directory, or a compiled .mjs) to compare with" },
    { name: "report", value: "<out.html>", description: "write a self-contained HTML report with charts" },
    { name: "out", value: "<report.json>", description: "write the report as JSON (e.g. a shard's partial report)" },
    { name: "json", description: "print the report as one JSON document on stdout" },
    { name: "workers", value: "<n>", description: "worker threads (default: one per core; 0 prices in the main thread)" },
    { name: "sample", value: "<n>", description: "simulate only the first n carts (the report is marked incomplete)" },
    { name: "usage", value: "<usage.json>", description: "initial use of usage limits: a JSON object from limit key to number" },
    { name: "shard", value: "<i/n>", description: "simulate shard i of n (lines whose ordinal ≡ i−1 mod n): a partial report" },
  ],
  exitCodes: [
    "0  carts were simulated (invalid carts, if any, are listed in the report)",
    "1  errors in the rules, or no cart could be simulated, or reports that cannot be merged",
    "2  usage or I/O error",
  ],
  run: runSimulate,
};

function wholeNumber(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < min)
    throw new UsageError(`invalid --${name} '${text}': expected a whole number of at least ${min}`, "simulate");
  return Number(text);
}

function shardOption(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]{1,6})\/([0-9]{1,6})$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`invalid --shard '${text}': expected i/n with 1 ≤ i ≤ n, e.g. 2/8`, "simulate");
  return { index, count };
}

function readJson(path: string, ctx: CommandContext): unknown {
  let text: string;
  try {
    text = readFileSync(absolute(ctx.io.cwd, path), "utf8");
  } catch (error) {
    throw new PathError(`cannot read '${path}': ${describeFsError(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProblemError(`${path}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function usageOption(path: string | undefined, ctx: CommandContext): Record<string, number> | undefined {
  if (path === undefined) return undefined;
  const value = readJson(path, ctx);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ProblemError(`${path}: expected a JSON object from limit key to a number`);
  const usage: Record<string, number> = {};
  for (const [key, n] of Object.entries(value)) {
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new ProblemError(`${path}: the use of '${key}' must be a number of at least 0`);
    usage[key] = n;
  }
  return usage;
}

/** A problem that stops the command with exit 1 (reported as JSON under --json). */
class ProblemError extends Error {}

/** Compiles rule paths (or takes a compiled .mjs/.js bundle as is). Null: errors, already printed. */
async function rulesBundle(paths: readonly string[], ctx: CommandContext, json: boolean, label: string): Promise<BundleSource | null> {
  if (paths.length === 1 && /\.m?js$/i.test(paths[0]!)) return { path: absolute(ctx.io.cwd, paths[0]!), label: paths[0]! };
  const files = expandRuleFiles(paths, ctx);
  if (files.length === 0) throw new UsageError(`no .promo files in ${label}`, "simulate");
  // import and cart from stay inside the rules' own directories (docs/language.md, import).
  const { host, read } = recordingHost(ctx.io.cwd, ProjectRoot.around(paths, ctx.io.cwd));
  const result = await compile(files, { host });
  if (hasErrors(result.diagnostics)) {
    const fileCount = new Set<string>([...files, ...read.keys()]).size;
    if (json) {
      const errors = result.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => ({ code: d.code, message: d.message, file: d.span.file, line: d.span.startLine, column: d.span.startColumn }));
      ctx.io.stdout(JSON.stringify({ error: { message: `${label} failed to compile: nothing was simulated`, diagnostics: errors } }, null, 2) + "\n");
    } else {
      ctx.io.stderr(renderDiagnostics(result.diagnostics, read, fileCount, ctx.color));
      ctx.io.stderr(`${label} failed to compile: nothing was simulated\n`);
    }
    return null;
  }
  return { code: result.code, label: paths.join(" ") };
}

async function runSimulate(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const json = flag(args, "json");
  try {
    if (args.positionals[0] === "merge" && optionValue(args, "carts") === undefined) return await runMerge(args, ctx, json);
    return await runSimulation(args, ctx, json);
  } catch (error) {
    if (error instanceof ProblemError || error instanceof SimulateError || error instanceof ReportError) {
      if (json) ctx.io.stdout(JSON.stringify({ error: { message: error.message } }, null, 2) + "\n");
      else ctx.io.stderr(`promo: ${error.message}\n`);
      return EXIT.problems;
    }
    if (json && (error instanceof UsageError || error instanceof PathError)) {
      ctx.io.stdout(JSON.stringify({ error: { message: error.message } }, null, 2) + "\n");
      return EXIT.usage;
    }
    throw error;
  }
}

async function runSimulation(args: ParsedArgs, ctx: CommandContext, json: boolean): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError("missing rule file or directory", "simulate");
  const carts = optionValue(args, "carts");
  if (carts === undefined) throw new UsageError("missing the carts: --carts <file|dir>", "simulate");
  const options: SimulateOptions = { cwd: ctx.io.cwd };
  const workers = wholeNumber(optionValue(args, "workers"), "workers", 0);
  options.workers = workers ?? Math.max(1, availableParallelism());
  const sample = wholeNumber(optionValue(args, "sample"), "sample", 1);
  if (sample !== undefined) options.sample = sample;
  const shard = shardOption(optionValue(args, "shard"));
  if (shard) options.shard = shard;
  const usage = usageOption(optionValue(args, "usage"), ctx);
  if (usage) options.usage = usage;

  const rules = await rulesBundle(args.positionals, ctx, json, "the rules");
  if (!rules) return EXIT.problems;
  const againstPath = optionValue(args, "against");
  if (againstPath !== undefined) {
    const against = await rulesBundle([againstPath], ctx, json, "the --against rules");
    if (!against) return EXIT.problems;
    options.against = against;
  }

  const progress = progressDisplay(process.stderr);
  let report: SimulationReport | undefined;
  try {
    for await (const event of simulate(rules, carts, options)) {
      if (event.type === "progress") progress.update(event);
      else report = event.report;
    }
  } finally {
    progress.stop();
  }
  if (!report) throw new SimulateError("the simulation ended without a report");
  return finish(report, args, ctx, json, report.input.simulated > 0);
}

async function runMerge(args: ParsedArgs, ctx: CommandContext, json: boolean): Promise<number> {
  const paths = args.positionals.slice(1);
  if (paths.length === 0) throw new UsageError("missing the partial reports: promo simulate merge <parts.json...>", "simulate");
  const reports = paths.map((p) => asReport(readJson(p, ctx), p));
  const merged = mergeReports(reports, paths);
  return finish(merged, args, ctx, json, true);
}

function finish(report: SimulationReport, args: ParsedArgs, ctx: CommandContext, json: boolean, ok: boolean): number {
  const outputs: OutputFile[] = [];
  const html = optionValue(args, "report");
  if (html !== undefined) outputs.push({ full: absolute(ctx.io.cwd, html), display: html, data: renderHtmlReport(report) });
  const out = optionValue(args, "out");
  if (out !== undefined) outputs.push({ full: absolute(ctx.io.cwd, out), display: out, data: JSON.stringify(report, null, 2) + "\n" });
  if (outputs.length > 0) writeFilesAtomically(outputs);
  if (json) ctx.io.stdout(JSON.stringify(report, null, 2) + "\n");
  else {
    ctx.io.stdout(summary(report, ctx.color));
    for (const o of outputs) ctx.io.stdout(`wrote ${o.display}\n`);
  }
  if (!ok) {
    if (!json) ctx.io.stderr(`promo: no cart could be simulated${report.incomplete.length > 0 ? `: ${report.incomplete.join("; ")}` : ""}\n`);
    return EXIT.problems;
  }
  return EXIT.ok;
}

function summary(report: SimulationReport, color: boolean): string {
  const s = styles(color);
  const c = report.currency;
  const input = report.input;
  let out = `${s.bold("Simulated")} ${plural(input.simulated, "cart")} of ${plural(input.records, "line")} read`;
  if (input.invalid > 0 || input.otherCurrency > 0) out += ` (${s.yellow(`${input.invalid} invalid, ${input.otherCurrency} in another currency`)})`;
  out += `\n`;
  if (!report.complete) out += `${s.yellow("incomplete:")} ${report.incomplete.join("; ")}\n`;
  for (const note of report.notes) out += `${s.dim(`note: ${note}`)}\n`;
  out += `${s.dim(report.funding.note)}\n`;
  const v = report.current;
  out += `\n${s.bold("Cost")} ${s.dim(`(${c})`)}: ${v.cost} on ${plural(v.discounted, "cart")}; subtotal ${v.subtotal}, paid ${v.total}\n`;
  const rows = [["promotion", "candidate", "applied", "cost", "average", "max", "rejected"].map((h) => s.dim(h))];
  for (const p of v.promotions) {
    rows.push([
      p.id,
      String(p.candidate),
      String(p.applied),
      p.cost,
      p.average ?? "-",
      p.max,
      Object.entries(p.rejected)
        .map(([r, n]) => `${r} ${n}`)
        .join(", "),
    ]);
  }
  out += table(rows, "lrrrrrl");
  if (report.diff) {
    const d = report.diff;
    out += `\n${s.bold("Diff")} against ${report.rules.against?.label}: ${plural(d.changed, "cart")} changed total (${d.increased} up, ${d.decreased} down), total paid ${d.delta} ${c}\n`;
    const drows = [["promotion", "cost before", "cost after", "change", "started on", "stopped on"].map((h) => s.dim(h))];
    for (const p of d.promotions) drows.push([p.id, p.costBefore, p.costAfter, p.delta, String(p.startedOn), String(p.stoppedOn)]);
    out += table(drows, "lrrrrr");
    if (d.startedApplying.length > 0) out += `  started applying: ${d.startedApplying.join(", ")}\n`;
    if (d.stoppedApplying.length > 0) out += `  stopped applying: ${d.stoppedApplying.join(", ")}\n`;
  }
  if (input.problems.length > 0) {
    out += `\n${s.bold("Problems")}${input.problems.length < input.invalid + input.otherCurrency ? ` (first ${input.problems.length})` : ""}\n`;
    for (const p of input.problems.slice(0, 10)) out += `  ${p.file}:${p.line}${p.path ? ` ${p.path}` : ""}: ${p.message}\n`;
    if (input.problems.length > 10) out += s.dim(`  … the full list is in the JSON report (--json or --out)\n`);
  }
  return out;
}
