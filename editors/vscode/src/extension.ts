/**
 * The VS Code client for `.promo` files: starts the bundled promo language server (dist/server.js, built from
 * packages/lsp) over Node IPC and shows the results the server's code lenses point at.
 */
import * as path from "node:path";
import { commands, Uri, window, workspace, type ExtensionContext, type OutputChannel } from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let results: OutputChannel | undefined;

/** What a `promo.showExampleResult` code lens carries (see packages/lsp/src/features/code-lens.ts). */
interface ExampleResult {
  uri?: string;
  name?: string;
  line?: number;
  passed?: boolean;
  differences?: string[];
}

function showExampleResult(result: ExampleResult | undefined): void {
  if (!result || typeof result !== "object") return;
  results ??= window.createOutputChannel("Promo Examples");
  const where = typeof result.uri === "string" ? `${workspace.asRelativePath(Uri.parse(result.uri))}:${(result.line ?? 0) + 1}` : "";
  const differences = Array.isArray(result.differences) ? result.differences : [];
  results.appendLine(`${result.passed ? "PASS" : "FAIL"} ${result.name ?? "example"}${where ? `  (${where})` : ""}`);
  for (const difference of differences) results.appendLine(`  ${difference}`);
  results.appendLine("");
  if (result.passed) void window.showInformationMessage(`Example "${result.name}" passes.`);
  else {
    results.show(true);
    void window.showWarningMessage(
      `Example "${result.name}" fails: ${differences[0] ?? "no result"}${differences.length > 1 ? ` (+${differences.length - 1} more)` : ""}`,
    );
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "promo" },
      { scheme: "untitled", language: "promo" },
    ],
    // Files changed on disk (an imported file, a cart file) make the server re-check the open documents.
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.{promo,json}") },
    outputChannelName: "Promo Language Server",
  };
  client = new LanguageClient("promo", "Promo Language Server", serverOptions, clientOptions);
  context.subscriptions.push(
    commands.registerCommand("promo.showExampleResult", (result: ExampleResult | undefined) => showExampleResult(result)),
    commands.registerCommand("promo.restartServer", async () => {
      await client?.restart();
    }),
    { dispose: () => results?.dispose() },
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
