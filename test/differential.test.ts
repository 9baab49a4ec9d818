import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost } from "../packages/dsl/src/project/host.js";
import { runExamples } from "../packages/dsl/src/testing/examples.js";
import { prng } from "./helpers/prng.js";
import { invariantViolations } from "./helpers/oracle.js";
import { randomCart } from "./helpers/random-carts.js";

/**
 * Compiled bundles against the reference interpreter on every example and on seeded random carts, with the
 * money invariants: allocations sum to each discount, no line goes below zero, totals add up, and the order of
 * lines and coupons never matters. Needs the build (`npm test` builds first).
 */
const examplesDir = join(import.meta.dirname, "..", "examples");
const ruleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".promo"))
  .sort();
const scratch = mkdtempSync(join(tmpdir(), "promo-differential-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(ruleFiles)("%s", (name) => {
  const path = join(examplesDir, name);
  const { project } = checkProject([path], diskHost);
  const interpreter = interpreterEvaluator(project);
  const currency = project.files[0]!.currency!;
  const bundle = compile([path]).then(async (result) => {
    const out = join(scratch, name.replace(".promo", ".mjs"));
    writeFileSync(out, result.code);
    return (await import(pathToFileURL(out).href)) as { tryEvaluate: typeof interpreter.tryEvaluate };
  });

  it("every example passes, compiled and interpreted alike", async () => {
    const compiled = await bundle;
    const viaInterpreter = runExamples(project, (cart) => interpreter.tryEvaluate(cart), diskHost);
    const viaBundle = runExamples(project, (cart) => compiled.tryEvaluate(cart), diskHost);
    expect(viaInterpreter.filter((o) => !o.passed).map((o) => `${o.name}: ${o.differences.join("; ")}`)).toEqual([]);
    expect(viaBundle).toEqual(viaInterpreter);
  });

  it("300 random carts: compiled ≡ interpreted, and the money invariants hold", async () => {
    const compiled = await bundle;
    const random = prng(0x5eed + name.length);
    for (let i = 0; i < 300; i++) {
      const cart = randomCart(random, currency);
      const a = interpreter.tryEvaluate(cart);
      const b = compiled.tryEvaluate(cart);
      expect(b).toEqual(a);
      if (!a.ok) throw new Error(`generated an invalid cart: ${JSON.stringify(a.errors)}`);
      // The money invariants (test/helpers/oracle.ts): allocations, line bounds, totals, each promotion once.
      expect(invariantViolations(a.result, cart)).toEqual([]);
      const reordered = { ...cart, lines: [...cart.lines].reverse(), coupons: [...cart.coupons].reverse() };
      expect(interpreter.tryEvaluate(reordered)).toEqual(a);
    }
  });
});

/**
 * Scope predicates over built-in line fields compile to plain JavaScript (`line.sku === "MUG"`,
 * `set.has(line.store)`, `line.unitPrice >= 500`) rather than calls into the runtime: every operator and field
 * kind, alone and under and / or / not, against the interpreter.
 */
describe("specialised line comparisons", () => {
  const scopes = [
    'line.sku is "MUG"',
    'line.sku is not "MUG"',
    'line.store in ["acme", "lumen"]',
    'line.store not in ["acme"]',
    'line.tags contains "selected"',
    "line.unitPrice exceeds 10.00 USD",
    "line.unitPrice at least 10.00 USD",
    "line.unitPrice at most 10.00 USD",
    "line.unitPrice below 10.00 USD",
    "line.quantity is 2",
    "line.quantity is not 2",
    "line.subtotal at least 25.00 USD",
    'line.category is ""',
    'line.product in ["", "P"]',
    'not line.sku is "CASE" and line.quantity at least 2',
    'line.sku is "BAG" or line.tags contains "coins"',
  ];
  const rules = [
    "currency USD",
    "",
    ...scopes.flatMap((scope, i) => [
      `promotion line-${i} {`,
      `  title "line comparison ${i}"`,
      "  kind automatic",
      `  when count of (${scope}) at least 1`,
      `  give 1.00 USD off each unit of (${scope})`,
      "}",
      "",
    ]),
  ].join("\n");

  it("agree with the interpreter on 400 random carts", async () => {
    const path = join(scratch, "line-comparisons.promo");
    writeFileSync(path, rules);
    const { project, diagnostics } = checkProject([path], diskHost);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const interpreter = interpreterEvaluator(project);
    const result = await compile([path]);
    // The specialised forms are there (so this compares them, not the general path).
    expect(result.code).toMatch(/\.sku === "MUG"/);
    expect(result.code).toMatch(/\.unitPrice >= 1000/);
    expect(result.code).toMatch(/\.tags\.has\("selected"\)/);
    const out = join(scratch, "line-comparisons.mjs");
    writeFileSync(out, result.code);
    const compiled = (await import(pathToFileURL(out).href)) as { tryEvaluate: typeof interpreter.tryEvaluate };
    const random = prng(0x1ee7);
    let applied = 0;
    for (let i = 0; i < 400; i++) {
      const cart = randomCart(random, "USD");
      const a = interpreter.tryEvaluate(cart);
      expect(compiled.tryEvaluate(cart)).toEqual(a);
      if (a.ok) applied += a.result.applied.length;
    }
    expect(applied).toBeGreaterThan(400);
  });
});
