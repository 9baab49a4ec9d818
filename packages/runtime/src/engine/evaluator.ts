import type { AttributeSpec, CartError, NormalizedCart } from "../cart/types.js";
import { createCartValidatorWith, type SchemaCheck } from "../cart/validate.js";
import { evaluateProgram, type EvaluateOptions, type PricingResult } from "./evaluate.js";
import type { Program } from "./program.js";

/** Thrown by `evaluate` for input that is not a valid cart; every problem is named by its JSON path. */
export class InvalidCartError extends Error {
  constructor(readonly errors: readonly CartError[]) {
    super(`invalid cart: ${errors.map((e) => `${e.path || "/"}: ${e.message}`).join("; ")}`);
    this.name = "InvalidCartError";
  }
}

export type EvaluateOutcome = { ok: true; result: PricingResult } | { ok: false; errors: CartError[] };

export interface Evaluator {
  /** Prices a cart (the v1 JSON contract); throws InvalidCartError for bad input. */
  evaluate(cart: unknown, options?: EvaluateOptions): PricingResult;
  /** The same without throwing. */
  tryEvaluate(cart: unknown, options?: EvaluateOptions): EvaluateOutcome;
  /** Validation and normalisation alone. */
  validate(cart: unknown): { ok: true; cart: NormalizedCart } | { ok: false; errors: CartError[] };
}

/** An evaluator over a schema check compiled ahead of time (bundles) or by ajv at run time (runtime/node). */
export function createEvaluatorWith(program: Program, attributes: readonly AttributeSpec[], schemaCheck: SchemaCheck): Evaluator {
  const validate = createCartValidatorWith(attributes, schemaCheck);
  const tryEvaluate = (cart: unknown, options?: EvaluateOptions): EvaluateOutcome => {
    const checked = validate(cart);
    if (!checked.ok) return checked;
    return { ok: true, result: evaluateProgram(program, checked.cart, options) };
  };
  return {
    validate,
    tryEvaluate,
    evaluate(cart, options) {
      const outcome = tryEvaluate(cart, options);
      if (!outcome.ok) throw new InvalidCartError(outcome.errors);
      return outcome.result;
    },
  };
}
