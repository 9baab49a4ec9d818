import type { Declaration, PromoFile, Span } from "../ast/nodes.js";
import { SourceFile } from "../util/source.js";
import { parseSource, type Comment, type ParseResult } from "./parse.js";

/**
 * Re-parses only the top-level declarations an edit touches, reusing the others (their spans shifted). Editors
 * call this on every keystroke; the result is the same as `parseSource(path, text)` up to node ids. Falls back to
 * a full parse whenever reuse could be wrong: the previous parse or the re-parsed region has a diagnostic, or
 * the edit reaches outside whole declarations.
 *
 * `previous` is consumed when reuse succeeds: the declarations after the edit are moved in place (copying them
 * would cost as much as parsing them), so only the returned result may be used afterwards.
 */
export function reparse(previous: ParseResult, text: string): ParseResult {
  const path = previous.source.path;
  const oldText = previous.source.text;
  if (previous.diagnostics.length > 0 || oldText === text) return oldText === text ? previous : parseSource(path, text);

  let prefix = 0;
  const maxPrefix = Math.min(oldText.length, text.length);
  while (prefix < maxPrefix && oldText.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < maxPrefix - prefix && oldText.charCodeAt(oldText.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const oldEnd = oldText.length - suffix;
  const delta = text.length - oldText.length;

  const decls = previous.ast.declarations;
  // Declarations strictly before and after the edit survive; the region between them is parsed again.
  const before = decls.filter((d) => d.span.end < prefix);
  const after = decls.filter((d) => d.span.start > oldEnd);
  const regionStart = before.length > 0 ? before[before.length - 1]!.span.end : 0;
  const regionEndOld = after.length > 0 ? after[0]!.span.start : oldText.length;
  const regionEndNew = regionEndOld + delta;
  const comments = previous.comments;
  // A comment straddling the region's edges would be cut in two: parse everything instead.
  if (comments.some((c) => (c.span.start < regionStart && c.span.end > regionStart) || (c.span.start < regionEndOld && c.span.end > regionEndOld))) {
    return parseSource(path, text);
  }

  const region = parseSource(path, text.slice(regionStart, regionEndNew));
  if (region.diagnostics.length > 0) return parseSource(path, text);

  const source = new SourceFile(path, text);
  const middle = region.ast.declarations.map((d) => shift(d, regionStart));
  const shiftedAfter = after.map((d) => shift(d, delta));
  const ast: PromoFile = { ...previous.ast, span: { start: 0, end: text.length }, declarations: [...before, ...middle, ...shiftedAfter] };
  const keep = (c: Comment, from: number, to: number) => c.span.start >= from && c.span.end <= to;
  const newComments: Comment[] = [
    ...comments.filter((c) => keep(c, 0, regionStart)),
    ...region.comments.map((c) => ({ text: c.text, span: { start: c.span.start + regionStart, end: c.span.end + regionStart } })),
    ...comments
      .filter((c) => keep(c, regionEndOld, oldText.length))
      .map((c) => ({ text: c.text, span: { start: c.span.start + delta, end: c.span.end + delta } })),
  ];
  return { source, ast, comments: newComments, diagnostics: [] };
}

/**
 * The span objects of each declaration the re-parse has moved, found once: a declaration after the edit is moved
 * on every keystroke above it, and walking its nodes each time cost more than checking it. The nodes are never
 * replaced after parsing (only their spans are moved, in place), so the list stays the declaration's spans.
 */
const spansOf = new WeakMap<Declaration, Span[]>();

/** Moves every span of a declaration by `delta`, in place. */
function shift<T extends Declaration>(decl: T, delta: number): T {
  if (delta === 0) return decl;
  let spans = spansOf.get(decl);
  if (!spans) spansOf.set(decl, (spans = collectSpans(decl)));
  for (const span of spans) {
    span.start += delta;
    span.end += delta;
  }
  return decl;
}

/** Every `span` and `opSpan` object under a declaration, once per place it appears (iterative: deep nesting cannot overflow). */
function collectSpans(decl: Declaration): Span[] {
  const spans: Span[] = [];
  const stack: object[] = [decl];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    const node = value as Record<string, unknown>;
    for (const key in node) {
      const child = node[key];
      if (typeof child !== "object" || child === null) continue;
      if (key === "span" || key === "opSpan") spans.push(child as Span);
      else stack.push(child);
    }
  }
  return spans;
}
