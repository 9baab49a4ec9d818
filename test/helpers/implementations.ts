import type { EvaluateOutcome, PricingResult } from "@promo/runtime/node";
import type { CheckedProject } from "../../packages/dsl/src/checker/checker.js";
import { interpreterEvaluator } from "../../packages/dsl/src/interpreter/evaluator.js";
import { referenceEvaluator, type RefResult } from "../../packages/reference/src/index.js";
import { bundledFor, emittedFor } from "./engines.js";

/**
 * One interface for every implementation of the pricing semantics, as cedar's harness runs every engine through
 * one trait: the reference model (packages/reference, written from docs/language.md alone), the interpreter
 * (packages/dsl/src/interpreter) and compiled code (the emitted module, or the real esbuild bundle). Each prices a
 * JSON cart and answers in the same observable terms, `Priced`, so any two can be compared.
 */
export interface Priced {
  subtotal: string;
  discount: string;
  shipping: string;
  total: string;
  coins: { used: number; amount: string; earned: number };
  applied: { id: string; amount: string; lines: { line: string; amount: string }[]; shipping?: string; coins?: number }[];
  rejected: { id: string; reason: string }[];
  lines: { id: string; subtotal: string; discount: string; total: string }[];
}

export type PricedOutcome =
  | { ok: true; result: Priced; optimal: boolean; savings: bigint; /** The reference only: candidates that qualified. */ qualified?: number }
  | { ok: false; errors: { path: string; message: string }[] };

export interface PricingEngine {
  readonly name: "reference" | "interpreter" | "compiled";
  /** `selection` is for the reference only: first-by-priority gives a lower bound for best-for-buyer. */
  price(cart: unknown, options?: { usage?: Record<string, number>; maxSearchSteps?: number; selection?: "first-by-priority" }): PricedOutcome;
}

const minorOf = (text: string): bigint => BigInt(text.replace(".", ""));

/** What every implementation must agree on: amounts, ids, per-line shares and rejection reasons. */
export function observable(r: PricingResult | RefResult): Priced {
  return {
    subtotal: r.subtotal,
    discount: r.discount,
    shipping: r.shipping,
    total: r.total,
    coins: { used: r.coins.used, amount: r.coins.amount, earned: r.coins.earned },
    applied: r.applied.map((a) => {
      const entry: Priced["applied"][number] = { id: a.id, amount: a.amount, lines: a.lines.map((l) => ({ line: l.line, amount: l.amount })) };
      if (a.shipping !== undefined) entry.shipping = a.shipping;
      if (a.coins !== undefined) entry.coins = a.coins;
      return entry;
    }),
    rejected: r.rejected.map((x) => ({ id: x.id, reason: x.reason })),
    lines: r.lines.map((l) => ({ id: l.id, subtotal: l.subtotal, discount: l.discount, total: l.total })),
  };
}

/** Item plus shipping savings, without coins (what best-for-buyer maximises). */
export function savingsOf(r: PricingResult): bigint {
  const coins = r.applied.filter((a) => a.kind === "coins").reduce((s, a) => s + minorOf(a.amount), 0n);
  return r.applied.reduce((s, a) => s + minorOf(a.amount), 0n) - coins;
}

function fromRuntime(name: "interpreter" | "compiled", evaluate: (cart: unknown, options?: object) => EvaluateOutcome): PricingEngine {
  return {
    name,
    price(cart, options) {
      const outcome = evaluate(cart, options);
      if (!outcome.ok) return { ok: false, errors: outcome.errors };
      return { ok: true, result: observable(outcome.result), optimal: outcome.result.optimal, savings: savingsOf(outcome.result) };
    },
  };
}

export function referenceEngine(project: CheckedProject, maxContested?: number): PricingEngine {
  const reference = referenceEvaluator(project);
  const run = (cart: unknown, options?: { usage?: Record<string, number>; selection?: "first-by-priority" }) =>
    reference.tryEvaluate(cart, {
      ...(options?.usage ? { usage: options.usage } : {}),
      ...(options?.selection ? { selection: options.selection } : {}),
      ...(maxContested !== undefined ? { maxContested } : {}),
    });
  return {
    name: "reference",
    price(cart, options) {
      const outcome = run(cart, options);
      if (!outcome.ok) return outcome;
      return {
        ok: true,
        result: observable(outcome.result),
        optimal: outcome.result.optimal,
        savings: outcome.result.savings,
        qualified: outcome.result.qualified,
      };
    },
  };
}

export function interpreterEngine(project: CheckedProject): PricingEngine {
  const interpreter = interpreterEvaluator(project);
  return fromRuntime("interpreter", (cart, options) => interpreter.tryEvaluate(cart, options));
}

/** The emitter's module (fast to build: for thousands of generated rule files). */
export async function emittedEngine(project: CheckedProject): Promise<PricingEngine> {
  const module = await emittedFor(project);
  return fromRuntime("compiled", (cart, options) => module.tryEvaluate(cart, options));
}

/** The real bundle `promo compile` writes. */
export async function bundledEngine(text: string): Promise<PricingEngine> {
  const bundle = await bundledFor(text);
  return fromRuntime("compiled", (cart, options) => bundle.tryEvaluate(cart, options));
}
