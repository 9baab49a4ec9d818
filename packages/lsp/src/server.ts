import { TextDocumentSyncKind, type Connection, type InitializeResult, type ServerCapabilities } from "vscode-languageserver/node";
import type { Feature, FeatureContext } from "./feature.js";
import { guard } from "./guard.js";
import { FEATURES } from "./features/index.js";
import { Workspace } from "./workspace.js";

/** Wires the features to a connection (stdio in the bin, in-memory streams in tests) and starts listening. */
export function startServer(connection: Connection, features: readonly Feature[] = FEATURES): Workspace {
  const workspace = new Workspace();
  const ctx: FeatureContext = {
    connection,
    workspace,
    guard: (name, fallback, handler) => guard(connection, name, fallback, handler),
  };

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    const capabilities: ServerCapabilities = { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } } };
    for (const feature of features) Object.assign(capabilities, feature.capabilities);
    return { capabilities, serverInfo: { name: "promo-lsp", version: "0.1.0" } };
  });
  connection.onDidChangeWatchedFiles(ctx.guard("didChangeWatchedFiles", undefined, () => workspace.invalidate()));

  for (const feature of features) {
    try {
      feature.register(ctx);
    } catch (error) {
      connection.console.error(`promo-lsp: feature ${feature.name} failed to start: ${String(error)}`);
    }
  }
  workspace.documents.listen(connection);
  connection.listen();
  return workspace;
}
