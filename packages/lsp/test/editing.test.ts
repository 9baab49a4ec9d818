import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, CompletionList, FoldingRange, InlayHint, SemanticTokens, SignatureHelp } from "vscode-languageserver-protocol";
import { cursor, startClient, type Client } from "./harness.js";

/**
 * The editing features end to end: a real server process over stdio, real requests. One server for the file;
 * each test opens its own document.
 */
let client: Client;
let counter = 0;

beforeAll(async () => {
  client = await startClient();
});
afterAll(async () => {
  await client.shutdown();
});

/** Opens `text` (with a `<|>` cursor) as a fresh document; returns its uri and the cursor position. */
async function openAt(marked: string): Promise<{ uri: string; position: { line: number; character: number } }> {
  const { text, position } = cursor(marked);
  const uri = `file:///virtual/editing-${++counter}.promo`;
  client.open(uri, text);
  await client.diagnostics(uri, 1);
  return { uri, position };
}

async function complete(marked: string): Promise<CompletionItem[]> {
  const { uri, position } = await openAt(marked);
  const result = await client.request<CompletionList | CompletionItem[] | null>("textDocument/completion", { textDocument: { uri }, position });
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

const HEADER = `currency USD

attribute customer.vipTier: int

scope acme = line.store is "acme"
scope socks = line.tags contains "socks"

window sale = from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles
`;

describe("completion", () => {
  it("offers the clause keywords at the start of a clause inside a promotion", async () => {
    const items = await complete(`${HEADER}\npromotion p {\n  title "p"\n  <|>\n}\n`);
    const words = labels(items);
    expect(words).toEqual(expect.arrayContaining(["title", "kind", "give", "when", "valid", "limit", "code", "not transferable"]));
    expect(words).not.toContain("promotion");
    expect(words).not.toContain("scope");
    const give = items.find((i) => i.label === "give")!;
    expect(give.kind).toBe(14); // Keyword
  });

  it("offers the fields of customer. with their types and docs, declared attributes included", async () => {
    const items = await complete(`${HEADER}\npromotion p {\n  title "p"\n  kind automatic\n  when customer.<|>\n  give 5.00 USD off order\n}\n`);
    const region = items.find((i) => i.label === "region")!;
    expect(region.detail).toBe("Region");
    expect(JSON.stringify(region.documentation)).toContain("ISO 3166-1");
    expect(labels(items)).toEqual(expect.arrayContaining(["id", "previousOrders", "firstOrder", "segments", "vipTier"]));
    expect(items.find((i) => i.label === "vipTier")!.detail).toBe("Int");
    expect(labels(items)).not.toContain("sku");
    // A partly typed field replaces the typed part.
    const partial = await complete(`${HEADER}\npromotion p {\n  when shipping.co<|>\n}\n`);
    const country = partial.find((i) => i.label === "country")!;
    expect(country.textEdit).toMatchObject({ newText: "country", range: { start: { character: 16 }, end: { character: 18 } } });
  });

  it("offers the kinds after kind", async () => {
    const items = await complete(`${HEADER}\npromotion p {\n  title "p"\n  kind <|>\n}\n`);
    expect(labels(items).sort()).toEqual(["automatic", "coins", "platform-coupon", "promo-code", "selected-coupon", "shipping", "store-coupon"]);
  });

  it("offers the scope names after off (and the other targets)", async () => {
    const items = await complete(`${HEADER}\npromotion p {\n  title "p"\n  kind automatic\n  give 10% off <|>\n}\n`);
    expect(labels(items)).toEqual(expect.arrayContaining(["acme", "socks", "order", "shipping"]));
    expect(labels(items)).not.toContain("sale");
    expect(items.find((i) => i.label === "acme")!.kind).toBe(6); // Variable
  });

  it("offers the currency codes after a number where money is expected, the file's first", async () => {
    const items = await complete(`${HEADER}\npromotion p {\n  title "p"\n  kind automatic\n  give 5.00 <|>\n}\n`);
    expect(items[0]!.label).toBe("USD");
    expect(items[0]!.preselect).toBe(true);
    expect(labels(items)).toEqual(expect.arrayContaining(["EUR", "JPY", "KWD", "off"]));
    expect(items.find((i) => i.label === "JPY")!.detail).toContain("0 decimals");
  });

  it("offers time zones after in, filtered by the typed prefix", async () => {
    const items = await complete(`currency USD\n\nwindow w = from 2026-11-10 00:00:00 to 2026-11-12 00:00:00 in Europe/<|>\n`);
    expect(labels(items)).toContain("Europe/Paris");
    expect(labels(items)).toContain("Europe/Berlin");
    expect(items.every((i) => i.label.startsWith("Europe/"))).toBe(true);
    expect(items.length).toBeLessThanOrEqual(100);
    // The whole typed zone prefix is replaced (it contains a '/', which editors do not count as a word).
    expect(items[0]!.textEdit).toMatchObject({ range: { start: { line: 2, character: 62 }, end: { line: 2, character: 69 } } });
  });

  it("offers region codes in a region list, and window names after valid", async () => {
    const regions = await complete(`${HEADER}\npromotion p {\n  when customer.region in [US, <|>\n}\n`);
    expect(labels(regions)).toEqual(expect.arrayContaining(["CA", "FR", "DE"]));
    expect(labels(regions)).not.toContain("not");
    const windows = await complete(`${HEADER}\npromotion p {\n  valid <|>\n}\n`);
    expect(labels(windows)).toEqual(["sale", "from"]);
  });

  it("offers selectors in stacking rules and entities after per", async () => {
    const selectors = await complete(
      `${HEADER}\npromotion p1 {\n  title "p"\n  kind automatic\n  give 5.00 USD off order\n}\n\nstacking {\n  at most 1 <|>\n}\n`,
    );
    expect(labels(selectors)).toEqual(expect.arrayContaining(["platform-coupon", "any", "coupons", "p1", "of"]));
    const entities = await complete(`${HEADER}\nstacking {\n  at most 1 store-coupon per <|>\n}\n`);
    expect(labels(entities).sort()).toEqual(["customer", "line", "order", "store"]);
  });

  it("offers promotion ids, keys and values inside examples", async () => {
    const items = await complete(
      `${HEADER}\npromotion p1 {\n  title "p"\n  kind automatic\n  give 5.00 USD off order\n}\n\nexample "e" {\n  cart {\n    at: 2026-11-10 12:00:00 in UTC,\n    lines: [],\n  }\n  expect {\n    applied: [<|>],\n  }\n}\n`,
    );
    expect(labels(items)).toEqual(["p1"]);
    const keys = await complete(`${HEADER}\nexample "e" {\n  cart {\n    at: 2026-11-10 12:00:00 in UTC,\n    <|>\n  }\n}\n`);
    expect(labels(keys)).toEqual(expect.arrayContaining(["lines", "customer", "coupons", "shipping"]));
    expect(labels(keys)).not.toContain("at");
    expect(keys.find((i) => i.label === "lines")!.detail).toContain("required");
    const reasons = await complete(`${HEADER}\nexample "e" {\n  expect {\n    rejected: [{ id: p1, reason: <|> }],\n  }\n}\n`);
    expect(labels(reasons)).toEqual(expect.arrayContaining(["condition", "window", "not-combinable"]));
    const attributes = await complete(`${HEADER}\nexample "e" {\n  cart {\n    customer: { id: "c", attributes: { <|> } },\n  }\n}\n`);
    expect(labels(attributes)).toEqual(["vipTier"]);
  });

  it("works on a broken, half-typed file", async () => {
    const marked = `currency EUR\n\nscope socks = line.tags contains "socks"\n\npromotion p {\n  title \n  kind autom\n  give 5.00 EUR off <|>`;
    const targets = await complete(marked);
    expect(labels(targets)).toEqual(expect.arrayContaining(["socks", "order", "each unit of"]));
    // A broken clause before the cursor: completion restarts at the clause.
    const kinds = await complete(`currency EUR\n\npromotion p {\n  title \n  when subtotal exceeds\n  kind <|>`);
    expect(labels(kinds)).toContain("automatic");
    // After a clause that lost its end, a new line still offers new clauses.
    const clauses = await complete(`currency EUR\n\npromotion p {\n  title "p"\n  give 5.00 EUR off\n  <|>`);
    expect(labels(clauses)).toEqual(expect.arrayContaining(["kind", "when", "order"]));
    // Inside a comment or a string there is nothing to complete.
    expect(await complete(`currency EUR\n# a comment <|>\n`)).toEqual([]);
    expect(await complete(`currency EUR\npromotion p {\n  title "half <|>\n`)).toEqual([]);
  });

  it("offers declaration snippets at the top level", async () => {
    const items = await complete(`currency EUR\n\n<|>\n`);
    const words = labels(items);
    expect(words).toEqual(expect.arrayContaining(["promotion", "scope", "window", "stacking", "example"]));
    const snippet = items.find((i) => i.label === "promotion (automatic discount)")!;
    expect(snippet.insertTextFormat).toBe(2); // Snippet
    expect(snippet.kind).toBe(15); // Snippet
    const text = (snippet.textEdit as { newText: string }).newText;
    expect(text).toMatch(/^promotion \$\{1:id\} \{\n/);
    expect(text).toContain("kind automatic");
    expect(text).toContain("EUR"); // the file's currency
    expect(words).toEqual(expect.arrayContaining(["promotion (coupon with code and window)", "promotion (free shipping)", "promotion (coins)"]));
    // Inside a promotion there are no declaration snippets.
    expect(labels(await complete(`currency EUR\npromotion p {\n  <|>\n}\n`))).not.toContain("promotion (automatic discount)");
  });

  it("answers on a 5,000-line file", async () => {
    const blocks: string[] = ["currency USD", "", 'scope acme = line.store is "acme"', ""];
    for (let i = 0; blocks.length < 5_000; i++) {
      blocks.push(
        `promotion gen-${i} {`,
        `  title "Generated ${i}"`,
        "  kind automatic",
        `  when subtotal exceeds ${10 + (i % 50)}.00 USD`,
        `  give ${1 + (i % 9)}.00 USD off acme`,
        "}",
        "",
      );
    }
    const text = blocks.join("\n") + "\n";
    const lines = text.split("\n");
    const uri = `file:///virtual/editing-large.promo`;
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    const lastLine = (prefix: string) => lines.length - 1 - [...lines].reverse().findIndex((l) => l.startsWith(prefix));
    const lastGive = lastLine("  give");
    const lastWhen = lastLine("  when");
    const middleTitle = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith("  title"));
    const positions: [number, number, string][] = [
      [lastGive, lines[lastGive]!.length, "acme"],
      [lastWhen, lines[lastWhen]!.length - 3, "USD"],
      [middleTitle, 4, "title"],
      [2, 18, "store"],
      [lines.length - 1, 0, "promotion"],
    ];
    // Correct answers only: completion latency on a 5,000-line file is measured by bench/lsp.mjs (`npm run bench`),
    // not bounded here, where a loaded machine would make any time bound fail.
    for (const [line, character, expected] of positions) {
      const result = await client.request<CompletionList>("textDocument/completion", { textDocument: { uri }, position: { line, character } });
      expect(result.items.map((i) => i.label)).toContain(expected);
    }
  });

  it("answers null for an unknown document without failing", async () => {
    const result = await client.request("textDocument/completion", {
      textDocument: { uri: "file:///virtual/nowhere.promo" },
      position: { line: 0, character: 0 },
    });
    expect(result).toBeNull();
  });
});

describe("signature help", () => {
  async function help(marked: string): Promise<SignatureHelp | null> {
    const { uri, position } = await openAt(marked);
    return client.request<SignatureHelp | null>("textDocument/signatureHelp", {
      textDocument: { uri },
      position,
      context: { triggerKind: 2, triggerCharacter: " ", isRetrigger: false },
    });
  }
  const active = (h: SignatureHelp) => {
    const sig = h.signatures[h.activeSignature ?? 0]!;
    const param = sig.parameters?.[h.activeParameter ?? 0];
    return { label: sig.label, param: param && Array.isArray(param.label) ? sig.label.slice(param.label[0], param.label[1]) : param?.label };
  };

  it("shows the benefit forms inside give, with the active form and parameter", async () => {
    const start = (await help(`${HEADER}\npromotion p {\n  title "p"\n  give <|>\n}\n`))!;
    expect(start.signatures.map((s) => s.label)).toEqual(
      expect.arrayContaining([
        "give <amount> off <target> [before|after discounts]",
        "give <percent>% off <target> [before|after discounts] [up to <cap>]",
        "give price <amount> on <scope> [max <N> units]",
        "give pack [<SKU>, …] for <amount>",
        "give cheapest <M> free for every <N> of <scope>",
        "give free shipping",
        "give coins at <N> per <amount> [up to <P>% of order] [on <scope>]",
      ]),
    );
    expect(active((await help(`${HEADER}\npromotion p {\n  give 5.00 USD off <|>\n}\n`))!)).toEqual({
      label: "give <amount> off <target> [before|after discounts]",
      param: "<target>",
    });
    expect(active((await help(`${HEADER}\npromotion p {\n  give 15% off order up to <|>\n}\n`))!)).toEqual({
      label: "give <percent>% off <target> [before|after discounts] [up to <cap>]",
      param: "[up to <cap>]",
    });
    expect(active((await help(`${HEADER}\npromotion p {\n  give cheapest 1 free for every <|>\n}\n`))!)).toEqual({
      label: "give cheapest <M> free for every <N> of <scope>",
      param: "<N>",
    });
  });

  it("shows windows, aggregates and limits, and nothing after a finished clause", async () => {
    expect(active((await help(`${HEADER}\npromotion p {\n  valid from 2026-11-10 05:00:00 to <|>\n}\n`))!)).toEqual({
      label: "valid from <start> to <end> in <zone>",
      param: "<end>",
    });
    expect(active((await help(`${HEADER}\npromotion p {\n  when subtotal of <|>\n}\n`))!)).toEqual({
      label: "subtotal [of <scope>] [before|after discounts]",
      param: "[of <scope>]",
    });
    expect(active((await help(`${HEADER}\npromotion p {\n  limit 3 per customer per <|>\n}\n`))!)).toEqual({
      label: "limit <N> [redemptions|uses|coins|units] [per <entity>] [per <period>]",
      param: "[per <period>]",
    });
    expect(active((await help(`${HEADER}\nstacking {\n  at most 1 of <|>\n}\n`))!)).toEqual({
      label: "at most <N> [of] <selector> per <entity>",
      param: "<selector>",
    });
    expect(await help(`${HEADER}\npromotion p {\n  give 5.00 USD off order\n  <|>\n}\n`)).toBeNull();
  });
});

describe("semantic tokens", () => {
  it("classifies keywords, names, fields, codes, literals, comments and comparators", async () => {
    const text = [
      "# rules",
      "currency USD",
      'scope acme = line.store is "acme"',
      "promotion p {",
      "  kind store-coupon",
      "  give 3.00 USD off acme",
      "}",
      "",
    ].join("\n");
    const { uri } = await openAt(text + "<|>");
    const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
    const init = await client.request<unknown>("textDocument/semanticTokens/full", { textDocument: { uri } });
    expect(init).toEqual(tokens);
    const legend = ["keyword", "type", "property", "variable", "enumMember", "string", "number", "comment", "operator"];
    const modifiers = ["declaration", "readonly", "defaultLibrary"];
    const lines = text.split("\n");
    const decoded: [string, string, string[]][] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, length, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
      line += dl;
      char = dl === 0 ? char + dc : dc;
      decoded.push([lines[line]!.slice(char, char + length), legend[type]!, modifiers.filter((_, bit) => mods & (1 << bit))]);
    }
    expect(decoded).toEqual([
      ["# rules", "comment", []],
      ["currency", "keyword", []],
      ["USD", "enumMember", []],
      ["scope", "keyword", []],
      ["acme", "variable", ["declaration", "readonly"]],
      ["line", "variable", ["readonly", "defaultLibrary"]],
      ["store", "property", ["defaultLibrary"]],
      ["is", "operator", []],
      ['"acme"', "string", []],
      ["promotion", "keyword", []],
      ["p", "variable", ["declaration"]],
      ["kind", "keyword", []],
      ["store-coupon", "type", []],
      ["give", "keyword", []],
      ["3.00", "number", []],
      ["USD", "enumMember", []],
      ["off", "keyword", []],
      ["acme", "variable", ["readonly"]],
    ]);
    // A range request returns only the tokens of that range (the line of the promotion's benefit).
    const range = await client.request<SemanticTokens>("textDocument/semanticTokens/range", {
      textDocument: { uri },
      range: { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } },
    });
    expect(range.data.length).toBe(5 * 5);
    expect(range.data.slice(0, 2)).toEqual([5, 2]);
  });
});

describe("folding ranges", () => {
  it("folds a promotion, a multi-line record and a block of comments", async () => {
    const text = [
      "# The 11.11 sale.", // 0
      "# Two comment lines fold.", // 1
      "currency USD", // 2
      "", // 3
      "promotion p {", // 4
      '  title "p"', // 5
      "  kind automatic", // 6
      "  when subtotal exceeds 10.00 USD", // 7
      "    and customer.firstOrder", // 8
      "  give 5.00 USD off order", // 9
      "}", // 10
      "", // 11
      'example "e" {', // 12
      "  cart {", // 13
      "    at: 2026-11-10 12:00:00 in UTC,", // 14
      '    lines: [{ id: "l1", sku: "A", unitPrice: 20.00 USD, quantity: 1 }],', // 15
      "  }", // 16
      "  expect { total: 15.00 USD }", // 17
      "}", // 18
      "",
    ].join("\n");
    const { uri } = await openAt(text + "<|>");
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri } });
    const simple = ranges.map((r) => [r.startLine, r.endLine, r.kind ?? null]);
    expect(simple).toContainEqual([0, 1, "comment"]);
    expect(simple).toContainEqual([4, 9, null]);
    expect(simple).toContainEqual([7, 8, null]);
    expect(simple).toContainEqual([12, 17, null]);
    expect(simple).toContainEqual([13, 15, null]);
  });

  it("folds a half-typed promotion to its last line", async () => {
    const { uri } = await openAt(`currency USD\n\npromotion p {\n  title "p"\n  kind autom\n  give 5.00 USD off\n<|>`);
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri } });
    expect(ranges.map((r) => [r.startLine, r.endLine])).toContainEqual([2, 5]);
  });
});

describe("inlay hints", () => {
  const text = [
    "currency USD", // 0
    "", // 1
    "window sale = from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles", // 2
    "", // 3
    "promotion p {", // 4
    '  title "p"', // 5
    "  kind automatic", // 6
    "  valid sale", // 7
    "  when subtotal exceeds 25.00 USD", // 8
    "  give 5.00 USD off order", // 9
    "}", // 10
    "", // 11
    "promotion q {", // 12
    '  title "q"', // 13
    "  kind automatic", // 14
    "  valid from 2026-03-08 01:00:00 to 2026-03-08 03:30:00 in America/New_York", // 15
    "  give 500 JPY off order", // 16
    "}", // 17
    "",
  ].join("\n");

  it("shows the UTC instants of a Los Angeles window, and the minor units of money", async () => {
    const { uri } = await openAt(text + "<|>");
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } },
    });
    const simple = hints.map((h) => [h.position.line, h.position.character, h.label]);
    expect(simple).toContainEqual([2, 84, "= 2026-11-10T13:00:00Z … 2026-11-12T12:59:59Z"]);
    expect(simple).toContainEqual([7, 12, "= 2026-11-10T13:00:00Z … 2026-11-12T12:59:59Z"]);
    expect(simple).toContainEqual([8, 33, "= 2500 minor units"]);
    expect(simple).toContainEqual([9, 15, "= 500 minor units"]);
    expect(hints.every((h) => h.position.line < 12)).toBe(true);
  });

  it("answers only for the requested range", async () => {
    const { uri } = await openAt(text + "<|>");
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 15, character: 0 }, end: { line: 17, character: 0 } },
    });
    // New York's spring-forward night: 03:30 EDT is 07:30Z, 01:00 EST is 06:00Z; JPY has no minor units.
    expect(hints.map((h) => [h.position.line, h.label])).toEqual([[15, "= 2026-03-08T06:00:00Z … 2026-03-08T07:30:00Z"]]);
  });
});
