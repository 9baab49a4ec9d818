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
const ruleFiles = readdirSync(examplesDir).filter((f) => f.endsWith(".promo")).sort();
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
