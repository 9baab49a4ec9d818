import type { Feature } from "../feature.js";
import { toLspDiagnostic } from "../convert.js";

/**
 * Diagnostics as you type: every open document is re-checked after each change (the newest version only; a
 * stale run is dropped), and so are the open documents that import it. The check is incremental (workspace.ts):
 * only the declarations the edit touched, and those that read a name it changed, are checked again. The check waits for a short pause
 * (DEBOUNCE_MS) so that the completion or hover a client sends right after a keystroke is answered first.
 */
const DEBOUNCE_MS = 8;
export const diagnosticsFeature: Feature = {
  name: "diagnostics",
  capabilities: {},
  register({ connection, workspace, guard }) {
    const pending = new Map<string, NodeJS.Timeout>();
    const publish = guard("publishDiagnostics", undefined, (uri: string) => {
      const doc = workspace.documents.get(uri);
      if (!doc) return;
      const analysis = workspace.analyze(uri);
      // A newer edit arrived while checking: its own run publishes.
      if (!analysis || workspace.documents.get(uri)?.version !== analysis.version) return;
      void connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: analysis.diagnostics.map(toLspDiagnostic) });
    });
    const schedule = (uri: string) => {
      const previous = pending.get(uri);
      if (previous) clearTimeout(previous);
      pending.set(
        uri,
        setTimeout(() => {
          pending.delete(uri);
          void publish(uri);
        }, DEBOUNCE_MS),
      );
    };
    workspace.documents.onDidChangeContent((event) => {
      schedule(event.document.uri);
      for (const dependent of workspace.dependents(event.document.uri)) schedule(dependent);
    });
    workspace.documents.onDidClose((event) => {
      const previous = pending.get(event.document.uri);
      if (previous) clearTimeout(previous);
      pending.delete(event.document.uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    });
  },
};
