import { NEGATED } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import type { SourceFile } from "../util/source.js";
import { exprText } from "./describe.js";

/**
 * The words of a condition that does not hold ("subtotal 20.00 USD is not above 25.00 USD", "none of these holds:
 * …"), in one place: the interpreter builds them while it evaluates, and the emitter writes code that builds the
 * same text, so the two can never word a rejection differently.
 */

/** An `or` none of whose operands holds: this prefix, then every operand's reason joined by the separator. */
export const NONE_HOLDS = "none of these holds: ";
export const REASON_SEPARATOR = "; ";

export function noneHolds(reasons: readonly string[]): string {
  return NONE_HOLDS + reasons.join(REASON_SEPARATOR);
}

/** `not X` fails when X holds. */
export function negationFails(file: SourceFile, operand: A.Expr): string {
  return `${exprText(file, operand)} holds`;
}

/** What follows the left side of a failed comparison: " is not above 25.00 USD". */
export function comparisonTail(file: SourceFile, expr: A.CompareExpr): string {
  return ` ${NEGATED[expr.op]} ${exprText(file, expr.right)}`;
}

/** A failed comparison whose left side is a literal: quoted as written. */
export function literalComparisonFails(file: SourceFile, expr: A.CompareExpr): string {
  return exprText(file, expr.left) + comparisonTail(file, expr);
}

/** The head of a failed comparison whose left side has a value: its words and a space, the value follows. */
export function comparisonHead(file: SourceFile, expr: A.CompareExpr): string {
  return `${exprText(file, expr.left)} `;
}

/** A failed comparison with the left side's value described ("20.00 USD"). */
export function valueComparisonFails(file: SourceFile, expr: A.CompareExpr, describedValue: string): string {
  return comparisonHead(file, expr) + describedValue + comparisonTail(file, expr);
}

/** A condition that is not a comparison and is not true: missing (no value) or false. */
export function notTrue(file: SourceFile, expr: A.Expr, missing: boolean): string {
  return `${exprText(file, expr)} is ${missing ? "missing" : "false"}`;
}
