import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { FileContext, Reporter, WritableTables } from "./context.js";
import { appendAll } from "../util/arrays.js";

/**
 * Finds conjunctions that can never hold, such as `subtotal exceeds 25.00 USD and subtotal at most 20.00 USD`:
 * comparisons of one subject with literals are folded to an interval (or a required value) per subject, and an
 * empty result is reported as a warning on the `and`.
 */
interface Bound {
  value: number;
  strict: boolean;
  node: A.CompareExpr;
}

interface Facts {
  lower?: Bound;
  upper?: Bound;
  equals?: { value: string; node: A.CompareExpr };
}

const FLIP: Partial<Record<A.Comparator, A.Comparator>> = { exceeds: "below", below: "exceeds", "at least": "at most", "at most": "at least", is: "is" };

export function findNeverTrue(expr: A.Expr, file: FileContext, tables: WritableTables, reporter: Reporter): void {
  walk(expr, (node) => {
    if (node.kind === "And") checkConjunction(node, file, tables, reporter);
  });
}

function walk(expr: A.Expr, visit: (e: A.Expr) => void): void {
  const stack: A.Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    visit(e);
    if (e.kind === "And" || e.kind === "Or") appendAll(stack, e.operands);
    else if (e.kind === "Not") stack.push(e.operand);
  }
}

function subjectKey(e: A.Expr): string | undefined {
  if (e.kind === "Path") return e.segments.map((s) => s.text).join(".");
  if (e.kind === "Aggregate") {
    const scope = !e.scope ? "" : e.scope.kind === "ScopeName" ? ` of ${e.scope.name.text}` : ` of #${e.scope.id}`;
    return `${e.fn}${scope} ${e.base ?? "before"}`;
  }
  return undefined;
}

function literalValue(e: A.Expr, tables: WritableTables): { numeric?: number; text?: string } | undefined {
  if (e.kind === "Number") {
    if (e.currency) {
      const money = tables.money.get(e.id);
      return money ? { numeric: money.minor } : undefined;
    }
    return { numeric: Number(e.text) };
  }
  if (e.kind === "Percent") return { numeric: Number(e.text) };
  if (e.kind === "String") return { text: e.value };
  if (e.kind === "Path" && e.segments.length === 1 && tables.refs.get(e.segments[0]!.id)?.kind === "region") return { text: e.segments[0]!.text };
  return undefined;
}

function checkConjunction(and: A.AndExpr, file: FileContext, tables: WritableTables, reporter: Reporter): void {
  const facts = new Map<string, Facts>();
  for (const operand of and.operands) {
    if (operand.kind !== "Compare") continue;
    let subject = subjectKey(operand.left);
    let literal = literalValue(operand.right, tables);
    let op: A.Comparator | undefined = operand.op;
    if (!subject || !literal) {
      subject = subjectKey(operand.right);
      literal = literalValue(operand.left, tables);
      op = FLIP[operand.op];
    }
    if (!subject || !literal || !op) continue;
    // Money (in minor units) and Int subjects take whole values only: `exceeds 3` means `at least 4`.
    const subjectNode = subjectKey(operand.left) === subject ? operand.left : operand.right;
    const subjectType = tables.types.get(subjectNode.id)?.t;
    if ((subjectType === "int" || subjectType === "money") && literal.numeric !== undefined && Number.isInteger(literal.numeric)) {
      if (op === "exceeds") [op, literal] = ["at least", { numeric: literal.numeric + 1 }];
      else if (op === "below") [op, literal] = ["at most", { numeric: literal.numeric - 1 }];
    }
    const f = facts.get(subject) ?? {};
    facts.set(subject, f);
    const conflict = apply(f, op, literal, operand);
    if (conflict) {
      reporter.report(
        Diagnostics.neverTrue(
          reporter.at(file.source, and.span),
          `this condition can never hold: ${describe(conflict)} and ${describe(operand)} cannot both be true`,
          [{ message: "conflicts with this", span: reporter.at(file.source, conflict.span) }],
        ),
      );
      return;
    }
  }
}

function describe(node: A.CompareExpr): string {
  return `'${node.op}'`;
}

/** Adds one fact; returns the earlier comparison it contradicts, if any. */
function apply(f: Facts, op: A.Comparator, literal: { numeric?: number; text?: string }, node: A.CompareExpr): A.CompareExpr | undefined {
  if (op === "is") {
    const text = literal.text ?? String(literal.numeric);
    if (f.equals && f.equals.value !== text) return f.equals.node;
    f.equals = { value: text, node };
    if (literal.numeric !== undefined) {
      const clash = outside(f, literal.numeric);
      if (clash) return clash;
      f.lower = { value: literal.numeric, strict: false, node };
      f.upper = { value: literal.numeric, strict: false, node };
    }
    return undefined;
  }
  const v = literal.numeric;
  if (v === undefined) return undefined;
  if (op === "exceeds" || op === "at least") {
    const bound = { value: v, strict: op === "exceeds", node };
    if (!f.lower || v > f.lower.value || (v === f.lower.value && bound.strict)) f.lower = bound;
  } else if (op === "below" || op === "at most") {
    const bound = { value: v, strict: op === "below", node };
    if (!f.upper || v < f.upper.value || (v === f.upper.value && bound.strict)) f.upper = bound;
  } else return undefined;
  if (f.lower && f.upper) {
    const empty = f.lower.value > f.upper.value || (f.lower.value === f.upper.value && (f.lower.strict || f.upper.strict));
    if (empty) return f.lower.node === node ? f.upper.node : f.lower.node;
  }
  return undefined;
}

function outside(f: Facts, v: number): A.CompareExpr | undefined {
  if (f.lower && (v < f.lower.value || (v === f.lower.value && f.lower.strict))) return f.lower.node;
  if (f.upper && (v > f.upper.value || (v === f.upper.value && f.upper.strict))) return f.upper.node;
  return undefined;
}
