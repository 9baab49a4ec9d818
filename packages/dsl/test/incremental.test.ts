import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reparse } from "../src/parser/incremental.js";
import { parseSource, type ParseResult } from "../src/parser/parse.js";
import { prng } from "../../../test/helpers/prng.js";

/** The incremental re-parse must give exactly what a full parse gives, node ids aside. */
function comparable(result: ParseResult): unknown {
  return JSON.parse(
    JSON.stringify({ ast: result.ast, comments: result.comments, diagnostics: result.diagnostics.map((d) => [d.code, d.span.start, d.span.end]) }),
    (key, value) => (key === "id" ? undefined : value),
  );
}

const examples = join(import.meta.dirname, "..", "..", "..", "examples");
const files = readdirSync(examples).filter((f) => f.endsWith(".promo"));
// Each test below parses whole files hundreds of times (about 1-3 s each on an idle machine); a loaded 2-core
// machine running other CPU-heavy work made one exceed the global 60 s, so they get an explicit generous timeout.
// The work is counted (edits, files, cut points), never timed.
const HEAVY = 300_000;

const INSERTIONS = ["1", " ", "\n", "x", "9.99 USD", '"', "}", "# note\n", "and", 'promotion q {\n title "q"\n kind automatic\n give 1.00 USD off order\n}\n'];

describe("reparse", () => {
  it.each(files)(
    "%s: 100 random edits give the same result as a full parse",
    (file) => {
      const random = prng(file.length * 7919);
      let previous = parseSource(file, readFileSync(join(examples, file), "utf8"));
      for (let i = 0; i < 100; i++) {
        const text = previous.source.text;
        const at = Math.floor(random() * (text.length + 1));
        const remove = random() < 0.5 ? Math.floor(random() * 6) : 0;
        const insert = random() < 0.7 ? INSERTIONS[Math.floor(random() * INSERTIONS.length)]! : "";
        const next = text.slice(0, at) + insert + text.slice(at + remove);
        const incremental = reparse(previous, next);
        expect(comparable(incremental)).toEqual(comparable(parseSource(file, next)));
        // Keep editing from valid states mostly, as an editor does when typing between declarations.
        previous = incremental.diagnostics.length > 0 && random() < 0.8 ? previous : incremental;
      }
    },
    HEAVY,
  );

  it("reuses untouched declarations", () => {
    const text = 'currency USD\n\nscope a = line.sku is "A"\n\nscope b = line.sku is "B"\n';
    const first = parseSource("t.promo", text);
    const second = reparse(first, text.replace('"B"', '"C"'));
    expect(second.ast.declarations[1]).toBe(first.ast.declarations[1]);
    expect(second.ast.declarations[2]).not.toBe(first.ast.declarations[2]);
  });
});

describe("parsing large files a run of declarations at a time", () => {
  // Every example file (imports dropped), its promotions renamed per copy, until the file has well over the
  // chunk size in tokens; comments, scopes, stacking blocks and examples stay in between the promotions.
  const big = (copies: number) =>
    Array.from({ length: copies }, (_, k) =>
      files
        .map((f) => readFileSync(join(examples, f), "utf8").replace(/^import .*$/gm, ""))
        .join("\n")
        .replace(/\bpromotion ([a-z0-9-]+)/g, `promotion $1-${k}`),
    ).join("\n");

  it(
    "gives the whole-file parse's result",
    () => {
      const text = big(12);
      const chunked = parseSource("big.promo", text);
      expect(chunked.ast.declarations.length).toBeGreaterThan(200);
      expect(comparable(chunked)).toEqual(comparable(parseSource("big.promo", text, { chunked: false })));
    },
    HEAVY,
  );

  it(
    "falls back to the whole-file parse, and its diagnostics, on a syntax error anywhere",
    () => {
      const text = big(12);
      for (const at of [0.1, 0.5, 0.93]) {
        const cut = text.indexOf("\npromotion ", Math.floor(text.length * at));
        const broken = text.slice(0, cut) + "\npromotion broken { kind automatic give }" + text.slice(cut);
        const result = parseSource("big.promo", broken);
        expect(result.diagnostics.length).toBeGreaterThan(0);
        expect(comparable(result)).toEqual(comparable(parseSource("big.promo", broken, { chunked: false })));
      }
    },
    HEAVY,
  );
});
