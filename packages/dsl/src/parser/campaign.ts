import type { CstNode, ParserMethod, TokenType } from "chevrotain";
import * as T from "../lexer/tokens.js";

const { Kw } = T;

/** Words after a number in a campaign requirement that are read as its unit (`24 hours`), never as a clause. */
export const CAMPAIGN_VALUE_UNITS: readonly string[] = ["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks"];

type Rule = ParserMethod<[], CstNode>;

/** The parts of the parser the campaign rules use (chevrotain's DSL methods are protected on the class). */
interface Dsl {
  RULE(name: string, impl: () => void): Rule;
  CONSUME(t: TokenType, o?: { LABEL?: string }): unknown;
  CONSUME2(t: TokenType, o?: { LABEL?: string }): unknown;
  CONSUME3(t: TokenType, o?: { LABEL?: string }): unknown;
  CONSUME4(t: TokenType, o?: { LABEL?: string }): unknown;
  CONSUME5(t: TokenType, o?: { LABEL?: string }): unknown;
  SUBRULE(r: Rule, o?: { LABEL?: string }): unknown;
  SUBRULE2(r: Rule, o?: { LABEL?: string }): unknown;
  OPTION(o: (() => void) | { GATE: () => boolean; DEF: () => void }): unknown;
  OPTION2(o: (() => void) | { GATE: () => boolean; DEF: () => void }): unknown;
  MANY(f: () => void): unknown;
  AT_LEAST_ONE(f: () => void): unknown;
  OR(alts: { ALT: () => unknown }[]): unknown;
  OR2(alts: { ALT: () => unknown }[]): unknown;
  LA(i: number): { image: string; tokenType: TokenType };
}

/** The rules of the parser that campaign rules reuse. */
export interface SharedRules {
  titleClause: Rule;
  windowSpec: Rule;
  dateTime: Rule;
  comparator: Rule;
  listExpr: Rule;
  duration: Rule;
}

/**
 * The `campaign` declaration (docs/language.md, Platform campaigns):
 *
 *     campaign "11.11" {
 *       registration opens 2026-10-01 00:00 in Asia/Shanghai
 *       sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
 *       require rating-too-low: product.rating at least 4.5 and product.sales30d exceeds 0
 *       allow discount increase until 1 day before registration closes
 *     }
 *
 * Defined on the parser instance (chevrotain records rules by property name), from the parser's constructor.
 * Calendar words are plain names checked by the checker, so no scope or promotion named `sale` breaks.
 */
export function defineCampaignRules(parser: object, shared: SharedRules): Rule {
  const $ = parser as Dsl;
  const self = parser as Record<string, Rule>;

  const campaignFact = $.RULE("campaignFact", () => {
    $.CONSUME(T.Identifier, { LABEL: "root" });
    $.AT_LEAST_ONE(() => {
      $.CONSUME(T.Dot);
      $.CONSUME(T.FieldWord, { LABEL: "segment" });
    });
  });
  self["campaignFact"] = campaignFact;

  // A value: a number with an optional unit (only a unit word: `5` followed by the next clause stays `5`),
  // a percentage, a string, true/false or a list.
  const campaignValue = $.RULE("campaignValue", () => {
    $.OR([
      {
        ALT: () => {
          $.CONSUME(T.NumberLiteral);
          $.OPTION({
            GATE: () => $.LA(1).tokenType === T.Identifier && CAMPAIGN_VALUE_UNITS.includes($.LA(1).image),
            DEF: () => $.CONSUME(T.Identifier, { LABEL: "currency" }),
          });
        },
      },
      { ALT: () => $.CONSUME(T.PercentLiteral) },
      { ALT: () => $.CONSUME(T.StringToken) },
      { ALT: () => $.CONSUME(Kw.true) },
      { ALT: () => $.CONSUME(Kw.false) },
      { ALT: () => $.SUBRULE(shared.listExpr) },
    ]);
  });
  self["campaignValue"] = campaignValue;

  // Shaped like an expression's `unary` (left, comparator, right), so the AST builder reads it as a comparison.
  const campaignTest = $.RULE("campaignTest", () => {
    $.SUBRULE(campaignFact, { LABEL: "left" });
    $.SUBRULE(shared.comparator);
    $.SUBRULE(campaignValue, { LABEL: "right" });
  });
  self["campaignTest"] = campaignTest;

  const campaignDate = $.RULE("campaignDate", () => {
    $.CONSUME(T.Identifier, { LABEL: "word" });
    $.OPTION(() => $.CONSUME2(T.Identifier, { LABEL: "word" }));
    $.OR([{ ALT: () => $.SUBRULE(shared.windowSpec) }, { ALT: () => $.SUBRULE(shared.dateTime) }]);
  });
  self["campaignDate"] = campaignDate;

  const campaignRequire = $.RULE("campaignRequire", () => {
    $.CONSUME(Kw.require);
    $.CONSUME(T.Identifier, { LABEL: "reason" });
    $.CONSUME(T.Colon);
    $.SUBRULE(campaignTest, { LABEL: "test" });
    $.OPTION(() => {
      $.CONSUME(Kw.and);
      $.SUBRULE2(campaignTest, { LABEL: "gate" });
    });
  });
  self["campaignRequire"] = campaignRequire;

  const campaignAllow = $.RULE("campaignAllow", () => {
    $.CONSUME(Kw.allow);
    $.CONSUME(T.Word, { LABEL: "field" });
    $.CONSUME2(T.Identifier, { LABEL: "change" });
    $.OPTION({
      GATE: () => $.LA(1).image === "until",
      DEF: () => {
        $.CONSUME3(T.Identifier, { LABEL: "until" });
        $.SUBRULE(shared.duration);
        $.CONSUME(Kw.before);
        $.CONSUME4(T.Identifier, { LABEL: "event" });
        $.CONSUME5(T.Identifier, { LABEL: "event" });
      },
    });
  });
  self["campaignAllow"] = campaignAllow;

  return $.RULE("campaignDecl", () => {
    $.CONSUME(Kw.campaign);
    $.OR([{ ALT: () => $.CONSUME(T.Identifier) }, { ALT: () => $.CONSUME(T.StringToken) }]);
    $.CONSUME(T.LBrace);
    $.MANY(() =>
      $.OR2([
        { ALT: () => $.SUBRULE(shared.titleClause) },
        { ALT: () => $.SUBRULE(campaignDate) },
        { ALT: () => $.SUBRULE(campaignRequire) },
        { ALT: () => $.SUBRULE(campaignAllow) },
      ]),
    );
    $.CONSUME(T.RBrace);
  });
}
