import {
  CstParser,
  EOF,
  getLookaheadPaths,
  NoViableAltException,
  type IParserErrorMessageProvider,
  type LookaheadSequence,
  type Rule,
  type TokenType,
  type IToken,
} from "chevrotain";
import * as T from "../lexer/tokens.js";
import { defineCampaignRules } from "./campaign.js";
import { settlementRules } from "./settlement.js";
import { affiliateRules } from "./attribution.js";

const { Kw } = T;

function describe(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  const text = token.image.length > 30 ? token.image.slice(0, 27) + "..." : token.image;
  return `'${text}'`;
}

function label(type: TokenType): string {
  const names: Record<string, string> = {
    Identifier: "a name",
    StringToken: "a string",
    StringLiteral: "a string",
    NumberLiteral: "a number",
    PercentLiteral: "a percentage",
    DateTimeLiteral: "a date and time (2026-11-10 05:00:00)",
    TimeZoneName: "a time zone",
    Word: "a name",
    FieldWord: "a field name",
  };
  return names[type.name] ?? (typeof type.LABEL === "string" ? type.LABEL : type.name);
}

/** Messages that name what was expected in words a promo manager reads, not grammar-rule names. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected === EOF) return `unexpected ${describe(actual)}: expected a declaration (promotion, scope, window, group, stacking, earn, example, ...)`;
    return `expected ${label(expected)} but found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describe(firstRedundant)}: expected a declaration (promotion, scope, window, group, stacking, example, ...)`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(label(path[0]));
    const list = [...firsts].slice(0, 8).join(", ");
    return `unexpected ${describe(actual[0]!)} in ${humanRule(ruleName)}${list ? `: expected one of ${list}` : ""}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path[0]) firsts.add(label(path[0]));
    return `unexpected ${describe(actual[0]!)} in ${humanRule(ruleName)}: expected ${[...firsts].join(", ")}`;
  },
};

function humanRule(rule: string): string {
  return rule
    .replace(/([A-Z])/g, " $1")
    .toLowerCase()
    .trim();
}

/**
 * The grammar (see docs/language.md). Error recovery is on: an editor shows half-typed files, and every error in
 * a file should be reported. Rules with no return value build a CST that `ast/build.ts` turns into the AST.
 */
export class PromoParser extends CstParser {
  /** `recovery: false` stops at the first error: the cheap first attempt (see parse.ts). */
  constructor({ recovery = true }: { recovery?: boolean } = {}) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: recovery,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
    this.cacheNoViableAltPaths();
  }

  /**
   * Chevrotain recomputes an alternation's lookahead paths for every "no viable alternative" error, only to name
   * what was expected (its own source marks this as slow); on pasted junk that was most of the parse time. The
   * paths depend on the rule and occurrence alone, so they are computed once each. Same message, same exception.
   */
  private cacheNoViableAltPaths(): void {
    const cache = new Map<string, LookaheadSequence[]>();
    const self = this as unknown as {
      getCurrRuleFullName(): string;
      getGAstProductions(): Record<string, Rule>;
      LA(i: number): IToken;
      SAVE_ERROR(error: Error): Error;
      maxLookahead: number;
      errorMessageProvider: IParserErrorMessageProvider;
      raiseNoAltException(occurrence: number, errMsgTypes: string | undefined): never;
    };
    self.raiseNoAltException = function (this: typeof self, occurrence, errMsgTypes) {
      const ruleName = this.getCurrRuleFullName();
      const key = `${ruleName}#${occurrence}`;
      let paths = cache.get(key);
      if (paths === undefined) {
        paths = getLookaheadPaths({ occurrence, rule: this.getGAstProductions()[ruleName]!, prodType: "Alternation", maxLookahead: this.maxLookahead });
        cache.set(key, paths);
      }
      const actual: IToken[] = [];
      for (let i = 1; i <= this.maxLookahead; i++) actual.push(this.LA(i));
      const previous = this.LA(0);
      const message = this.errorMessageProvider.buildNoViableAltMessage({
        expectedPathsPerAlt: paths,
        actual,
        previous,
        customUserDescription: errMsgTypes,
        ruleName,
      });
      throw this.SAVE_ERROR(new NoViableAltException(message, this.LA(1), previous));
    };
  }

  // Funding and commission (parser/settlement.ts).
  private readonly settlement = settlementRules(this);
  fundedClause = this.settlement.fundedClause;
  commissionDecl = this.settlement.commissionDecl;

  file = this.RULE("file", () => {
    // Alternatives inline (no wrapper rule): one CST node less per declaration.
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.currencyDecl) },
        { ALT: () => this.SUBRULE(this.attributeDecl) },
        { ALT: () => this.SUBRULE(this.scopeDecl) },
        { ALT: () => this.SUBRULE(this.windowDecl) },
        { ALT: () => this.SUBRULE(this.groupDecl) },
        { ALT: () => this.SUBRULE(this.stackingDecl) },
        { ALT: () => this.SUBRULE(this.promotionDecl) },
        { ALT: () => this.SUBRULE(this.earnDecl) },
        { ALT: () => this.SUBRULE(this.exampleDecl) },
        { ALT: () => this.SUBRULE(this.campaignDecl) },
        { ALT: () => this.SUBRULE(this.commissionDecl) },
        { ALT: () => this.SUBRULE(this.affiliate.attributionDecl) },
        { ALT: () => this.SUBRULE(this.affiliate.affiliateProgramDecl) },
      ]),
    );
  });

  /**
   * Exactly one declaration: error recovery parses a file a declaration at a time with it (parser/recovery.ts), so
   * that junk after the declaration is one error, not a search for more declarations inside the junk.
   */
  declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.currencyDecl) },
      { ALT: () => this.SUBRULE(this.attributeDecl) },
      { ALT: () => this.SUBRULE(this.scopeDecl) },
      { ALT: () => this.SUBRULE(this.windowDecl) },
      { ALT: () => this.SUBRULE(this.groupDecl) },
      { ALT: () => this.SUBRULE(this.stackingDecl) },
      { ALT: () => this.SUBRULE(this.promotionDecl) },
      { ALT: () => this.SUBRULE(this.earnDecl) },
      { ALT: () => this.SUBRULE(this.exampleDecl) },
      { ALT: () => this.SUBRULE(this.campaignDecl) },
      { ALT: () => this.SUBRULE(this.commissionDecl) },
      { ALT: () => this.SUBRULE(this.affiliate.attributionDecl) },
      { ALT: () => this.SUBRULE(this.affiliate.affiliateProgramDecl) },
    ]);
  });

  /** `attribution` and `affiliate program` (parser/attribution.ts). */
  private readonly affiliate = affiliateRules(
    this,
    () => this.windowSpec,
    () => this.duration,
  );

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(Kw.import);
    this.CONSUME(T.StringToken);
  });

  currencyDecl = this.RULE("currencyDecl", () => {
    this.CONSUME(Kw.currency);
    this.CONSUME(T.Identifier);
  });

  attributeDecl = this.RULE("attributeDecl", () => {
    this.CONSUME(Kw.attribute);
    this.CONSUME(T.Identifier, { LABEL: "root" });
    this.CONSUME(T.Dot);
    this.CONSUME2(T.Word, { LABEL: "name" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeRef);
  });

  /** Type names are words the checker resolves (`currency` is also a keyword, hence Word). */
  typeRef = this.RULE("typeRef", () => {
    this.CONSUME(T.Word, { LABEL: "head" });
    this.OPTION(() => {
      this.CONSUME(Kw.of);
      this.CONSUME2(T.Word, { LABEL: "element" });
    });
  });

  scopeDecl = this.RULE("scopeDecl", () => {
    this.CONSUME(Kw.scope);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  windowDecl = this.RULE("windowDecl", () => {
    this.CONSUME(Kw.window);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.windowSpec);
  });

  windowSpec = this.RULE("windowSpec", () => {
    this.CONSUME(Kw.from);
    this.CONSUME(T.DateTimeLiteral, { LABEL: "start" });
    this.CONSUME(Kw.to);
    this.CONSUME2(T.DateTimeLiteral, { LABEL: "end" });
    this.CONSUME(Kw.in);
    this.OR([{ ALT: () => this.CONSUME(T.TimeZoneName, { LABEL: "zone" }) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: "zone" }) }]);
  });

  groupDecl = this.RULE("groupDecl", () => {
    this.CONSUME(Kw.group);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.nameList);
  });

  nameList = this.RULE("nameList", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.idName);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.idName);
      });
    });
    this.CONSUME(T.RBracket);
  });

  /** Ids of promotions, kinds, groups: identifiers, plus the few keywords that are also kind names. */
  idName = this.RULE("idName", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(Kw.coins) },
      { ALT: () => this.CONSUME(Kw.shipping) },
      { ALT: () => this.CONSUME(Kw.order) },
    ]);
  });

  selector = this.RULE("selector", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.nameList) }, { ALT: () => this.SUBRULE(this.idName) }]);
  });

  stackingDecl = this.RULE("stackingDecl", () => {
    this.CONSUME(Kw.stacking);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.stackingRule));
    this.CONSUME(T.RBrace);
  });

  stackingRule = this.RULE("stackingRule", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.at);
          this.CONSUME(Kw.most);
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => this.CONSUME(Kw.of));
          this.SUBRULE(this.selector);
          this.CONSUME(Kw.per);
          this.SUBRULE(this.idName, { LABEL: "entity" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Kw.select);
          this.CONSUME(T.Identifier, { LABEL: "mode" });
        },
      },
    ]);
  });

  promotionDecl = this.RULE("promotionDecl", () => {
    this.CONSUME(Kw.promotion);
    this.SUBRULE(this.idName);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.titleClause) },
        { ALT: () => this.SUBRULE(this.descriptionClause) },
        { ALT: () => this.SUBRULE(this.kindClause) },
        { ALT: () => this.SUBRULE(this.codeClause) },
        { ALT: () => this.SUBRULE(this.validClause) },
        { ALT: () => this.SUBRULE(this.collectClause) },
        { ALT: () => this.SUBRULE(this.expiresClause) },
        { ALT: () => this.SUBRULE(this.lockedClause) },
        { ALT: () => this.SUBRULE(this.transferClause) },
        { ALT: () => this.SUBRULE(this.whenClause) },
        { ALT: () => this.SUBRULE(this.giveClause) },
        { ALT: () => this.SUBRULE(this.priorityClause) },
        { ALT: () => this.SUBRULE(this.exclusiveClause) },
        { ALT: () => this.SUBRULE(this.combinesClause) },
        { ALT: () => this.SUBRULE(this.limitClause) },
        { ALT: () => this.SUBRULE(this.onCancelClause) },
        { ALT: () => this.SUBRULE(this.maxPerClause) },
        { ALT: () => this.SUBRULE(this.fundedClause) },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  titleClause = this.RULE("titleClause", () => {
    this.CONSUME(Kw.title);
    this.CONSUME(T.StringToken);
  });

  descriptionClause = this.RULE("descriptionClause", () => {
    this.CONSUME(Kw.description);
    this.CONSUME(T.StringToken);
  });

  kindClause = this.RULE("kindClause", () => {
    this.CONSUME(Kw.kind);
    this.SUBRULE(this.idName);
  });

  codeClause = this.RULE("codeClause", () => {
    this.CONSUME(Kw.code);
    this.CONSUME(T.StringToken);
  });

  validClause = this.RULE("validClause", () => {
    this.CONSUME(Kw.valid);
    this.OR([{ ALT: () => this.SUBRULE(this.windowSpec) }, { ALT: () => this.CONSUME(T.Identifier) }]);
  });

  collectClause = this.RULE("collectClause", () => {
    this.CONSUME(Kw.collect);
    this.OR([{ ALT: () => this.SUBRULE(this.windowSpec) }, { ALT: () => this.CONSUME(T.Identifier) }]);
  });

  expiresClause = this.RULE("expiresClause", () => {
    this.CONSUME(Kw.expires);
    this.SUBRULE(this.duration);
    this.CONSUME(Kw.after);
    this.CONSUME(Kw.activation);
  });

  lockedClause = this.RULE("lockedClause", () => {
    this.CONSUME(Kw.locked);
    this.SUBRULE(this.duration);
    this.CONSUME(Kw.after);
    this.CONSUME(Kw.failed);
    this.CONSUME(Kw.payment);
  });

  duration = this.RULE("duration", () => {
    this.CONSUME(T.NumberLiteral);
    this.CONSUME(T.Identifier, { LABEL: "unit" });
  });

  transferClause = this.RULE("transferClause", () => {
    this.CONSUME(Kw.not);
    this.CONSUME(Kw.transferable);
  });

  whenClause = this.RULE("whenClause", () => {
    this.CONSUME(Kw.when);
    this.SUBRULE(this.expression);
  });

  giveClause = this.RULE("giveClause", () => {
    this.CONSUME(Kw.give);
    this.OR([
      { ALT: () => this.SUBRULE(this.discountBenefit) },
      { ALT: () => this.SUBRULE(this.priceBenefit) },
      { ALT: () => this.SUBRULE(this.packBenefit) },
      { ALT: () => this.SUBRULE(this.cheapestBenefit) },
      { ALT: () => this.SUBRULE(this.freeShippingBenefit) },
      { ALT: () => this.SUBRULE(this.coinsBenefit) },
      { ALT: () => this.SUBRULE(this.nthUnitBenefit) },
    ]);
  });

  priorityClause = this.RULE("priorityClause", () => {
    this.CONSUME(Kw.priority);
    this.CONSUME(T.NumberLiteral);
  });

  exclusiveClause = this.RULE("exclusiveClause", () => {
    this.CONSUME(Kw.exclusive);
    this.OPTION(() => {
      this.CONSUME(Kw.with);
      this.SUBRULE(this.selector);
    });
  });

  combinesClause = this.RULE("combinesClause", () => {
    this.CONSUME(Kw.combines);
    this.CONSUME(Kw.with);
    this.SUBRULE(this.selector);
  });

  limitClause = this.RULE("limitClause", () => {
    this.CONSUME(Kw.limit);
    this.SUBRULE(this.limitSpec);
  });

  /** `on cancel return use` / `on cancel keep use`: whether a cancelled order gives its use of the limits back. */
  onCancelClause = this.RULE("onCancelClause", () => {
    this.CONSUME(Kw.on);
    this.CONSUME(T.Identifier, { LABEL: "event" });
    this.CONSUME2(T.Identifier, { LABEL: "action" });
    this.CONSUME3(T.Identifier, { LABEL: "object" });
  });

  limitSpec = this.RULE("limitSpec", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Kw.budget);
          this.SUBRULE(this.money);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => this.OR2([{ ALT: () => this.CONSUME(T.Identifier, { LABEL: "unit" }) }, { ALT: () => this.CONSUME(Kw.coins, { LABEL: "unit" }) }]));
        },
      },
    ]);
    this.MANY(() => {
      this.CONSUME(Kw.per);
      this.SUBRULE(this.idName);
    });
  });

  /** `5.00 USD off order`, `15% off order up to 20.00 USD`, `1.00 USD off each unit of socks max 3 units`. */
  discountBenefit = this.RULE("discountBenefit", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.money) }, { ALT: () => this.CONSUME(T.PercentLiteral) }]);
    this.CONSUME(Kw.off);
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(Kw.each);
          this.CONSUME(Kw.unit);
          this.CONSUME(Kw.of);
          this.SUBRULE(this.scopeRef);
        },
      },
      { ALT: () => this.SUBRULE(this.target) },
    ]);
    // `before/after discounts` and `up to AMOUNT` in either order (the formatter prints the base first).
    let based = false;
    this.OPTION(() => {
      this.SUBRULE(this.discountBase);
      based = true;
    });
    this.OPTION2(() => {
      this.CONSUME(Kw.up);
      this.CONSUME(Kw.to);
      this.SUBRULE2(this.money, { LABEL: "cap" });
    });
    this.OPTION4({ GATE: () => !based, DEF: () => this.SUBRULE2(this.discountBase) });
    this.OPTION3(() => this.SUBRULE(this.maxUnits));
  });

  discountBase = this.RULE("discountBase", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.before) }, { ALT: () => this.CONSUME(Kw.after) }]);
    this.CONSUME(Kw.discounts);
  });

  /**
   * `max 3 units`. `max 1 units per customer` (or `max 1 per customer`) is a usage limit written the way shops
   * say it: accepted here so that the AST builder can report it with `limit 1 per customer` as the fix.
   */
  maxUnits = this.RULE("maxUnits", () => {
    this.CONSUME(Kw.max);
    this.CONSUME(T.NumberLiteral);
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(Kw.unit) }, { ALT: () => this.CONSUME(T.Identifier) }]);
          this.MANY(() => this.SUBRULE(this.perEntity));
        },
      },
      { ALT: () => this.AT_LEAST_ONE(() => this.SUBRULE2(this.perEntity)) },
    ]);
  });

  /** `max 1 per customer` as a clause of its own: a usage limit, reported with `limit 1 per customer` as the fix. */
  maxPerClause = this.RULE("maxPerClause", () => {
    this.CONSUME(Kw.max);
    this.CONSUME(T.NumberLiteral);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(Kw.unit) }, { ALT: () => this.CONSUME(T.Identifier) }]));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.perEntity));
  });

  perEntity = this.RULE("perEntity", () => {
    this.CONSUME(Kw.per);
    this.SUBRULE(this.idName);
  });

  /**
   * `second unit at 50%`, `second unit free of socks`: multi-buy as shops write it, which the language says with
   * `cheapest M free for every N of S` or a percentage off. Accepted here so that the AST builder reports it
   * with the language's way (and a fix where there is exactly one).
   */
  nthUnitBenefit = this.RULE("nthUnitBenefit", () => {
    this.CONSUME(T.Identifier, { LABEL: "ordinal" });
    this.CONSUME(Kw.unit);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(Kw.at) }, { ALT: () => this.CONSUME(Kw.for) }]));
    this.OR2([
      {
        ALT: () => {
          this.CONSUME(T.PercentLiteral);
          this.OPTION2(() => this.CONSUME(Kw.off));
        },
      },
      { ALT: () => this.CONSUME(Kw.free) },
    ]);
    this.OPTION3(() => {
      this.OR3([{ ALT: () => this.CONSUME(Kw.of) }, { ALT: () => this.CONSUME(Kw.on) }]);
      this.SUBRULE(this.scopeRef);
    });
  });

  target = this.RULE("target", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.order) }, { ALT: () => this.CONSUME(Kw.shipping) }, { ALT: () => this.SUBRULE(this.scopeRef) }]);
  });

  scopeRef = this.RULE("scopeRef", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  /** `price 0.99 USD on welcome max 1 unit`: a fixed unit price. */
  priceBenefit = this.RULE("priceBenefit", () => {
    this.CONSUME(Kw.price);
    this.SUBRULE(this.money);
    this.CONSUME(Kw.on);
    this.SUBRULE(this.scopeRef);
    this.OPTION(() => this.SUBRULE(this.maxUnits));
  });

  /** `pack ["CASE", "CABLE"] for 25.00 EUR`. */
  packBenefit = this.RULE("packBenefit", () => {
    this.CONSUME(Kw.pack);
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.CONSUME(T.StringToken);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.CONSUME2(T.StringToken);
      });
    });
    this.CONSUME(T.RBracket);
    this.CONSUME(Kw.for);
    this.SUBRULE(this.money);
  });

  /** `cheapest 1 free for every 3 of socks`. */
  cheapestBenefit = this.RULE("cheapestBenefit", () => {
    this.CONSUME(Kw.cheapest);
    this.CONSUME(T.NumberLiteral, { LABEL: "free" });
    this.CONSUME(Kw.free);
    this.CONSUME(Kw.for);
    this.CONSUME(Kw.every);
    this.CONSUME2(T.NumberLiteral, { LABEL: "every" });
    this.CONSUME(Kw.of);
    this.SUBRULE(this.scopeRef);
  });

  freeShippingBenefit = this.RULE("freeShippingBenefit", () => {
    this.CONSUME(Kw.free);
    this.CONSUME(Kw.shipping);
  });

  /** `coins at 100 per 1.00 USD up to 50% of order on coin-lines`. */
  coinsBenefit = this.RULE("coinsBenefit", () => {
    this.CONSUME(Kw.coins);
    this.CONSUME(Kw.at);
    this.CONSUME(T.NumberLiteral);
    this.CONSUME(Kw.per);
    this.SUBRULE(this.money);
    this.OPTION(() => {
      this.CONSUME(Kw.up);
      this.CONSUME(Kw.to);
      this.CONSUME(T.PercentLiteral);
      this.CONSUME(Kw.of);
      this.CONSUME(Kw.order);
      this.OPTION3(() => {
        this.CONSUME(Kw.and);
        this.CONSUME(Kw.shipping);
      });
    });
    // `on S`, but not the `on cancel …` / `on return …` clause that may follow the benefit.
    this.OPTION2({
      GATE: () => !isPolicyClause(this.LA(2), this.LA(3)),
      DEF: () => {
        this.CONSUME(Kw.on);
        this.SUBRULE(this.scopeRef);
      },
    });
  });

  /** `earn 1 coin per 1.00 USD limit 50 coins per customer per day`, `earn 20 coins per purchase on <scope>`. */
  earnDecl = this.RULE("earnDecl", () => {
    this.CONSUME(Kw.earn);
    this.CONSUME(T.NumberLiteral);
    this.OR([{ ALT: () => this.CONSUME(Kw.coin) }, { ALT: () => this.CONSUME(Kw.coins) }]);
    this.CONSUME(Kw.per);
    this.OR2([{ ALT: () => this.SUBRULE(this.money) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: "unit" }) }]);
    this.OPTION(() => {
      this.CONSUME(Kw.on);
      this.SUBRULE(this.scopeRef);
    });
    this.MANY(() => {
      this.CONSUME(Kw.limit);
      this.SUBRULE(this.limitSpec);
    });
  });

  exampleDecl = this.RULE("exampleDecl", () => {
    this.CONSUME(Kw.example);
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.StringToken) }]);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(Kw.cart);
            this.OR3([
              { ALT: () => this.SUBRULE(this.record, { LABEL: "cart" }) },
              {
                ALT: () => {
                  this.CONSUME(Kw.from);
                  this.CONSUME2(T.StringToken, { LABEL: "cartFile" });
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Kw.expect);
            this.SUBRULE2(this.record, { LABEL: "expect" });
          },
        },
      ]),
    );
    this.CONSUME(T.RBrace);
  });

  record = this.RULE("record", () => {
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.recordEntry);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.recordEntry));
      });
    });
    this.CONSUME(T.RBrace);
  });

  recordEntry = this.RULE("recordEntry", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.CONSUME(T.StringToken) }]);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.value);
  });

  value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringToken) },
      { ALT: () => this.SUBRULE(this.money) },
      { ALT: () => this.CONSUME(T.PercentLiteral) },
      { ALT: () => this.SUBRULE(this.dateTime) },
      { ALT: () => this.CONSUME(T.Word) },
      { ALT: () => this.SUBRULE(this.valueList) },
      { ALT: () => this.SUBRULE(this.record) },
    ]);
  });

  valueList = this.RULE("valueList", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.value);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.value));
      });
    });
    this.CONSUME(T.RBracket);
  });

  /** A number with an optional ISO 4217 code: `25.00 USD`, or a plain number when no code follows. */
  money = this.RULE("money", () => {
    this.CONSUME(T.NumberLiteral);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: "currency" }));
  });

  dateTime = this.RULE("dateTime", () => {
    this.CONSUME(T.DateTimeLiteral);
    this.OPTION(() => {
      this.CONSUME(Kw.in);
      this.OR([{ ALT: () => this.CONSUME(T.TimeZoneName, { LABEL: "zone" }) }, { ALT: () => this.CONSUME(T.Identifier, { LABEL: "zone" }) }]);
    });
  });

  // ---- expressions ----

  /**
   * A flat chain `unary (and|or unary)*`; the AST builder applies precedence (`and` binds tighter than `or`).
   * Flat rules allocate fewer CST nodes, which is most of the parser's cost on large files.
   */
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(Kw.and) }, { ALT: () => this.CONSUME(Kw.or) }]);
      this.SUBRULE2(this.unary);
    });
  });

  /** `not`* operand [comparator operand]: `not` applies to the whole comparison. */
  unary = this.RULE("unary", () => {
    this.MANY(() => this.CONSUME(Kw.not));
    this.SUBRULE(this.operand, { LABEL: "left" });
    this.OPTION(() => {
      this.SUBRULE(this.comparator);
      this.SUBRULE2(this.operand, { LABEL: "right" });
    });
  });

  comparator = this.RULE("comparator", () => {
    this.OR([
      { ALT: () => this.CONSUME(Kw.exceeds) },
      {
        ALT: () => {
          this.CONSUME(Kw.at);
          this.OR2([{ ALT: () => this.CONSUME(Kw.least) }, { ALT: () => this.CONSUME(Kw.most) }]);
        },
      },
      { ALT: () => this.CONSUME(Kw.below) },
      {
        ALT: () => {
          this.CONSUME(Kw.is);
          this.OPTION(() => this.CONSUME(Kw.not));
        },
      },
      { ALT: () => this.CONSUME(Kw.in) },
      {
        ALT: () => {
          this.CONSUME2(Kw.not);
          this.CONSUME2(Kw.in);
        },
      },
      { ALT: () => this.CONSUME(Kw.contains) },
      // `>` and friends: reported by the AST builder with the word to write instead (see tokens.ts).
      { ALT: () => this.CONSUME(T.ComparisonSymbol) },
    ]);
  });

  operand = this.RULE("operand", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.aggregate) },
      { ALT: () => this.CONSUME(T.StringToken) },
      {
        ALT: () => {
          this.CONSUME(T.NumberLiteral);
          this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: "currency" }));
        },
      },
      { ALT: () => this.CONSUME(T.PercentLiteral) },
      { ALT: () => this.SUBRULE(this.dateTime) },
      { ALT: () => this.CONSUME(Kw.true) },
      { ALT: () => this.CONSUME(Kw.false) },
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "root" }) },
            { ALT: () => this.CONSUME(Kw.shipping, { LABEL: "root" }) },
            { ALT: () => this.CONSUME(Kw.cart, { LABEL: "root" }) },
            { ALT: () => this.CONSUME(Kw.coins, { LABEL: "root" }) },
          ]);
          this.MANY(() => {
            this.CONSUME(T.Dot);
            this.CONSUME(T.FieldWord, { LABEL: "segment" });
          });
        },
      },
    ]);
  });

  listExpr = this.RULE("listExpr", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => this.SUBRULE2(this.expression));
      });
    });
    this.CONSUME(T.RBracket);
  });

  aggregate = this.RULE("aggregate", () => {
    this.OR([{ ALT: () => this.CONSUME(Kw.subtotal) }, { ALT: () => this.CONSUME(Kw.quantity) }, { ALT: () => this.CONSUME(Kw.count) }]);
    this.OPTION(() => {
      this.CONSUME(Kw.of);
      this.SUBRULE(this.scopeRef);
    });
    this.OPTION2(() => this.SUBRULE(this.discountBase));
  });

  /** `campaign NAME { ... }` and its clauses: parser/campaign.ts. */
  campaignDecl = defineCampaignRules(this, this);
}

/** `on cancel WORD WORD` or `on return WORD WORD` after `on`: a policy clause, not a scope. */
function isPolicyClause(second: IToken, third: IToken): boolean {
  return second.tokenType === T.Identifier && (second.image === "cancel" || second.image === "return") && third.tokenType === T.Identifier;
}

let shared: PromoParser | undefined;

/** One parser instance for the process: construction runs grammar analysis, which is the expensive part. */
export function getParser(): PromoParser {
  shared ??= new PromoParser();
  return shared;
}

let strict: PromoParser | undefined;

/** The same grammar without error recovery: on an error it stops, so a broken file costs at most one pass. */
export function getStrictParser(): PromoParser {
  strict ??= new PromoParser({ recovery: false });
  return strict;
}
