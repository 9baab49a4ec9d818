import {
  cartField,
  compare,
  describeValue,
  hydrateProgram,
  lineField,
  type Condition,
  type ConditionContext,
  type LinePredicate,
  type NormalizedCart,
  type NormalizedLine,
  type Program,
} from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import type { Tables } from "../checker/context.js";
import { isLiteral, literalValue, valueKind } from "../lower/describe.js";
import { literalComparisonFails, negationFails, noneHolds, notTrue, valueComparisonFails } from "../lower/failure-messages.js";
import type { LoweredProgram } from "../lower/lower.js";
import { programData } from "../lower/program-data.js";
import type { SourceFile } from "../util/source.js";

/**
 * The reference interpreter: conditions and scopes are evaluated by walking the checked AST, one node at a time,
 * with the semantics in docs/language.md. It is meant to be obviously right rather than fast; compiled bundles
 * must agree with it on every cart (test/conformance).
 */
export function interpret(program: LoweredProgram): Program {
  const walker = new Walker(program.project.tables);
  const conditions: Condition[] = [];
  const scopes: LinePredicate[] = [];
  const scopeIndex = new Map<A.Expr, number>();
  const data = programData(program, {
    condition: (expr, file) => conditions.push(walker.condition(expr, file)) - 1,
    scope(expr) {
      let index = scopeIndex.get(expr);
      if (index === undefined) scopeIndex.set(expr, (index = scopes.push(walker.predicate(expr)) - 1));
      return index;
    },
  });
  return hydrateProgram(data, conditions, scopes);
}

interface Env {
  cart: NormalizedCart;
  ctx: ConditionContext | null;
  line: NormalizedLine | null;
}

class Walker {
  private readonly predicates = new Map<A.Expr, LinePredicate>();

  constructor(private readonly tables: Tables) {}

  condition(expr: A.Expr, file: SourceFile): Condition {
    return (ctx) => this.failure(expr, file, { cart: ctx.cart, ctx, line: null });
  }

  predicate(expr: A.Expr): LinePredicate {
    let p = this.predicates.get(expr);
    if (!p) {
      p = (line, cart) => this.value(expr, { cart, ctx: null, line }) === true;
      this.predicates.set(expr, p);
    }
    return p;
  }

  /** Undefined when `expr` holds; otherwise the reason it does not, quoting the rule's own words. */
  private failure(expr: A.Expr, file: SourceFile, env: Env): string | undefined {
    switch (expr.kind) {
      case "And":
        for (const operand of expr.operands) {
          const why = this.failure(operand, file, env);
          if (why !== undefined) return why;
        }
        return undefined;
      case "Or": {
        const reasons: string[] = [];
        for (const operand of expr.operands) {
          const why = this.failure(operand, file, env);
          if (why === undefined) return undefined;
          reasons.push(why);
        }
        return noneHolds(reasons);
      }
      case "Not":
        return this.failure(expr.operand, file, env) === undefined ? negationFails(file, expr.operand) : undefined;
      case "Compare": {
        const left = this.value(expr.left, env);
        const right = this.value(expr.right, env);
        if (compare(expr.op, left, right)) return undefined;
        const currency = env.cart.currency;
        return isLiteral(expr.left)
          ? literalComparisonFails(file, expr)
          : valueComparisonFails(file, expr, describeValue(left, valueKind(this.tables, expr.left), currency));
      }
      default: {
        const value = this.value(expr, env);
        if (value === true) return undefined;
        return notTrue(file, expr, value === null || value === undefined);
      }
    }
  }

  private value(expr: A.Expr, env: Env): unknown {
    switch (expr.kind) {
      case "Number":
      case "Percent":
      case "String":
      case "Bool":
      case "DateTime":
        return literalValue(this.tables, expr);
      case "List":
        return new Set(expr.items.map((item) => this.value(item, env)));
      case "And":
        return expr.operands.every((o) => this.value(o, env) === true);
      case "Or":
        return expr.operands.some((o) => this.value(o, env) === true);
      case "Not":
        return this.value(expr.operand, env) !== true;
      case "Compare":
        return compare(expr.op, this.value(expr.left, env), this.value(expr.right, env));
      case "Aggregate": {
        const scope = expr.scope ? this.predicate(expr.scope.kind === "InlineScope" ? expr.scope.predicate : this.scopeExpr(expr.scope.name)) : null;
        if (!env.ctx) return null;
        if (expr.fn === "subtotal") return env.ctx.subtotal(scope, expr.base === "after");
        return expr.fn === "quantity" ? env.ctx.quantity(scope) : env.ctx.count(scope);
      }
      case "Path":
        return this.path(expr, env);
      case "Error":
        return null;
    }
  }

  private scopeExpr(name: A.Name): A.Expr {
    const symbol = this.tables.refs.get(name.id);
    return symbol?.kind === "scope" ? symbol.decl.predicate : { kind: "Bool", id: -1, span: name.span, value: false };
  }

  private path(expr: A.PathExpr, env: Env): unknown {
    const [root, field] = expr.segments;
    if (!field) {
      const symbol = this.tables.refs.get(root!.id);
      if (symbol?.kind === "scope") return env.line ? this.value(symbol.decl.predicate, env) : null;
      return root!.text; // a region or currency code written bare
    }
    if (root!.text === "line") return env.line ? lineField(env.line, field.text) : null;
    return cartField(env.cart, env.ctx?.coupon ?? null, root!.text, field.text);
  }
}
