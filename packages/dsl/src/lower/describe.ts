import type * as A from "../ast/nodes.js";
import type { Tables } from "../checker/context.js";
import type { SourceFile } from "../util/source.js";

/** How explanations quote an expression: its source text, white space folded. Shared by interpreter and emitter. */
export function exprText(file: SourceFile, expr: A.Expr): string {
  return file.text.slice(expr.span.start, expr.span.end).replace(/\s+/g, " ");
}

/** How a value of this expression reads in explanations (money in minor units, instants as ISO). */
export function valueKind(tables: Tables, expr: A.Expr): "money" | "number" | "instant" | "other" {
  const t = tables.types.get(expr.id)?.t;
  return t === "money" ? "money" : t === "datetime" ? "instant" : t === "int" || t === "decimal" || t === "percent" ? "number" : "other";
}

export function isLiteral(expr: A.Expr): boolean {
  return (
    expr.kind === "Number" || expr.kind === "String" || expr.kind === "Percent" || expr.kind === "DateTime" || expr.kind === "Bool" || expr.kind === "List"
  );
}

/**
 * The folded value of a literal (money in minor units, date-times with a zone in epoch milliseconds), or
 * undefined when `expr` is not a literal. The interpreter and the emitter read literals only through this.
 */
export function literalValue(tables: Tables, expr: A.Expr): string | number | boolean | null | undefined {
  switch (expr.kind) {
    case "Number":
      return expr.currency ? (tables.money.get(expr.id)?.minor ?? null) : Number(expr.text);
    case "Percent":
      return Number(expr.text);
    case "String":
      return expr.value;
    case "Bool":
      return expr.value;
    case "DateTime":
      return tables.instants.get(expr.id) ?? expr.text;
    default:
      return undefined;
  }
}
