import { TextDocumentSyncKind, type Connection, type InitializeResult, type ServerCapabilities } from "vscode-languageserver/node";
import type { Feature, FeatureContext } from "./feature.js";
import { guard } from "./guard.js";
import { FEATURES } from "./features/index.js";
import { nodeFiles } from "./node-files.js";
import { Workspace, type WorkspaceFiles } from "./workspace.js";

/**
 * Wires the features to a connection (stdio in the bin, in-memory streams in tests) and starts listening.
 * `files` is where the workspace's files live (the disk by default).
 */
export function startServer(connection: Connection, features: readonly Feature[] = FEATURES, files: WorkspaceFiles = nodeFiles): Workspace {
  const workspace = new Workspace(files);
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
