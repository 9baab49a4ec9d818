import { KEYWORD_TEXTS, lex } from "@promo/dsl";

/** The lexer's token and token-type shapes, without depending on chevrotain directly. */
export type Token = ReturnType<typeof lex>["tokens"][number];
export type TokenType = Token["tokenType"];

/**
 * The token vocabulary, recovered by lexing sample text with the dsl's own lexer (the token objects themselves
 * are not exported): keyword token types by text, and one template token per type for synthetic prefixes.
 */
const templates = new Map<string, Token>();
const keywordByName = new Map<string, string>();

function learn(): void {
  if (templates.size > 0) return;
  const sample = `${KEYWORD_TEXTS.join(" ")} name "s" 5 5% 2026-01-01 Europe/Paris { } [ ] ( ) , : . =`;
  for (const token of lex(sample).tokens) {
    if (!templates.has(token.tokenType.name)) templates.set(token.tokenType.name, token);
    if (token.tokenType.name.startsWith("Kw_")) keywordByName.set(token.tokenType.name, token.image);
  }
}

/** The keyword a token type stands for (`Kw_give` → `give`), or undefined for names, literals and punctuation. */
export function keywordText(type: TokenType): string | undefined {
  learn();
  return keywordByName.get(type.name);
}

/** A token of the given type (by name: `Kw_promotion`, `Identifier`, `LBrace`) that stands for absent text. */
export function synthetic(name: string): Token {
  learn();
  const template = templates.get(name);
  if (!template) throw new Error(`no token type ${name}`);
  return { ...template, startOffset: -1, endOffset: -1, isInsertedInRecovery: true };
}

export function isKeyword(token: Token | undefined, ...words: string[]): boolean {
  if (!token) return false;
  const text = keywordText(token.tokenType);
  return text !== undefined && (words.length === 0 || words.includes(text));
}

export function isType(token: Token | undefined, ...names: string[]): boolean {
  return token !== undefined && names.includes(token.tokenType.name);
}

/** End offset (exclusive) of a token. */
function tokenEnd(token: Token): number {
  return (token.endOffset ?? token.startOffset) + 1;
}

/** `attribution` and `affiliate program` (docs/language.md, Affiliate attribution). */
const AFFILIATE_DECLARATIONS = ["attribution", "affiliate"] as const;
const DECLARATION_KEYWORDS = ["import", "currency", "attribute", "scope", "window", "group", "stacking", "promotion", "earn", "example"] as const;
const DECLARATION_LINE = new RegExp(`^(?:${[...DECLARATION_KEYWORDS, ...AFFILIATE_DECLARATIONS].join("|")})(?=[\\s{]|$)`);

/** Clause keywords of a promotion (`not` only when `transferable` follows). */
export const CLAUSE_KEYWORDS = [
  "title",
  "description",
  "kind",
  "code",
  "valid",
  "collect",
  "expires",
  "locked",
  "when",
  "give",
  "priority",
  "exclusive",
  "combines",
  "limit",
  "on",
] as const;

/**
 * Where the declaration around `offset` starts: the nearest line at or before it that begins (in column 0) with a
 * declaration keyword. Strings cannot span lines and comments start with `#`, so such a line is a real
 * declaration. The formatter puts every declaration in column 0; an indented one only makes the prefix longer.
 */
export function declarationStart(text: string, offset: number, maxLines = 5_000): number {
  let lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  for (let n = 0; n < maxLines; n++) {
    if (DECLARATION_LINE.test(text.slice(lineStart, lineStart + 12))) return lineStart;
    if (lineStart === 0) return 0;
    lineStart = lineStart <= 1 ? 0 : text.lastIndexOf("\n", lineStart - 2) + 1;
  }
  return lineStart;
}

/** What is at the cursor, lexically. Token offsets are relative to `declStart` (the text lexed). */
export interface CursorContext {
  text: string;
  offset: number;
  /** Start of the declaration the cursor is in (see `declarationStart`). */
  declStart: number;
  /** The partly typed word before the cursor (`ki`, `Europe/Pa`, `ae-coupon-`), possibly empty. */
  word: string;
  wordStart: number;
  /** Tokens of the declaration that end before the word: what the parser has seen so far. */
  tokens: Token[];
  inComment: boolean;
  inString: boolean;
  /** The cursor touches the end of a number, string or word (`5.00|`): nothing should be inserted there. */
  glued: boolean;
  /** A line break separates the last token from the cursor. */
  newLine: boolean;
}

const WORD = /[A-Za-z_][A-Za-z0-9_\-/+]*$/;

export function cursorContext(text: string, offset: number): CursorContext {
  const declStart = declarationStart(text, offset);
  const before = text.slice(declStart, offset);
  const lexed = lex(before);
  const lastComment = lexed.comments[lexed.comments.length - 1];
  const inComment = lastComment !== undefined && tokenEnd(lastComment) === before.length;
  const lastToken = lexed.tokens[lexed.tokens.length - 1];
  const inString = lastToken !== undefined && lastToken.tokenType.name === "UnterminatedString" && tokenEnd(lastToken) === before.length;
  const match = WORD.exec(before.slice(Math.max(0, before.length - 200)));
  const word = match ? match[0] : "";
  const wordStart = offset - word.length;
  const localWordStart = wordStart - declStart;
  let count = lexed.tokens.length;
  while (count > 0 && tokenEnd(lexed.tokens[count - 1]!) > localWordStart) count--;
  const tokens = count === lexed.tokens.length ? lexed.tokens : lexed.tokens.slice(0, count);
  const previous = text.charAt(wordStart - 1);
  const glued = word === "" && /[A-Za-z0-9_"%]/.test(previous);
  const last = tokens[tokens.length - 1];
  const gap = text.slice(declStart + (last ? tokenEnd(last) : 0), wordStart);
  return { text, offset, declStart, word, wordStart, tokens, inComment, inString, glued, newLine: /[\n\r]/.test(gap) };
}

const OPEN = new Set(["LBrace", "LBracket", "LParen"]);
const CLOSE = new Set(["RBrace", "RBracket", "RParen"]);

/**
 * Index of the innermost bracket (`{`, `[` or `(`) still open after `tokens`, or -1. `end` limits the scan to
 * `tokens[0..end)`.
 */
export function openBracket(tokens: readonly Token[], end = tokens.length): number {
  let depth = 0;
  for (let i = end - 1; i >= 0; i--) {
    const name = tokens[i]!.tokenType.name;
    if (CLOSE.has(name)) depth++;
    else if (OPEN.has(name)) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}
