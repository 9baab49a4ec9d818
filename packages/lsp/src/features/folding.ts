import { lex } from "@promo/dsl";
import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Feature } from "../feature.js";
import { analysesOf } from "../editing/analysis.js";
import type { Analysis } from "../workspace.js";

const OPENERS: Record<string, string> = { LBrace: "RBrace", LBracket: "RBracket", LParen: "RParen" };
const CLOSERS = new Set(Object.values(OPENERS));

/**
 * Folding ranges: every bracketed block spanning lines (promotions, stacking, examples, records, lists), matched
 * from the tokens so half-typed files fold too; clauses and declarations without brackets that span lines (a long
 * `when`, a scope over several lines); and runs of two or more comment lines. A block's range stops on the line
 * before its closing bracket when that line holds only the bracket, so the bracket stays visible.
 */
export function foldingRanges(text: string, lineOf: (offset: number) => number, analysis: Analysis | undefined): FoldingRange[] {
  const lexed = lex(text);
  const ranges: FoldingRange[] = [];
  const stack: { type: string; line: number }[] = [];
  for (const token of lexed.tokens) {
    const name = token.tokenType.name;
    if (OPENERS[name]) stack.push({ type: name, line: lineOf(token.startOffset) });
    else if (CLOSERS.has(name)) {
      // A stray closer matches the nearest opener of its kind; openers left unclosed in between are dropped.
      let i = stack.length - 1;
      while (i >= 0 && OPENERS[stack[i]!.type] !== name) i--;
      if (i < 0) continue;
      const open = stack[i]!;
      stack.length = i;
      const closeLine = lineOf(token.startOffset);
      const alone = /^\s*$/.test(text.slice(text.lastIndexOf("\n", token.startOffset - 1) + 1, token.startOffset));
      const endLine = alone ? closeLine - 1 : closeLine;
      if (endLine > open.line) ranges.push({ startLine: open.line, endLine });
    }
  }
  // Unclosed blocks (a half-typed promotion) fold to their last token.
  const lastToken = lexed.tokens[lexed.tokens.length - 1];
  if (lastToken) {
    const lastLine = lineOf(lastToken.startOffset);
    for (const open of stack) if (lastLine > open.line) ranges.push({ startLine: open.line, endLine: lastLine });
  }

  if (analysis && analysis.text === text) {
    for (const decl of analysis.parsed.ast.declarations) {
      const spans =
        decl.kind === "Promotion"
          ? decl.clauses.map((c) => c.span)
          : decl.kind === "Scope" || decl.kind === "Earn" || decl.kind === "Window"
            ? [decl.span]
            : [];
      for (const span of spans) {
        const start = lineOf(span.start);
        const end = lineOf(Math.max(span.start, span.end - 1));
        if (end > start) ranges.push({ startLine: start, endLine: end });
      }
    }
  }

  // Runs of comment lines (comments alone on their line).
  let run: { start: number; end: number } | undefined;
  const flush = () => {
    if (run && run.end > run.start) ranges.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
    run = undefined;
  };
  for (const comment of lexed.comments) {
    const lineStart = text.lastIndexOf("\n", comment.startOffset - 1) + 1;
    if (!/^\s*$/.test(text.slice(lineStart, comment.startOffset))) {
      flush();
      continue;
    }
    const line = lineOf(comment.startOffset);
    if (run && line === run.end + 1) run.end = line;
    else {
      flush();
      run = { start: line, end: line };
    }
  }
  flush();

  // One range per start line (the outermost), in order.
  const byStart = new Map<number, FoldingRange>();
  for (const r of ranges) {
    const seen = byStart.get(r.startLine);
    if (!seen || r.endLine > seen.endLine) byStart.set(r.startLine, r);
  }
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

export const foldingFeature: Feature = {
  name: "foldingRange",
  capabilities: { foldingRangeProvider: true },
  register({ connection, workspace, guard }) {
    const analyses = analysesOf(workspace);
    connection.onFoldingRanges(
      guard("foldingRange", [] as FoldingRange[], (params: FoldingRangeParams) => {
        const doc: TextDocument | undefined = workspace.documents.get(params.textDocument.uri);
        const analysis = analyses.current(params.textDocument.uri);
        const text = doc?.getText() ?? analysis?.text;
        if (text === undefined) return [];
        const lineOf = doc ? (offset: number) => doc.positionAt(offset).line : (offset: number) => analysis!.parsed.source.positionAt(offset).line - 1;
        return foldingRanges(text, lineOf, analysis);
      }),
    );
  },
};
