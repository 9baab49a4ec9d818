import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { parseSource, type ParseResult } from "../parser/parse.js";
import { Printer, render } from "./printer.js";

export { MAX_WIDTH } from "./printer.js";

export interface FormatResult {
  /** The canonical text, or undefined when the file has syntax errors (a broken file is never formatted). */
  text: string | undefined;
  diagnostics: Diagnostic[];
}

/** A replacement of source[start, end) (UTF-16 offsets, end exclusive) by newText. */
export interface FormatEdit {
  start: number;
  end: number;
  newText: string;
}

export interface RangeFormatResult {
  edits: FormatEdit[];
  diagnostics: Diagnostic[];
}

function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Parses and formats a whole file. */
export function formatSource(path: string, text: string): FormatResult {
  const parsed = parseSource(path, text);
  if (hasErrors(parsed.diagnostics)) return { text: undefined, diagnostics: parsed.diagnostics };
  return { text: formatParsed(parsed), diagnostics: parsed.diagnostics };
}

/** Formats an already parsed file. The parse must be free of errors (see formatSource). */
export function formatParsed(parsed: ParseResult): string {
  return render(new Printer(parsed).print().lines).text;
}

/**
 * Formats only the top-level declarations overlapping [start, end) (an empty range selects the declaration at
 * `start`). The result is one edit covering the run of those declarations, whose text is exactly what the whole-file
 * formatter prints for them (with the blank lines and comments between them); the rest of the file is untouched.
 * No edit is returned when that part is already formatted.
 */
export function formatRange(path: string, text: string, start: number, end: number): RangeFormatResult {
  const parsed = parseSource(path, text);
  if (hasErrors(parsed.diagnostics)) return { edits: [], diagnostics: parsed.diagnostics };

  const printer = new Printer(parsed).print();
  const output = render(printer.lines);
  const declarations = parsed.ast.declarations;

  // The source extent of each declaration includes the comment printed at the end of its last line.
  const extents = declarations.map((d, i) => {
    const last = printer.lines[printer.decls[i]!.last]!;
    return { start: d.span.start, end: Math.max(d.span.end, last.trailing?.span.end ?? 0) };
  });
  const overlapping = extents.flatMap((x, i) => {
    const hit = start === end ? x.start <= start && start <= x.end : x.start < end && start < x.end;
    return hit ? [i] : [];
  });
  const first = overlapping[0];
  const last = overlapping[overlapping.length - 1];
  if (first === undefined || last === undefined) return { edits: [], diagnostics: parsed.diagnostics };

  // Whole lines in the source when the run starts or ends its line, so indentation and trailing spaces go too.
  let sourceStart = extents[first]!.start;
  let lineStart = sourceStart;
  while (lineStart > 0 && (text[lineStart - 1] === " " || text[lineStart - 1] === "\t")) lineStart--;
  if (lineStart === 0 || text[lineStart - 1] === "\n" || text[lineStart - 1] === "\r") sourceStart = lineStart;
  let sourceEnd = extents[last]!.end;
  let lineEnd = sourceEnd;
  while (lineEnd < text.length && (text[lineEnd] === " " || text[lineEnd] === "\t")) lineEnd++;
  if (lineEnd === text.length || text[lineEnd] === "\n" || text[lineEnd] === "\r") sourceEnd = lineEnd;

  const newText = output.text.slice(output.starts[printer.decls[first]!.first], output.ends[printer.decls[last]!.last]);
  if (text.slice(sourceStart, sourceEnd) === newText) return { edits: [], diagnostics: parsed.diagnostics };
  return { edits: [{ start: sourceStart, end: sourceEnd, newText }], diagnostics: parsed.diagnostics };
}
