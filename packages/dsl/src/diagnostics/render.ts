import type { SourceFile } from "../util/source.js";
import type { Diagnostic, DiagnosticSpan } from "./diagnostic.js";

/**
 * Human-readable diagnostics: rustc-style code frames.
 *
 *     error[currency-mismatch]: 5.00 EUR is in EUR but USD is expected
 *       --> examples/x.promo:12:8
 *        |
 *     12 |   give 5.00 EUR off order
 *        |        ^^^^^^^^
 *        = note: first declared here  --> examples/x.promo:3:1
 *        = help: Change to 'USD'
 *
 * Only the first line of a span is shown; carets run to the end of that line when the span continues. The
 * output is plain text unless `color` is set, so it can be compared exactly in tests and piped to files.
 */
export interface RenderOptions {
  color: boolean;
}

/** Source lines longer than this are trimmed to a window around the span. */
export const MAX_RENDERED_LINE = 160;
/** How much of the line before the span a trimmed window keeps. */
const CONTEXT_BEFORE = 40;
const ELLIPSIS = "...";

const ansi = {
  reset: "\u001b[0m",
  bold: "\u001b[1m",
  red: "\u001b[31m",
  yellow: "\u001b[33m",
  cyan: "\u001b[36m",
};

type Style = (text: string) => string;

function styles(color: boolean) {
  const wrap =
    (...codes: string[]): Style =>
    (text) =>
      color && text.length > 0 ? codes.join("") + text + ansi.reset : text;
  return {
    error: wrap(ansi.bold, ansi.red),
    warning: wrap(ansi.bold, ansi.yellow),
    caretError: wrap(ansi.red),
    caretWarning: wrap(ansi.yellow),
    bold: wrap(ansi.bold),
    gutter: wrap(ansi.cyan),
  };
}

export function formatLocation(span: DiagnosticSpan): string {
  return `${span.file}:${span.startLine}:${span.startColumn}`;
}

export function renderDiagnostic(d: Diagnostic, getSource: (file: string) => SourceFile | undefined, options: RenderOptions): string {
  const s = styles(options.color);
  const severityStyle = d.severity === "error" ? s.error : s.warning;
  const caretStyle = d.severity === "error" ? s.caretError : s.caretWarning;

  const lines: string[] = [];
  lines.push(`${severityStyle(`${d.severity}[${d.code}]`)}${s.bold(`: ${d.message}`)}`);

  const frame = codeFrame(d.span, getSource(d.span.file));
  const width = String(frame ? frame.lineNumber : d.span.startLine).length;
  const pad = " ".repeat(width);
  lines.push(`${pad}${s.gutter("-->")} ${formatLocation(d.span)}`);
  if (frame) {
    const bar = s.gutter("|");
    lines.push(`${pad} ${bar}`);
    lines.push(trimEnd(`${s.gutter(String(frame.lineNumber).padStart(width))} ${bar} ${frame.text}`));
    lines.push(`${pad} ${bar} ${frame.padding}${caretStyle("^".repeat(frame.carets))}`);
  }
  for (const related of d.related) {
    lines.push(`${pad} ${s.gutter("=")} ${s.bold("note")}: ${related.message}  ${s.gutter("-->")} ${formatLocation(related.span)}`);
  }
  for (const fix of d.fixes) {
    lines.push(`${pad} ${s.gutter("=")} ${s.bold("help")}: ${fix.title}`);
  }
  return lines.join("\n") + "\n";
}

/** `2 errors, 1 warning in 3 files`, `no problems in 1 file`. */
export function renderSummary(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(plural(errors, "error"));
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  const what = parts.length > 0 ? parts.join(", ") : "no problems";
  return `${what} in ${plural(fileCount, "file")}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function trimEnd(text: string): string {
  return text.replace(/[ ]+$/, "");
}

interface Frame {
  lineNumber: number;
  /** The (possibly trimmed, sanitised) source line. */
  text: string;
  /** Whitespace that puts the first caret under the span's first character; tabs are kept as tabs. */
  padding: string;
  carets: number;
}

function codeFrame(span: DiagnosticSpan, source: SourceFile | undefined): Frame | undefined {
  if (!source) return undefined;
  const lineNumber = span.startLine;
  if (lineNumber < 1 || lineNumber > source.lineStarts.length) return undefined;
  const line = source.lineText(lineNumber);

  // Columns are 1-based UTF-16 offsets into the line; clamp them in case the span and the text disagree.
  const start = clamp(span.startColumn - 1, 0, line.length);
  const end = span.endLine === span.startLine ? clamp(span.endColumn - 1, start, line.length) : line.length;

  let from = 0;
  let to = line.length;
  if (line.length > MAX_RENDERED_LINE) {
    from = Math.max(0, start - CONTEXT_BEFORE);
    to = Math.min(line.length, from + MAX_RENDERED_LINE);
    from = Math.max(0, to - MAX_RENDERED_LINE);
    // Never cut a surrogate pair in half.
    if (from > 0 && isLowSurrogate(line.charCodeAt(from))) from++;
    if (to < line.length && isHighSurrogate(line.charCodeAt(to - 1))) to--;
  }
  const left = from > 0 ? ELLIPSIS : "";
  const right = to < line.length ? ELLIPSIS : "";
  const text = left + sanitize(line.slice(from, to)) + right;

  const caretStart = clamp(start, from, to);
  const caretEnd = clamp(end, caretStart, to);
  const padding = " ".repeat(left.length) + [...line.slice(from, caretStart)].map((ch) => (ch === "\t" ? "\t" : " ")).join("");
  const carets = Math.max(1, [...line.slice(caretStart, caretEnd)].length);
  return { lineNumber, text, padding, carets };
}

/**
 * Control characters (a binary file, an escape sequence hidden in a rule file) and bidirectional overrides are
 * shown as visible symbols, one UTF-16 unit each so that columns stay aligned, never sent to the terminal.
 */
function sanitize(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return "\ufffd";
  });
}

function clamp(n: number, low: number, high: number): number {
  return Math.max(low, Math.min(n, high));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
