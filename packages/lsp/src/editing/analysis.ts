import type { Analysis, Workspace } from "../workspace.js";

/**
 * The latest analysis each editing feature has seen, per document. `current` asks the workspace (whose cache
 * answers at once when the document's version was already checked, usually by the diagnostics run that follows
 * every change). `recent` never checks: a completion on a large file must answer in milliseconds, and the
 * declared names of an analysis one keystroke old are good enough (the current text is scanned for new ones).
 */
export class Analyses {
  private readonly latest = new Map<string, Analysis>();
  private readonly refreshing = new Set<string>();

  constructor(private readonly workspace: Workspace) {
    workspace.documents.onDidClose((event) => this.latest.delete(event.document.uri));
  }

  current(uri: string): Analysis | undefined {
    const analysis = this.workspace.analyze(uri);
    // Only open documents are remembered (closing one forgets it); files on disk are cached by the workspace.
    if (analysis && this.workspace.documents.get(uri)) this.latest.set(uri, analysis);
    return analysis;
  }

  /**
   * The analysis of the current version if known, else the newest one known (refreshed after this request, from
   * the workspace's cache when the diagnostics run has filled it), else a fresh one.
   */
  recent(uri: string): Analysis | undefined {
    const known = this.latest.get(uri);
    if (!known) return this.current(uri);
    const version = this.workspace.documents.get(uri)?.version;
    if (version !== undefined && version !== known.version && !this.refreshing.has(uri)) {
      this.refreshing.add(uri);
      // setTimeout, not setImmediate: the server also runs in a browser worker (src/browser.ts).
      setTimeout(() => {
        this.refreshing.delete(uri);
        try {
          if (this.workspace.documents.get(uri)) this.current(uri);
        } catch {
          // the next request asks again
        }
      });
    }
    return known;
  }
}

const shared = new WeakMap<Workspace, Analyses>();

/** One memo per workspace, shared by the editing features. */
export function analysesOf(workspace: Workspace): Analyses {
  let memo = shared.get(workspace);
  if (!memo) {
    memo = new Analyses(workspace);
    shared.set(workspace, memo);
  }
  return memo;
}
