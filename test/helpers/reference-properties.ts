import { appendFileSync } from "node:fs";
import { periodBucket } from "../../packages/reference/src/time.js";
import { checkRules, errorsOf } from "./engines.js";
import { renderWideCart, renderWideRules, wideKinds, WIDE_CURRENCIES, WIDE_INSTANTS, type WideCart, type WideRules } from "./generators.js";
import { emittedEngine, referenceEngine, type PricingEngine } from "./implementations.js";

/**
 * Compiled code against the reference model on generated (rule file, cart) pairs (test/reference-properties.test.ts
 * and `npm run test:deep`). One case is one pair with its usage: both engines price it, and
 *
 * - when both are exact (the engine's `optimal`, the reference's enumeration within its work bound) they must agree
 *   on every observable: applied ids, per-line amounts, totals, rejected ids with reasons;
 * - when the engine fell back (`optimal: false`, the step bound), its saving must lie between the greedy
 *   combination (first-by-priority, admissible, so a lower bound) and the reference's exact optimum;
 * - when the reference cannot enumerate exactly (too many contested promotions for its work bound), the engine's
 *   saving must be at least the greedy one.
 */
export function envCount(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${value}`);
  return n;
}

export const tally = { cases: 0, ruleFiles: 0, exact: 0, overNineQualified: 0, stepBound: 0, stepBoundSmall: 0, referenceBounded: 0 };

export class Disagreement extends Error {
  constructor(what: string, rules: string, cart: unknown, usage: unknown, detail: string) {
    super(
      `${what}\n--- rule file ---\n${rules}--- cart ---\n${JSON.stringify(cart, null, 2)}\n--- usage ---\n${JSON.stringify(usage)}\n--- detail ---\n${detail}`,
    );
    this.name = "Disagreement";
  }
}

export interface PreparedWide {
  text: string;
  model: WideRules;
  compiled: PricingEngine;
  project: ReturnType<typeof checkRules>["project"];
}

export async function prepareWide(model: WideRules): Promise<PreparedWide> {
  const text = renderWideRules(model);
  const { project, diagnostics } = checkRules(text);
  const errors = errorsOf(diagnostics);
  if (errors.length > 0) throw new Disagreement(`the generated rule file does not check:\n${errors.join("\n")}`, text, null, null, "");
  tally.ruleFiles++;
  return { text, model, project, compiled: await emittedEngine(project) };
}

const ZONES: Record<string, string> = {
  none: "UTC",
  sale: "America/Los_Angeles",
  "dst-spring": "America/New_York",
  "dst-fall": "America/New_York",
  "dst-day": "America/New_York",
};

/** Usage for the limits of the rules, for the cart's instant: none, one, all but one, all, half, or over the maximum. */
export function wideUsage(model: WideRules, cart: WideCart): Record<string, number> {
  const usage: Record<string, number> = {};
  const currency = model.currency;
  const kinds = wideKinds(model);
  const at = Date.parse(WIDE_INSTANTS[cart.at]!);
  model.promotions.forEach((p, i) => {
    p.limits.forEach((l, j) => {
      if (l.kind === "coins" && kinds[i] !== "coins") return;
      if (l.per === "order") return;
      const max = l.kind === "budget" ? (WIDE_CURRENCIES[currency] === 3 ? l.n * 10 + (l.n % 7) : l.n) : l.n;
      const level = cart.usage[(i + j) % cart.usage.length]!;
      const used = [0, 1, max - 1, max, Math.floor(max / 2), max + 3][level]!;
      if (used <= 0) return;
      const entities = l.per === "customer" ? ["|customer:c1"] : l.per === "store" ? ["|store:x", "|store:y", "|store:z"] : [""];
      const period = l.period ? `|${periodBucket(l.period, at, ZONES[p.window]!)}` : "";
      entities.forEach((entity, k) => {
        if (k === 0 || (level + k) % 2 === 0) usage[`p${i}|${l.kind}${entity}${period}`] = used;
      });
    });
  });
  return usage;
}

/** How many contested promotions the reference may enumerate for a cart of this size (2^k combinations). */
function referenceBound(lines: number, promotions: number): number {
  const perCombination = Math.max(1, lines) * Math.max(1, promotions) * 4;
  return Math.max(4, Math.min(12, Math.floor(Math.log2(2_000_000 / perCombination))));
}

const referenceCache = new WeakMap<PreparedWide, Map<number, ReturnType<typeof referenceEngine>>>();

const progressFile = process.env["PROMO_REFERENCE_PROGRESS"];

export function checkWideCase(prepared: PreparedWide, cartModel: WideCart): void {
  tally.cases++;
  // Long runs (test:deep) can report how far they got, for an honest rate when they are cut short.
  if (progressFile && tally.cases % 10_000 === 0) appendFileSync(progressFile, `${new Date().toISOString()} ${JSON.stringify(tally)}\n`);
  const cart = renderWideCart(cartModel, prepared.model.currency);
  const usage = wideUsage(prepared.model, cartModel);
  const fail = (what: string, detail: string): never => {
    const disagreement = new Disagreement(what, prepared.text, cart, usage, detail);
    // The first counterexample, before shrinking (which can take long with many carts per rule file).
    if (progressFile) appendFileSync(progressFile, `${disagreement.message}\n`);
    throw disagreement;
  };
  const bound = referenceBound(cartModel.lines.length, prepared.model.promotions.length);
  let byBound = referenceCache.get(prepared);
  if (!byBound) referenceCache.set(prepared, (byBound = new Map()));
  let reference = byBound.get(bound);
  if (!reference) byBound.set(bound, (reference = referenceEngine(prepared.project, bound)));

  // Every fifth case runs the engine with a small step bound (1 to 97 search nodes), so its fallback to the best
  // combination found so far (`optimal: false`) is exercised on ordinary files too, not only on huge ones.
  const small = tally.cases % 5 === 0;
  const a = prepared.compiled.price(cart, small ? { usage, maxSearchSteps: 1 + (tally.cases % 97) } : { usage });
  const b = reference.price(cart, { usage });
  if (!a.ok) return fail("the compiled engine rejects a generated cart", JSON.stringify(a.errors));
  if (!b.ok) return fail("the reference rejects a cart the compiled engine accepts", JSON.stringify(b.errors));
  if ((b.qualified ?? 0) > 9) tally.overNineQualified++;
  if (a.optimal && b.optimal) {
    tally.exact++;
    if (JSON.stringify(a.result) !== JSON.stringify(b.result))
      fail("compiled and reference disagree", `compiled:\n${JSON.stringify(a.result, null, 1)}\nreference:\n${JSON.stringify(b.result, null, 1)}`);
    return;
  }
  const greedy = reference.price(cart, { usage, selection: "first-by-priority" });
  if (!greedy.ok) return fail("the reference's greedy run rejects the cart", "");
  if (!a.optimal) tally[small ? "stepBoundSmall" : "stepBound"]++;
  if (!b.optimal) tally.referenceBounded++;
  if (a.savings < greedy.savings)
    fail(`the engine's selection saves ${a.savings}, less than the greedy combination's ${greedy.savings}`, JSON.stringify(a.result.applied));
  if (b.optimal && a.savings > b.savings)
    fail(`the engine's selection saves ${a.savings}, more than the exact optimum ${b.savings}`, JSON.stringify(a.result.applied));
}
