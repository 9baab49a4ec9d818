import { Lexer, type IToken } from "chevrotain";
import { ALL_TOKENS } from "./tokens.js";

let shared: Lexer | undefined;

function getLexer(): Lexer {
  shared ??= new Lexer(ALL_TOKENS, {
    positionTracking: "full",
    ensureOptimizations: false,
    // Errors are reported by us (one per run of unexpected characters), not by chevrotain's default messages.
    errorMessageProvider: {
      buildUnexpectedCharactersMessage: (text, offset, length) => `unexpected characters ${JSON.stringify(text.slice(offset, offset + Math.min(length, 20)))}`,
      buildUnableToPopLexerModeMessage: () => "lexer mode error",
    },
  });
  return shared;
}

export interface LexError {
  offset: number;
  length: number;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: LexError[];
}

export function lex(text: string): LexResult {
  const result = getLexer().tokenize(text);
  return {
    tokens: result.tokens,
    comments: (result.groups["comments"] as IToken[] | undefined) ?? [],
    errors: result.errors.map((e) => ({ offset: e.offset, length: e.length })),
  };
}
