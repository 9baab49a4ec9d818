import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KEYWORD_TEXTS, KINDS } from "@promo/dsl";
import type { DocumentSymbol, Hover, Location, MarkupContent, Range, SymbolInformation, WorkspaceEdit } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEYWORD_DOCS, KIND_DOCS } from "../src/navigation/docs.js";
import { cursor, fileUri, startClient, type Client } from "./harness.js";

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples");

const LIB = `# shared scopes and windows
scope selected = line.tags contains "selected"

window sale = from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles
`;

const SALE = `import "lib.promo"

currency USD

attribute customer.vipTier: int

scope acme = line.store is "acme"

promotion selected-2-off-15 {
  title "Selected coupon"
  kind selected-coupon
  valid sale
  when subtotal of selected at least 15.00 USD and customer.region is US and customer.vipTier at least 2
  give 2.00 USD off selected
}

promotion acme-3-off {
  title "acme store coupon"
  kind store-coupon
  code "ACME3"
  when subtotal of acme at least 15.00 USD
  give 3.00 USD off acme
}

group acme-deals = [acme-3-off]

stacking {
  at most 1 of acme-deals per order
}

example "the acme coupon" {
  cart {
    at: 2026-11-10 12:00:00 in UTC,
    customer: { id: "c1", region: US, attributes: { vipTier: 1 } },
    lines: [{ id: "l1", sku: "A", store: "acme", unitPrice: 20.00 USD, quantity: 1 }],
    coupons: [{ code: "ACME3" }],
  }
  expect {
    applied: [acme-3-off],
  }
}
`;

const OTHER = `import "lib.promo"

currency USD

promotion other-selected {
  title "10% off selected items"
  kind automatic
  valid sale
  give 10% off selected
}
`;

/** An unrelated project: its own `selected` is another symbol. */
const UNRELATED = `scope selected = line.sku is "X"
`;

let dir: string;
let client: Client;
const uri = (name: string) => fileUri(join(dir, name));

/** The position of the `occurrence`-th (0-based) `needle` in `text`, `offset` characters into it. */
function at(text: string, needle: string, offset = 0, occurrence = 0): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`no ${needle} #${occurrence}`);
  }
  return cursor(`${text.slice(0, index + offset)}<|>${text.slice(index + offset)}`).position;
}

/** The text a range covers. */
function slice(text: string, range: Range): string {
  const lines = text.split("\n");
  if (range.start.line === range.end.line) return lines[range.start.line]!.slice(range.start.character, range.end.character);
  return [
    lines[range.start.line]!.slice(range.start.character),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line]!.slice(0, range.end.character),
  ].join("\n");
}

const files: Record<string, string> = {};
const textOf = (u: string) => files[u] ?? readFileSync(fileURLToPath(u), "utf8");

async function hover(file: string, position: { line: number; character: number }): Promise<string | null> {
  const result = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: uri(file) }, position });
  return result ? (result.contents as MarkupContent).value : null;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "promo-nav-"));
  for (const [name, text] of Object.entries({ "lib.promo": LIB, "sale.promo": SALE, "other.promo": OTHER, "unrelated/unrelated.promo": UNRELATED })) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    files[fileUri(path)] = text;
  }
  client = await startClient({ rootPath: dir });
  // The importing file is open (as in an editor); the library and the other file are read from disk.
  client.open(uri("sale.promo"), SALE);
});

afterAll(async () => {
  await client?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("hover", () => {
  it("shows a field's type and documentation", async () => {
    const value = await hover("sale.promo", at(SALE, "customer.region", "customer.".length + 2));
    expect(value).toContain("customer.region: Region");
    expect(value).toContain("The customer's region, an ISO 3166-1 alpha-2 code such as US.");
  });

  it("shows a declared attribute's type", async () => {
    const value = await hover("sale.promo", at(SALE, "customer.vipTier at", "customer.".length + 1));
    expect(value).toContain("attribute customer.vipTier: int");
    expect(value).toContain("type `Int`");
  });

  it("shows a money literal in minor units with the currency's exponent", async () => {
    const value = await hover("sale.promo", at(SALE, "15.00 USD", 1));
    expect(value).toContain("15.00 USD = **1500** minor units");
    expect(value).toContain("USD has exponent 2");
  });

  it("shows a window's resolved instants in the declared zone and in UTC, across files", async () => {
    const value = await hover("sale.promo", at(SALE, "valid sale", "valid ".length + 1));
    expect(value).toContain("window sale = from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles");
    expect(value).toContain("declared in `lib.promo` line 4");
    expect(value).toContain("2026-11-10 05:00:00 America/Los_Angeles = 2026-11-10T13:00:00Z");
    expect(value).toContain("2026-11-12 04:59:59 America/Los_Angeles = 2026-11-12T12:59:59Z");
  });

  it("shows the window of a valid clause on its keyword", async () => {
    const value = await hover("sale.promo", at(SALE, "valid sale", 2));
    expect(value).toContain("`valid W`");
    expect(value).toContain("2026-11-10 05:00:00 America/Los_Angeles = 2026-11-10T13:00:00Z");
  });

  it("documents a keyword in one line", async () => {
    const value = await hover("sale.promo", at(SALE, "when subtotal", 1));
    expect(value).toContain("`when CONDITION`: the promotion applies only when the condition holds");
  });

  it("explains a kind and its stage in the application order", async () => {
    const value = await hover("sale.promo", at(SALE, "store-coupon", 3));
    expect(value).toContain("A seller's coupon.");
    expect(value).toContain("Stage 3 of 7");
  });

  it("describes a promotion by its title, kind and code", async () => {
    const value = await hover("sale.promo", at(SALE, "acme-3-off", 2));
    expect(value).toContain("**acme store coupon**");
    expect(value).toContain("Kind: `store-coupon`");
    expect(value).toContain("Code: `ACME3`");
  });

  it("answers null on nothing (white space, a comment, a string)", async () => {
    expect(await hover("sale.promo", { line: 1, character: 0 })).toBeNull();
    expect(await hover("lib.promo", { line: 0, character: 4 })).toBeNull();
    expect(await hover("sale.promo", at(SALE, '"Selected coupon"', 3))).toBeNull();
  });
});

describe("hover on names that are also Object.prototype's", () => {
  it("answers from the language's own tables, never from Object.prototype", async () => {
    const file = "file:///virtual/prototype-names.promo";
    const text =
      'currency USD\n\npromotion constructor {\n  title "x"\n  kind automatic\n  when customer.constructor is "x" and toString.valueOf\n  give 1.00 USD off order\n}\n';
    client.open(file, text);
    for (const needle of ["constructor {", "constructor is", "toString", "valueOf"]) {
      const result = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: file }, position: at(text, needle, 2) });
      const value = result ? (result.contents as MarkupContent).value : "";
      expect(value, needle).not.toMatch(/native code|function Object|\[object |The cart's `(toString|constructor)` record/);
    }
    const completion = await client.request<{ items: { label: string; documentation?: unknown }[] } | { label: string }[]>("textDocument/completion", {
      textDocument: { uri: file },
      position: at(text, "constructor is", "constructor".length),
    });
    expect(JSON.stringify(completion)).not.toMatch(/native code|function Object/);
  });
});

describe("go to definition", () => {
  it("goes to a scope declared in the same file", async () => {
    const location = await client.request<Location | null>("textDocument/definition", {
      textDocument: { uri: uri("sale.promo") },
      position: at(SALE, "off acme", "off ".length + 1),
    });
    expect(location?.uri).toBe(uri("sale.promo"));
    expect(location?.range).toEqual({ start: at(SALE, "acme ="), end: at(SALE, "acme =", 4) });
  });

  it("goes to a scope declared in an imported file", async () => {
    const location = await client.request<Location | null>("textDocument/definition", {
      textDocument: { uri: uri("sale.promo") },
      position: at(SALE, "of selected", "of ".length + 2),
    });
    expect(location?.uri).toBe(uri("lib.promo"));
    expect(slice(LIB, location!.range)).toBe("selected");
    expect(location!.range.start).toEqual(at(LIB, "selected ="));
  });

  it("goes from an attribute field to its declaration, and answers null on a keyword", async () => {
    const location = await client.request<Location | null>("textDocument/definition", {
      textDocument: { uri: uri("sale.promo") },
      position: at(SALE, "vipTier at", 2),
    });
    expect(location?.range.start).toEqual(at(SALE, "vipTier: int"));
    expect(await client.request("textDocument/definition", { textDocument: { uri: uri("sale.promo") }, position: at(SALE, "give", 1) })).toBeNull();
  });
});

describe("find references", () => {
  const request = (includeDeclaration: boolean) =>
    client.request<Location[]>("textDocument/references", {
      textDocument: { uri: uri("sale.promo") },
      position: at(SALE, "off selected", "off ".length + 1),
      context: { includeDeclaration },
    });

  it("finds every use across the files whose projects contain the declaration, with the declaration", async () => {
    const locations = await request(true);
    const found = locations.map((l) => [l.uri.slice(l.uri.lastIndexOf("/") + 1), l.range.start.line, slice(textOf(l.uri), l.range)]);
    expect(found).toEqual([
      ["lib.promo", 1, "selected"],
      ["other.promo", 8, "selected"],
      ["sale.promo", 12, "selected"],
      ["sale.promo", 13, "selected"],
    ]);
    // The unrelated project's own `selected` is another symbol.
    expect(locations.some((l) => l.uri.includes("unrelated"))).toBe(false);
  });

  it("leaves the declaration out when asked", async () => {
    const locations = await request(false);
    expect(locations.map((l) => l.uri.slice(l.uri.lastIndexOf("/") + 1))).toEqual(["other.promo", "sale.promo", "sale.promo"]);
  });

  it("finds a window's uses from its declaration in the library", async () => {
    const locations = await client.request<Location[]>("textDocument/references", {
      textDocument: { uri: uri("lib.promo") },
      position: at(LIB, "sale =", 1),
      context: { includeDeclaration: false },
    });
    expect(locations.map((l) => [l.uri.slice(l.uri.lastIndexOf("/") + 1), slice(textOf(l.uri), l.range)])).toEqual([
      ["other.promo", "sale"],
      ["sale.promo", "sale"],
    ]);
  });
});

describe("rename", () => {
  const rename = (file: string, text: string, position: { line: number; character: number }, newName: string) =>
    client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: uri(file) }, position, newName });

  it("prepares a rename on a scope reference", async () => {
    const prepared = await client.request<{ range: Range; placeholder: string }>("textDocument/prepareRename", {
      textDocument: { uri: uri("sale.promo") },
      position: at(SALE, "of selected", 4),
    });
    expect(prepared.placeholder).toBe("selected");
    expect(slice(SALE, prepared.range)).toBe("selected");
  });

  it("renames a scope in its declaration and every use, across files", async () => {
    const edit = await rename("sale.promo", SALE, at(SALE, "of selected", 4), "picked");
    const changes = edit.changes ?? {};
    expect(Object.keys(changes).sort()).toEqual([uri("lib.promo"), uri("other.promo"), uri("sale.promo")].sort());
    for (const [u, edits] of Object.entries(changes)) {
      for (const e of edits) {
        expect(e.newText).toBe("picked");
        expect(slice(textOf(u), e.range)).toBe("selected");
      }
    }
    expect(changes[uri("lib.promo")]!.map((e) => e.range.start)).toEqual([at(LIB, "selected =")]);
    expect(changes[uri("sale.promo")]!.map((e) => e.range.start.line)).toEqual([12, 13]);
    expect(changes[uri("other.promo")]!.map((e) => e.range.start.line)).toEqual([8]);
  });

  it("refuses a keyword, a built-in field and a kind", async () => {
    const prepare = (position: { line: number; character: number }) =>
      client.request("textDocument/prepareRename", { textDocument: { uri: uri("sale.promo") }, position });
    await expect(prepare(at(SALE, "when subtotal", 1))).rejects.toThrow(/'when' is a keyword/);
    await expect(prepare(at(SALE, "customer.region", "customer.".length + 1))).rejects.toThrow(/built-in field/);
    await expect(prepare(at(SALE, "store-coupon", 1))).rejects.toThrow(/kind/);
    await expect(prepare(at(SALE, "15.00 USD", 1))).rejects.toThrow(/Literals/);
    await expect(rename("sale.promo", SALE, at(SALE, "when subtotal", 1), "whenever")).rejects.toThrow(/keyword/);
    expect(await prepare({ line: 1, character: 0 })).toBeNull();
  });

  it("refuses a new name that is not a name, a keyword or a reserved name", async () => {
    const position = at(SALE, "off acme", "off ".length + 1);
    await expect(rename("sale.promo", SALE, position, "9lives")).rejects.toThrow(/not a valid name/);
    await expect(rename("sale.promo", SALE, position, "acme--x")).rejects.toThrow(/not a valid name/);
    await expect(rename("sale.promo", SALE, position, "when")).rejects.toThrow(/keyword/);
    await expect(rename("sale.promo", SALE, position, "customer")).rejects.toThrow(/reserved/);
    await expect(rename("sale.promo", SALE, position, "automatic")).rejects.toThrow(/kind/);
    await expect(rename("sale.promo", SALE, position, "US")).rejects.toThrow(/region code/);
  });

  it("refuses a new name that collides with a declaration of the same namespace, in any file of the project", async () => {
    const position = at(SALE, "off acme", "off ".length + 1);
    await expect(rename("sale.promo", SALE, position, "sale")).rejects.toThrow(/'sale' is already declared as a window \(lib\.promo:4\)/);
    // Promotion ids are a namespace of their own: a promotion may take a scope's name but not another promotion's.
    const promotion = at(SALE, "acme-3-off {", 1);
    await expect(rename("sale.promo", SALE, promotion, "selected-2-off-15")).rejects.toThrow(/already declared as a promotion/);
    const edit = await rename("sale.promo", SALE, promotion, "acme");
    expect(edit.changes?.[uri("sale.promo")]?.map((e) => e.newText)).toEqual(["acme", "acme", "acme"]);
  });

  it("renames a promotion in its group and in an example's expectation", async () => {
    const edit = await rename("sale.promo", SALE, at(SALE, "acme-3-off]", 1, 1), "acme-three");
    const edits = edit.changes?.[uri("sale.promo")] ?? [];
    expect(edits.map((e) => [e.range.start, slice(SALE, e.range), e.newText])).toEqual([
      [at(SALE, "acme-3-off {"), "acme-3-off", "acme-three"],
      [at(SALE, "acme-3-off]"), "acme-3-off", "acme-three"],
      [at(SALE, "acme-3-off]", 0, 1), "acme-3-off", "acme-three"],
    ]);
    expect(Object.keys(edit.changes ?? {})).toEqual([uri("sale.promo")]);
  });

  it("renames an attribute in its declaration, its field uses and example attribute records", async () => {
    const edit = await rename("sale.promo", SALE, at(SALE, "vipTier at", 1), "tier");
    const edits = edit.changes?.[uri("sale.promo")] ?? [];
    expect(edits.map((e) => [e.range.start, slice(SALE, e.range)])).toEqual([
      [at(SALE, "vipTier: int"), "vipTier"],
      [at(SALE, "vipTier at"), "vipTier"],
      [at(SALE, "vipTier: 1"), "vipTier"],
    ]);
    await expect(rename("sale.promo", SALE, at(SALE, "vipTier at", 1), "region")).rejects.toThrow(/built-in field/);
  });
});

describe("document symbols", () => {
  it("outlines examples/seller-shop.promo with each promotion's kind and code", async () => {
    const path = join(EXAMPLES, "seller-shop.promo");
    client.open(fileUri(path), readFileSync(path, "utf8"));
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: fileUri(path) } });
    const promotions = symbols.filter((s) => s.kind === 5).map((s) => [s.name, s.detail]);
    expect(promotions).toEqual([
      ["tshirt-limited-20pct", "automatic"],
      ["pack-case-cable", "automatic"],
      ["buy3-socks-cheapest-free", "automatic"],
      ["free-sample", "automatic"],
      ["save10-code", 'promo-code · code "SAVE10"'],
      ["shop-5-off-25", 'promo-code · code "SHOP5"'],
      ["comeback-5", 'promo-code · code "COMEBACK5"'],
      ["free-shipping-fr-30", "shipping"],
    ]);
    const names = symbols.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["line.size", "tshirts-s-m-xl", "socks", "sample", "codes", "stacking"]));
    const examples = readFileSync(path, "utf8").match(/^example /gm)!.length;
    expect(examples).toBeGreaterThan(10);
    expect(symbols.filter((s) => s.kind === 6 && s.detail === "example").length).toBe(examples);
    const save10 = symbols.find((s) => s.name === "save10-code")!;
    expect(save10.children?.map((c) => c.name)).toEqual(["title", "kind", "code", "funded by", "give"]);
    expect(symbols.find((s) => s.name === "stacking")!.children?.map((c) => c.name)).toEqual([
      "at most 1 of codes per order",
      "at most 1 automatic per line",
      "select best-for-buyer",
    ]);
  });

  it("still lists a half-typed promotion in a broken file", async () => {
    const broken = "file:///virtual/broken.promo";
    client.open(broken, 'currency USD\n\nscope later = line.sku is "X"\n\npromotion half {\n  title "half"\n  kind autom\n  give 5.00 USD off\n');
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: broken } });
    expect(symbols.map((s) => [s.name, s.detail])).toEqual([
      ["USD", "currency"],
      ["later", 'scope = line.sku is "X"'],
      ["half", "autom"],
    ]);
    const half = symbols[2]!;
    expect(half.range.start).toEqual({ line: 4, character: 0 });
    expect(half.children?.map((c) => c.name)).toEqual(["title", "kind", "give"]);
  });
});

describe("on a broken file", () => {
  const broken = "file:///virtual/half.promo";
  const text = 'currency USD\n\nscope later = line.sku is "X"\n\npromotion half {\n  title "half"\n  kind autom\n  when customer.\n  give 5.00 USD off later\n';
  beforeAll(() => client.open(broken, text));
  const position = (needle: string, offset = 0) => at(text, needle, offset);

  it("still hovers, goes to definitions and finds references in a half-typed promotion", async () => {
    const hovered = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: broken }, position: position("title", 1) });
    expect((hovered?.contents as MarkupContent).value).toContain('`title "…"`');
    const money = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: broken }, position: position("5.00", 1) });
    expect((money?.contents as MarkupContent).value).toContain("500");
    const definition = await client.request<Location | null>("textDocument/definition", { textDocument: { uri: broken }, position: position("off later", 5) });
    expect(definition).toEqual({ uri: broken, range: { start: position("later ="), end: position("later =", 5) } });
    const references = await client.request<Location[]>("textDocument/references", {
      textDocument: { uri: broken },
      position: position("later ="),
      context: { includeDeclaration: true },
    });
    expect(references.map((r) => r.range.start)).toEqual([position("later ="), position("off later", 4)]);
    // An unknown kind is no symbol: nothing to go to, nothing to rename.
    expect(await client.request("textDocument/definition", { textDocument: { uri: broken }, position: position("autom", 1) })).toBeNull();
    await expect(client.request("textDocument/prepareRename", { textDocument: { uri: broken }, position: position("autom", 1) })).rejects.toThrow(
      /not a declared/,
    );
  });
});

describe("workspace symbols", () => {
  // Only this workspace's files (the example opened above is an open document, so it is searched too).
  const names = (symbols: SymbolInformation[]) =>
    symbols.filter((s) => s.location.uri.startsWith(fileUri(dir))).map((s) => [s.name, s.location.uri.slice(s.location.uri.lastIndexOf("/") + 1)]);

  it("finds promotions, scopes and windows of every workspace file by substring", async () => {
    const symbols = await client.request<SymbolInformation[]>("workspace/symbol", { query: "SELECTED" });
    expect(names(symbols)).toEqual([
      ["selected", "lib.promo"],
      ["selected", "unrelated.promo"],
      ["selected-2-off-15", "sale.promo"],
      ["other-selected", "other.promo"],
    ]);
    const lib = symbols.find((s) => s.location.uri === uri("lib.promo"))!;
    expect(lib.location.range.start).toEqual(at(LIB, "selected ="));
    expect(lib.containerName).toBe("scope in lib.promo");
  });

  it("matches a fuzzy subsequence, after the substring matches", async () => {
    expect(names(await client.request<SymbolInformation[]>("workspace/symbol", { query: "a3o" }))).toEqual([["acme-3-off", "sale.promo"]]);
    // Prefixes first, then substrings, then subsequences (s…e in "sale").
    expect(names(await client.request<SymbolInformation[]>("workspace/symbol", { query: "se" }))).toEqual([
      ["selected", "lib.promo"],
      ["selected", "unrelated.promo"],
      ["selected-2-off-15", "sale.promo"],
      ["other-selected", "other.promo"],
      ["sale", "lib.promo"],
    ]);
  });
});

describe("the server", () => {
  it("logged no handler failure", () => {
    expect(client.logs.filter((l) => l.includes("failed"))).toEqual([]);
  });
});

describe("documentation tables", () => {
  it("has one line for every keyword and every kind", () => {
    expect(KEYWORD_TEXTS.filter((k) => !KEYWORD_DOCS[k])).toEqual([]);
    expect(Object.keys(KEYWORD_DOCS).filter((k) => !KEYWORD_TEXTS.includes(k))).toEqual([]);
    expect([...KINDS].sort()).toEqual(Object.keys(KIND_DOCS).sort());
  });
});
