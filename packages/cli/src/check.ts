import { costBudgetOption, diagnosticJson, sourceLookup } from "./rules.js";
import { isValidLocalDate, isValidLocalTime } from "@promo/runtime";
import { type CheckOptions, hasErrors, renderDiagnostic, renderSummary, checkFiles } from "@promo/dsl";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import { EXIT, UsageError, type CommandContext } from "./context.js";
import { expandPaths, projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import type { Command } from "./command.js";

export const checkCommand: Command = {
  name: "check",
  summary: "type-check .promo files and report problems",
  usage: "promo check <files|dirs...> [--json] [--at <instant>] [--cost-budget <n>] [--timings] [--root <dir>]",
  description:
    "Parses and checks each file (with the files it imports) and prints every problem as a code frame,\n" +
    "then a summary. Directories are searched recursively for *.promo files.",
  options: [
    ROOT_OPTION,
    { name: "json", description: "print only a JSON array of the diagnostics (stable order)" },
    {
      name: "at",
      value: "<instant>",
      description: "warn about promotion windows that ended before this ISO-8601 instant, e.g. 2026-11-13T00:00:00Z",
    },
    { name: "cost-budget", value: "<n>", description: "the static cost a promotion may have, in operations per cart line (default 10000)" },
    { name: "timings", description: "print the time spent in each stage to stderr" },
  ],
  exitCodes: ["0  no errors (warnings allowed)", "1  errors found", "2  usage or I/O error"],
  run: runCheck,
};

function runCheck(args: ParsedArgs, ctx: CommandContext): number {
  if (args.positionals.length === 0) throw new UsageError("missing file or directory to check", "check");
  const atText = optionValue(args, "at");
  const options: CheckOptions = {};
  if (atText !== undefined) options.at = parseInstant(atText);
  const costBudget = costBudgetOption(optionValue(args, "cost-budget"), "check");
  if (costBudget !== undefined) options.costBudget = costBudget;
  const json = flag(args, "json");

  const { files, emptyDirectories } = expandPaths(args.positionals, ctx.io.cwd);
  for (const dir of emptyDirectories) ctx.io.stderr(`promo: warning: no .promo files found in '${dir}'\n`);

  const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd));
  const result = checkFiles(files, host, options);
  const diagnostics = result.diagnostics;

  if (json) {
    ctx.io.stdout(JSON.stringify(diagnostics.map(diagnosticJson), null, 2) + "\n");
  } else {
    const getSource = sourceLookup(read);
    for (const d of diagnostics) ctx.io.stdout(renderDiagnostic(d, getSource, { color: ctx.color }) + "\n");
    const checked = new Set<string>([...files, ...read.keys()]);
    ctx.io.stdout(renderSummary(diagnostics, checked.size) + "\n");
  }

  if (flag(args, "timings")) {
    const total = result.timings.reduce((sum, t) => sum + t.ms, 0);
    for (const t of result.timings) ctx.io.stderr(`${t.stage.padEnd(24)} ${t.ms.toFixed(1).padStart(9)} ms\n`);
    ctx.io.stderr(`${"total".padEnd(24)} ${total.toFixed(1).padStart(9)} ms\n`);
  }

  return hasErrors(diagnostics) ? EXIT.problems : EXIT.ok;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** `2026-11-13T00:00:00Z`, `2026-11-13T09:30+01:00` → epoch milliseconds; anything else is a usage error. */
export function parseInstant(text: string): number {
  const m = INSTANT.exec(text);
  const bad = () => new UsageError(`invalid --at '${text}': expected an ISO-8601 instant with a UTC offset, e.g. 2026-11-13T00:00:00Z`, "check");
  if (!m) throw bad();
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0").slice(0, 3));
  if (!isValidLocalDate(year, month, day) || !isValidLocalTime(hour, minute, second)) throw bad();
  let offsetMinutes = 0;
  const zone = m[8]!;
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) throw bad();
    offsetMinutes = sign * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const ms = date.getTime() - offsetMinutes * 60_000;
  if (!Number.isFinite(ms)) throw bad();
  return ms;
}
