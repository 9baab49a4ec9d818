import type { CstNode, IToken, ParserMethod, TokenType } from "chevrotain";
import * as T from "../lexer/tokens.js";

const { Kw } = T;

/**
 * Grammar of the affiliate declarations (docs/language.md, Affiliate attribution):
 *
 *   attribution NAME {
 *     priority coupon > cart > click
 *     first-cookie during WINDOW          # a named window or `from … to … in ZONE`
 *     last-cookie otherwise
 *     lookback 30 days
 *     per goods
 *     payment during WINDOW
 *     exclude coupon-via-another-webmaster
 *   }
 *
 *   attribution example "NAME" from "case.json"   # run by promo test
 *
 *   affiliate program NAME {
 *     minimum 3%
 *     featured [FEAT, "lamp-01"] 8%
 *     premium [U1] 10% during WINDOW
 *   }
 *
 * The rules are defined on the language's parser (parser.ts registers them). Only `attribution`, `affiliate`,
 * `during` and `otherwise` are keywords; the other clause words (`lookback`, `exclude`, `first-cookie`, `goods`,
 * `program`, `minimum`, `featured`, `premium`) are identifiers the checker reads, so that they stay free as names.
 */
type Rule = ParserMethod<[], CstNode>;
interface Host {
  RULE(name: string, impl: () => void): Rule;
  CONSUME(t: TokenType, o?: { LABEL?: string }): IToken;
  CONSUME2(t: TokenType, o?: { LABEL?: string }): IToken;
  SUBRULE(r: Rule, o?: { LABEL?: string }): unknown;
  SUBRULE2(r: Rule, o?: { LABEL?: string }): unknown;
  OR(alts: { ALT: () => unknown }[]): unknown;
  OR2(alts: { ALT: () => unknown }[]): unknown;
  MANY(f: () => void): void;
  MANY2(f: () => void): void;
  OPTION(f: () => void): void;
  OPTION2(f: () => void): void;
}

export interface AffiliateRules {
  attributionDecl: Rule;
  affiliateProgramDecl: Rule;
}

/** `windowSpec` is the language's `from … to … in ZONE` rule. */
export function affiliateRules(parser: unknown, windowSpec: () => Rule, duration: () => Rule): AffiliateRules {
  const $ = parser as Host;
  const windowRef = (): void => {
    $.OR2([{ ALT: () => $.SUBRULE(windowSpec()) }, { ALT: () => $.CONSUME2(T.Identifier, { LABEL: "windowName" }) }]);
  };
  const priority = $.RULE("attributionPriority", () => {
    $.CONSUME(Kw.priority);
    $.CONSUME(T.Word, { LABEL: "action" });
    $.MANY(() => {
      $.CONSUME(T.ComparisonSymbol);
      $.CONSUME2(T.Word, { LABEL: "action" });
    });
  });
  const model = $.RULE("attributionModel", () => {
    $.CONSUME(T.Identifier, { LABEL: "model" });
    $.OR([
      {
        ALT: () => {
          $.CONSUME(Kw.during);
          windowRef();
        },
      },
      { ALT: () => $.CONSUME(Kw.otherwise) },
    ]);
  });
  const lookback = $.RULE("attributionLookback", () => {
    $.CONSUME(T.Identifier, { LABEL: "head" });
    $.SUBRULE(duration());
  });
  const per = $.RULE("attributionPer", () => {
    $.CONSUME(Kw.per);
    $.CONSUME(T.Word, { LABEL: "granularity" });
  });
  const payment = $.RULE("attributionPayment", () => {
    $.CONSUME(Kw.payment);
    $.CONSUME(Kw.during);
    windowRef();
  });
  const exclude = $.RULE("attributionExclude", () => {
    $.CONSUME(T.Identifier, { LABEL: "head" });
    $.CONSUME2(T.Identifier, { LABEL: "exclusion" });
  });
  const attributionDecl = $.RULE("attributionDecl", () => {
    $.CONSUME(Kw.attribution);
    $.OR2([
      {
        // `attribution example "NAME" from "case.json"`: an order, a journey and the expected lines (promo test).
        ALT: () => {
          $.CONSUME(Kw.example);
          $.CONSUME(T.StringToken, { LABEL: "exampleName" });
          $.CONSUME(Kw.from);
          $.CONSUME2(T.StringToken, { LABEL: "exampleFile" });
        },
      },
      { ALT: () => attributionBody() },
    ]);
  });
  const attributionBody = (): void => {
    $.CONSUME(T.Identifier);
    $.CONSUME(T.LBrace);
    $.MANY(() =>
      $.OR([
        { ALT: () => $.SUBRULE(priority) },
        { ALT: () => $.SUBRULE(model) },
        { ALT: () => $.SUBRULE(lookback) },
        { ALT: () => $.SUBRULE(per) },
        { ALT: () => $.SUBRULE(payment) },
        { ALT: () => $.SUBRULE(exclude) },
      ]),
    );
    $.CONSUME(T.RBrace);
  };

  const list = $.RULE("affiliateList", () => {
    $.CONSUME(T.LBracket);
    $.OPTION(() => {
      $.OR([{ ALT: () => $.CONSUME(T.Identifier, { LABEL: "item" }) }, { ALT: () => $.CONSUME(T.StringToken, { LABEL: "item" }) }]);
      $.MANY(() => {
        $.CONSUME(T.Comma);
        $.OR2([{ ALT: () => $.CONSUME2(T.Identifier, { LABEL: "item" }) }, { ALT: () => $.CONSUME2(T.StringToken, { LABEL: "item" }) }]);
      });
    });
    $.CONSUME(T.RBracket);
  });
  /** `minimum 3%`, `featured [A, B] 8%`, `premium [U1] 10% during WINDOW`: the head word is read by the checker. */
  const rate = $.RULE("programRate", () => {
    $.CONSUME(T.Identifier, { LABEL: "head" });
    $.OPTION(() => $.SUBRULE(list));
    $.CONSUME(T.PercentLiteral);
    $.OPTION2(() => {
      $.CONSUME(Kw.during);
      windowRef();
    });
  });
  const affiliateProgramDecl = $.RULE("affiliateProgramDecl", () => {
    $.CONSUME(Kw.affiliate);
    $.CONSUME(T.Identifier, { LABEL: "program" });
    $.CONSUME2(T.Identifier);
    $.CONSUME(T.LBrace);
    $.MANY(() => $.SUBRULE(rate));
    $.CONSUME(T.RBrace);
  });
  return { attributionDecl, affiliateProgramDecl };
}
