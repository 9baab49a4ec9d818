import type { ast, CheckedProject, ResolvedSymbol, SourceFile, Span } from "@promo/dsl";
import type { Location, Range } from "vscode-languageserver/node";
import { pathToUri } from "../convert.js";
import { allNodes, nodesAt } from "../locate.js";
import type { Analysis } from "../workspace.js";

/** A symbol that has a declaration in some file: what navigation, references and rename work on. */
export type DeclaredSymbol = Extract<ResolvedSymbol, { decl: unknown }>;
export type DeclaredKind = DeclaredSymbol["kind"];

/** What the cursor is on: a name node (a Name or an example's Word) and what it stands for, if anything. */
export interface Target {
  /** The nodes enclosing `node`, outermost (the file) first: `chain[chain.length - 1]` is its parent. */
  chain: ast.Node[];
  node: ast.Name | ast.WordValue;
  symbol: ResolvedSymbol | undefined;
  /** True when `node` is the name in the symbol's own declaration. */
  declaration: boolean;
}

export function isDeclared(symbol: ResolvedSymbol | undefined): symbol is DeclaredSymbol {
  return symbol !== undefined && "decl" in symbol;
}

/**
 * A symbol's identity across analyses: each analysis parses its files afresh (new node ids), but a declaration
 * is always the same kind, in the same file, at the same offset.
 */
export function symbolKey(symbol: DeclaredSymbol): string {
  return `${symbol.kind}\u0000${symbol.file.path}\u0000${symbol.decl.name.span.start}`;
}

/** Declaration names of a project, by the Name node's id: the checker's `refs` table holds only the uses. */
export function declarationNames(project: CheckedProject): Map<number, DeclaredSymbol> {
  const cached = declarationCache.get(project);
  if (cached) return cached;
  const out = new Map<number, DeclaredSymbol>();
  const { symbols } = project;
  for (const file of project.files) {
    const source = file.parsed.source;
    for (const decl of file.parsed.ast.declarations) {
      if (decl.kind === "Scope")
        out.set(decl.name.id, same(symbols.scopes.get(decl.name.text), decl) ?? { kind: "scope", name: decl.name.text, decl, file: source });
      else if (decl.kind === "Window")
        out.set(decl.name.id, same(symbols.windows.get(decl.name.text), decl) ?? { kind: "window", name: decl.name.text, decl, file: source });
      else if (decl.kind === "Group")
        out.set(decl.name.id, same(symbols.groups.get(decl.name.text), decl) ?? { kind: "group", name: decl.name.text, decl, file: source });
      else if (decl.kind === "Promotion")
        out.set(decl.name.id, same(symbols.promotions.get(decl.name.text), decl) ?? { kind: "promotion", name: decl.name.text, decl, file: source });
      else if (decl.kind === "Attribute") {
        const name = `${decl.root.text}.${decl.name.text}`;
        out.set(decl.name.id, same(symbols.attributes.get(name), decl) ?? { kind: "attribute", name, decl, file: source, type: { t: "unknown" } });
      }
    }
  }
  declarationCache.set(project, out);
  return out;
}

const declarationCache = new WeakMap<CheckedProject, Map<number, DeclaredSymbol>>();

/** The table's symbol when it is this declaration (a duplicate declaration gets a symbol of its own). */
function same<S extends DeclaredSymbol>(symbol: S | undefined, decl: ast.Node): S | undefined {
  return symbol && symbol.decl === decl ? symbol : undefined;
}

/** What a name node stands for in a project: a use (the checker's refs) or a declaration's own name. */
export function symbolOf(project: CheckedProject, node: ast.Node): { symbol: ResolvedSymbol | undefined; declaration: boolean } {
  const declared = declarationNames(project).get(node.id);
  if (declared) return { symbol: declared, declaration: true };
  return { symbol: project.tables.refs.get(node.id), declaration: false };
}

/** The name (or example word) at `offset` and what it resolves to; undefined when the offset is on no name. */
export function targetAt(analysis: Analysis, offset: number): Target | undefined {
  const chain = nodesAt(analysis.parsed.ast, offset);
  const node = chain[chain.length - 1];
  if (!node || (node.kind !== "Name" && node.kind !== "Word") || node.span.end <= node.span.start) return undefined;
  const { symbol, declaration } = symbolOf(analysis.project, node);
  return { chain: chain.slice(0, -1), node, symbol, declaration };
}

export interface Occurrence {
  source: SourceFile;
  span: Span;
  declaration: boolean;
}

/** Every use and the declaration of a symbol (by key) in every file of a project. */
export function occurrencesIn(project: CheckedProject, key: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const file of project.files) {
    for (const node of allNodes(file.parsed.ast)) {
      if (node.kind !== "Name" && node.kind !== "Word") continue;
      const { symbol, declaration } = symbolOf(project, node);
      if (isDeclared(symbol) && symbolKey(symbol) === key) out.push({ source: file.parsed.source, span: node.span, declaration });
    }
  }
  return out;
}

/** LSP range of a span in a source file (positions are UTF-16 code units in both). */
export function rangeIn(source: SourceFile, span: Span): Range {
  const start = source.positionAt(span.start);
  const end = source.positionAt(span.end);
  return { start: { line: start.line - 1, character: start.column - 1 }, end: { line: end.line - 1, character: end.column - 1 } };
}

export function locationIn(source: SourceFile, span: Span): Location {
  return { uri: pathToUri(source.path), range: rangeIn(source, span) };
}

/** Where a symbol is declared: its name in its declaration. */
export function declarationLocation(symbol: DeclaredSymbol): Location {
  return locationIn(symbol.file, symbol.decl.name.span);
}

/**
 * The analyses of every workspace file whose project contains `path` (they can see the declarations in it),
 * plus `current`. Each project is analysed once (cached by the workspace).
 */
export function projectsContaining(files: readonly string[], analyze: (uri: string) => Analysis | undefined, path: string, current: Analysis): Analysis[] {
  const out = [current];
  for (const uri of files) {
    if (uri === current.uri) continue;
    const analysis = analyze(uri);
    if (analysis && analysis.project.files.some((f) => f.parsed.source.path === path)) out.push(analysis);
  }
  return out;
}

/** Occurrences of a symbol across projects, each location once. */
export function occurrencesAcross(analyses: readonly Analysis[], key: string): Occurrence[] {
  const seen = new Set<string>();
  const out: Occurrence[] = [];
  for (const analysis of analyses) {
    for (const o of occurrencesIn(analysis.project, key)) {
      const id = `${o.source.path}\u0000${o.span.start}\u0000${o.span.end}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(o);
    }
  }
  return out.sort((a, b) => (a.source.path === b.source.path ? a.span.start - b.span.start : a.source.path < b.source.path ? -1 : 1));
}

/** The source text of a node, for hovers. */
export function textOf(source: SourceFile, span: Span): string {
  return source.text.slice(span.start, span.end);
}
