import type { CstNode, IToken } from "chevrotain";
import type { AffiliateDeclaration, AttributionClause, ProgramClause } from "./nodes.js";
import type * as A from "./nodes.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

/** What the language's AST builder lends this one (build.ts): its token and node readers. */
export interface AffiliateBuildHelpers {
  freshId(): number;
  name(t: IToken | undefined, fallbackAt?: number): A.Name;
  span(node: CstNode | undefined): A.Span;
  windowSpec(node: CstNode): A.WindowSpec;
  duration(node: CstNode | undefined): A.Duration;
  percent(t: IToken): A.PercentLit;
  string(t: IToken | undefined, at: number): A.StringLit;
}

const isToken = (x: CstNode | IToken): x is IToken => (x as IToken).image !== undefined;
const valid = (t: IToken | undefined): IToken | undefined => (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset) ? undefined : t);
function toks(c: Children, key: string): IToken[] {
  return (c[key] ?? []).filter(isToken).flatMap((t) => valid(t) ?? []);
}
function sub(c: Children, key: string): CstNode | undefined {
  const item = c[key]?.[0];
  return item && !isToken(item) ? item : undefined;
}
function subs(c: Children, keys: readonly string[]): CstNode[] {
  const out: CstNode[] = [];
  for (const k of keys) for (const x of c[k] ?? []) if (!isToken(x)) out.push(x);
  return out.sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
}

export const AFFILIATE_DECLARATION_RULES = ["attributionDecl", "affiliateProgramDecl"] as const;
const ATTRIBUTION_CLAUSES = ["attributionPriority", "attributionModel", "attributionLookback", "attributionPer", "attributionPayment", "attributionExclude"];
const PROGRAM_CLAUSES = ["programRate"];

export function buildAffiliate(inner: CstNode, id: number, span: A.Span, h: AffiliateBuildHelpers): AffiliateDeclaration | undefined {
  const c = inner.children as Children;
  const windowRef = (cc: Children): A.WindowRef => {
    const spec = sub(cc, "windowSpec");
    return spec ? h.windowSpec(spec) : h.name(toks(cc, "windowName")[0]);
  };
  const percent = (cc: Children, s: A.Span): A.PercentLit => {
    const t = toks(cc, "PercentLiteral")[0];
    return t ? h.percent(t) : { kind: "Percent", id: h.freshId(), span: { start: s.end, end: s.end }, text: "" };
  };
  const list = (node: CstNode | undefined): A.Name[] =>
    toks((node?.children ?? {}) as Children, "item")
      .sort((a, b) => a.startOffset - b.startOffset)
      .map((t) => {
        if (t.image.startsWith('"')) {
          const s = h.string(t, t.startOffset);
          return { kind: "Name", id: h.freshId(), span: s.span, text: s.value };
        }
        return h.name(t);
      });
  if (inner.name === "attributionDecl" && c["exampleName"] !== undefined) {
    const nameTok = toks(c, "exampleName")[0];
    const fileTok = toks(c, "exampleFile")[0];
    return { kind: "AttributionExample", id, span, name: h.string(nameTok, span.end), file: h.string(fileTok, span.end) };
  }
  if (inner.name === "attributionDecl") {
    const name = h.name(toks(c, "Identifier")[0], span.end);
    const clauses = subs(c, ATTRIBUTION_CLAUSES).map((node): AttributionClause => {
      const cc = node.children as Children;
      const s = h.span(node);
      const cid = h.freshId();
      switch (node.name) {
        case "attributionPriority":
          return { kind: "AttributionPriority", id: cid, span: s, actions: toks(cc, "action").map((t) => h.name(t)) };
        case "attributionModel":
          return {
            kind: "AttributionModel",
            id: cid,
            span: s,
            model: h.name(toks(cc, "model")[0], s.start),
            window: toks(cc, "Kw_otherwise").length > 0 ? undefined : windowRef(cc),
          };
        case "attributionLookback":
          return { kind: "AttributionLookback", id: cid, span: s, head: h.name(toks(cc, "head")[0], s.start), duration: h.duration(sub(cc, "duration")) };
        case "attributionPer":
          return { kind: "AttributionPer", id: cid, span: s, granularity: h.name(toks(cc, "granularity")[0], s.end) };
        case "attributionPayment":
          return { kind: "AttributionPayment", id: cid, span: s, window: windowRef(cc) };
        default:
          return {
            kind: "AttributionExclude",
            id: cid,
            span: s,
            head: h.name(toks(cc, "head")[0], s.start),
            exclusion: h.name(toks(cc, "exclusion")[0], s.end),
          };
      }
    });
    return { kind: "Attribution", id, span, name, clauses };
  }
  if (inner.name === "affiliateProgramDecl") {
    const keyword = h.name(toks(c, "program")[0], span.end);
    const name = h.name(toks(c, "Identifier")[0], span.end);
    const clauses = subs(c, PROGRAM_CLAUSES).map((node): ProgramClause => {
      const cc = node.children as Children;
      const s = h.span(node);
      const cid = h.freshId();
      const listNode = sub(cc, "affiliateList");
      return {
        kind: "ProgramRate",
        id: cid,
        span: s,
        head: h.name(toks(cc, "head")[0], s.start),
        list: listNode ? list(listNode) : undefined,
        rate: percent(cc, s),
        window: toks(cc, "Kw_during").length > 0 ? windowRef(cc) : undefined,
      };
    });
    return { kind: "AffiliateProgram", id, span, keyword, name, clauses };
  }
  return undefined;
}
