import { isDeepStrictEqual } from "node:util";
import type { EvaluateOutcome, PricingResult } from "@promo/runtime/node";
import { checkRules, emittedFor, errorsOf, interpreterFor, type Engine } from "./engines.js";
import { renderCart, renderRules, shuffled, type CartModel, type RulesModel } from "./generators.js";
import { bruteForceBest, invariantViolations, oracleFor } from "./oracle.js";

/**
 * The engine properties, shared by `npm test` (a modest run) and `npm run test:deep` (at least a million cases).
 *
 * One **case** is one (rule file, cart) pair: the cart priced by the reference interpreter and by the compiled
 * module, and every property below checked on it. A rule file is generated, checked and compiled once, then many
 * generated carts go through it. The run counts come from the environment:
 *
 * - PROMO_PROPERTY_RULE_FILES: generated rule files (fast-check runs);
 * - PROMO_PROPERTY_CARTS: the most carts per rule file (fast-check picks 1 … N; shrinking reduces them);
 * - PROMO_PROPERTY_SEED: the fast-check seed (fixed by default, so `npm test` is reproducible).
 */
export const RUNS = {
  ruleFiles: envNumber("PROMO_PROPERTY_RULE_FILES", 40),
  carts: envNumber("PROMO_PROPERTY_CARTS", 30),
  bundleRuleFiles: envNumber("PROMO_PROPERTY_BUNDLE_RULE_FILES", 3),
  seed: envNumber("PROMO_PROPERTY_SEED", 20261111),
};

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${value}`);
  return n;
}

export const counters = { cases: 0, bruteForced: 0, ruleFiles: 0, started: performance.now() };

/** The failure report: what broke, the rule file and the cart (both as text that can be pasted into a case). */
export class PropertyFailure extends Error {
  constructor(what: string, rules: string, cart: unknown, detail = "") {
    super(`${what}\n--- rule file ---\n${rules}--- cart ---\n${JSON.stringify(cart, null, 2)}\n${detail ? `--- detail ---\n${detail}\n` : ""}`);
    this.name = "PropertyFailure";
  }
}

function withoutSources(outcome: EvaluateOutcome): unknown {
  if (!outcome.ok) return outcome;
  return { ...outcome, result: { ...outcome.result, rejected: outcome.result.rejected.map(({ source: _source, ...rest }) => rest) } };
}

function diff(a: unknown, b: unknown): string {
  return `first:\n${JSON.stringify(a, null, 1)}\nsecond:\n${JSON.stringify(b, null, 1)}`;
}

export interface PreparedRules {
  text: string;
  interpreter: Engine;
  compiled: Engine;
  permuted: Engine;
  oracle: ReturnType<typeof oracleFor>;
  selection: "best-for-buyer" | "first-by-priority";
}

export async function prepareRules(
  model: RulesModel,
  compiledFor: (text: string, project: ReturnType<typeof checkRules>["project"]) => Promise<Engine> = (_t, p) => emittedFor(p),
): Promise<PreparedRules> {
  const text = renderRules(model);
  const { project, diagnostics } = checkRules(text);
  const errors = errorsOf(diagnostics);
  if (errors.length > 0) throw new PropertyFailure(`the generated rule file does not check:\n${errors.join("\n")}`, text, null);
  const permutedText = renderRules(model, true);
  const permutedCheck = checkRules(permutedText);
  if (errorsOf(permutedCheck.diagnostics).length > 0) throw new PropertyFailure("the permuted rule file does not check", permutedText, null);
  counters.ruleFiles++;
  return {
    text,
    interpreter: interpreterFor(project),
    compiled: await compiledFor(text, project),
    permuted: interpreterFor(permutedCheck.project),
    oracle: oracleFor(project),
    selection: project.selection,
  };
}

/** Every property on one case; throws a PropertyFailure naming the first that fails. */
export function checkCase(rules: PreparedRules, model: RulesModel, cartModel: CartModel, caseIndex: number): void {
  counters.cases++;
  const cart = renderCart(cartModel, model.currency) as { lines: { id: string }[]; coupons: unknown[]; shipping: { price: string } };
  const fail = (what: string, detail = ""): never => {
    throw new PropertyFailure(what, rules.text, cart, detail);
  };
  const a = rules.interpreter.tryEvaluate(cart);
  if (!a.ok) fail("the generated cart is rejected", JSON.stringify(a.errors));
  const result = (a as { ok: true; result: PricingResult }).result;

  // compiled ≡ interpreter, result for result, field for field
  const b = rules.compiled.tryEvaluate(cart);
  if (!isDeepStrictEqual(a, b)) fail("compiled code and the interpreter disagree", diff(a, b));

  // money invariants
  const broken = invariantViolations(result, cart);
  if (broken.length > 0) fail("a money invariant is broken", broken.join("\n"));

  // deterministic, and JSON round-trips
  if (!isDeepStrictEqual(rules.interpreter.tryEvaluate(cart), a)) fail("evaluating twice gives different results");
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(result)), result)) fail("the result does not round-trip through JSON");

  // order of lines and coupons
  const reordered = { ...cart, lines: shuffled(cart.lines, caseIndex), coupons: shuffled(cart.coupons, caseIndex * 7 + 3) };
  const c = rules.interpreter.tryEvaluate(reordered);
  if (!isDeepStrictEqual(c, a)) fail("shuffling lines or coupons changes the result", `${diff(a, c)}\nreordered cart:\n${JSON.stringify(reordered)}`);

  // order of declarations (source positions move with them, nothing else may)
  const d = rules.permuted.tryEvaluate(cart);
  if (!isDeepStrictEqual(withoutSources(d), withoutSources(a)))
    fail("re-ordering the declarations changes the result", diff(withoutSources(a), withoutSources(d)));

  // optimality against brute force
  if (rules.selection === "best-for-buyer" && result.optimal) {
    const normalised = rules.oracle.normalise(cart);
    if (!normalised) fail("the oracle rejects a cart the engine accepted");
    const best = bruteForceBest(rules.oracle.program, normalised!);
    if (best) {
      counters.bruteForced++;
      const applied = result.applied.filter((x) => x.kind !== "coins");
      const saving = applied.reduce((s, x) => s + minorOf(x.amount, result.currency), 0);
      if (saving !== best.saving)
        fail(`the selection is not optimal: it saves ${saving}, brute force finds ${best.saving} (${best.ids.join(", ")})`, JSON.stringify(result.applied));
      const ids = applied.map((x) => x.id);
      if (!isDeepStrictEqual(ids, best.ids))
        fail(`equal savings are broken differently: the engine applies [${ids.join(", ")}], the documented tie-break gives [${best.ids.join(", ")}]`);
    }
  }
}

function minorOf(text: string, currency: string): number {
  const exp = currency === "JPY" ? 0 : currency === "KWD" ? 3 : 2;
  const [whole, frac = ""] = text.split(".");
  return Number(whole) * 10 ** exp + Number((frac + "000").slice(0, exp) || "0");
}

export function report(label: string): string {
  const seconds = (performance.now() - counters.started) / 1000;
  return `${label}: ${counters.cases} cases over ${counters.ruleFiles} rule files (${counters.bruteForced} checked against brute force) in ${seconds.toFixed(1)} s, ${Math.round(counters.cases / seconds)} cases/s`;
}
