import { createToken, Lexer, type TokenType } from "chevrotain";

/**
 * Token vocabulary of the .promo language.
 *
 * Keywords are real tokens (so completion can offer them) with `longer_alt: Identifier`, so that an id such
 * as `free-shipping-fr-30` lexes as one identifier even though it starts with the keyword `free`.
 * `Word` is a category every keyword and identifier belongs to: record keys in example carts may be any word.
 */
export const Word = createToken({ name: "Word", pattern: Lexer.NA });
/** Words that may follow a `.` in a field path: identifiers and the keywords that are also field names. */
export const FieldWord = createToken({ name: "FieldWord", pattern: Lexer.NA });

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: "comments" });

export const StringToken = createToken({ name: "StringToken", pattern: Lexer.NA });
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/,
  categories: [StringToken],
});
// An unterminated string runs to the end of its line. It is still a string to the parser, so one missing quote
// yields one diagnostic (reported by the AST builder) instead of a cascade of syntax errors.
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\.)*/,
  categories: [StringToken],
});

export const DateTimeLiteral = createToken({
  name: "DateTimeLiteral",
  pattern: /\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?/,
});
export const PercentLiteral = createToken({ name: "PercentLiteral", pattern: /-?\d+(?:\.\d+)?%/ });
export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /-?\d+(?:\.\d+)?/ });
export const TimeZoneName = createToken({ name: "TimeZoneName", pattern: /[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+/ });
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/,
  categories: [Word, FieldWord],
});

export const LBrace = createToken({ name: "LBrace", pattern: "{", label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "']'" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "')'" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "','" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "':'" });
export const Dot = createToken({ name: "Dot", pattern: ".", label: "'.'" });
export const Equals = createToken({ name: "Equals", pattern: "=", label: "'='" });
// `>`, `>=`, `<`, `<=`, `==`, `!=`: not the language's comparators (it writes `exceeds`, `at least`, ...), but
// lexed so that the parser accepts them where a comparator goes and the AST builder reports one diagnostic with
// the word as a fix, instead of an unexpected character followed by a cascade of syntax errors.
export const ComparisonSymbol = createToken({ name: "ComparisonSymbol", pattern: /[<>]=?|[=!]=/, label: "a comparator" });

const keywordTokens: TokenType[] = [];
const FIELD_KEYWORDS = new Set(["quantity", "subtotal", "currency", "at", "code", "coins", "price", "count"]);

function keyword(word: string): TokenType {
  const name = "Kw_" + word.replace(/-/g, "_");
  const token = createToken({
    name,
    pattern: word,
    longer_alt: Identifier,
    categories: FIELD_KEYWORDS.has(word) ? [Word, FieldWord] : [Word],
    label: `'${word}'`,
  });
  keywordTokens.push(token);
  return token;
}

export const Kw = {
  import: keyword("import"),
  currency: keyword("currency"),
  // before `attribute`, its prefix: the lexer tries keywords in this order
  attribution: keyword("attribution"),
  attribute: keyword("attribute"),
  scope: keyword("scope"),
  window: keyword("window"),
  group: keyword("group"),
  stacking: keyword("stacking"),
  promotion: keyword("promotion"),
  example: keyword("example"),
  earn: keyword("earn"),
  commission: keyword("commission"),
  // promotion clauses
  title: keyword("title"),
  description: keyword("description"),
  kind: keyword("kind"),
  code: keyword("code"),
  valid: keyword("valid"),
  collect: keyword("collect"),
  expires: keyword("expires"),
  locked: keyword("locked"),
  transferable: keyword("transferable"),
  when: keyword("when"),
  give: keyword("give"),
  priority: keyword("priority"),
  exclusive: keyword("exclusive"),
  combines: keyword("combines"),
  limit: keyword("limit"),
  funded: keyword("funded"),
  by: keyword("by"),
  // windows and durations
  from: keyword("from"),
  to: keyword("to"),
  in: keyword("in"),
  after: keyword("after"),
  before: keyword("before"),
  activation: keyword("activation"),
  failed: keyword("failed"),
  payment: keyword("payment"),
  // benefits
  off: keyword("off"),
  each: keyword("each"),
  unit: keyword("unit"),
  of: keyword("of"),
  up: keyword("up"),
  max: keyword("max"),
  price: keyword("price"),
  pack: keyword("pack"),
  for: keyword("for"),
  free: keyword("free"),
  cheapest: keyword("cheapest"),
  every: keyword("every"),
  on: keyword("on"),
  order: keyword("order"),
  shipping: keyword("shipping"),
  coins: keyword("coins"),
  coin: keyword("coin"),
  budget: keyword("budget"),
  per: keyword("per"),
  with: keyword("with"),
  select: keyword("select"),
  discounts: keyword("discounts"),
  // expressions
  and: keyword("and"),
  or: keyword("or"),
  not: keyword("not"),
  is: keyword("is"),
  exceeds: keyword("exceeds"),
  at: keyword("at"),
  least: keyword("least"),
  most: keyword("most"),
  below: keyword("below"),
  contains: keyword("contains"),
  subtotal: keyword("subtotal"),
  quantity: keyword("quantity"),
  count: keyword("count"),
  true: keyword("true"),
  false: keyword("false"),
  null: keyword("null"),
  // examples
  cart: keyword("cart"),
  expect: keyword("expect"),
  // platform campaigns (parser/campaign.ts)
  campaign: keyword("campaign"),
  require: keyword("require"),
  allow: keyword("allow"),
  // affiliate attribution and programs (parser/attribution.ts)
  affiliate: keyword("affiliate"),
  during: keyword("during"),
  otherwise: keyword("otherwise"),
} as const;

export const KEYWORDS: readonly TokenType[] = keywordTokens;
export const KEYWORD_TEXTS: readonly string[] = Object.keys(Kw);

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  DateTimeLiteral,
  PercentLiteral,
  NumberLiteral,
  TimeZoneName,
  ...keywordTokens,
  Identifier,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  Dot,
  ComparisonSymbol,
  Equals,
  Word,
  FieldWord,
  StringToken,
];
