import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";

/**
 * The conformance corpus: `test/conformance/<topic>/*.yaml`, each with rules and cases (a cart and the expected
 * result, or the expected cart errors). Every case runs against the reference interpreter and the compiled bundle;
 * the two must agree exactly, match the expectation, and give the same result when the cart's lines and coupons
 * come in another order. This needs the build (`npm test` builds first): bundles import the built runtime.
 */
interface Case {
  name: string;
  cart: Record<string, unknown>;
  /** Current use of usage limits by limit key, passed to evaluate (docs/language.md, Limits). */
  usage?: Record<string, number>;
  expect?: Record<string, unknown>;
  errors?: { path: string; message?: string }[];
}

interface Suite {
  description: string;
  rules: string;
  cases: Case[];
}

const root = join(import.meta.dirname, "conformance");
const suites = readdirSync(root, { withFileTypes: true })
  // attribution/ holds journeys, not carts: test/attribution-conformance.test.ts runs it. settlement/ and returns/
  // check settlement and refunds: test/settlement-conformance.test.ts runs them on the bundle and the reference.
  .filter((d) => d.isDirectory() && !["attribution", "settlement", "returns"].includes(d.name))
  .flatMap((d) =>
    readdirSync(join(root, d.name))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(d.name, f)),
  )
  .sort();
const scratch = mkdtempSync(join(tmpdir(), "promo-conformance-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every key of `expected` must match `actual`; arrays match element by element (order and length). */
function expectSubset(actual: unknown, expected: unknown, path = ""): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    expect(actual, path).toBeTypeOf("object");
    for (const [k, v] of Object.entries(expected)) expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((v, i) => expectSubset((actual as unknown[])[i], v, `${path}[${i}]`));
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** A deterministic permutation (reversal plus rotation) that moves every element when there are two or more. */
function permute<T>(list: readonly T[] | undefined): T[] | undefined {
  if (!list || list.length < 2) return list ? [...list] : undefined;
  const reversed = [...list].reverse();
  return [...reversed.slice(1), reversed[0]!];
}

describe.each(suites)("%s", (file) => {
  const suite = parseYaml(readFileSync(join(root, file), "utf8")) as Suite;
  const rulesPath = `/conformance/${file.replace(/\.yaml$/, ".promo")}`;
  const host = memoryHost({ [rulesPath]: suite.rules });
  const { project, diagnostics } = checkProject([rulesPath], host);

  it("has rules that check clean", () => {
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.startLine}:${d.span.startColumn} ${d.message}`)).toEqual([]);
  });

  const interpreter = interpreterEvaluator(project);
  let bundle: Promise<{ tryEvaluate: typeof interpreter.tryEvaluate }> | undefined;
  const compiled = () =>
    (bundle ??= compile([rulesPath], { host }).then(async (result) => {
      const out = join(scratch, file.replace(/[\\/]/g, "__").replace(/\.yaml$/, ".mjs"));
      writeFileSync(out, result.code);
      return (await import(pathToFileURL(out).href)) as { tryEvaluate: typeof interpreter.tryEvaluate };
    }));

  it.each(suite.cases.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    const options = testCase.usage ? { usage: testCase.usage } : undefined;
    const viaInterpreter = interpreter.tryEvaluate(testCase.cart, options);
    const viaBundle = (await compiled()).tryEvaluate(testCase.cart, options);
    expect(viaBundle).toEqual(viaInterpreter);
    if (testCase.errors) {
      expect(viaInterpreter.ok).toBe(false);
      if (!viaInterpreter.ok) expectSubset(viaInterpreter.errors, testCase.errors, "errors");
      return;
    }
    if (!viaInterpreter.ok) throw new Error(`cart rejected: ${JSON.stringify(viaInterpreter.errors)}`);
    expectSubset(viaInterpreter.result, testCase.expect ?? {}, "result");
    const shuffled = {
      ...testCase.cart,
      lines: permute(testCase.cart["lines"] as unknown[]),
      coupons: permute(testCase.cart["coupons"] as unknown[] | undefined),
    };
    if (shuffled.coupons === undefined) delete (shuffled as Record<string, unknown>)["coupons"];
    expect(interpreter.tryEvaluate(shuffled, options)).toEqual(viaInterpreter);
  });
});
