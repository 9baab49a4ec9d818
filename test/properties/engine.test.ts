import { appendFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { cleanEngines } from "../helpers/engines.js";
import { cartArb, rulesArb } from "../helpers/generators.js";
import { checkCase, counters, prepareRules, report, RUNS } from "../helpers/properties.js";

/**
 * Property-based tests over generated rule files and generated carts (see test/helpers/properties.ts for what a
 * case is and how the run counts are set): money invariants, compiled ≡ interpreter, order invariance (lines,
 * coupons, declarations), determinism, JSON round-trip, and optimality against brute force. A failure prints the
 * shrunk rule file and cart. Needs the build (`npm test` builds first).
 */
afterAll(() => {
  const line = report("engine properties");
  console.log(line);
  if (process.env["PROMO_PROPERTY_REPORT"]) appendFileSync(process.env["PROMO_PROPERTY_REPORT"], line + "\n");
  cleanEngines();
});

describe("engine properties", () => {
  it(
    `hold over ${RUNS.ruleFiles} generated rule files × up to ${RUNS.carts} carts`,
    async () => {
      await fc.assert(
        fc.asyncProperty(rulesArb, fc.array(cartArb, { minLength: 1, maxLength: Math.max(1, RUNS.carts), size: "max" }), async (rules, carts) => {
          const prepared = await prepareRules(rules);
          carts.forEach((cart, i) => checkCase(prepared, rules, cart, i));
        }),
        { numRuns: RUNS.ruleFiles, seed: RUNS.seed, endOnFailure: false },
      );
      const minimum = Number(process.env["PROMO_PROPERTY_MIN_CASES"] ?? 0);
      if (counters.cases < minimum) throw new Error(`only ${counters.cases} cases ran; at least ${minimum} were asked for`);
    },
    24 * 3600_000,
  );
});
