import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { bundledFor, checkRules, cleanEngines, interpreterFor } from "../helpers/engines.js";
import { cartArb, renderCart, renderRules, rulesArb } from "../helpers/generators.js";
import { PropertyFailure, RUNS } from "../helpers/properties.js";
import { bundleViolations, LIBRARY_MEMBERS } from "../helpers/bundle-ast.js";

/**
 * The real bundles of `compile()` (esbuild, a few hundred milliseconds each) against the reference interpreter on
 * generated rule files and carts, and each bundle's syntax tree free of code-running constructs. Fewer rule files
 * than engine.test.ts, which runs the same comparison on the emitter's module for many more.
 */
let cases = 0;
afterAll(() => {
  console.log(`bundle properties: ${cases} cases over ${RUNS.bundleRuleFiles} bundles`);
  cleanEngines();
});

describe("compiled bundles", () => {
  it(
    `agree with the interpreter on ${RUNS.bundleRuleFiles} generated rule files`,
    async () => {
      await fc.assert(
        fc.asyncProperty(rulesArb, fc.array(cartArb, { minLength: 1, maxLength: Math.max(1, RUNS.carts), size: "max" }), async (rules, carts) => {
          const text = renderRules(rules);
          const interpreter = interpreterFor(checkRules(text).project);
          const bundle = await bundledFor(text);
          expect(bundleViolations(bundle.code, { allowedMembers: LIBRARY_MEMBERS })).toEqual([]);
          for (const model of carts) {
            cases++;
            const cart = renderCart(model, rules.currency);
            const a = interpreter.tryEvaluate(cart);
            const b = bundle.tryEvaluate(cart);
            if (!isDeepStrictEqual(a, b))
              throw new PropertyFailure("the bundle and the interpreter disagree", text, cart, `${JSON.stringify(a)}\n${JSON.stringify(b)}`);
          }
        }),
        { numRuns: RUNS.bundleRuleFiles, seed: RUNS.seed + 1 },
      );
    },
    24 * 3600_000,
  );
});
