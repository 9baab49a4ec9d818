import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { affiliateOf, type CheckedProject, hasErrors, lowerAttribution, type SourceHost } from "@promo/dsl";
import { compile } from "@promo/dsl/compiler";
import { attributeWithRules } from "@promo/runtime";
import { withInstants } from "./attribute.js";
import type { TestOutcome } from "./test-outcome.js";

type Attribute = (order: unknown, journey: unknown) => { ok: boolean; errors: { path: string }[]; lines: object[] };

/**
 * `attribution example "NAME" from "case.json"` (docs/language.md, Affiliate attribution): the case file holds
 * `order`, `journey` and `expect` — the expected lines (only the keys given are compared) or `{ "errors": [paths] }`.
 * Each example runs with the runtime evaluator on the lowered rules and with the file's compiled bundle; it passes
 * when both match the expectation and agree.
 */
export async function attributionExamples(root: string, project: CheckedProject, host: SourceHost, tempDir: string, index: number): Promise<TestOutcome[]> {
  const examples = affiliateOf(project).examples.filter((e) => e.file.source.path === root);
  if (examples.length === 0) return [];
  const rules = lowerAttribution(project);
  let bundle: Attribute | undefined;
  let buildFailure: string | undefined;
  try {
    const result = await compile([root], { host });
    if (hasErrors(result.diagnostics) || result.code === "") throw new Error("the compiler reported errors");
    const file = join(tempDir, `attribution-bundle-${index}.mjs`);
    writeFileSync(file, result.code, "utf8");
    bundle = ((await import(pathToFileURL(file).href)) as { attribute: Attribute }).attribute;
  } catch (error) {
    buildFailure = error instanceof Error ? error.message : String(error);
  }
  return examples.map(({ decl, file }) => {
    const pos = file.source.positionAt(decl.span.start);
    const outcome = (differences: string[]): TestOutcome => ({
      name: decl.name.value,
      file: file.source.path,
      line: pos.line,
      column: pos.column,
      passed: differences.length === 0,
      differences,
    });
    const path = host.resolve(file.source.path, decl.file.value);
    if (host.contains && !host.contains(path)) return outcome([`${decl.file.value}: outside the project`]);
    const bytes = host.readFile(path);
    if (bytes === undefined) return outcome([`${decl.file.value}: cannot be read`]);
    let data: { order?: unknown; journey?: unknown; expect?: unknown };
    try {
      data = JSON.parse(new TextDecoder("utf-8").decode(bytes)) as typeof data;
    } catch (error) {
      return outcome([`${decl.file.value}: not valid JSON: ${(error as Error).message}`]);
    }
    if (rules === undefined) return outcome(["the project declares no attribution"]);
    const { order, journey, errors } = withInstants(data.order, data.journey);
    if (errors.length > 0) return outcome(errors.map((e) => `${decl.file.value}: ${e.path}: ${e.message}`));
    const runtime = attributeWithRules(rules, order as never, journey as never);
    const differences = compare(json(runtime), data.expect);
    if (buildFailure !== undefined) differences.push(`compiled: the bundle could not be built or loaded: ${buildFailure}`);
    else if (bundle && !isDeepStrictEqual(json(bundle(order, journey)), json(runtime)))
      differences.push("compiled: the bundle and the runtime evaluator give different results");
    return outcome(differences);
  });
}

function json(r: { ok: boolean; errors: { path: string }[]; lines: object[] }): { ok: boolean; errors: string[]; lines: Record<string, unknown>[] } {
  return { ok: r.ok, errors: r.errors.map((e) => e.path), lines: JSON.parse(JSON.stringify(r.lines)) as Record<string, unknown>[] };
}

/** Differences between the result and the expectation: per line, only the keys the expectation gives. */
function compare(got: ReturnType<typeof json>, expected: unknown): string[] {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected) && "errors" in expected) {
    const want = (expected as { errors: unknown }).errors;
    return isDeepStrictEqual(got.errors, want) ? [] : [`errors: expected ${JSON.stringify(want)}, got ${JSON.stringify(got.errors)}`];
  }
  if (!Array.isArray(expected)) return ["expect: must be a list of lines or { errors: [...] }"];
  if (!got.ok) return [`the order was not attributed: ${got.errors.join(", ")}`];
  const out: string[] = [];
  if (expected.length !== got.lines.length) out.push(`lines: expected ${expected.length}, got ${got.lines.length}`);
  expected.forEach((want: unknown, i) => {
    const line = got.lines[i] ?? {};
    for (const [key, value] of Object.entries(want as Record<string, unknown>))
      if (!isDeepStrictEqual(line[key], value)) out.push(`lines[${i}].${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(line[key])}`);
  });
  return out;
}
