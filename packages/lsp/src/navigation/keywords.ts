import { lex, type Span } from "@promo/dsl";
import type { Analysis } from "../workspace.js";

interface Token {
  span: Span;
  text: string;
  keyword: boolean;
}

const tokensByAnalysis = new WeakMap<Analysis, Token[]>();

/** The file's tokens (keywords are real tokens of the lexer, so they are found without the AST). */
function tokens(analysis: Analysis): Token[] {
  let out = tokensByAnalysis.get(analysis);
  if (!out) {
    out = lex(analysis.text).tokens.map((t) => ({
      span: { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 },
      text: t.image,
      keyword: t.tokenType.name.startsWith("Kw_"),
    }));
    tokensByAnalysis.set(analysis, out);
  }
  return out;
}

/** The token at `offset` (or ending just before it), when it is a keyword. */
export function keywordAt(analysis: Analysis, offset: number): { text: string; span: Span } | undefined {
  const all = tokens(analysis);
  let low = 0;
  let high = all.length - 1;
  let found: Token | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const t = all[mid]!;
    if (offset < t.span.start) high = mid - 1;
    else if (offset >= t.span.end) low = mid + 1;
    else {
      found = t;
      break;
    }
  }
  // A cursor just after a word still means that word (as for names).
  found ??= all.find((t) => t.span.end === offset);
  return found?.keyword ? { text: found.text, span: found.span } : undefined;
}

/** The token at `offset` of any type, for telling a keyword from a literal when refusing a rename. */
export function tokenAt(analysis: Analysis, offset: number): Token | undefined {
  return tokens(analysis).find((t) => t.span.start <= offset && offset <= t.span.end);
}
