import { createEvaluator, type Evaluator } from "@promo/runtime/node";
import type { CheckedProject } from "../checker/checker.js";
import { lower } from "../lower/lower.js";
import { interpret } from "./interpret.js";

/** An evaluator that prices carts with the reference interpreter (no code generation). */
export function interpreterEvaluator(project: CheckedProject): Evaluator {
  const program = lower(project);
  return createEvaluator(interpret(program), program.attributes);
}
