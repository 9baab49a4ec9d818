import { checkProject, hasErrors, interpreterEvaluator, memoryHost, runExamples } from "@promo/dsl";
import { parseCartJson, type PricingResult } from "@promo/runtime";

import { RULES_PATH } from "./paths.js";

/** One cart error, named by its JSON pointer (`/lines/0/unitPrice`), `""` for the whole cart. */
export interface CartProblem {
  path: string;
  message: string;
}

export interface ExampleRun {
  name: string;
  line: number;
  passed: boolean;
  differences: string[];
}

/** What the page shows for one (rules, cart) pair: the explained price, or why there is none. */
export type Evaluation =
  | { status: "priced"; result: PricingResult; examples: ExampleRun[] }
  | { status: "rule-errors"; errors: number }
  | { status: "cart-errors"; errors: CartProblem[]; examples: ExampleRun[] };

/**
 * Prices a cart with rules the way `promo eval` does: the rules checked as a project, the cart parsed and validated
 * against the rules' cart contract, then priced by the reference interpreter of @promo/dsl (no code generation, so
 * nothing the user types is ever run as code). Never throws on user input.
 */
export function evaluate(rules: string, cart: string): Evaluation {
  const host = memoryHost({ [RULES_PATH]: rules });
  const { project, diagnostics } = checkProject([RULES_PATH], host);
  if (hasErrors(diagnostics)) return { status: "rule-errors", errors: diagnostics.filter((d) => d.severity === "error").length };
  const evaluator = interpreterEvaluator(project);
  const examples = runExamples(project, (c) => evaluator.tryEvaluate(c), host).map((e) => ({
    name: e.name,
    line: e.line,
    passed: e.passed,
    differences: e.differences,
  }));
  let input: unknown;
  const checked = parseCartJson(cart, (value) => {
    input = value;
    return evaluator.validate(value);
  });
  const outcome = checked.ok ? evaluator.tryEvaluate(input) : checked;
  if (!outcome.ok) return { status: "cart-errors", errors: outcome.errors.map((e) => ({ path: e.path, message: e.message })), examples };
  // The lines in the cart's own order, as `promo eval` lists them (validation sorts them by id).
  const written = (input as { lines?: { id?: unknown }[] }).lines ?? [];
  const position = new Map(written.map((line, i) => [line?.id, i]));
  const lines = [...outcome.result.lines].sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  return { status: "priced", result: { ...outcome.result, lines }, examples };
}
