import type { IToken } from "chevrotain";
import { AstBuilder } from "../ast/build.js";
import type { Declaration, PromoFile, Span } from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { spanIn, type Diagnostic } from "../diagnostics/diagnostic.js";
import { lex, type LexResult } from "../lexer/lexer.js";
import { Kw, LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "../lexer/tokens.js";
import { SourceFile } from "../util/source.js";
import { getStrictParser } from "./parser.js";
import { recoverParse, type RecoveryStats } from "./recovery.js";
import { appendAll } from "../util/arrays.js";

/** Deeper nesting than this is refused before parsing, so hostile input cannot overflow the stack. */
export const MAX_NESTING = 64;
/**
 * Files larger than this are refused unread. 32 MiB: a generated file of 100,000 promotions is about 22 MB and
 * must compile as one file, while a binary or runaway file is still refused before it is decoded or lexed.
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Per file and phase, so that a binary file yields a readable list rather than millions of lines. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

export interface Comment {
  span: Span;
  text: string;
}

export interface ParseResult {
  source: SourceFile;
  ast: PromoFile;
  comments: Comment[];
  diagnostics: Diagnostic[];
  /** Present when the file did not parse: the counted work of its error recovery. */
  recovery?: RecoveryStats;
}

/** Bytes → text. Invalid UTF-8 is reported at its first bad byte and the file is not parsed further. */
export function decodeSource(path: string, bytes: Uint8Array): { text: string; diagnostics: Diagnostic[] } {
  if (bytes.length > MAX_FILE_BYTES) {
    const file = new SourceFile(path, "");
    return { text: "", diagnostics: [Diagnostics.fileTooLarge(spanIn(file, { start: 0, end: 0 }), bytes.length, MAX_FILE_BYTES)] };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text, diagnostics: [] };
  } catch {
    const bad = firstInvalidUtf8Byte(bytes);
    const validPrefix = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const file = new SourceFile(path, validPrefix);
    const at = validPrefix.length;
    return { text: "", diagnostics: [Diagnostics.invalidUtf8(spanIn(file, { start: at, end: at }), bad)] };
  }
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

export function parseSource(path: string, text: string, { chunked = true }: { chunked?: boolean } = {}): ParseResult {
  const source = new SourceFile(path, text);
  const diagnostics: Diagnostic[] = [];
  const lexed = lex(text);

  for (const error of lexed.errors.slice(0, MAX_DIAGNOSTICS_PER_FILE)) {
    const span = { start: error.offset, end: error.offset + error.length };
    diagnostics.push(Diagnostics.unexpectedCharacter(spanIn(source, span), text.slice(span.start, span.end)));
  }
  if (lexed.errors.length > MAX_DIAGNOSTICS_PER_FILE) {
    const last = lexed.errors[MAX_DIAGNOSTICS_PER_FILE]!;
    diagnostics.push(Diagnostics.tooManyErrors(spanIn(source, { start: last.offset, end: last.offset }), MAX_DIAGNOSTICS_PER_FILE, lexed.errors.length));
  }

  const tooDeep = findExcessiveNesting(lexed.tokens);
  const builder = new AstBuilder(path);
  if (tooDeep) {
    diagnostics.push(Diagnostics.nestingTooDeep(spanIn(source, { start: tooDeep.startOffset, end: tooDeep.startOffset + 1 }), MAX_NESTING));
    return { source, ast: builder.file(undefined, text.length), comments: commentsOf(lexed.comments), diagnostics };
  }

  const inChunks = chunked ? parseInChunks(lexed.tokens, builder) : undefined;
  if (Array.isArray(inChunks)) {
    return {
      source,
      ast: builder.fileOf(inChunks, text.length),
      comments: commentsOf(lexed.comments),
      diagnostics: [...diagnostics, ...problemsOf(builder, source)],
    };
  }
  // A fresh builder: a chunked attempt may have consumed node ids and met problems.
  if (inChunks === "syntax-error") return parseRecovering(source, lexed, diagnostics);
  return parseWhole(source, lexed, new AstBuilder(path), diagnostics);
}

function problemsOf(builder: AstBuilder, source: SourceFile): Diagnostic[] {
  return builder.problems.map((problem) => {
    const span = spanIn(source, problem.span);
    switch (problem.kind) {
      case "unterminated-string":
        return Diagnostics.unterminatedString(span);
      case "operator-symbol":
        return Diagnostics.operatorSymbol(span, problem.symbol, problem.replacement);
      case "max-per-entity":
        return Diagnostics.invalidLimit(
          span,
          `a usage limit is written '${problem.replacement}', not '${problem.written}' (see Limits in docs/language.md)`,
          problem.replacement,
        );
      case "nth-unit-benefit":
        return Diagnostics.nthUnitBenefit(span, problem.written, problem.replacement);
    }
  });
}

/**
 * Large files are parsed a run of declarations at a time, each run's concrete syntax tree turned into AST and
 * dropped before the next, so that it dies young instead of being copied around by the garbage collector with the
 * rest of a 10,000-promotion file. The grammar is a sequence of declarations and LL, so when every run parses
 * without an error, the runs' declarations are exactly the whole file's. A syntax error in a run sends the file
 * straight to the bounded recovery (recovery.ts), which reports it.
 */
const CHUNK_TOKENS = 4_000;

function parseInChunks(tokens: IToken[], builder: AstBuilder): Declaration[] | "syntax-error" | undefined {
  if (tokens.length <= 2 * CHUNK_TOKENS) return undefined;
  // Without recovery: a run with an error gives up at once (recovery would parse the junk only to be discarded).
  const parser = getStrictParser();
  const declarations: Declaration[] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t !== undefined) {
      const type = t.tokenType;
      if (type === LParen || type === LBracket || type === LBrace) depth++;
      else if (type === RParen || type === RBracket || type === RBrace) depth = Math.max(0, depth - 1);
    }
    // Cut before a `promotion` at the top level once the run is long enough (and at the end).
    const cut = t === undefined || (i - from >= CHUNK_TOKENS && depth === 0 && t.tokenType === Kw.promotion);
    if (!cut || i === from) continue;
    parser.input = tokens.slice(from, i);
    const cst = parser.file();
    const failed = parser.errors.length > 0;
    parser.input = [];
    if (failed) return "syntax-error";
    for (const decl of builder.declarations(cst)) declarations.push(decl);
    from = i;
  }
  return declarations;
}

/**
 * A first pass without recovery: a valid file is parsed exactly once, and a broken one stops at its first error
 * and goes to the bounded, segment-by-segment recovery (recovery.ts) instead of whole-file recovery, whose cost
 * and error count grow with the amount of junk.
 */
function parseWhole(source: SourceFile, lexed: LexResult, builder: AstBuilder, diagnostics: Diagnostic[]): ParseResult {
  const text = source.text;
  const strict = getStrictParser();
  strict.input = lexed.tokens;
  const cst = strict.file();
  const failed = strict.errors.length > 0;
  strict.input = [];
  if (!failed) {
    const ast = builder.file(cst, text.length);
    appendAll(diagnostics, problemsOf(builder, source));
    return { source, ast, comments: commentsOf(lexed.comments), diagnostics };
  }
  return parseRecovering(source, lexed, diagnostics);
}

function parseRecovering(source: SourceFile, lexed: LexResult, diagnostics: Diagnostic[]): ParseResult {
  // A fresh builder: the strict attempt may have consumed node ids and met problems.
  const builder = new AstBuilder(source.path);
  const recovered = recoverParse(source, lexed.tokens, builder, MAX_DIAGNOSTICS_PER_FILE);
  appendAll(diagnostics, recovered.diagnostics);
  appendAll(diagnostics, problemsOf(builder, source));
  const ast = builder.fileOf(recovered.declarations, source.text.length);
  return { source, ast, comments: commentsOf(lexed.comments), diagnostics, recovery: recovered.stats };
}

function commentsOf(tokens: IToken[]): Comment[] {
  return tokens.map((t) => ({ span: { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 }, text: t.image }));
}

/** The first token at which brackets plus consecutive `not`s nest deeper than MAX_NESTING. */
function findExcessiveNesting(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let notRun = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) depth++;
    else if (type === RParen || type === RBracket || type === RBrace) depth = Math.max(0, depth - 1);
    notRun = type === Kw.not ? notRun + 1 : 0;
    if (depth + notRun > MAX_NESTING) return t;
  }
  return undefined;
}
