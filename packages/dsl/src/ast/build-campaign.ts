import type { CstNode, IToken } from "chevrotain";
import type * as A from "./nodes.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

/** What the campaign builder borrows from the AST builder (ast/build.ts), so both read tokens the same way. */
export interface BuildKit {
  freshId(): number;
  span(node: CstNode | undefined): A.Span;
  name(t: IToken | undefined, fallbackAt?: number): A.Name;
  string(t: IToken | undefined, at: number): A.StringLit;
  dateTime(node: CstNode): A.DateTimeLit;
  windowSpec(node: CstNode | undefined): A.WindowSpec;
  duration(node: CstNode | undefined): A.Duration;
  /** A node shaped like an expression's `unary` (children left, comparator, right) as a comparison. */
  comparison(node: CstNode): A.Expr;
  errorExpr(): A.ErrorExpr;
}

function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}

function tokens(ctx: Children, key: string): IToken[] {
  return (ctx[key] ?? []).filter((x): x is IToken => isToken(x) && !x.isInsertedInRecovery && !Number.isNaN(x.startOffset));
}

function sub(ctx: Children, key: string, index = 0): CstNode | undefined {
  const item = ctx[key]?.[index];
  return item && !isToken(item) ? item : undefined;
}

const CLAUSES = new Set(["titleClause", "campaignDate", "campaignRequire", "campaignAllow"]);

export function buildCampaign(node: CstNode, id: number, span: A.Span, kit: BuildKit): A.CampaignDecl {
  const c = node.children as Children;
  const idToken = tokens(c, "Identifier")[0];
  const stringToken = tokens(c, "StringToken")[0];
  let name = kit.name(idToken ?? stringToken, span.end);
  if (!idToken && stringToken) name = { ...name, text: kit.string(stringToken, span.end).value };
  const children: CstNode[] = [];
  for (const key in c) {
    if (!CLAUSES.has(key)) continue;
    for (const child of c[key] ?? []) if (!isToken(child)) children.push(child);
  }
  children.sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
  return { kind: "Campaign", id, span, name, clauses: children.map((child) => clause(child, kit)) };
}

function clause(node: CstNode, kit: BuildKit): A.CampaignClause {
  const c = node.children as Children;
  const span = kit.span(node);
  const id = kit.freshId();
  switch (node.name) {
    case "titleClause":
      return { kind: "CampaignTitle", id, span, text: kit.string(tokens(c, "StringToken")[0], span.end) };
    case "campaignDate": {
      const words = tokens(c, "word").map((t) => kit.name(t));
      const window = sub(c, "windowSpec");
      const at = sub(c, "dateTime");
      return {
        kind: "CampaignDate",
        id,
        span,
        words,
        window: window ? kit.windowSpec(window) : undefined,
        at: at ? kit.dateTime(at) : undefined,
      };
    }
    case "campaignRequire": {
      const test = sub(c, "test");
      const gate = sub(c, "gate");
      const reason = kit.name(tokens(c, "reason")[0], span.start);
      return { kind: "CampaignRequire", id, span, reason, test: test ? kit.comparison(test) : kit.errorExpr(), gate: gate ? kit.comparison(gate) : undefined };
    }
    default: {
      const until = tokens(c, "until")[0];
      return {
        kind: "CampaignAllow",
        id,
        span,
        field: kit.name(tokens(c, "field")[0], span.end),
        change: kit.name(tokens(c, "change")[0], span.end),
        until: until ? { duration: kit.duration(sub(c, "duration")), event: tokens(c, "event").map((t) => kit.name(t)) } : undefined,
      };
    }
  }
}
