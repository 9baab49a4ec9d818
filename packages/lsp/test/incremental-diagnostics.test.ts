import { PassThrough } from "node:stream";
import { checkProject, memoryHost, parseSource } from "@promo/dsl";
import { afterEach, describe, expect, it } from "vitest";
import { createConnection } from "vscode-languageserver/node";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";
import { toLspDiagnostic } from "../src/convert.js";
import { FEATURES } from "../src/features/index.js";
import { startServer } from "../src/server.js";
import type { WorkspaceFiles } from "../src/workspace.js";
import { startClient, type Client } from "./harness.js";
import { prng } from "../../../test/helpers/prng.js";

/**
 * Diagnostics as you type are checked incrementally (a memo of the last check replays the declarations an edit
 * left alone). What the server publishes after each edit must be exactly what a full check of the new text
 * gives; the work saved is counted in declarations checked, never timed.
 */

/** What a full check of these texts gives for `path`, as the server would publish it. */
function fullCheck(files: Record<string, string>, path: string): unknown {
  const fresh = new Map(Object.entries(files).map(([p, t]) => [p, parseSource(p, t)]));
  const { diagnostics } = checkProject([path], memoryHost(files), {}, fresh);
  return JSON.parse(JSON.stringify(diagnostics.filter((d) => d.span.file === path).map(toLspDiagnostic)));
}

function largeFile(promotions: number): string {
  const parts = ["currency USD", "", 'scope toys = line.category is "toys"', 'scope phones = line.category is "phones"', ""];
  for (let i = 0; i < promotions; i++) {
    const code = i % 9 === 0 ? `  code "P${i}"\n` : "";
    parts.push(
      `promotion p${i} {\n  title "Promotion ${i}"\n  kind ${code ? "promo-code" : "automatic"}\n${code}  when subtotal exceeds ${10 + (i % 7)}.00 USD\n  give 5% off ${i % 10 === 0 ? "phones" : "toys"}\n}\n`,
    );
  }
  return parts.join("\n");
}

/** The LSP position of an offset. */
function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - (before.lastIndexOf("\n") + 1) };
}

const SNIPPETS = ["x", " ", "\n", "}", "{", "1", "9.99 USD", '"', "and", "toys", 'scope extra = line.sku is "E"\n'];

/** A random small edit as a ranged change, and the text after it. */
function randomChange(text: string, random: () => number): { change: TextDocumentContentChangeEvent; text: string } {
  let start = Math.floor(random() * (text.length + 1));
  let end = Math.min(text.length, start + (random() < 0.5 ? Math.floor(random() * 5) : 0));
  let insert = random() < 0.7 ? SNIPPETS[Math.floor(random() * SNIPPETS.length)]! : "";
  if (random() < 0.25) {
    // Rename a declaration, or change what a scope selects.
    const names = [...text.matchAll(/^(?:scope|promotion) ([a-z0-9-]+)/gm)];
    const name = names[Math.floor(random() * names.length)];
    if (name) {
      start = name.index + name[0].length - name[1]!.length;
      end = start + name[1]!.length;
      insert = name[1]!.endsWith("x") ? name[1]!.slice(0, -1) : `${name[1]}x`;
    }
  }
  const change = { range: { start: position(text, start), end: position(text, end) }, text: insert };
  return { change, text: text.slice(0, start) + insert + text.slice(end) };
}

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
});

describe("incremental diagnostics (end to end over stdio)", () => {
  it("after each of 60 random edits to a large file, the published diagnostics are a full check's", async () => {
    const client = await startClient();
    clients.push(client);
    const path = "/virtual/large.promo";
    const uri = `file://${path}`;
    let text = largeFile(150);
    client.open(uri, text);
    expect((await client.diagnostics(uri, 1)).diagnostics).toEqual(fullCheck({ [path]: text }, path));
    const random = prng(2027);
    let valid = text;
    for (let version = 2; version <= 61; version++) {
      const edit = randomChange(text, random);
      // A syntax error is usually fixed by the next edit, as typing does: go back to the last text that parsed.
      const fixing = text !== valid && random() < 0.7;
      const change: TextDocumentContentChangeEvent = fixing ? { text: valid } : edit.change;
      text = fixing ? valid : edit.text;
      client.change(uri, version, [change]);
      const published = await client.diagnostics(uri, version);
      expect(published.version).toBe(version);
      const expected = fullCheck({ [path]: text }, path) as { code: string }[];
      expect(published.diagnostics, `version ${version}`).toEqual(expected);
      if (!expected.some((d) => d.code === "syntax-error")) valid = text;
    }
  }, 120_000);

  it("edits to either open file of a project re-publish both, as a full check of both texts gives", async () => {
    const client = await startClient();
    clients.push(client);
    const files: Record<string, string> = {
      "/virtual/lib.promo": 'currency USD\n\nscope toys = line.category is "toys"\nscope phones = line.category is "phones"\n',
      "/virtual/main.promo": `import "./lib.promo"\n\n${largeFile(30).replace(/^scope .*$/gm, "")}`,
    };
    const uris = { lib: "file:///virtual/lib.promo", main: "file:///virtual/main.promo" };
    const versions = { lib: 1, main: 1 };
    // The imported file first, so that the importer's project includes it from its first check.
    client.open(uris.lib, files["/virtual/lib.promo"]!);
    await client.diagnostics(uris.lib, 1);
    client.open(uris.main, files["/virtual/main.promo"]!);
    expect((await client.diagnostics(uris.main, 1)).diagnostics).toEqual(fullCheck(files, "/virtual/main.promo"));
    const random = prng(77);
    for (let i = 0; i < 40; i++) {
      const which = random() < 0.5 ? "lib" : "main";
      const path = `/virtual/${which}.promo`;
      const edit = randomChange(files[path]!, random);
      files[path] = edit.text;
      versions[which]++;
      client.change(uris[which], versions[which], [edit.change]);
      const own = await client.diagnostics(uris[which], versions[which]);
      expect(own.diagnostics, `edit ${i} in ${which}`).toEqual(fullCheck(files, path));
      if (which === "lib") {
        // The importer is checked again with the unsaved text of the file it imports.
        const main = await client.diagnostics(uris.main, versions.main);
        expect(main.diagnostics, `main after edit ${i} in lib`).toEqual(fullCheck(files, "/virtual/main.promo"));
      }
    }
  }, 120_000);
});

describe("incremental diagnostics: work saved, counted", () => {
  /** The real server in this process over in-memory streams, so the test can read the workspace's counts. */
  function inProcess() {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const connection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    const noFiles: WorkspaceFiles = { host: memoryHost({}), list: () => [] };
    const workspace = startServer(connection, FEATURES, noFiles);
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const published: PublishDiagnosticsParams[] = [];
    const waiters: ((p: PublishDiagnosticsParams) => void)[] = [];
    client.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      published.push(p);
      waiters.shift()?.(p);
    });
    client.onNotification("window/logMessage", () => {});
    client.listen();
    const next = () => new Promise<PublishDiagnosticsParams>((resolve) => waiters.push(resolve));
    return { workspace, client, next, dispose: () => (client.dispose(), connection.dispose()) };
  }

  it("an edit to one promotion of 300 checks one declaration; the diagnostics are a full check's", async () => {
    const server = inProcess();
    try {
      await server.client.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} });
      server.client.sendNotification("initialized", {});
      const path = "/virtual/counted.promo";
      const uri = `file://${path}`;
      let text = largeFile(300);
      let published = server.next();
      server.client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "promo", version: 1, text } });
      await published;
      expect(server.workspace.analyze(uri)!.project.incremental!.reused).toBe(0);

      const at = text.indexOf('title "Promotion 150"') + 'title "Promotion 15'.length;
      published = server.next();
      server.client.sendNotification("textDocument/didChange", {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: position(text, at), end: position(text, at) }, text: "9" }],
      });
      text = text.slice(0, at) + "9" + text.slice(at);
      const second = await published;
      expect(second.diagnostics).toEqual(fullCheck({ [path]: text }, path));
      const counts = server.workspace.analyze(uri)!.project.incremental!;
      expect(counts.checkedKinds).toEqual(["Promotion"]);
      expect(counts.reused).toBe(300 - 1 + 2);

      // Changing what a scope selects checks that scope and the 30 promotions that use it, nothing else.
      const scopeAt = text.indexOf('"phones"');
      published = server.next();
      server.client.sendNotification("textDocument/didChange", {
        textDocument: { uri, version: 3 },
        contentChanges: [{ range: { start: position(text, scopeAt + 1), end: position(text, scopeAt + 7) }, text: "mobiles" }],
      });
      text = `${text.slice(0, scopeAt + 1)}mobiles${text.slice(scopeAt + 7)}`;
      const third = await published;
      expect(third.diagnostics).toEqual(fullCheck({ [path]: text }, path));
      const after = server.workspace.analyze(uri)!.project.incremental!;
      expect(after.checkedKinds.filter((k) => k === "Scope")).toHaveLength(1);
      expect(after.checkedKinds.filter((k) => k === "Promotion")).toHaveLength(30);
    } finally {
      server.dispose();
    }
  });
});
