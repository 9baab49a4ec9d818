import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { EvaluateOutcome } from "@promo/runtime";
import {
  type CheckedProject,
  hasErrors,
  type Diagnostic,
  interpreterEvaluator,
  checkFiles,
  type SourceHost,
  runExamples,
  type CartEvaluator,
  type ExampleOutcome,
} from "@promo/dsl";
import { compile } from "@promo/dsl/compiler";
import { flag, type ParsedArgs } from "./args.js";
import { attributionExamples } from "./attribution-examples.js";
import type { Command } from "./command.js";
import { EXIT, UsageError, type CommandContext } from "./context.js";
import { projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import { diagnosticJson, expandRuleFiles, plural, renderFrames, styles } from "./rules.js";
import type { TestOutcome } from "./test-outcome.js";

export const testCommand: Command = {
  name: "test",
  summary: "run the examples in .promo files (interpreter and compiled bundle), attribution examples too",
  usage: "promo test <files|dirs...> [--json] [--root <dir>]",
  description:
    "Checks each file as its own project (the file and the files it imports) and runs the examples written in\n" +
    "it twice: with the reference interpreter and with the file compiled to a bundle. An example passes when\n" +
    "both results match its expectation and are identical. Prints PASS or FAIL per example, the differences of\n" +
    "each failure, and a last line `N examples: N passed, N failed`. Files with errors are reported as code\n" +
    "frames and their examples are not run.",
  options: [{ name: "json", description: "print only a JSON report: every example's outcome and the files with errors" }, ROOT_OPTION],
  exitCodes: ["0  every example passed", "1  an example failed, or a file has errors", "2  usage or I/O error"],
  run: runTest,
};

async function runTest(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError("missing file or directory to test", "test");
  const json = flag(args, "json");
  const s = styles(ctx.color);
  const files = expandRuleFiles(args.positionals, ctx);
  const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd));
  const checked = checkFiles(files, host);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  const errorFiles = new Set(errors.map((d) => d.span.file));
  const shown = new Set<Diagnostic>();

  const broken: string[] = [];
  const outcomes: TestOutcome[] = [];
  const temp = new TempDir();
  try {
    for (const [i, root] of files.entries()) {
      const project = checked.projects[i]!;
      const paths = new Set(project.files.map((f) => f.parsed.source.path));
      if ([...paths].some((path) => errorFiles.has(path))) {
        broken.push(root);
        if (!json) {
          // The errors of this project not shown yet (a shared import's errors are shown once).
          const fresh = errors.filter((d) => paths.has(d.span.file) && !shown.has(d));
          for (const d of fresh) shown.add(d);
          ctx.io.stdout(renderFrames(fresh, read, ctx.color));
          ctx.io.stdout(`${s.fail("ERROR")} ${root}: the file has errors; its examples were not run\n`);
        }
        continue;
      }
      const attribution = await attributionExamples(root, project, host, temp.path(), i);
      outcomes.push(...attribution);
      if (!json) for (const o of attribution) ctx.io.stdout(renderOutcome(o, s));
      const own: CheckedProject = { ...project, examples: project.examples.filter((e) => e.file.parsed.source.path === root) };
      if (own.examples.length === 0) continue;
      const results = await testProject(root, own, host, temp, i);
      outcomes.push(...results);
      if (!json) for (const o of results) ctx.io.stdout(renderOutcome(o, s));
    }
  } finally {
    temp.remove();
  }

  const passed = outcomes.filter((o) => o.passed).length;
  const failed = outcomes.length - passed;
  if (json) {
    ctx.io.stdout(JSON.stringify({ examples: outcomes, passed, failed, filesWithErrors: broken, errors: errors.map(diagnosticJson) }, null, 2) + "\n");
  } else {
    if (outcomes.length > 0 || broken.length > 0) ctx.io.stdout("\n");
    if (broken.length > 0) ctx.io.stdout(`${plural(broken.length, "file")} with errors\n`);
    ctx.io.stdout(`${plural(outcomes.length, "example")}: ${passed} passed, ${failed} failed\n`);
  }
  return failed > 0 || broken.length > 0 ? EXIT.problems : EXIT.ok;
}

/** Runs a file's examples with the interpreter and with its compiled bundle, and compares the two. */
async function testProject(root: string, project: CheckedProject, host: SourceHost, temp: TempDir, index: number): Promise<TestOutcome[]> {
  const interpreter = interpreterEvaluator(project);
  const interpreted = runExamples(project, (cart) => interpreter.tryEvaluate(cart), host);

  let compiled: ExampleOutcome[] | undefined;
  let buildFailure: string | undefined;
  try {
    const evaluate = await compiledEvaluator(root, host, temp, index);
    compiled = runExamples(project, evaluate, host);
  } catch (error) {
    buildFailure = error instanceof Error ? error.message : String(error);
  }

  return interpreted.map((reference, i) => {
    const differences = [...reference.differences];
    const other = compiled?.[i];
    if (buildFailure !== undefined) {
      differences.push(`compiled: the bundle could not be built or loaded: ${buildFailure}`);
    } else if (other) {
      const keys = disagreement(reference, other);
      if (keys.length > 0) {
        differences.push(`compiled: the bundle and the interpreter give different results for ${keys.join(", ")}`);
        for (const d of other.differences) if (!reference.differences.includes(d)) differences.push(`compiled: ${d}`);
      }
    }
    return {
      name: reference.name,
      file: reference.file,
      line: reference.line,
      column: reference.column,
      passed: reference.passed && other !== undefined && other.passed && differences.length === 0,
      differences,
    };
  });
}

/** Compiles one file, writes the bundle to the temporary directory and imports it. */
async function compiledEvaluator(root: string, host: SourceHost, temp: TempDir, index: number): Promise<CartEvaluator> {
  const result = await compile([root], { host });
  if (hasErrors(result.diagnostics) || result.code === "") throw new Error("the compiler reported errors");
  const file = join(temp.path(), `bundle-${index}.mjs`);
  writeFileSync(file, result.code, "utf8");
  const bundle = (await import(pathToFileURL(file).href)) as { tryEvaluate?: unknown };
  if (typeof bundle.tryEvaluate !== "function") throw new Error("the bundle does not export tryEvaluate");
  const tryEvaluate = bundle.tryEvaluate as (cart: unknown) => EvaluateOutcome;
  return (cart) => tryEvaluate(cart);
}

/** The top-level keys in which two outcomes of one example differ (`result` keys, or `cart errors`). */
export function disagreement(a: ExampleOutcome, b: ExampleOutcome): string[] {
  if (a.result && b.result) {
    const keys = [...new Set([...Object.keys(a.result), ...Object.keys(b.result)])];
    return keys.filter((k) => !isDeepStrictEqual((a.result as unknown as Record<string, unknown>)[k], (b.result as unknown as Record<string, unknown>)[k]));
  }
  if (a.result || b.result) return ["whether the cart is valid"];
  if (!isDeepStrictEqual(a.cartErrors, b.cartErrors)) return ["the cart errors"];
  if (!isDeepStrictEqual(a.differences, b.differences)) return ["the outcome"];
  return [];
}

function renderOutcome(o: TestOutcome, s: ReturnType<typeof styles>): string {
  const head = `${o.passed ? s.pass("PASS") : s.fail("FAIL")} ${o.file}:${o.line} ${o.name}\n`;
  return head + o.differences.map((d) => `    ${d}\n`).join("");
}

/** A temporary directory for the bundles, created on first use and removed at the end. */
class TempDir {
  private dir: string | undefined;
  path(): string {
    this.dir ??= mkdtempSync(join(tmpdir(), "promo-test-"));
    return this.dir;
  }
  remove(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
