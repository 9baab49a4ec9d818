import { getParser } from "@promo/dsl";
import { CLAUSE_KEYWORDS, isKeyword, isType, keywordText, openBracket, synthetic, type Token, type TokenType } from "./lexical.js";

/** One thing that may come next: a token type and the grammar rules it would be consumed in (outermost first). */
export interface NextToken {
  type: TokenType;
  rules: readonly string[];
}

/**
 * Longer prefixes are not replayed through the grammar: it is interpreted (about 10 µs a token), and completion
 * must answer in milliseconds. Such prefixes restart later (at the last clause, or the innermost record).
 */
const MAX_REPLAYED_TOKENS = 1_000;

function replay(tokens: readonly Token[], rule = "file"): NextToken[] {
  if (tokens.length > MAX_REPLAYED_TOKENS) return [];
  try {
    return getParser()
      .computeContentAssist(rule, tokens as Token[])
      .map((path) => ({ type: path.nextTokenType, rules: path.ruleStack }));
  } catch {
    return [];
  }
}

const CLAUSES: readonly string[] = CLAUSE_KEYWORDS;

/** The nesting before each token (`{}` depth, and `()`/`[]` depth inside the current block), and after the last. */
function nesting(tokens: readonly Token[]): { levels: { brace: number; paren: number }[]; brace: number; paren: number } {
  const levels: { brace: number; paren: number }[] = [];
  let brace = 0;
  let paren = 0;
  for (const t of tokens) {
    levels.push({ brace, paren });
    const name = t.tokenType.name;
    if (name === "LBrace") {
      brace++;
      paren = 0;
    } else if (name === "RBrace") brace = Math.max(0, brace - 1);
    else if (name === "LParen" || name === "LBracket") paren++;
    else if (name === "RParen" || name === "RBracket") paren = Math.max(0, paren - 1);
  }
  return { levels, brace, paren };
}

/** The synthetic opening of a declaration's body, so a later part of it can be replayed on its own. */
function opening(decl: string): Token[] {
  switch (decl) {
    case "promotion":
      return [synthetic("Kw_promotion"), synthetic("Identifier"), synthetic("LBrace")];
    case "stacking":
      return [synthetic("Kw_stacking"), synthetic("LBrace")];
    case "example":
      return [synthetic("Kw_example"), synthetic("Identifier"), synthetic("LBrace")];
    case "scope":
      return [synthetic("Kw_scope"), synthetic("Identifier"), synthetic("Equals")];
    default:
      return [];
  }
}

/** Whether token `i` starts a clause of a block (a promotion clause, a stacking rule, an example part). */
function startsPart(decl: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  if (decl === "promotion")
    return (isKeyword(t) && CLAUSES.includes(keywordText(t.tokenType)!)) || (isKeyword(t, "not") && isKeyword(tokens[i + 1], "transferable"));
  if (decl === "stacking") return isKeyword(t, "at", "select");
  if (decl === "example") return isKeyword(t, "cart", "expect");
  return false;
}

export interface Assist {
  next: NextToken[];
  /** The declaration keyword the cursor is in (`promotion`, `scope`, ...), or undefined at the top level. */
  decl: string | undefined;
  /** Brace depth at the cursor. */
  depth: number;
}

/**
 * What may come next after `tokens` (the declaration's tokens before the cursor), by replaying them through the
 * parser's grammar (chevrotain's content assist). A prefix that does not parse (a broken earlier clause) is
 * retried from the start of the last clause, then from the last `and`/`or`, each behind a synthetic opening of
 * the block; when the cursor is on a new line in a block, what may start a new clause is added.
 */
export function assist(tokens: readonly Token[], newLine: boolean): Assist {
  const first = tokens[0];
  const decl = first ? keywordText(first.tokenType) : undefined;
  const { levels, brace: depth, paren } = nesting(tokens);
  if (tokens.length > 0 && depth === 0 && isType(tokens[tokens.length - 1], "RBrace")) {
    // A closed block: what follows is a new declaration.
    return { next: replay([]), decl: undefined, depth };
  }
  if (decl === "example" && depth >= 2) {
    // Inside a cart or an expectation: what follows depends only on the innermost record or list.
    const open = openBracket(tokens);
    if (open >= 0) return { next: replay(tokens.slice(open), isType(tokens[open], "LBrace") ? "record" : "valueList"), decl, depth };
  }
  let next = replay(tokens);
  if (next.length === 0 && decl) {
    const open = opening(decl);
    let partStart = -1;
    for (let i = tokens.length - 1; i > 0; i--) {
      if (levels[i]!.brace === 1 && levels[i]!.paren === 0 && startsPart(decl, tokens, i)) {
        partStart = i;
        break;
      }
    }
    if (partStart > 0) next = replay([...open, ...tokens.slice(partStart)]);
    if (next.length === 0 && (decl === "promotion" || decl === "scope")) {
      // A broken condition: restart after its last `and`/`or`, as the start of a condition.
      for (let i = tokens.length - 1; i > Math.max(partStart, 0); i--) {
        if (isKeyword(tokens[i], "and", "or")) {
          const condition = decl === "promotion" ? [...open, synthetic("Kw_when")] : open;
          next = replay([...condition, ...tokens.slice(i + 1)]);
          break;
        }
      }
    }
    if (next.length === 0 && open.length > 0 && (depth === 1 || decl === "scope")) next = replay(open);
    if (next.length === 0 && depth === 0 && decl !== "scope") next = replay([]);
  } else if (next.length === 0 && !decl) next = replay([]);
  if (newLine && depth === 1 && paren === 0 && decl && (decl === "promotion" || decl === "stacking" || decl === "example")) {
    next = [...next, ...replay(opening(decl))];
  }
  return { next, decl, depth };
}
