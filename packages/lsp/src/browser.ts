import { memoryHost } from "@promo/dsl";
import { BrowserMessageReader, BrowserMessageWriter, createConnection, type Connection } from "vscode-languageserver/browser";
import { FEATURES } from "./features/index.js";
import { startServer } from "./server.js";
import type { Workspace, WorkspaceFiles } from "./workspace.js";

/** The files of an in-memory workspace (a browser page's): path → text. */
export function memoryFiles(files: Record<string, string>): WorkspaceFiles {
  return {
    host: memoryHost(files),
    list: (folder, limit) =>
      Object.keys(files)
        .filter((path) => path.startsWith(`${folder.replace(/\/$/, "")}/`) && path.endsWith(".promo"))
        .sort()
        .slice(0, limit),
  };
}

/** The message port a browser server talks over: a worker's global scope, a Worker or a MessagePort. */
export type BrowserPort = ConstructorParameters<typeof BrowserMessageReader>[0];

/** The language server over postMessage (a Web Worker), reading only the given in-memory files. */
export function startBrowserServer(port: BrowserPort, files: Record<string, string> = {}): Workspace {
  const connection = createConnection(new BrowserMessageReader(port), new BrowserMessageWriter(port));
  return startServer(connection as unknown as Parameters<typeof startServer>[0] & Connection, FEATURES, memoryFiles(files));
}
