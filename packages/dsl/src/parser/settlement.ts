import type { CstNode, CstParser, IOrAlt, TokenType } from "chevrotain";
import * as T from "../lexer/tokens.js";

/**
 * Grammar of funding, commission and returns (docs/language.md, Funding, Commission, Returns), registered by
 * PromoParser:
 *
 *   fundedClause    = "funded" "by" funderShare ("," funderShare)*
 *   funderShare     = Identifier PercentLiteral?            (platform, seller: checked by the checker)
 *   commissionDecl  = "commission" "{" commissionEntry* "}"
 *   commissionEntry = Identifier StringToken? PercentLiteral (category "…" 5% | default 8%)
 *
 * `on return keep discount` shares the grammar of `on cancel …` (onCancelClause); the AST builder tells them apart.
 */
type Rule = (idx?: number) => CstNode;

/** The parser's DSL methods this file uses (protected on CstParser; the parser hands itself over). */
interface Dsl {
  RULE(name: string, impl: () => void): Rule;
  CONSUME(token: TokenType, options?: { LABEL?: string }): unknown;
  CONSUME2(token: TokenType, options?: { LABEL?: string }): unknown;
  SUBRULE(rule: Rule, options?: { LABEL?: string }): unknown;
  SUBRULE2(rule: Rule, options?: { LABEL?: string }): unknown;
  OPTION(body: () => void): unknown;
  MANY(body: () => void): unknown;
  OR(alts: IOrAlt<unknown>[]): unknown;
}

export interface SettlementRules {
  fundedClause: Rule;
  commissionDecl: Rule;
}

export function settlementRules(parser: CstParser): SettlementRules {
  const $ = parser as unknown as Dsl;
  const funderShare: Rule = $.RULE("funderShare", () => {
    $.CONSUME(T.Identifier, { LABEL: "party" });
    $.OPTION(() => $.CONSUME(T.PercentLiteral));
  });
  const fundedClause = $.RULE("fundedClause", () => {
    $.CONSUME(T.Kw.funded);
    $.CONSUME(T.Kw.by);
    $.SUBRULE(funderShare);
    $.MANY(() => {
      $.CONSUME(T.Comma);
      $.SUBRULE2(funderShare);
    });
  });
  const commissionEntry: Rule = $.RULE("commissionEntry", () => {
    $.CONSUME(T.Identifier, { LABEL: "head" });
    $.OPTION(() => $.CONSUME(T.StringToken));
    $.CONSUME(T.PercentLiteral);
  });
  const commissionDecl = $.RULE("commissionDecl", () => {
    $.CONSUME(T.Kw.commission);
    $.CONSUME(T.LBrace);
    $.MANY(() => $.SUBRULE(commissionEntry));
    $.CONSUME(T.RBrace);
  });
  return { fundedClause, commissionDecl };
}
