import type { AttributeSpec, CartError, NormalizedCart } from "../cart/types.js";
import { createCartValidatorWith, type SchemaCheck } from "../cart/validate.js";
import { evaluateProgram, type EvaluateOptions, type PricingResult } from "./evaluate.js";
import type { Program } from "./program.js";

/** Thrown by `evaluate` for input that is not a valid cart; every problem is named by its JSON path. */
export class InvalidCartError extends Error {
  constructor(readonly errors: readonly CartError[]) {
    // Each CartError message already starts with the path it is about ("/lines/0/sku: required").
    super(`invalid cart: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "InvalidCartError";
  }
}

export type EvaluateOutcome = { ok: true; result: PricingResult } | { ok: false; errors: CartError[] };

export interface Evaluator {
  /**
   * Prices a cart (the v1 JSON contract), or a cart this evaluator's `validate` returned (priced without being
   * validated again); throws InvalidCartError for bad input.
   */
  evaluate(cart: unknown, options?: EvaluateOptions): PricingResult;
  /** The same without throwing. */
  tryEvaluate(cart: unknown, options?: EvaluateOptions): EvaluateOutcome;
  /**
   * Validation and normalisation alone. The normalised cart is frozen (its sets and coupon map must not be changed
   * either) and remembered, so that evaluating it later skips validation: validate once, price many times.
   */
  validate(cart: unknown): { ok: true; cart: NormalizedCart } | { ok: false; errors: CartError[] };
}

/** Freezes a normalised cart's objects and arrays, so that what was validated is what gets priced. */
function freezeCart(cart: NormalizedCart): void {
  Object.freeze(cart.customer.attributes);
  Object.freeze(cart.customer);
  for (const line of cart.lines) {
    Object.freeze(line.attributes);
    Object.freeze(line);
  }
  Object.freeze(cart.lines);
  Object.freeze(cart.shipping);
  Object.freeze(cart);
}

/** An evaluator over a schema check compiled ahead of time (bundles) or by ajv at run time (runtime/node). */
export function createEvaluatorWith(program: Program, attributes: readonly AttributeSpec[], schemaCheck: SchemaCheck): Evaluator {
  const validateCart = createCartValidatorWith(attributes, schemaCheck);
  // Carts this evaluator validated and handed out: only these skip validation (a WeakSet, so none is kept alive).
  const validated = new WeakSet<object>();
  const tryEvaluate = (cart: unknown, options?: EvaluateOptions): EvaluateOutcome => {
    if (typeof cart === "object" && cart !== null && validated.has(cart)) {
      return { ok: true, result: evaluateProgram(program, cart as NormalizedCart, options) };
    }
    const checked = validateCart(cart);
    if (!checked.ok) return checked;
    return { ok: true, result: evaluateProgram(program, checked.cart, options) };
  };
  return {
    validate(cart) {
      const checked = validateCart(cart);
      if (checked.ok) {
        freezeCart(checked.cart);
        validated.add(checked.cart);
      }
      return checked;
    },
    tryEvaluate,
    evaluate(cart, options) {
      const outcome = tryEvaluate(cart, options);
      if (!outcome.ok) throw new InvalidCartError(outcome.errors);
      return outcome.result;
    },
  };
}
