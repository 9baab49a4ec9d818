import { appendFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEngines } from "./helpers/engines.js";
import { wideCartArb, wideRulesArb } from "./helpers/generators.js";
import { checkWideCase, envCount, prepareWide, tally } from "./helpers/reference-properties.js";

/**
 * Compiled code ≡ the reference model (packages/reference) on generated (rule file, cart) pairs: rule files of up
 * to 30 promotions with every benefit kind, stacking clause, usage limits with usage, declared attributes of every
 * type, coins, JPY/KWD/BHD and windows across DST; carts of up to 200 lines, quantities to 10^6, amounts near the
 * supported maximum. A disagreement prints the shrunk rule file, cart and usage. `npm test` runs
 * PROMO_REFERENCE_RULE_FILES × PROMO_REFERENCE_CARTS pairs (100 × 50 by default); `npm run test:deep` a million.
 */
const RULE_FILES = envCount("PROMO_REFERENCE_RULE_FILES", 100);
const CARTS = envCount("PROMO_REFERENCE_CARTS", 50);
const SEED = envCount("PROMO_REFERENCE_SEED", 20261204);
// Shrinking a disagreement recompiles its rule file for every step; on a long run it can take hours, so a long run
// may stop at the first counterexample (written whole to PROMO_REFERENCE_PROGRESS) instead.
const SHRINK = process.env["PROMO_REFERENCE_SHRINK"] !== "0";

afterAll(() => {
  const line =
    `reference differential: ${tally.cases} pairs over ${tally.ruleFiles} rule files; ${tally.exact} compared exactly; ` +
    `${tally.overNineQualified} with more than 9 qualified promotions; ${tally.stepBound} hit the engine's default step bound (optimal: false), ` +
    `${tally.stepBoundSmall} more the small step bound of every fifth case; ` +
    `${tally.referenceBounded} beyond the reference's enumeration bound (checked against the greedy lower bound)`;
  console.log(line);
  if (process.env["PROMO_PROPERTY_REPORT"]) appendFileSync(process.env["PROMO_PROPERTY_REPORT"], line + "\n");
  cleanEngines();
});

describe("compiled ≡ reference", () => {
  it(
    `on ${RULE_FILES} generated rule files × ${CARTS} carts`,
    async () => {
      await fc.assert(
        fc.asyncProperty(wideRulesArb, fc.array(wideCartArb, { minLength: CARTS, maxLength: CARTS }), async (rules, carts) => {
          const prepared = await prepareWide(rules);
          for (const cart of carts) checkWideCase(prepared, cart);
        }),
        { numRuns: RULE_FILES, seed: SEED, endOnFailure: !SHRINK },
      );
      expect(tally.cases).toBeGreaterThanOrEqual(RULE_FILES * CARTS);
    },
    24 * 3600_000,
  );
});
