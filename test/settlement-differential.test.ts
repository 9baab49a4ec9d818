import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { referenceSettlement } from "../packages/reference/src/index.js";
import { refund as runtimeRefund, settle as runtimeSettle } from "../packages/runtime/src/index.js";
import { cartArb, cartJson, returnSequence, rulesArb, ruleText } from "./helpers/settlement-models.js";
import type { SettlementBundle } from "./helpers/settlement-conformance.js";

/**
 * The engine's settlement and refunds against the independent reference on generated rule files (every kind, funding
 * by one party or a split, `on return recover discount` with thresholds, limits released on return, a commission
 * table) and carts (several stores, lines not in id order, coins): for every generated pair the settlement and every
 * refund of a random sequence of partial returns (each with the `next` of the one before) must be the same on both.
 * The engine side is the runtime under the interpreter, and for every BUNDLE_EVERY-th rule file also the compiled
 * bundle. Seeded (PROMO_SETTLEMENT_DIFF_SEED, PROMO_SETTLEMENT_DIFF_RULE_FILES); needs the build for the bundles.
 */
const SEED = Number(process.env["PROMO_SETTLEMENT_DIFF_SEED"] ?? 2027);
const RULE_FILES = Number(process.env["PROMO_SETTLEMENT_DIFF_RULE_FILES"] ?? 60);
const BUNDLE_EVERY = 10;
const scratch = mkdtempSync(join(tmpdir(), "promo-settlement-diff-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** JSON's view of a value; errors compare by path (each side words its own messages). */
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === "errors" && Array.isArray(v) ? v.map((e: { path: string }) => e.path) : v)) as unknown;

interface Engine {
  tryEvaluate(cart: unknown): { ok: boolean; result?: unknown; errors?: unknown };
  settle(result: unknown): unknown;
  refund(result: unknown, returns: unknown, previous?: unknown): unknown;
}

let pairs = 0;
let refunds = 0;
let bundled = 0;

describe("settlement and refunds: engine ≡ reference", () => {
  it(`agree on ${RULE_FILES} generated rule files × up to 4 carts`, async () => {
    const samples = fc.sample(fc.tuple(rulesArb, fc.array(cartArb, { minLength: 1, maxLength: 4 })), { numRuns: RULE_FILES, seed: SEED });
    for (const [n, [model, carts]] of samples.entries()) {
      const text = ruleText(model);
      const path = `/gen-${n}.promo`;
      const host = memoryHost({ [path]: text });
      const { project, diagnostics } = checkProject([path], host);
      expect(
        diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.startLine}: ${d.message}`),
        text,
      ).toEqual([]);
      const interpreter = interpreterEvaluator(project);
      const engines: Engine[] = [
        {
          tryEvaluate: (cart) => interpreter.tryEvaluate(cart),
          settle: (r) => runtimeSettle(r as object),
          refund: (r, x, p) => runtimeRefund(r as object, x, p),
        },
      ];
      if (n % BUNDLE_EVERY === 0) {
        const out = join(scratch, `gen-${n}.mjs`);
        writeFileSync(out, (await compile([path], { host })).code);
        engines.push((await import(pathToFileURL(out).href)) as SettlementBundle);
        bundled++;
      }
      const reference = referenceSettlement(project);
      for (const cartModel of carts) {
        const cart = cartJson(model, cartModel);
        const ref = reference.trySettle(cart);
        if (!ref.ok) throw new Error(`reference rejected the cart: ${JSON.stringify(ref.errors)}`);
        for (const engine of engines) {
          const outcome = engine.tryEvaluate(cart);
          if (!outcome.ok) throw new Error(`engine rejected the cart: ${JSON.stringify(outcome.errors)}`);
          const context = `${text}\n${JSON.stringify(cart)}`;
          expect(plain(engine.settle(outcome.result)), context).toEqual(plain(ref.settlement));
          const quantities = new Map((cart as { lines: { id: string; quantity: number }[] }).lines.map((l) => [l.id, l.quantity]));
          let previous: unknown = undefined;
          for (const returned of returnSequence(ref.result, quantities, cartModel.returnSeed)) {
            const mine = engine.refund(outcome.result, returned, previous);
            const theirs = ref.refund(returned, previous);
            expect(plain(mine), `${context}\nreturn ${JSON.stringify(returned)} after ${JSON.stringify(previous)}`).toEqual(plain(theirs));
            previous = (mine as { next?: unknown }).next;
            refunds++;
          }
        }
        pairs++;
      }
    }
    console.log(`settlement differential: ${RULE_FILES} rule files (${bundled} also as bundles), ${pairs} carts, ${refunds} refunds compared`);
    expect(pairs).toBeGreaterThanOrEqual(RULE_FILES);
    expect(bundled).toBe(Math.ceil(RULE_FILES / BUNDLE_EVERY));
  }, 600_000);
});
