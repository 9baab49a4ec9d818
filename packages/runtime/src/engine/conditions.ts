import type { NormalizedCart, NormalizedCoupon } from "../cart/types.js";
import { formatMinor } from "../money/amount.js";
import { CartLines } from "./benefits.js";
import type { ConditionContext, LinePredicate } from "./program.js";

/** The condition context over a cart and the per-line values left after the discounts applied so far. */
export class CartConditionContext implements ConditionContext {
  constructor(
    readonly cart: NormalizedCart,
    readonly coupon: NormalizedCoupon | null,
    private readonly remaining: readonly number[],
    /** Which lines each scope matches, shared by everything that prices this cart. */
    private readonly lines: CartLines = new CartLines(cart),
  ) {}

  subtotal(scope: LinePredicate | null, after: boolean): number {
    if (!after) return this.lines.subtotal(scope);
    let sum = 0;
    for (const i of this.lines.matching(scope)) sum += this.remaining[i]!;
    return sum;
  }

  quantity(scope: LinePredicate | null): number {
    return this.lines.quantity(scope);
  }

  count(scope: LinePredicate | null): number {
    return this.lines.matching(scope).length;
  }
}

/** How a comparison reads when it fails: `subtotal of acme 12.00 USD is not at least 15.00 USD`. */
export const NEGATED: Record<string, string> = {
  exceeds: "does not exceed",
  "at least": "is not at least",
  "at most": "is not at most",
  below: "is not below",
  is: "is not",
  "is not": "is",
  in: "is not in",
  "not in": "is in",
  contains: "does not contain",
};

/** A runtime value as explanations show it. `kind` says how to read numbers: money in minor units or plain. */
export function describeValue(value: unknown, kind: "money" | "number" | "instant" | "other", currency: string): string {
  if (value === null || value === undefined) return "(missing)";
  if (kind === "money" && typeof value === "number") return `${formatMinor(value, currency)} ${currency}`;
  if (kind === "instant" && typeof value === "number") return new Date(value).toISOString().replace(".000Z", "Z");
  if (value instanceof Set) return `[${[...value].map((v) => describeValue(v, kind, currency)).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/** Comparison semantics shared by the interpreter and compiled code; a missing value satisfies nothing. */
export function compare(op: string, left: unknown, right: unknown): boolean {
  if (left === null || left === undefined || right === null || right === undefined) return op === "is not" || op === "not in" ? left !== right : false;
  switch (op) {
    case "exceeds":
      return (left as number) > (right as number);
    case "at least":
      return (left as number) >= (right as number);
    case "at most":
      return (left as number) <= (right as number);
    case "below":
      return (left as number) < (right as number);
    case "is":
      return left === right;
    case "is not":
      return left !== right;
    case "in":
      return (right as ReadonlySet<unknown>).has(left);
    case "not in":
      return !(right as ReadonlySet<unknown>).has(left);
    case "contains":
      return (left as ReadonlySet<unknown>).has(right);
    default:
      return false;
  }
}
