/**
 * A misbehaving client, end to end over stdio against the built server: edits out of order, positions outside the
 * document, a 5 MB paste, requests for closed and unknown documents, garbage params. Whatever it sends, the
 * server process stays alive, answers every request (a result or a JSON-RPC error, never silence: each request
 * here has a timeout), logs what failed, and afterwards still answers hover and formatting correctly.
 *
 * Hover, completion and definition belong to other feature modules: while they are not registered the server
 * answers MethodNotFound, which is a well-formed answer too.
 */
import { formatSource } from "@promo/dsl";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ResponseError, type TextEdit } from "vscode-languageserver-protocol";
import { afterEach, describe, expect, it } from "vitest";
import { generatePromotions } from "../../../bench/generate.mjs";
import { startClient, type Client } from "./harness.js";

const REQUEST_TIMEOUT = 20_000;
/** The 5 MB document takes seconds to check and format, more while other test files run in parallel. */
const BIG_REQUEST_TIMEOUT = 90_000;

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
});

async function start(): Promise<Client> {
  const client = await startClient();
  clients.push(client);
  return client;
}

type Answer = { ok: true; value: unknown } | { ok: false; error: ResponseError<unknown> };

/** Sends a request and waits for its answer: a result or a ResponseError. Fails the test on a timeout. */
async function answer(client: Client, method: string, params: unknown, timeout = REQUEST_TIMEOUT): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method} did not answer within ${timeout} ms`)), timeout);
  });
  try {
    const value = await Promise.race([client.request(method, params), timedOut]);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ResponseError) return { ok: false, error };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function expectAlive(client: Client): void {
  expect(client.process.exitCode).toBeNull();
  expect(client.process.signalCode).toBeNull();
}

const MESSY = 'currency USD\n\npromotion p {\n      title "p"\nkind automatic\n  give 10% off order\n}\n';
const CLEAN = formatSource("/x.promo", MESSY).text!;

/** The server still works: formatting gives the right edit, hover answers (a result or MethodNotFound). */
async function expectHealthy(client: Client, uri = `file:///virtual/healthy-${Math.random().toString(36).slice(2)}.promo`): Promise<void> {
  client.open(uri, MESSY);
  const formatted = await answer(client, "textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  expect(formatted.ok).toBe(true);
  const edits = (formatted as { value: TextEdit[] }).value;
  expect(TextDocument.applyEdits(TextDocument.create(uri, "promo", 1, MESSY), edits)).toBe(CLEAN);
  const hover = await answer(client, "textDocument/hover", { textDocument: { uri }, position: { line: 4, character: 2 } });
  if (!hover.ok) expect(hover.error.code).toBe(-32601);
  expectAlive(client);
}

const POSITION_METHODS = ["textDocument/hover", "textDocument/completion", "textDocument/definition"] as const;

describe("robustness (end to end over stdio)", () => {
  it("edits sent out of order (version 3 before 2) do not break the server", async () => {
    const client = await start();
    const uri = "file:///virtual/out-of-order.promo";
    client.open(uri, MESSY, 1);
    await client.diagnostics(uri, 1);
    // Version 3 edits a line that only exists after version 2, then version 2 arrives.
    client.change(uri, 3, [{ range: { start: { line: 9, character: 0 }, end: { line: 9, character: 5 } }, text: "example" }]);
    client.change(uri, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: "\n\n# more\n" }]);
    client.change(uri, 5, [{ range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } }, text: MESSY }]);
    client.change(uri, 4, [{ range: { start: { line: 2, character: 500 }, end: { line: 1, character: 0 } }, text: "x" }]);
    for (const method of ["textDocument/formatting", "textDocument/codeLens", "textDocument/codeAction"]) {
      const result = await answer(client, method, {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      });
      expect(result.ok || result.error instanceof ResponseError).toBe(true);
    }
    // A full-text change puts the document back in a known state.
    client.change(uri, 6, [{ text: MESSY }]);
    const published = await client.diagnostics(uri, 6);
    expect(published.diagnostics).toEqual([]);
    await expectHealthy(client, uri);
  });

  it("positions outside the document (line 10,000, a negative character) are answered, not crashed on", async () => {
    const client = await start();
    const uri = "file:///virtual/positions.promo";
    client.open(uri, MESSY);
    await client.diagnostics(uri, 1);
    const positions = [
      { line: 10_000, character: 0 },
      { line: 0, character: -1 },
      { line: -3, character: 5 },
      { line: 3, character: 1_000_000 },
      { line: 1.5, character: Number.MAX_SAFE_INTEGER },
    ];
    for (const position of positions) {
      for (const method of POSITION_METHODS) {
        const result = await answer(client, method, { textDocument: { uri }, position });
        if (!result.ok) expect(typeof result.error.code).toBe("number");
      }
      const range = { start: position, end: { line: 10_000, character: -7 } };
      const actions = await answer(client, "textDocument/codeAction", {
        textDocument: { uri },
        range,
        context: { diagnostics: [{ range, message: "made up", code: "unknown-name", source: "promo", data: { fixes: "not a list" } }] },
      });
      expect(actions).toEqual({ ok: true, value: [] });
      const formatting = await answer(client, "textDocument/rangeFormatting", { textDocument: { uri }, range, options: { tabSize: 2, insertSpaces: true } });
      expect(formatting.ok).toBe(true);
    }
    const whole = await answer(client, "textDocument/formatting", { textDocument: { uri }, options: { tabSize: -1, insertSpaces: "yes" } });
    expect(whole.ok).toBe(true);
    await expectHealthy(client);
  });

  it("a 5 MB paste is checked, and the next requests are answered", async () => {
    const client = await start();
    const uri = "file:///virtual/big.promo";
    client.open(uri, MESSY);
    await client.diagnostics(uri, 1);
    let big = generatePromotions(100);
    big = generatePromotions(Math.ceil((5 * 1024 * 1024) / (big.length / 100)));
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } }, text: big }]);
    const hover = await answer(client, "textDocument/hover", { textDocument: { uri }, position: { line: 100_000, character: 3 } }, BIG_REQUEST_TIMEOUT);
    if (!hover.ok) expect(hover.error.code).toBe(-32601);
    const published = await client.diagnostics(uri, 2);
    // The generated coupons have no stacking rule, so each gets the coupons-may-stack warning; nothing worse.
    expect(published.diagnostics.filter((d: { severity?: number }) => d.severity !== 2)).toEqual([]);
    // The generated file is already in promo fmt's layout: no edits.
    const formatted = await answer(
      client,
      "textDocument/formatting",
      { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } },
      BIG_REQUEST_TIMEOUT,
    );
    expect(formatted).toEqual({ ok: true, value: [] });
    const lenses = await answer(client, "textDocument/codeLens", { textDocument: { uri } }, BIG_REQUEST_TIMEOUT);
    expect(lenses).toEqual({ ok: true, value: [] });
    // Back to a small document: everything is fast again.
    client.change(uri, 3, [{ text: MESSY }]);
    await client.diagnostics(uri, 3);
    await expectHealthy(client, uri);
  }, 300_000);

  it("requests on a closed document, one closed while its request is in flight, and unknown URIs", async () => {
    const client = await start();
    const uri = "file:///virtual/closing.promo";
    client.open(uri, MESSY);
    await client.diagnostics(uri, 1);
    client.close(uri);
    const cleared = await client.diagnostics(uri);
    expect(cleared.diagnostics).toEqual([]);
    const requests = (target: string) =>
      [
        ["textDocument/formatting", { textDocument: { uri: target }, options: { tabSize: 2, insertSpaces: true } }],
        [
          "textDocument/rangeFormatting",
          {
            textDocument: { uri: target },
            range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
            options: { tabSize: 2, insertSpaces: true },
          },
        ],
        [
          "textDocument/codeAction",
          { textDocument: { uri: target }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } },
        ],
        ["textDocument/codeLens", { textDocument: { uri: target } }],
        ...POSITION_METHODS.map((m) => [m, { textDocument: { uri: target }, position: { line: 0, character: 0 } }]),
      ] as const;
    for (const target of [uri, "file:///nowhere/at/all.promo", "untitled:Untitled-1", "weird-scheme://host/x.promo", "not a uri"]) {
      for (const [method, params] of requests(target)) {
        const result = await answer(client, method, params);
        if (result.ok)
          expect([null, undefined].includes(result.value as null) || (Array.isArray(result.value) && result.value.length === 0), `${method} ${target}`).toBe(
            true,
          );
        else expect(typeof result.error.code).toBe("number");
      }
    }
    // Closed while the requests are in flight: they are sent, then the close, without waiting.
    const other = "file:///virtual/in-flight.promo";
    client.open(other, MESSY);
    const inFlight = requests(other).map(([method, params]) => answer(client, method, params));
    client.close(other);
    for (const result of await Promise.all(inFlight)) expect(result.ok || typeof result.error.code === "number").toBe(true);
    // Changes and closes for documents that were never opened are ignored.
    client.change("file:///virtual/never-opened.promo", 2, [{ text: "x" }]);
    client.close("file:///virtual/never-opened.promo");
    await expectHealthy(client);
  });

  it("garbage params (null, strings, numbers, wrong shapes) are answered and logged", async () => {
    const client = await start();
    const methods = ["textDocument/formatting", "textDocument/rangeFormatting", "textDocument/codeAction", "textDocument/codeLens", ...POSITION_METHODS];
    const garbage: unknown[] = [
      null,
      "a string",
      42,
      [],
      [1, 2],
      { textDocument: null },
      { textDocument: { uri: 7 } },
      { textDocument: { uri: "file:///virtual/g.promo" }, range: "everything", context: 5 },
    ];
    for (const method of methods) {
      for (const params of garbage) {
        const result = await answer(client, method, params);
        if (!result.ok) expect(typeof result.error.code).toBe("number");
      }
    }
    // Notifications with garbage are survived too.
    client.notify("textDocument/didOpen", null);
    client.notify("textDocument/didChange", { textDocument: "x", contentChanges: 5 });
    client.notify("textDocument/didClose", "nothing");
    client.notify("workspace/didChangeWatchedFiles", { changes: "none" });
    // A message whose body is not JSON, written straight to the server's stdin (whole, so the framing holds).
    const body = "{ this is not json";
    client.process.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    // Unknown methods are MethodNotFound.
    const unknown = await answer(client, "promo/noSuchMethod", {});
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.error.code).toBe(-32601);
    await expectHealthy(client);
    // The guard logged the failures instead of throwing them at the connection.
    expect(client.logs.some((line) => /promo-lsp: (formatting|rangeFormatting|codeAction|codeLens) failed/.test(line))).toBe(true);
  });
});
