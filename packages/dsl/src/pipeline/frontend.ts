import type { ImportDecl } from "../ast/nodes.js";
import { check, type CheckedProject, type CheckOptions } from "../checker/checker.js";
import type { DeclarationMemo } from "../checker/declaration-memo.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { sortDiagnostics, spanIn, type Diagnostic } from "../diagnostics/diagnostic.js";
import { decodeSource, parseSource, type ParseResult } from "../parser/parse.js";
import type { SourceHost } from "../project/host.js";
import { SourceFile } from "../util/source.js";
import { appendAll } from "../util/arrays.js";

/**
 * The front end as a list of named stages (read → parse → imports → check), so each can be timed and dumped.
 * No stage throws on user input: each returns its value and diagnostics.
 */
export type ParsedFile = ParseResult;

export interface Project {
  /** The root file first, then every file it imports (transitively), each once. */
  files: ParsedFile[];
  /** Diagnostics found while reading, parsing and resolving imports. */
  diagnostics: Diagnostic[];
}

export interface StageTiming {
  /** `check:<name>` for each of the checker's stages (CHECK_STAGES), in their order. */
  stage: "read" | "parse" | "imports" | `check:${string}`;
  ms: number;
}

export interface FrontEndResult {
  projects: CheckedProject[];
  /** Every diagnostic of every project, each reported once, sorted by file and position. */
  diagnostics: Diagnostic[];
  timings: StageTiming[];
}

class Timer {
  readonly totals = new Map<StageTiming["stage"], number>();
  time<T>(stage: StageTiming["stage"], work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }
  add(stage: StageTiming["stage"], ms: number): void {
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + ms);
  }
  /** The checker times its own stages; they are listed as `check:<name>`. */
  checked(project: CheckedProject): CheckedProject {
    for (const t of project.timings) this.add(`check:${t.stage}`, t.ms);
    return project;
  }
  list(): StageTiming[] {
    return [...this.totals].map(([stage, ms]) => ({ stage, ms }));
  }
}

/** Parses one file from bytes; the unit the parse cache and the language server work with. */
export function readAndParse(path: string, bytes: Uint8Array, timer?: Timer): ParsedFile {
  const run = <T>(stage: StageTiming["stage"], work: () => T) => (timer ? timer.time(stage, work) : work());
  const decoded = run("read", () => decodeSource(path, bytes));
  if (decoded.diagnostics.length > 0) {
    const parsed = parseSource(path, "");
    return { ...parsed, diagnostics: decoded.diagnostics };
  }
  return run("parse", () => parseSource(path, decoded.text));
}

export function loadProject(rootPath: string, host: SourceHost, cache = new Map<string, ParsedFile | undefined>(), timer?: Timer): Project {
  const files: ParsedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const visited = new Set<string>();
  const load = (path: string): ParsedFile | undefined => {
    if (!cache.has(path)) {
      const bytes = timer ? timer.time("read", () => host.readFile(path)) : host.readFile(path);
      cache.set(path, bytes === undefined ? undefined : readAndParse(path, bytes, timer));
    }
    return cache.get(path);
  };
  const visit = (path: string) => {
    if (visited.has(path)) return;
    visited.add(path);
    const file = load(path);
    if (!file) return;
    files.push(file);
    appendAll(diagnostics, file.diagnostics);
    for (const decl of file.ast.declarations) {
      // `cart from` files are read later (by `promo test`), but a path outside the project is reported here, with
      // its span, like an import's.
      if (decl.kind === "Example" && decl.cartFile && host.contains && !host.contains(host.resolve(path, decl.cartFile.value))) {
        diagnostics.push(Diagnostics.pathOutsideProject(spanIn(file.source, decl.cartFile.span), decl.cartFile.value, "cart from"));
      }
      if (decl.kind !== "Import") continue;
      const target = host.resolve(path, decl.path.value);
      if (host.contains && !host.contains(target)) {
        diagnostics.push(Diagnostics.pathOutsideProject(spanIn(file.source, decl.path.span), decl.path.value, "import"));
        continue;
      }
      const run = () => {
        if (!load(target)) diagnostics.push(importProblem(file.source, decl, "no such file"));
        else visit(target);
      };
      if (timer) timer.time("imports", run);
      else run();
    }
  };
  const root = load(rootPath);
  if (!root) {
    const empty = new SourceFile(rootPath, "");
    diagnostics.push(Diagnostics.importNotFound(spanIn(empty, { start: 0, end: 0 }), rootPath, "no such file"));
    return { files, diagnostics };
  }
  visit(rootPath);
  return { files, diagnostics };
}

function importProblem(source: SourceFile, decl: ImportDecl, reason: string): Diagnostic {
  return Diagnostics.importNotFound(spanIn(source, decl.path.span), decl.path.value, reason);
}

/**
 * Checks each root file as its own project (the file plus its imports). A file reached from several roots is
 * parsed once and its diagnostics are reported once.
 */
export function checkFiles(rootPaths: readonly string[], host: SourceHost, options: CheckOptions = {}): FrontEndResult {
  const timer = new Timer();
  const cache = new Map<string, ParsedFile | undefined>();
  const projects: CheckedProject[] = [];
  const all: Diagnostic[] = [];
  for (const root of rootPaths) {
    const project = loadProject(root, host, cache, timer);
    const checked = timer.checked(check(project.files, options));
    projects.push(checked);
    appendAll(appendAll(all, project.diagnostics), checked.diagnostics);
  }
  return { projects, diagnostics: dedupe(all), timings: timer.list() };
}

/**
 * Checks several root files as one project (what `promo compile` bundles): every root and everything they
 * import, each file once, one namespace, one stacking policy.
 */
export function checkProject(
  rootPaths: readonly string[],
  host: SourceHost,
  options: CheckOptions = {},
  /** Files already parsed (an editor's incremental parses), by path; the rest are read through the host. */
  parsed: ReadonlyMap<string, ParsedFile> = new Map(),
  /** An editor's memo of the previous check of these roots: unchanged declarations are replayed (checker/declaration-memo.ts). */
  memo?: DeclarationMemo,
): { project: CheckedProject; diagnostics: Diagnostic[]; timings: StageTiming[] } {
  const timer = new Timer();
  const cache = new Map<string, ParsedFile | undefined>(parsed);
  const files = new Map<string, ParsedFile>();
  const diagnostics: Diagnostic[] = [];
  for (const root of rootPaths) {
    const loaded = loadProject(root, host, cache, timer);
    appendAll(diagnostics, loaded.diagnostics);
    for (const file of loaded.files) files.set(file.source.path, file);
  }
  const project = timer.checked(check([...files.values()], options, memo));
  return { project, diagnostics: dedupe([...diagnostics, ...project.diagnostics]), timings: timer.list() };
}

/** Checks source text held in memory (tests, editor buffers): one file, no imports resolved from disk. */
export function checkSource(path: string, text: string, options: CheckOptions = {}): { project: CheckedProject; diagnostics: Diagnostic[] } {
  const parsed = parseSource(path, text);
  const checked = check([parsed], options);
  return { project: checked, diagnostics: dedupe([...parsed.diagnostics, ...checked.diagnostics]) };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.span.file}\u0000${d.span.start}\u0000${d.span.end}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return sortDiagnostics(out);
}
