import type { ast, Diagnostic as PromoDiagnostic, Fix } from "@promo/dsl";
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver/node";
import { pathToUri, rangeOfSpan } from "../convert.js";
import type { Analysis } from "../workspace.js";

/** Codes whose fixes are "did you mean" replacements: one suggestion is the preferred action. */
const DID_YOU_MEAN = new Set(["unknown-name", "unknown-field", "unknown-kind", "unknown-currency", "unknown-region", "unknown-time-zone", "unknown-unit"]);
/** Codes whose single fix is the obvious one. */
const OBVIOUS = new Set(["unterminated-string", "missing-currency", "currency-mismatch", "file-currency-missing", "priority-tie"]);

/** A fix as it travels in a diagnostic's `data.fixes` (validated: a client may send anything back). */
export function fixesFromData(data: unknown): Fix[] | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const fixes = (data as { fixes?: unknown }).fixes;
  if (!Array.isArray(fixes)) return undefined;
  return fixes.every(isFix) ? (fixes as Fix[]) : undefined;
}

function isFix(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { title, edits } = value as { title?: unknown; edits?: unknown };
  return typeof title === "string" && Array.isArray(edits) && edits.every(isEdit);
}

function isEdit(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { span, newText } = value as { span?: unknown; newText?: unknown };
  if (typeof newText !== "string" || typeof span !== "object" || span === null) return false;
  const s = span as Record<string, unknown>;
  return typeof s.file === "string" && ["startLine", "startColumn", "endLine", "endColumn"].every((k) => Number.isInteger(s[k]) && (s[k] as number) >= 1);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/**
 * The analysis' diagnostic that a client's diagnostic stands for: the same code and range (`exact`), or failing
 * that the same code and message (the client moved the range along with an edit). Undefined means it is stale.
 */
export function currentDiagnostic(analysis: Analysis, diagnostic: Diagnostic): { diagnostic: PromoDiagnostic; exact: boolean } | undefined {
  const sameCode = analysis.diagnostics.filter((d) => d.code === diagnostic.code);
  const exact =
    sameCode.find((d) => sameRange(rangeOfSpan(d.span), diagnostic.range) && d.message === diagnostic.message) ??
    sameCode.find((d) => sameRange(rangeOfSpan(d.span), diagnostic.range));
  if (exact) return { diagnostic: exact, exact: true };
  const moved = sameCode.find((d) => d.message === diagnostic.message);
  return moved ? { diagnostic: moved, exact: false } : undefined;
}

/** A dsl fix as a WorkspaceEdit: each edit goes to the URI of its own span's file. */
export function workspaceEdit(fix: Fix, analysis: Analysis | undefined): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of fix.edits) {
    const uri = analysis && edit.span.file === analysis.path ? analysis.uri : pathToUri(edit.span.file);
    (changes[uri] ??= []).push({ range: rangeOfSpan(edit.span), newText: edit.newText });
  }
  return { changes };
}

export function quickFix(title: string, diagnostic: Diagnostic, edit: WorkspaceEdit, isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit, ...(isPreferred ? { isPreferred: true } : {}) };
}

/** The code actions for a diagnostic's own fixes. */
export function actionsForFixes(fixes: readonly Fix[], diagnostic: Diagnostic, analysis: Analysis | undefined): CodeAction[] {
  const code = String(diagnostic.code ?? "");
  const preferred = fixes.length === 1 && (DID_YOU_MEAN.has(code) || OBVIOUS.has(code));
  return fixes.map((fix) => quickFix(fix.title, diagnostic, workspaceEdit(fix, analysis), preferred));
}

/** The file's currency, or the first currency written after an amount, or USD. */
export function guessCurrency(analysis: Analysis): string {
  const own = analysis.project.files.find((f) => f.parsed.source.path === analysis.path)?.currency;
  return own ?? /\d\s+([A-Z]{3})\b/.exec(analysis.text)?.[1] ?? "USD";
}

/** Actions the diagnostics suggest beyond the fixes they carry (they need the syntax tree or the file's text). */
export function extraActions(analysis: Analysis, current: PromoDiagnostic, diagnostic: Diagnostic): CodeAction[] {
  const doc = analysis.document;
  const start = current.span.start;
  switch (current.code) {
    case "missing-clause": {
      const clause = /has no '([a-z]+)' clause/.exec(current.message)?.[1];
      const decl = analysis.parsed.ast.declarations.find((d): d is ast.PromotionDecl => d.kind === "Promotion" && d.name.span.start === start);
      if (!clause || !decl) return [];
      const line = clauseText(clause, decl, analysis);
      const edit = insertClause(analysis.text, decl, line);
      if (!line || !edit) return [];
      const range = { start: doc.positionAt(edit.start), end: doc.positionAt(edit.end) };
      return [quickFix(`Add '${line}'`, diagnostic, { changes: { [analysis.uri]: [{ range, newText: edit.newText }] } }, true)];
    }
    case "file-currency-missing": {
      if (current.fixes.length > 0) return [];
      const currency = guessCurrency(analysis);
      const at = doc.positionAt(start);
      return [
        quickFix(
          `Declare currency ${currency}`,
          diagnostic,
          { changes: { [analysis.uri]: [{ range: { start: at, end: at }, newText: `currency ${currency}\n\n` }] } },
          true,
        ),
      ];
    }
    case "missing-currency": {
      if (current.fixes.length > 0) return [];
      const currency = guessCurrency(analysis);
      const text = analysis.text.slice(current.span.start, current.span.end);
      const range = { start: doc.positionAt(current.span.start), end: doc.positionAt(current.span.end) };
      return [quickFix(`Add ${currency}`, diagnostic, { changes: { [analysis.uri]: [{ range, newText: `${text} ${currency}` }] } }, true)];
    }
    default:
      return [];
  }
}

/** The line that supplies a missing clause, fitted to what the promotion already says. */
function clauseText(clause: string, decl: ast.PromotionDecl, analysis: Analysis): string | undefined {
  const has = (kind: ast.Clause["kind"]) => decl.clauses.find((c) => c.kind === kind);
  const give = has("Give") as ast.GiveClause | undefined;
  const kind = (has("KindClause") as ast.KindClause | undefined)?.name.text;
  switch (clause) {
    case "title":
      return `title ${JSON.stringify(decl.name.text)}`;
    case "kind": {
      const benefit = give?.benefit;
      if (benefit?.kind === "Coins") return "kind coins";
      if (benefit?.kind === "FreeShipping" || (benefit?.kind === "Discount" && benefit.target.kind === "ShippingTarget")) return "kind shipping";
      return has("Code") ? "kind promo-code" : "kind automatic";
    }
    case "give":
      if (kind === "shipping") return "give free shipping";
      if (kind === "coins") return `give coins at 100 per 1 ${guessCurrency(analysis)}`;
      return "give 10% off order";
    case "code":
      return `code ${JSON.stringify(
        decl.name.text
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, "")
          .slice(0, 24) || "SAVE10",
      )}`;
    default:
      return undefined;
  }
}

function lineStart(text: string, offset: number): number {
  let at = offset;
  while (at > 0 && text[at - 1] !== "\n" && text[at - 1] !== "\r") at--;
  return at;
}

/** The whitespace before `offset` on its line, when only whitespace precedes it there. */
function indentBefore(text: string, offset: number): string | undefined {
  const before = text.slice(lineStart(text, offset), offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Inserts `line` as the promotion's last clause, before its closing brace, indented like its other clauses (or
 * two spaces deeper than the promotion). Undefined when the promotion has no closing brace (the parser recovered).
 */
export function insertClause(text: string, decl: ast.PromotionDecl, line: string | undefined): { start: number; end: number; newText: string } | undefined {
  if (line === undefined) return undefined;
  const brace = decl.span.end - 1;
  if (text[brace] !== "}") return undefined;
  const declIndent = indentBefore(text, decl.span.start) ?? "";
  const firstClause = decl.clauses[0];
  const indent = (firstClause && indentBefore(text, firstClause.span.start)) || `${declIndent}  `;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const braceIndent = indentBefore(text, brace);
  if (braceIndent !== undefined) {
    // `}` starts its line: the new clause goes on a line of its own just above it.
    const at = lineStart(text, brace);
    return { start: at, end: at, newText: `${indent}${line}${eol}` };
  }
  // `{ title "x" }` on one line: break before the brace.
  let from = brace;
  while (from > 0 && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
  return { start: from, end: brace, newText: `${eol}${indent}${line}${eol}${declIndent}` };
}
