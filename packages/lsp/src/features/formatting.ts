import { formatParsed, formatRange, formatSource, hasErrors } from "@promo/dsl";
import type { DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { minimalEdit } from "../actions/text.js";
import { uriToPath } from "../convert.js";
import type { Feature } from "../feature.js";
import type { Workspace } from "../workspace.js";

/** The text to format: the open document, else the file on disk (through the workspace's analysis). */
function source(workspace: Workspace, uri: string): { doc: TextDocument; text: string } | undefined {
  const open = workspace.documents.get(uri);
  if (open) return { doc: open, text: open.getText() };
  const analysis = workspace.analyze(uri);
  return analysis ? { doc: analysis.document, text: analysis.text } : undefined;
}

/**
 * `promo fmt`'s text for `text`. The analysis of the same version (the one diagnostics use; computed here when it
 * is not yet) already holds the parse, so a large file is not parsed a second time; formatSource is exactly
 * parseSource + formatParsed, so the result is the same. Undefined for a file with syntax errors.
 */
function formatted(workspace: Workspace, uri: string, text: string): string | undefined {
  const analysis = workspace.analyze(uri);
  const parsed = analysis?.parsed;
  if (parsed && parsed.source.text === text) return hasErrors(parsed.diagnostics) ? undefined : formatParsed(parsed);
  return formatSource(uriToPath(uri), text).text;
}

/**
 * Whole-document formatting: exactly `promo fmt`'s output (formatSource), sent as the one edit that replaces the
 * part that differs. A file with syntax errors gets no edits (the formatter never touches a broken file).
 */
export function formatDocument(workspace: Workspace, params: DocumentFormattingParams): TextEdit[] {
  const uri = params.textDocument.uri;
  const found = source(workspace, uri);
  if (!found) return [];
  const canonical = formatted(workspace, uri, found.text);
  if (canonical === undefined) return [];
  const edit = minimalEdit(found.doc, found.text, 0, found.text.length, canonical);
  return edit ? [edit] : [];
}

/**
 * Range formatting: the top-level declarations the range touches are printed as `promo fmt` prints them in the
 * whole file (formatRange); the rest of the file is untouched. Positions out of the document are clamped.
 */
export function formatDocumentRange(workspace: Workspace, params: DocumentRangeFormattingParams): TextEdit[] {
  const uri = params.textDocument.uri;
  const found = source(workspace, uri);
  if (!found) return [];
  const a = found.doc.offsetAt(params.range.start);
  const b = found.doc.offsetAt(params.range.end);
  const { edits } = formatRange(uriToPath(uri), found.text, Math.min(a, b), Math.max(a, b));
  return edits.flatMap((e) => minimalEdit(found.doc, found.text, e.start, e.end, e.newText) ?? []);
}

export const formattingFeature: Feature = {
  name: "formatting",
  capabilities: { documentFormattingProvider: true, documentRangeFormattingProvider: true },
  register({ connection, workspace, guard }) {
    connection.onDocumentFormatting(guard<[DocumentFormattingParams], TextEdit[] | null>("formatting", null, (params) => formatDocument(workspace, params)));
    connection.onDocumentRangeFormatting(
      guard<[DocumentRangeFormattingParams], TextEdit[] | null>("rangeFormatting", null, (params) => formatDocumentRange(workspace, params)),
    );
  },
};
