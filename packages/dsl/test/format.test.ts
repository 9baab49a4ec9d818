import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatParsed, formatRange, formatSource, type FormatEdit } from "../src/formatter/format.js";
import { lex } from "../src/lexer/lexer.js";
import { parseSource } from "../src/parser/parse.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "format");
const examplesDir = join(here, "..", "..", "..", "examples");

function read(name: string): string {
  return readFileSync(join(fixtures, name), "utf8");
}

/** Formats text that must parse cleanly. */
function fmt(text: string, path = "test.promo"): string {
  const result = formatSource(path, text);
  if (result.text === undefined) {
    throw new Error(`did not format: ${result.diagnostics.map((d) => `${d.span.startLine}:${d.span.startColumn} ${d.message}`).join("; ")}`);
  }
  return result.text;
}

/** The AST without ids and spans, so that two parses of differently laid out text compare equal. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "id" || key === "span" || key === "opSpan") continue;
      out[key] = strip(value);
    }
    return out;
  }
  return node;
}

function ast(text: string): unknown {
  const parsed = parseSource("test.promo", text);
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return strip(parsed.ast);
}

function commentTexts(text: string): string[] {
  return parseSource("test.promo", text).comments.map((c) => c.text.trimEnd());
}

/** Layout rules every formatted text obeys. */
function expectCanonicalShape(text: string): void {
  if (text === "") return;
  expect(text.endsWith("\n")).toBe(true);
  expect(text.endsWith("\n\n")).toBe(false);
  expect(text.startsWith("\n")).toBe(false);
  expect(text).not.toContain("\r");
  expect(text).not.toContain("\n\n\n");
  expect(text).not.toMatch(/[ \t]+\n/);
  expect(text).not.toContain("\t");
  for (const line of text.split("\n")) expect((line.length - line.trimStart().length) % 2).toBe(0);
}

function applyEdits(text: string, edits: readonly FormatEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function promoFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...promoFilesUnder(full));
    else if (entry.endsWith(".promo")) found.push(full);
  }
  return found.sort();
}

const fixtureNames = readdirSync(fixtures)
  .filter((f) => f.endsWith(".promo"))
  .sort();

describe("formatSource: canonical layout", () => {
  it("prints a messy file covering every construct exactly as written by hand", () => {
    expect(fmt(read("messy.promo"))).toBe(read("messy.expected.promo"));
  });

  it("places comments before, after and inside declarations, blocks, expressions and records", () => {
    expect(fmt(read("comments.promo"))).toBe(read("comments.expected.promo"));
  });

  it("leaves canonical text unchanged", () => {
    for (const name of ["messy.expected.promo", "comments.expected.promo"]) expect(fmt(read(name))).toBe(read(name));
  });

  it("formats an empty or blank file to the empty string", () => {
    expect(formatSource("empty.promo", "")).toEqual({ text: "", diagnostics: [] });
    expect(fmt("  \n\n\t\n")).toBe("");
  });

  it("formats a file of only comments to its comments", () => {
    expect(fmt("   # one   \n\n\n\n# two\n  # three")).toBe("# one\n\n# two\n# three\n");
  });

  it("turns CRLF line endings into LF", () => {
    const lf = '# header\n\nscope a = line.store is "acme"   # a\n\npromotion p {\n  title "T"\n\n  # c\n  kind coupon\n}\n';
    const crlf = lf.replace(/\n/g, "\r\n");
    const out = fmt(crlf);
    expect(out).not.toContain("\r");
    expect(out).toBe(fmt(lf));
    expect(out).toBe('# header\n\nscope a = line.store is "acme" # a\n\npromotion p {\n  title "T"\n\n  # c\n  kind coupon\n}\n');
  });

  it("separates declarations by one blank line only when the source had one or one of them spans lines", () => {
    const src = "scope a = x\nscope b = y\n\n\n\nscope c = z\nwindow w = from 2026-01-01 to 2026-02-01 in UTC\npromotion p { kind coupon }\nscope d = x\n";
    expect(fmt(src)).toBe(
      "scope a = x\nscope b = y\n\nscope c = z\nwindow w = from 2026-01-01 to 2026-02-01 in UTC\n\npromotion p {\n  kind coupon\n}\n\nscope d = x\n",
    );
  });

  it("keeps the blank line before a comment block, and none after an opening or before a closing brace", () => {
    const src = "promotion p {\n\n\n  kind coupon\n\n\n  # limits\n  limit 1 per customer\n\n}\n";
    expect(fmt(src)).toBe("promotion p {\n  kind coupon\n\n  # limits\n  limit 1 per customer\n}\n");
  });

  it("breaks a long top-level and/or chain before each operand, indented two more spaces", () => {
    const cond = Array.from({ length: 6 }, (_, i) => `line.category is "category-number-${i}"`).join(" or ");
    const out = fmt(`promotion p { when ${cond} }\n`);
    const lines = out.split("\n");
    expect(lines[1]).toBe('  when line.category is "category-number-0"');
    for (let i = 1; i < 6; i++) expect(lines[i + 1]).toBe(`    or line.category is "category-number-${i}"`);
    expect(lines[7]).toBe("}");
    // A chain that fits in 100 columns stays on one line, whatever its source layout.
    expect(fmt("scope s = a\n  and b\n  and c\n")).toBe("scope s = a and b and c\n");
  });

  it("breaks at exactly 101 columns, not at 100", () => {
    const fits = `scope s = a and ${"x".repeat(100 - "scope s = a and ".length)}\n`;
    expect(fits.length - 1).toBe(100);
    expect(fmt(fits)).toBe(fits);
    const long = `scope s = a and ${"x".repeat(101 - "scope s = a and ".length)}\n`;
    expect(fmt(long)).toBe(`scope s = a\n  and ${"x".repeat(101 - "scope s = a and ".length)}\n`);
  });

  it("parenthesizes nested and/or, not and comparison operands so the tree survives", () => {
    const cases: [string, string][] = [
      ["scope s = (a or b) or c", "scope s = (a or b) or c"],
      ["scope s = a and b or c", "scope s = (a and b) or c"],
      ["scope s = a or (b and c)", "scope s = a or (b and c)"],
      ["scope s = not a is b", "scope s = not (a is b)"],
      ["scope s = not (a and b)", "scope s = not (a and b)"],
      ["scope s = not not a", "scope s = not not a"],
      ["scope s = (((a)))", "scope s = a"],
      ["scope s = (a is b) is true", "scope s = (a is b) is true"],
      ["scope s = x is (not y)", "scope s = x is (not y)"],
      ["scope s = x in [a or b, c]", "scope s = x in [a or b, c]"],
      [
        'scope s = quantity of (line.store is "a" and line.qty at least 2) exceeds 3',
        'scope s = quantity of (line.store is "a" and line.qty at least 2) exceeds 3',
      ],
      ["scope s = (2026-01-01) in foo", "scope s = (2026-01-01) in foo"],
      ["scope s = 2026-01-01 in Europe/Paris is x", "scope s = 2026-01-01 in Europe/Paris is x"],
    ];
    for (const [src, want] of cases) {
      expect(fmt(src)).toBe(want + "\n");
      expect(ast(want)).toEqual(ast(src));
    }
  });

  it("prints records on one line when they fit and hold no record, otherwise one entry per line", () => {
    const src = 'example e { cart { a: 1, "b c": { d: 2 } } expect { x: [], "quoted\\tkey": "v\\u0041" } }\n';
    expect(fmt(src)).toBe('example e {\n  cart {\n    a: 1,\n    "b c": { d: 2 },\n  }\n  expect { x: [], "quoted\\tkey": "v\\u0041" }\n}\n');
    // Even an empty nested record counts as a nested record.
    expect(fmt("example e { expect { y: {} } }")).toBe("example e {\n  expect {\n    y: {},\n  }\n}\n");
  });

  it("keeps repeated cart/expect entries of an example (which the AST does not keep) by printing it as written", () => {
    const src = "example twice {\n  cart { a: 1 }\n  cart { a: 2 }   \n}\n";
    const out = fmt(src);
    expect(out).toBe("example twice {\n  cart { a: 1 }\n  cart { a: 2 }\n}\n");
    expect(fmt(out)).toBe(out);
  });

  it("keeps `coin` and `coins` in earn declarations as written", () => {
    expect(fmt("earn 1 coin per 1.00 USD\nearn 3 coins per 1.00 USD")).toBe("earn 1 coin per 1.00 USD\nearn 3 coins per 1.00 USD\n");
  });

  it("prints per-purchase and scoped earn rules", () => {
    const src = 'earn  20 coins per   purchase on   volt limit 50 coins per customer per day\nearn 2 coins per 1.00 USD on (line.store is "volt")';
    const out = fmt(src);
    expect(out).toBe('earn 20 coins per purchase on volt limit 50 coins per customer per day\nearn 2 coins per 1.00 USD on (line.store is "volt")\n');
    expect(fmt(out)).toBe(out);
  });

  it("keeps the optional `of` of a stacking rule as written", () => {
    expect(fmt("stacking {\n  at most 1 coupons per order\n  at most 2   of   [a, b] per customer\n}\n")).toBe(
      "stacking {\n  at most 1 coupons per order\n  at most 2 of [a, b] per customer\n}\n",
    );
  });

  it("formatParsed prints the same text as formatSource", () => {
    const text = read("messy.promo");
    expect(formatParsed(parseSource("messy.promo", text))).toBe(fmt(text));
  });
});

describe("formatSource: broken input", () => {
  it("refuses a file with a missing '}' and returns the syntax diagnostics", () => {
    const src = 'promotion p {\n  title "T"\n';
    const result = formatSource("broken.promo", src);
    expect(result.text).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.severity === "error" && d.code === "syntax-error")).toBe(true);
    expect(result.diagnostics).toEqual(parseSource("broken.promo", src).diagnostics);
  });

  it("refuses an unterminated string and unexpected characters", () => {
    const unterminated = formatSource("u.promo", 'scope s = line.store is "acme\n');
    expect(unterminated.text).toBeUndefined();
    expect(unterminated.diagnostics.map((d) => d.code)).toContain("unterminated-string");
    const garbage = formatSource("g.promo", "scope s = a @ b\n");
    expect(garbage.text).toBeUndefined();
    expect(garbage.diagnostics.length).toBeGreaterThan(0);
  });
});

describe("formatSource: comments", () => {
  it("prints every comment of the input exactly once, in source order", () => {
    const input = read("comments.promo");
    const output = fmt(input);
    const before = commentTexts(input);
    expect(before.length).toBeGreaterThanOrEqual(30);
    expect(commentTexts(output)).toEqual(before);
    for (const text of before) expect(output.split(text).length - 1).toBe(1);
  });

  it("keeps every comment, in order, when one follows every token (same line, own line, after a blank line)", () => {
    const variants = [(i: number) => ` # c${i}\n`, (i: number) => `\n# c${i}\n`, (i: number) => (i % 3 ? ` # c${i}\n\n` : " ")];
    for (const name of ["messy.promo", "comments.promo"]) {
      const src = read(name);
      for (const variant of variants) {
        let text = "";
        let pos = 0;
        lex(src).tokens.forEach((t, i) => {
          const at = (t.endOffset ?? t.startOffset) + 1;
          text += src.slice(pos, at) + variant(i);
          pos = at;
        });
        text += src.slice(pos);
        const once = fmt(text);
        expect(commentTexts(once)).toEqual(commentTexts(text));
        expect(fmt(once)).toBe(once);
        expect(ast(once)).toEqual(ast(text));
        expectCanonicalShape(once);
      }
    }
  });

  it("keeps a comment before the closing parenthesis of the last operand of a broken chain in order", () => {
    const src = "promotion p {\n  when a # c1\n  and (b # c2\n  or c # c3\n  ) # c4\n}\n";
    expect(fmt(src)).toBe("promotion p {\n  when a # c1\n    # c2\n    # c3\n    and (b or c) # c4\n}\n");
  });

  it("keeps comment text as written, trimming only trailing whitespace", () => {
    expect(fmt("scope a = x   #  spaced   out #twice\t \n")).toBe("scope a = x #  spaced   out #twice\n");
  });

  it("keeps comments inside one-line expressions, records and headers, above their line", () => {
    const src = "promotion p {\n  give 10% # why\n    off order\n  when (a # one\n  or b) and c # two\n}\n";
    expect(fmt(src)).toBe("promotion p {\n  # why\n  give 10% off order\n  # one\n  when (a or b) and c # two\n}\n");
  });
});

describe("formatSource: idempotence and round trip", () => {
  const cases = fixtureNames.map((name) => [name, read(name)] as const);
  it.each(cases)("fixture %s: format(format(x)) === format(x)", (_name, text) => {
    const once = fmt(text);
    expect(fmt(once)).toBe(once);
    expectCanonicalShape(once);
  });

  it.each(cases)("fixture %s: parse(format(x)) has the same AST as parse(x)", (_name, text) => {
    expect(ast(fmt(text))).toEqual(ast(text));
  });

  it("every .promo file under examples/ is idempotent and round-trips (checked at test time)", () => {
    const files = promoFilesUnder(examplesDir);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const result = formatSource(file, text);
      if (result.text === undefined) continue; // a file that does not parse is the checker's business, not ours
      const label = relative(examplesDir, file);
      expect(fmt(result.text, file), label).toBe(result.text);
      expect(ast(result.text), label).toEqual(ast(text));
      expect(commentTexts(result.text), label).toEqual(commentTexts(text));
      expectCanonicalShape(result.text);
    }
  });

  it("round-trips randomly nested expressions", () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const atoms = ["a", "line.store", '"x"', "5.00 USD", "10%", "true", "subtotal", "quantity of socks", "[a, b]", "2026-01-01"];
    const ops = ["is", "is not", "in", "not in", "exceeds", "at least", "at most", "below", "contains"];
    const gen = (depth: number): string => {
      const pick = depth <= 0 ? 0 : random(6);
      switch (pick) {
        case 1:
          return `${gen(depth - 1)} and ${gen(depth - 1)}`;
        case 2:
          return `${gen(depth - 1)} or ${gen(depth - 1)}`;
        case 3:
          return `not ${gen(depth - 1)}`;
        case 4:
          return `(${gen(depth - 1)}) ${ops[random(ops.length)]} (${gen(depth - 1)})`;
        case 5:
          return `(${gen(depth - 1)})`;
        default:
          return atoms[random(atoms.length)]!;
      }
    };
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const src = `scope s = ${gen(4)}\npromotion p {\n  when ${gen(5)}\n  give 1% off (${gen(3)})\n}\n`;
      const parsed = parseSource("r.promo", src);
      if (parsed.diagnostics.length > 0) continue;
      checked++;
      const once = fmt(src);
      expect(ast(once), src).toEqual(ast(src));
      expect(fmt(once), src).toBe(once);
    }
    expect(checked).toBeGreaterThan(160);
  });
});

describe("formatRange", () => {
  const src = 'scope   a=x\n\npromotion   p{title "T"\n   kind coupon}   # after p\nscope  b =  y\n';

  it("formats only the declaration overlapping the range, exactly as the whole-file formatter does", () => {
    const at = src.indexOf("kind");
    const { edits, diagnostics } = formatRange("r.promo", src, at, at + 4);
    expect(diagnostics).toEqual([]);
    expect(edits).toEqual([
      { start: src.indexOf("promotion"), end: src.indexOf("\nscope  b"), newText: 'promotion p {\n  title "T"\n  kind coupon\n} # after p' },
    ]);
    const after = applyEdits(src, edits);
    expect(after).toBe('scope   a=x\n\npromotion p {\n  title "T"\n  kind coupon\n} # after p\nscope  b =  y\n');
    expect(fmt(src)).toContain('promotion p {\n  title "T"\n  kind coupon\n} # after p\n');
  });

  it("an empty range selects the declaration at the cursor", () => {
    const at = src.indexOf("a=x");
    expect(applyEdits(src, formatRange("r.promo", src, at, at).edits)).toBe(src.replace("scope   a=x", "scope a = x"));
  });

  it("a range over several declarations formats them and what lies between them", () => {
    const { edits } = formatRange("r.promo", src, 0, src.length);
    expect(applyEdits(src, edits)).toBe(fmt(src));
  });

  it("returns no edit outside declarations or when the declaration is already formatted", () => {
    expect(formatRange("r.promo", src, src.indexOf("\n\n") + 1, src.indexOf("\n\n") + 1).edits).toEqual([]);
    const clean = fmt(src);
    expect(formatRange("r.promo", clean, 0, clean.length).edits).toEqual([]);
  });

  it("refuses broken input", () => {
    const result = formatRange("r.promo", "promotion p {\n", 0, 5);
    expect(result.edits).toEqual([]);
    expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });
});
