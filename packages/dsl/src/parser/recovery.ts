import { EOF, type IToken, type TokenType } from "chevrotain";
import type { AstBuilder } from "../ast/build.js";
import type { Declaration } from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { spanIn, type Diagnostic } from "../diagnostics/diagnostic.js";
import { Kw, LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "../lexer/tokens.js";
import type { SourceFile } from "../util/source.js";
import { getParser } from "./parser.js";

/**
 * Bounded error recovery for a file that does not parse. The token stream is cut into segments at declaration
 * keywords that start a line (at bracket depth 0, or in column 0 whatever the depth, so that an unclosed brace
 * in pasted text cannot swallow the rest of the file); each segment is parsed on its own with the recovering
 * parser. A segment's parse ends at its first declaration's end when junk follows (one error, the junk is
 * dropped), so every token is looked at by the recovering parser at most once and a declaration's errors cannot
 * spill into the next. At most MAX_ERRORS_PER_DECLARATION errors are shown per segment, then one warning says how
 * many more there were.
 */
export const MAX_ERRORS_PER_DECLARATION = 3;

const DECLARATION_KEYWORDS: ReadonlySet<TokenType> = new Set([
  Kw.import,
  Kw.currency,
  Kw.attribute,
  Kw.scope,
  Kw.window,
  Kw.group,
  Kw.stacking,
  Kw.promotion,
  Kw.earn,
  Kw.example,
  Kw.campaign,
  Kw.commission,
  Kw.attribution,
  Kw.affiliate,
]);

/** Counted work of one recovering parse, for tests that bound it without a clock. */
export interface RecoveryStats {
  /** Segments the file was cut into. */
  segments: number;
  /** Tokens handed to the recovering parser (each token at most once). */
  parsedTokens: number;
  /** Tokens before the first declaration keyword, skipped with one error. */
  skippedTokens: number;
  /** Errors the recovering parser recorded (its recovery steps), before de-duplication and caps. */
  recoveryErrors: number;
  /** Errors left out by the per-declaration cap. */
  suppressed: number;
}

export interface RecoveredParse {
  declarations: Declaration[];
  diagnostics: Diagnostic[];
  stats: RecoveryStats;
}

/** Start indexes of the segments: 0, then every declaration keyword that starts a line (see above). */
export function segmentStarts(tokens: readonly IToken[], text: string): number[] {
  const starts = [0];
  let depth = 0;
  let previousEnd = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const type = t.tokenType;
    if (i > 0 && DECLARATION_KEYWORDS.has(type)) {
      const lineStart = text.lastIndexOf("\n", t.startOffset - 1) + 1;
      const firstOnLine = previousEnd < lineStart;
      if (firstOnLine && (depth === 0 || t.startOffset === lineStart)) {
        starts.push(i);
        depth = 0;
      }
    }
    if (type === LParen || type === LBracket || type === LBrace) depth++;
    else if (type === RParen || type === RBracket || type === RBrace) depth = Math.max(0, depth - 1);
    previousEnd = (t.endOffset ?? t.startOffset) + 1;
  }
  return starts;
}

export function recoverParse(source: SourceFile, tokens: IToken[], builder: AstBuilder, maxErrors: number): RecoveredParse {
  const text = source.text;
  const stats: RecoveryStats = { segments: 0, parsedTokens: 0, skippedTokens: 0, recoveryErrors: 0, suppressed: 0 };
  const declarations: Declaration[] = [];
  const diagnostics: Diagnostic[] = [];
  let shown = 0;
  let total = 0;
  let capAt: number | undefined;
  const report = (at: number, end: number, message: string) => {
    total++;
    if (shown === maxErrors) {
      capAt ??= at;
      return;
    }
    shown++;
    diagnostics.push(Diagnostics.syntaxError(spanIn(source, { start: Math.min(at, text.length), end: Math.min(end, text.length) }), message));
  };

  const starts = segmentStarts(tokens, text);
  stats.segments = starts.length;
  const parser = getParser();
  for (let s = 0; s < starts.length; s++) {
    const from = starts[s]!;
    const to = starts[s + 1] ?? tokens.length;
    const first = tokens[from];
    if (first === undefined) break;
    const next = tokens[to];
    if (!DECLARATION_KEYWORDS.has(first.tokenType)) {
      stats.skippedTokens += to - from;
      report(
        first.startOffset,
        (first.endOffset ?? first.startOffset) + 1,
        `unexpected ${describe(first)}: expected a declaration (promotion, scope, window, group, stacking, example, ...)`,
      );
      continue;
    }
    stats.parsedTokens += to - from;
    parser.input = tokens.slice(from, to);
    const cst = parser.declaration();
    const errors = parser.errors;
    parser.input = [];
    stats.recoveryErrors += errors.length;
    for (const decl of builder.declarations(cst)) declarations.push(decl);

    const seen = new Set<string>();
    let inSegment = 0;
    let suppressedHere = 0;
    let suppressedAt = 0;
    for (const error of errors) {
      const token = error.token;
      const atEnd = Number.isNaN(token.startOffset) || token.tokenType === EOF;
      const previous = (error as { previousToken?: IToken }).previousToken;
      const at = atEnd ? (previous?.endOffset ?? tokens[to - 1]?.endOffset ?? text.length - 1) + 1 : token.startOffset;
      const end = atEnd ? at : (token.endOffset ?? at) + 1;
      // The segment's end is not the file's: name the token that really follows.
      const message = atEnd && next ? error.message.replace("the end of the file", describe(next)) : error.message;
      const key = `${at}:${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (inSegment === MAX_ERRORS_PER_DECLARATION) {
        if (suppressedHere === 0) suppressedAt = at;
        suppressedHere++;
        continue;
      }
      inSegment++;
      report(at, end, message);
    }
    if (suppressedHere > 0) {
      stats.suppressed += suppressedHere;
      // The summary counts against the file's limit too, so a file of broken declarations stays readable.
      total++;
      if (shown === maxErrors) {
        capAt ??= suppressedAt;
        continue;
      }
      shown++;
      diagnostics.push(
        Diagnostics.tooManyErrors(
          spanIn(source, { start: suppressedAt, end: suppressedAt }),
          MAX_ERRORS_PER_DECLARATION,
          MAX_ERRORS_PER_DECLARATION + suppressedHere,
          "declaration",
        ),
      );
    }
  }
  if (capAt !== undefined) diagnostics.push(Diagnostics.tooManyErrors(spanIn(source, { start: capAt, end: capAt }), maxErrors, total));
  return { declarations, diagnostics, stats };
}

function describe(token: IToken): string {
  const text = token.image.length > 30 ? token.image.slice(0, 27) + "..." : token.image;
  return `'${text}'`;
}
