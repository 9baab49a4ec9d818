import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";

/**
 * A real client for end-to-end tests: it starts the built server (`bin/promo-lsp.js --stdio`) as a child process
 * and speaks JSON-RPC to it over stdio. No part of the protocol is mocked. Needs the build (`npm test` builds).
 */
const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "promo-lsp.js");

export interface Client {
  connection: ProtocolConnection;
  process: ChildProcess;
  /** Everything the server logged (window/logMessage), for asserting that errors were logged, not thrown. */
  logs: string[];
  request<R>(method: string, params: unknown): Promise<R>;
  notify(method: string, params: unknown): void;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  close(uri: string): void;
  /** The next diagnostics published for `uri` (with at least `version`, when given). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  shutdown(): Promise<void>;
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** `command`: how to start the server instead of the built bin (e.g. `npx promo-lsp --stdio` in an installed project). */
export async function startClient(options: { rootPath?: string; command?: { file: string; args: string[]; cwd: string } } = {}): Promise<Client> {
  const { file, args, cwd } = options.command ?? { file: process.execPath, args: [BIN, "--stdio"], cwd: undefined };
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], cwd });
  // A server that exits (as it should after `exit`) closes its pipes; late writes must not become test errors.
  child.stdin!.on("error", () => {});
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: string[] = [];
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; version: number | undefined; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification("window/logMessage", (p: { message: string }) => logs.push(p.message));
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    const waiter = waiters.find((w) => w.uri === p.uri && (w.version === undefined || (p.version ?? -1) >= w.version));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(p);
    } else published.push(p);
  });
  connection.listen();
  const rootUri = options.rootPath ? fileUri(options.rootPath) : null;
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: "root" }] : null,
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
  });
  connection.sendNotification("initialized", {});
  const client: Client = {
    connection,
    process: child,
    logs,
    request: (method, params) => connection.sendRequest(method, params),
    notify: (method, params) => connection.sendNotification(method, params),
    open(uri, text, version = 1) {
      connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "promo", version, text } });
    },
    change(uri, version, changes) {
      connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: changes });
    },
    close(uri) {
      connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    },
    diagnostics(uri, version) {
      const index = published.findIndex((p) => p.uri === uri && (version === undefined || (p.version ?? -1) >= version));
      if (index >= 0) return Promise.resolve(published.splice(index, 1)[0]!);
      return new Promise((resolve) => waiters.push({ uri, version, resolve }));
    },
    async shutdown() {
      try {
        await connection.sendRequest("shutdown");
        await connection.sendNotification("exit");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      } finally {
        connection.dispose();
        if (child.exitCode === null) child.kill();
      }
    },
  };
  return client;
}

/** `text` with `<|>` marking the cursor: the text without the marker and the marker's LSP position. */
export function cursor(text: string): { text: string; position: { line: number; character: number } } {
  const at = text.indexOf("<|>");
  if (at < 0) throw new Error("no <|> in the text");
  const before = text.slice(0, at);
  const line = before.split("\n").length - 1;
  const character = at - (before.lastIndexOf("\n") + 1);
  return { text: text.slice(0, at) + text.slice(at + 3), position: { line, character } };
}
