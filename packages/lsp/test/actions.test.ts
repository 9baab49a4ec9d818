/**
 * Formatting, code actions and code lenses, end to end over stdio against the built server (`npm test` builds).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource, formatSource } from "@promo/dsl";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, CodeLens, Diagnostic, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileUri, startClient, type Client } from "./harness.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const PROMO_BIN = join(ROOT, "packages", "cli", "bin", "promo.js");
const INVALID = join(ROOT, "test", "invalid");

let client: Client;
let dir: string;
let counter = 0;
beforeAll(async () => {
  client = await startClient();
  dir = mkdtempSync(join(tmpdir(), "promo-lsp-actions-"));
});
afterAll(async () => {
  await client?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh virtual URI per test, so the tests sharing one server never see each other's documents. */
function nextUri(name = "doc"): string {
  counter++;
  return `file:///virtual/${name}-${counter}.promo`;
}

async function openAndWait(uri: string, text: string): Promise<Diagnostic[]> {
  client.open(uri, text);
  return (await client.diagnostics(uri, 1)).diagnostics;
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create("file:///x", "promo", 1, text), edits);
}

function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  const changes = edit?.changes ?? {};
  expect(Object.keys(changes)).toEqual([uri]);
  return apply(text, changes[uri]!);
}

const wholeRange = (): Range => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });

function codeActions(uri: string, diagnostics: Diagnostic[], range: Range = diagnostics[0]?.range ?? wholeRange(), only?: string[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
}

const FORMATTING_OPTIONS = { tabSize: 4, insertSpaces: false };

describe("formatting", () => {
  const messy = [
    "# sale rules",
    "currency   USD",
    'scope acme=line.store is "acme"',
    "promotion acme-3-off-15 {",
    '      title "acme: 3.00 USD off"',
    "kind store-coupon",
    '  code "ACME3"   # the code',
    "  when subtotal of acme at least 15.00 USD",
    "  give 3.00 USD off acme }",
    "promotion free-ship {",
    '  title "Free shipping"',
    "  kind shipping",
    "  give free shipping",
    "}",
  ].join("\n");

  it("gives exactly promo fmt's output, as one edit", async () => {
    const uri = nextUri("fmt");
    await openAndWait(uri, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: FORMATTING_OPTIONS });
    expect(edits).toHaveLength(1);
    const formatted = apply(messy, edits);

    // The same file through the real `promo fmt` command.
    const path = join(dir, "messy.promo");
    writeFileSync(path, messy);
    const run = spawnSync(process.execPath, [PROMO_BIN, "fmt", path], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(formatted).toBe(readFileSync(path, "utf8"));
    expect(formatted).toBe(formatSource("/x.promo", messy).text);

    // Formatting the formatted text changes nothing.
    client.change(uri, 2, [{ text: formatted }]);
    expect(await client.request("textDocument/formatting", { textDocument: { uri }, options: FORMATTING_OPTIONS })).toEqual([]);
  });

  it("replaces only what differs (the edit keeps the common start and end)", async () => {
    const uri = nextUri("fmt");
    const clean = formatSource("/x.promo", messy).text!;
    const text = clean.replace("  kind shipping", "  kind    shipping");
    await openAndWait(uri, text);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: FORMATTING_OPTIONS });
    expect(edits).toHaveLength(1);
    const line = text.split("\n").findIndex((l) => l.includes("kind    shipping"));
    expect(edits[0]!.range.start.line).toBe(line);
    expect(edits[0]!.range.end.line).toBe(line);
    expect(apply(text, edits)).toBe(clean);
  });

  it("leaves a file with syntax errors alone", async () => {
    const uri = nextUri("fmt");
    const broken = 'currency USD\npromotion p {\n  title "p"\n  kind automatic\n  give 5.00 USD off\n';
    await openAndWait(uri, broken);
    expect(await client.request("textDocument/formatting", { textDocument: { uri }, options: FORMATTING_OPTIONS })).toEqual([]);
    expect(await client.request("textDocument/rangeFormatting", { textDocument: { uri }, range: wholeRange(), options: FORMATTING_OPTIONS })).toEqual([]);
  });

  it("range formatting touches only the declarations in the range", async () => {
    const uri = nextUri("fmt");
    const text =
      'currency USD\n\npromotion a {\n title "a"\n    kind automatic\n  give 10% off order\n}\n\npromotion b {\ntitle "b"\n  kind automatic\n  give 5% off order\n}\n';
    await openAndWait(uri, text);
    // A range inside promotion b only.
    const edits = await client.request<TextEdit[]>("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 9, character: 0 }, end: { line: 9, character: 3 } },
      options: FORMATTING_OPTIONS,
    });
    const result = apply(text, edits);
    expect(result).toContain('promotion a {\n title "a"\n    kind automatic'); // untouched
    expect(result).toContain('promotion b {\n  title "b"\n  kind automatic\n  give 5% off order\n}');
    // The whole file as range gives the whole-file result.
    const all = await client.request<TextEdit[]>("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
      options: FORMATTING_OPTIONS,
    });
    expect(apply(text, all)).toBe(formatSource("/x.promo", text).text);
  });

  it("formats a file that is not open (read from disk)", async () => {
    const path = join(dir, "closed.promo");
    writeFileSync(path, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri: fileUri(path) }, options: FORMATTING_OPTIONS });
    expect(apply(messy, edits)).toBe(formatSource(path, messy).text);
  });
});

describe("code actions", () => {
  it("did-you-mean fixes for names, fields, kinds, zones, currencies and regions, preferred when single", async () => {
    const uri = nextUri("dym");
    const text = [
      "currency USD",
      "",
      "window sale = from 2026-11-10 00:00:00 to 2026-11-12 00:00:00 in Europe/Pariss",
      "",
      "promotion p {",
      '  title "p"',
      "  kind automatc",
      "  valid sale",
      "  when customr.region is UK and customer.regoin is US ",
      "  give 5.00 USX off order",
      "}",
      "",
    ].join("\n");
    const diagnostics = await openAndWait(uri, text);
    const codes = diagnostics.map((d) => d.code).sort();
    expect(codes).toEqual(["unknown-currency", "unknown-field", "unknown-kind", "unknown-name", "unknown-region", "unknown-time-zone"]);
    for (const diagnostic of diagnostics) {
      const actions = await codeActions(uri, [diagnostic]);
      expect(actions.length, String(diagnostic.code)).toBeGreaterThan(0);
      for (const action of actions) {
        expect(action.kind).toBe("quickfix");
        expect(action.diagnostics).toEqual([diagnostic]);
      }
      if (actions.length === 1) expect(actions[0]!.isPreferred).toBe(true);
    }
    const kind = diagnostics.find((d) => d.code === "unknown-kind")!;
    const [action] = await codeActions(uri, [kind]);
    expect(action!.title).toBe("Change to 'automatic'");
    expect(applyWorkspaceEdit(text, uri, action!.edit)).toContain("  kind automatic\n");
    const region = diagnostics.find((d) => d.code === "unknown-region")!;
    expect(applyWorkspaceEdit(text, uri, (await codeActions(uri, [region]))[0]!.edit)).toContain("customr.region is GB");
    const zone = diagnostics.find((d) => d.code === "unknown-time-zone")!;
    expect(applyWorkspaceEdit(text, uri, (await codeActions(uri, [zone]))[0]!.edit)).toContain("in Europe/Paris\n");
  });

  it("recomputes the fixes when the client dropped the diagnostic's data", async () => {
    const uri = nextUri("nodata");
    const text = 'currency USD\n\npromotion p {\n  title "p"\n  kind automatc\n  give 5.00 USD off order\n}\n';
    const [diagnostic] = await openAndWait(uri, text);
    const { data: _dropped, ...withoutData } = diagnostic!;
    const actions = await codeActions(uri, [withoutData]);
    expect(actions.map((a) => a.title)).toEqual(["Change to 'automatic'"]);
    expect(applyWorkspaceEdit(text, uri, actions[0]!.edit)).toContain("kind automatic");
  });

  it("a stale diagnostic (no longer reported) gets no actions; only= filters kinds", async () => {
    const uri = nextUri("stale");
    const text = 'currency USD\n\npromotion p {\n  title "p"\n  kind automatc\n  give 5.00 USD off order\n}\n';
    const [diagnostic] = await openAndWait(uri, text);
    expect(await codeActions(uri, [diagnostic!], undefined, ["refactor"])).toEqual([]);
    expect((await codeActions(uri, [diagnostic!], undefined, ["quickfix"])).length).toBe(1);
    client.change(uri, 2, [{ text: text.replace("automatc", "automatic") }]);
    await client.diagnostics(uri, 2);
    expect(await codeActions(uri, [diagnostic!])).toEqual([]);
  });

  it("priority tie, unterminated string, missing currency and the file's currency", async () => {
    const uri = nextUri("misc");
    const text = [
      "promotion a {",
      '  title "a',
      "  kind automatic",
      "  priority 1",
      "  when subtotal exceeds 25",
      "  give 5.00 USD off order",
      "}",
      "",
      "promotion b {",
      '  title "b"',
      "  kind automatic",
      "  priority 1",
      "  give 10% off order",
      "}",
      "",
    ].join("\n");
    const diagnostics = await openAndWait(uri, text);
    const byCode = (code: string) => diagnostics.find((d) => d.code === code)!;
    const fixed = async (code: string) => {
      const actions = await codeActions(uri, [byCode(code)]);
      expect(actions, code).toHaveLength(1);
      expect(actions[0]!.isPreferred, code).toBe(true);
      return { title: actions[0]!.title, text: applyWorkspaceEdit(text, uri, actions[0]!.edit) };
    };
    const tie = await fixed("priority-tie");
    expect(tie.title).toBe("Change to priority 2");
    expect(tie.text).toContain('title "b"\n  kind automatic\n  priority 2\n');
    const string = await fixed("unterminated-string");
    expect(string.title).toBe("Close the string");
    expect(string.text).toContain('  title "a"\n');
    const currency = await fixed("file-currency-missing");
    expect(currency.title).toBe("Declare currency USD");
    expect(currency.text.startsWith("currency USD\n\npromotion a {")).toBe(true);
    const amount = await fixed("missing-currency");
    expect(amount.title).toBe("Add USD");
    expect(amount.text).toContain("when subtotal exceeds 25 USD\n");
  });

  it("declares the currency the file's amounts use (EUR), also when the checker had no guess", async () => {
    const uri = nextUri("eur");
    const text = 'promotion p {\n  title "p"\n  kind automatic\n  give 10% off order\n  when subtotal exceeds 20.00 EUR\n}\n';
    const [diagnostic] = await openAndWait(uri, text);
    expect(diagnostic!.code).toBe("file-currency-missing");
    const [action] = await codeActions(uri, [diagnostic!]);
    expect(action!.title).toBe("Declare currency EUR");
    const noGuess = nextUri("noguess");
    const plain = 'promotion p {\n  title "p"\n  kind automatic\n  give 10% off order\n}\n';
    const [d2] = await openAndWait(noGuess, plain);
    expect(d2!.code).toBe("file-currency-missing");
    const actions = await codeActions(noGuess, [d2!]);
    expect(actions.map((a) => a.title)).toEqual(["Declare currency USD"]);
    const result = applyWorkspaceEdit(plain, noGuess, actions[0]!.edit);
    expect(checkSource("/x.promo", result).diagnostics).toEqual([]);
  });

  it("adds each missing clause before the closing brace, indented like the other clauses", async () => {
    const uri = nextUri("clauses");
    const text =
      'currency USD\n\npromotion summer-sale {\n    priority 3\n}\n\npromotion coupon-x {\n  title "x"\n  kind promo-code\n  funded by platform\n  give 5.00 USD off order\n}\n';
    const diagnostics = await openAndWait(uri, text);
    const missing = diagnostics.filter((d) => d.code === "missing-clause");
    expect(missing.map((d) => d.message.match(/'(\w+)' clause/)![1]).sort()).toEqual(["code", "give", "kind", "title"]);
    let all = text;
    const titles: string[] = [];
    for (const diagnostic of missing) {
      const actions = await codeActions(uri, [diagnostic]);
      expect(actions).toHaveLength(1);
      titles.push(actions[0]!.title);
      const edited = applyWorkspaceEdit(text, uri, actions[0]!.edit);
      // Each fix alone removes its diagnostic.
      const after = checkSource("/x.promo", edited).diagnostics.filter((d) => d.code === "missing-clause" && d.message === diagnostic.message);
      expect(after, actions[0]!.title).toEqual([]);
      // Applied one after the other (each inserts before a closing brace, at a line start) they compose.
      const again = nextUri("again");
      const same = (await openAndWait(again, all)).find((d) => d.code === diagnostic.code && d.message === diagnostic.message)!;
      all = applyWorkspaceEdit(all, again, (await codeActions(again, [same]))[0]!.edit);
      client.close(again);
    }
    expect(titles.sort()).toEqual(["Add 'code \"COUPONX\"'", "Add 'give 10% off order'", "Add 'kind automatic'", "Add 'title \"summer-sale\"'"]);
    expect(all).toContain('promotion summer-sale {\n    priority 3\n    title "summer-sale"\n    kind automatic\n    give 10% off order\n}');
    expect(all).toContain('  give 5.00 USD off order\n  code "COUPONX"\n}');
    expect(checkSource("/x.promo", all).diagnostics).toEqual([]);
  });

  it("adds a clause to a promotion written on one line, and picks the kind from the benefit", async () => {
    const uri = nextUri("oneline");
    const text = 'currency USD\n\npromotion ship { title "s" give free shipping }\n';
    const diagnostics = await openAndWait(uri, text);
    const kind = diagnostics.find((d) => d.code === "missing-clause")!;
    const [action] = await codeActions(uri, [kind]);
    expect(action!.title).toBe("Add 'kind shipping'");
    const result = applyWorkspaceEdit(text, uri, action!.edit);
    expect(result).toBe('currency USD\n\npromotion ship { title "s" give free shipping\n  kind shipping\n}\n');
    expect(checkSource("/x.promo", result).diagnostics).toEqual([]);
  });

  it("a fix's edits go to the URI of their own file", async () => {
    const lib = join(dir, "lib.promo");
    const main = join(dir, "main.promo");
    writeFileSync(lib, 'scope acme = line.store is "acme"\n');
    const text = 'import "lib.promo"\n\ncurrency USD\n\npromotion p {\n  title "p"\n  kind automatc\n  give 5.00 USD off acme\n}\n';
    writeFileSync(main, text);
    const uri = fileUri(main);
    const [diagnostic] = await openAndWait(uri, text);
    expect(diagnostic!.code).toBe("unknown-kind");
    // A fix (as a client might carry it) with one edit in this file and one in the imported file.
    const fixes = (diagnostic!.data as { fixes: { title: string; edits: { span: Record<string, unknown>; newText: string }[] }[] }).fixes;
    const span = { file: lib, start: 0, end: 0, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
    const twoFiles = { ...diagnostic!, data: { fixes: [{ title: fixes[0]!.title, edits: [...fixes[0]!.edits, { span, newText: "# touched\n" }] }] } };
    const [action] = await codeActions(uri, [twoFiles]);
    expect(Object.keys(action!.edit!.changes!).sort()).toEqual([uri, fileUri(lib)].sort());
    expect(action!.edit!.changes![fileUri(lib)]).toEqual([
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "# touched\n" },
    ]);
  });

  it("every fix offered for the invalid corpus removes the diagnostic it fixes", async () => {
    const files = readdirSync(INVALID).filter((f) => f.endsWith(".promo"));
    let offered = 0;
    for (const name of files) {
      const path = join(INVALID, name);
      const text = readFileSync(path).toString("utf8");
      if (text.includes("\uFFFD") || text.length > 100_000) continue;
      const uri = fileUri(path);
      const diagnostics = await openAndWait(uri, text);
      for (const diagnostic of diagnostics) {
        for (const action of await codeActions(uri, [diagnostic])) {
          offered++;
          const edits = action.edit?.changes?.[uri];
          expect(edits, `${name}: ${action.title}`).toBeDefined();
          const fixed = apply(text, edits!);
          const before = checkSource(path, text).diagnostics.filter((d) => d.code === diagnostic.code).length;
          const after = checkSource(path, fixed).diagnostics.filter((d) => d.code === diagnostic.code).length;
          expect(after, `${name}: ${action.title}`).toBeLessThan(before);
        }
      }
      client.close(uri);
    }
    expect(offered).toBeGreaterThanOrEqual(12);
  });
});

describe("code lens over examples", () => {
  const rules = ["currency USD", "", "promotion ten-off {", '  title "10% off"', "  kind automatic", "  give 10% off order", "}", ""];
  const example = (name: string, total: string) => [
    `example ${JSON.stringify(name)} {`,
    "  cart {",
    "    at: 2026-11-10 12:00:00 in UTC,",
    "    lines: [",
    '      { id: "l1", sku: "A", unitPrice: 20.00 USD, quantity: 1 },',
    "    ],",
    "  }",
    "  expect {",
    `    total: ${total},`,
    "  }",
    "}",
    "",
  ];

  it("says ✓ passes or ✗ fails with the first difference, carrying every difference", async () => {
    const uri = nextUri("lens");
    const text = [...rules, ...example("right", "18.00 USD"), ...example("wrong", "18.01 USD")].join("\n");
    const diagnostics = await openAndWait(uri, text);
    expect(diagnostics).toEqual([]);
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
    expect(lenses.map((l) => [l.range.start.line, l.command?.title])).toEqual([
      [8, "✓ passes"],
      [20, "✗ fails: total 18.00 USD, expected 18.01 USD"],
    ]);
    const failing = lenses[1]!.command!;
    expect(failing.command).toBe("promo.showExampleResult");
    expect(failing.arguments).toEqual([{ uri, name: "wrong", line: 20, passed: false, differences: ["total: expected 18.01 USD, actual 18.00 USD"] }]);
  });

  it("says the file has errors instead of running its examples; only this file's examples get lenses", async () => {
    const uri = nextUri("lens");
    const text = [...rules.map((l) => l.replace("kind automatic", "kind automatc")), ...example("e", "18.00 USD")].join("\n");
    await openAndWait(uri, text);
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
    expect(lenses.map((l) => l.command?.title)).toEqual(["⚠ not run: the file has errors"]);

    const lib = join(dir, "lens-lib.promo");
    writeFileSync(lib, [...rules, ...example("in the library", "18.00 USD")].join("\n"));
    const main = join(dir, "lens-main.promo");
    const mainText = ['import "lens-lib.promo"', "", "currency USD", "", ...example("in main", "17.00 USD")].join("\n");
    writeFileSync(main, mainText);
    await openAndWait(fileUri(main), mainText);
    const own = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri: fileUri(main) } });
    expect(own.map((l) => [l.command?.arguments?.[0]?.name, l.command?.title])).toEqual([["in main", "✗ fails: total 18.00 USD, expected 17.00 USD"]]);
  });

  it("no examples, no lenses", async () => {
    const uri = nextUri("lens");
    await openAndWait(uri, rules.join("\n"));
    expect(await client.request("textDocument/codeLens", { textDocument: { uri } })).toEqual([]);
  });
});
