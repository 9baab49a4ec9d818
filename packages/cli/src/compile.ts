import { compile } from "@promo/dsl/compiler";
import { hasErrors } from "@promo/dsl";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { EXIT, UsageError, type CommandContext } from "./context.js";
import { absolute, projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import {
  costBudgetOption,
  diagnosticJson,
  expandRuleFiles,
  formatSize,
  plural,
  printTimings,
  renderDiagnostics,
  renderFrames,
  writeFilesAtomically,
} from "./rules.js";

export const compileCommand: Command = {
  name: "compile",
  summary: "compile .promo files into one JavaScript bundle",
  usage: "promo compile <files|dirs...> -o <out.mjs> [--minify] [--cost-budget <n>] [--timings] [--root <dir>] [--json]",
  description:
    "Checks the given files (with the files they import) as one project and, when there are no errors, writes\n" +
    "a self-contained ES module pricing carts with those rules, its TypeScript declarations beside it\n" +
    "(out.mjs → out.d.mts, out.js → out.d.ts) and the JSON Schema of the carts it accepts (out.schema.json).\n" +
    "Each file is written through a temporary file and renamed into place; the same input always gives the\n" +
    "same bytes. On errors, the problems are printed as code frames and nothing is written.",
  options: [
    ROOT_OPTION,
    { name: "out", short: "o", value: "<out.mjs>", description: "the bundle to write (.mjs or .js); required" },
    { name: "minify", description: "minify the bundle" },
    { name: "cost-budget", value: "<n>", description: "the static cost a promotion may have, in operations per cart line (default 10000)" },
    { name: "timings", description: "print the time spent in each stage to stderr" },
  ],
  exitCodes: ["0  compiled; the files were written", "1  errors found; nothing was written", "2  usage or I/O error"],
  run: runCompile,
};

/** Where the declarations and the schema go, beside the bundle. */
export function outputPaths(out: string): { bundle: string; declarations: string; schema: string } {
  const match = /\.(m?js)$/i.exec(out);
  const name = out.slice(out.lastIndexOf("/") + 1);
  if (!match || name.length === match[0].length) {
    throw new UsageError(`the output '${out}' must be a .mjs or .js file, e.g. -o promotions.mjs`, "compile");
  }
  const stem = out.slice(0, out.length - match[0].length);
  const declarations = match[1]!.toLowerCase() === "mjs" ? `${stem}.d.mts` : `${stem}.d.ts`;
  return { bundle: out, declarations, schema: `${stem}.schema.json` };
}

async function runCompile(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError("missing file or directory to compile", "compile");
  const out = optionValue(args, "out");
  if (out === undefined) throw new UsageError("missing the output file: -o <out.mjs>", "compile");
  const paths = outputPaths(out);

  const files = expandRuleFiles(args.positionals, ctx);
  const json = flag(args, "json");

  const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd));
  const costBudget = costBudgetOption(optionValue(args, "cost-budget"), "compile");
  const result = await compile(files, { host, minify: flag(args, "minify"), ...(costBudget === undefined ? {} : { costBudget }) });
  const fileCount = new Set<string>([...files, ...read.keys()]).size;
  if (flag(args, "timings")) printTimings(ctx, result.timings);

  if (hasErrors(result.diagnostics)) {
    if (json) {
      ctx.io.stdout(`${JSON.stringify({ compiled: false, diagnostics: result.diagnostics.map(diagnosticJson) }, null, 2)}\n`);
      return EXIT.problems;
    }
    ctx.io.stdout(renderDiagnostics(result.diagnostics, read, fileCount, ctx.color));
    ctx.io.stdout(`nothing written\n`);
    return EXIT.problems;
  }

  const schema = JSON.stringify(result.schema, null, 2) + "\n";
  writeFilesAtomically([
    { full: absolute(ctx.io.cwd, paths.bundle), display: paths.bundle, data: result.code },
    { full: absolute(ctx.io.cwd, paths.declarations), display: paths.declarations, data: result.dts },
    { full: absolute(ctx.io.cwd, paths.schema), display: paths.schema, data: schema },
  ]);

  const promotions = countPromotions(result.dts);
  const bytes = Buffer.byteLength(result.code, "utf8");
  if (json) {
    const report = { compiled: true, files: fileCount, promotions, outputs: paths, bundleBytes: bytes, diagnostics: result.diagnostics.map(diagnosticJson) };
    ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT.ok;
  }
  if (result.diagnostics.length > 0) ctx.io.stdout(renderFrames(result.diagnostics, read, ctx.color));
  const size = formatSize(bytes);
  const warnings = result.diagnostics.length > 0 ? ` (${plural(result.diagnostics.length, "warning")})` : "";
  ctx.io.stdout(`compiled ${plural(fileCount, "file")}, ${plural(promotions, "promotion")} → ${paths.bundle} (${size})${warnings}\n`);
  return EXIT.ok;
}

/** The promotions in a bundle, read off the `PromotionId` union of its declarations (one string per id). */
function countPromotions(dts: string): number {
  const line = /^export type PromotionId = (.*);$/m.exec(dts);
  if (!line) return 0;
  return (line[1]!.match(/"(?:[^"\\]|\\.)*"/g) ?? []).length;
}
