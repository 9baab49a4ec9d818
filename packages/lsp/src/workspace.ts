import {
  checkProject,
  decodeSource,
  DeclarationMemo,
  parseSource,
  reparse,
  type CheckedProject,
  type Diagnostic,
  type ParseResult,
  type SourceHost,
} from "@promo/dsl";
import { TextDocument } from "vscode-languageserver-textdocument";
import { TextDocuments } from "vscode-languageserver/node";
import { pathToUri, uriToPath } from "./convert.js";

/** What the server knows about one file: its parse, its project (the file and its imports) and its diagnostics. */
export interface Analysis {
  uri: string;
  path: string;
  version: number;
  text: string;
  document: TextDocument;
  parsed: ParseResult;
  project: CheckedProject;
  /** This file's diagnostics only (imported files report their own). */
  diagnostics: Diagnostic[];
  /** What the check did and read per declaration, so that the next check of this file replays what an edit left alone. */
  memo: DeclarationMemo;
}

const MAX_WORKSPACE_FILES = 5_000;

/**
 * Where the workspace's files live: the local disk for the stdio server, memory for an in-browser server.
 * Only this interface touches a file system, so the server itself runs wherever its connection does.
 */
export interface WorkspaceFiles {
  /** Reads and resolves source files (open documents are layered over it). */
  host: SourceHost;
  /** The `.promo` files under a folder, sorted, at most `limit` of them. */
  list(folder: string, limit: number): string[];
}

/**
 * Open documents over the files on disk. Analyses are cached by document version (open files) or by text
 * (files on disk), so every feature answering for the same version reads the same tables.
 */
export class Workspace {
  readonly documents = new TextDocuments(TextDocument);
  private folders: string[] = [];
  private readonly cache = new Map<string, Analysis>();
  private discovered: string[] | undefined;

  constructor(private readonly store: WorkspaceFiles) {}

  /** Reads open documents first, then the disk: an unsaved edit to an imported file is seen at once. */
  readonly host: SourceHost = {
    readFile: (path) => {
      const open = this.documents.get(pathToUri(path));
      return open ? new TextEncoder().encode(open.getText()) : this.store.host.readFile(path);
    },
    resolve: (from, specifier) => this.store.host.resolve(from, specifier),
  };

  setFolders(uris: readonly string[]): void {
    this.folders = uris.map(uriToPath);
    this.discovered = undefined;
  }

  invalidate(): void {
    this.cache.clear();
    this.discovered = undefined;
  }

  /** The analysis of a document (open, or on disk); undefined when it cannot be read. */
  analyze(uri: string): Analysis | undefined {
    const path = uriToPath(uri);
    const open = this.documents.get(uri);
    const text = open?.getText() ?? this.diskText(path);
    if (text === undefined) return undefined;
    const version = open?.version ?? -1;
    const cached = this.cache.get(uri);
    if (cached && cached.version === version && cached.text === text && this.importsUnchanged(cached)) return cached;
    // Open documents are re-parsed incrementally from their last parse: only the declarations an edit touches.
    const previous = cached?.parsed;
    const own = open && previous ? reparse(previous, text) : parseSource(path, text);
    const parsedFiles = new Map([[path, own], ...this.unchangedImports(cached)]);
    // The check is incremental too: declarations kept by the re-parse are replayed unless a name they read changed.
    const memo = cached?.memo ?? new DeclarationMemo();
    const { project, diagnostics } = checkProject([path], this.host, {}, parsedFiles, memo);
    const parsed = project.files.find((f) => f.parsed.source.path === path)?.parsed ?? own;
    const analysis: Analysis = {
      uri,
      path,
      version,
      text,
      document: open ?? TextDocument.create(uri, "promo", 0, text),
      parsed,
      project,
      diagnostics: diagnostics.filter((d) => d.span.file === path),
      memo,
    };
    this.cache.set(uri, analysis);
    return analysis;
  }

  /**
   * Whether every file the analysis imported still has the text it was checked with. Open documents are compared
   * (an unsaved edit to an imported file changes its importers' diagnostics); files on disk change through
   * didChangeWatchedFiles, which clears the cache.
   */
  private importsUnchanged(analysis: Analysis): boolean {
    return analysis.project.files.every((f) => {
      const doc = f.parsed.source.path === analysis.path ? undefined : this.documents.get(pathToUri(f.parsed.source.path));
      return !doc || doc.getText() === f.parsed.source.text;
    });
  }

  /**
   * The previous parses of the imported files whose text is unchanged, by path. Reusing the parse keeps their
   * declarations the same objects, which is what lets the check replay them (a fresh parse would be all new).
   */
  private unchangedImports(analysis: Analysis | undefined): [string, ParseResult][] {
    if (!analysis) return [];
    return analysis.project.files.flatMap((f) => {
      const path = f.parsed.source.path;
      if (path === analysis.path) return [];
      const open = this.documents.get(pathToUri(path));
      let text: string | undefined;
      if (open) text = open.getText();
      else {
        // Read as the project loader reads it; a file that does not decode cleanly is left to the loader.
        const bytes = this.store.host.readFile(path);
        const decoded = bytes === undefined ? undefined : decodeSource(path, bytes);
        text = decoded && decoded.diagnostics.length === 0 ? decoded.text : undefined;
      }
      return text === f.parsed.source.text ? [[path, f.parsed]] : [];
    });
  }

  private diskText(path: string): string | undefined {
    const bytes = this.store.host.readFile(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  /** Every .promo file of the workspace folders plus every open document, as URIs. */
  files(): string[] {
    this.discovered ??= this.folders
      .flatMap((folder) => this.store.list(folder, MAX_WORKSPACE_FILES))
      .slice(0, MAX_WORKSPACE_FILES)
      .map(pathToUri);
    const open = this.documents.keys();
    return [...new Set([...this.discovered, ...open])].sort();
  }

  /** Open documents whose project includes `uri` (they import it), for re-validation after an edit. */
  dependents(uri: string): string[] {
    const path = uriToPath(uri);
    return this.documents.keys().filter((other) => other !== uri && this.cache.get(other)?.project.files.some((f) => f.parsed.source.path === path));
  }
}
