import type { Span } from "../ast/nodes.js";
import type { SourceFile } from "../util/source.js";

export type Severity = "error" | "warning";

/** Where a diagnostic points: UTF-16 offsets (end exclusive, as LSP counts) plus 1-based line:column for humans. */
export interface DiagnosticSpan {
  file: string;
  start: number;
  end: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedInformation {
  message: string;
  span: DiagnosticSpan;
}

export interface TextEdit {
  span: DiagnosticSpan;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: DiagnosticSpan;
  related: RelatedInformation[];
  fixes: Fix[];
}

export function spanIn(file: SourceFile, span: Span): DiagnosticSpan {
  const start = file.positionAt(span.start);
  const end = file.positionAt(span.end);
  return {
    file: file.path,
    start: span.start,
    end: span.end,
    startLine: start.line,
    startColumn: start.column,
    endLine: end.line,
    endColumn: end.column,
  };
}

export function replaceFix(title: string, span: DiagnosticSpan, newText: string): Fix {
  return { title, edits: [{ span, newText }] };
}

/** Errors first by position; a stable order so output and tests do not depend on discovery order. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}
