import type { CstNode, IToken } from "chevrotain";
import type * as A from "./nodes.js";

/**
 * CST → AST for funding, commission and `on return` (parser/settlement.ts). The builder hands over its token
 * helpers, so spans and recovered (missing) parts are treated exactly as everywhere else.
 */
export interface BuildHelpers {
  freshId(): number;
  name(t: IToken | undefined, fallbackAt?: number): A.Name;
  string(t: IToken | undefined, at: number): A.StringLit;
  /** A percentage token; undefined when the parser recovered without one. */
  percent(t: IToken | undefined): A.PercentLit | undefined;
  span(node: CstNode | undefined): A.Span;
  tok(node: CstNode, key: string): IToken | undefined;
  subs(node: CstNode, key: string): CstNode[];
}

export function fundedClause(h: BuildHelpers, node: CstNode, id: number, span: A.Span): A.FundedClause {
  const shares = h.subs(node, "funderShare").map((share): A.FunderShare => {
    const shareSpan = h.span(share);
    return {
      kind: "FunderShare",
      id: h.freshId(),
      span: shareSpan,
      party: h.name(h.tok(share, "party"), shareSpan.end),
      percent: h.percent(h.tok(share, "PercentLiteral")),
    };
  });
  return { kind: "Funded", id, span, shares };
}

/** `on return ACTION OBJECT`: the onCancelClause CST with the event word `return`. */
export function onReturnClause(h: BuildHelpers, node: CstNode, id: number, span: A.Span): A.OnReturnClause {
  return { kind: "OnReturn", id, span, action: h.name(h.tok(node, "action"), span.end), object: h.name(h.tok(node, "object"), span.end) };
}

export function commissionDecl(h: BuildHelpers, node: CstNode, id: number, span: A.Span): A.CommissionDecl {
  const entries = h.subs(node, "commissionEntry").map((entry): A.CommissionEntry => {
    const entrySpan = h.span(entry);
    const category = h.tok(entry, "StringToken");
    const rate = h.percent(h.tok(entry, "PercentLiteral")) ?? {
      kind: "Percent",
      id: h.freshId(),
      span: { start: entrySpan.end, end: entrySpan.end },
      text: "",
    };
    return {
      kind: "CommissionEntry",
      id: h.freshId(),
      span: entrySpan,
      head: h.name(h.tok(entry, "head"), entrySpan.start),
      category: category ? h.string(category, entrySpan.end) : undefined,
      rate,
    };
  });
  return { kind: "Commission", id, span, entries };
}
