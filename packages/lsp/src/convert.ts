import { fileURLToPath, pathToFileURL } from "node:url";
import type { Diagnostic as PromoDiagnostic, DiagnosticSpan, Span } from "@promo/dsl";
import { DiagnosticSeverity, type Diagnostic, type Range } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";

/** file: URIs become paths (so imports resolve on disk); other schemes (untitled:) keep the URI as their path. */
export function uriToPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return path.startsWith("/") ? pathToFileURL(path).href : path;
}

/** Offsets are UTF-16 code units in both the dsl and LSP, so conversion goes through the document. */
export function rangeOf(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

/** A range from a diagnostic span's 1-based line:column (used for files that are not open). */
export function rangeOfSpan(span: DiagnosticSpan): Range {
  return {
    start: { line: span.startLine - 1, character: span.startColumn - 1 },
    end: { line: span.endLine - 1, character: span.endColumn - 1 },
  };
}

export function toLspDiagnostic(d: PromoDiagnostic): Diagnostic {
  return {
    range: rangeOfSpan(d.span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    codeDescription: { href: `https://promo.invalid/docs/diagnostics#${d.code}` },
    source: "promo",
    message: d.message,
    relatedInformation: d.related.map((r) => ({ location: { uri: pathToUri(r.span.file), range: rangeOfSpan(r.span) }, message: r.message })),
    // The fixes travel with the diagnostic so code actions can offer them without re-checking.
    data: { fixes: d.fixes },
  };
}
