import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REJECTION_REASONS } from "../src/checker/examples.js";
import { KINDS } from "../src/checker/symbols.js";
import { FIELD_DOCS } from "../src/checker/types.js";
import { CODES } from "../src/diagnostics/catalogue.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { formatSource } from "../src/formatter/format.js";
import { KEYWORD_TEXTS } from "../src/lexer/tokens.js";
import { parseSource } from "../src/parser/parse.js";
import { checkFiles, checkSource } from "../src/pipeline/frontend.js";
import { memoryHost } from "../src/project/host.js";

/**
 * Keeps docs/language.md and docs/diagnostics.md in step with the language:
 *
 * - ```promo blocks are complete files that check without any diagnostic and are in the formatter's layout;
 * - ```promo-error blocks produce at least one error, ```promo-warning blocks a warning and no error;
 * - ```promo-fragment blocks (pieces of a file, files that import others) are only parsed: no syntax errors;
 * - in diagnostics.md, every code has exactly one `### \`code\`` section, with its severity, and the example
 *   blocks of a section produce that code (with the message shown in the ```text block that follows, if any).
 */

const docsDir = join(import.meta.dirname, "..", "..", "..", "docs");

interface Block {
  /** The info string after the opening fence: promo, promo-error, text, ... */
  lang: string;
  text: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
  /** The nearest `### ` heading above the block. */
  section: string | undefined;
}

function read(name: string): string {
  return readFileSync(join(docsDir, name), "utf8");
}

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  let section: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("### ")) section = line.slice(4).trim();
    else if (line.startsWith("## ")) section = undefined;
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`unclosed fence at line ${start + 1}`);
    out.push({ lang: fence[1] ?? "", text: body.join("\n") + "\n", line: start + 1, section });
  }
  return out;
}

function describeDiagnostics(list: readonly Diagnostic[]): string[] {
  return list.map((d) => `${d.severity}[${d.code}] ${d.span.startLine}:${d.span.startColumn} ${d.message}`);
}

const errors = (list: readonly Diagnostic[]) => list.filter((d) => d.severity === "error");
const warnings = (list: readonly Diagnostic[]) => list.filter((d) => d.severity === "warning");

/** Backticked code names of the `### \`code\`` headings. */
function codeHeadings(markdown: string): string[] {
  return [...markdown.matchAll(/^### `([^`]+)`\s*$/gm)].map((m) => m[1]!);
}

function expectFragmentsParse(all: readonly Block[], doc: string): void {
  for (const block of all.filter((b) => b.lang === "promo-fragment")) {
    const parsed = parseSource("fragment.promo", block.text);
    expect(describeDiagnostics(errors(parsed.diagnostics)), `${doc}: promo-fragment block at line ${block.line}`).toEqual([]);
  }
}

describe("docs/language.md", () => {
  const markdown = read("language.md");
  const all = blocks(markdown);
  const complete = all.filter((b) => b.lang === "promo");

  it("has complete, checked examples", () => {
    expect(complete.length).toBeGreaterThanOrEqual(20);
    expect(all.filter((b) => b.lang.startsWith("promo")).every((b) => ["promo", "promo-fragment", "promo-error", "promo-warning"].includes(b.lang))).toBe(true);
  });

  it.each(complete.map((b) => [b.line, b] as const))("the promo block at line %i checks without diagnostics", (_line, block) => {
    const { diagnostics } = checkSource(`language.md:${block.line}.promo`, block.text);
    expect(describeDiagnostics(diagnostics)).toEqual([]);
  });

  it.each(complete.map((b) => [b.line, b] as const))("the promo block at line %i is in the canonical layout", (_line, block) => {
    const formatted = formatSource(`language.md:${block.line}.promo`, block.text);
    expect(formatted.text).toBe(block.text);
  });

  it("checks its error and warning blocks", () => {
    for (const block of all.filter((b) => b.lang === "promo-error")) {
      const { diagnostics } = checkSource("block.promo", block.text);
      expect(errors(diagnostics).length, `promo-error block at line ${block.line}`).toBeGreaterThan(0);
    }
    for (const block of all.filter((b) => b.lang === "promo-warning")) {
      const { diagnostics } = checkSource("block.promo", block.text);
      expect(describeDiagnostics(errors(diagnostics)), `promo-warning block at line ${block.line}`).toEqual([]);
      expect(warnings(diagnostics).length, `promo-warning block at line ${block.line}`).toBeGreaterThan(0);
    }
  });

  it("has fragments that parse", () => expectFragmentsParse(all, "language.md"));

  it("lists every keyword", () => {
    const keywordBlock = all.find((b) => b.section === "Keywords" && b.lang === "text");
    expect(keywordBlock).toBeDefined();
    const listed = keywordBlock!.text.split(/\s+/).filter((w) => w !== "");
    expect([...listed].sort()).toEqual([...KEYWORD_TEXTS].sort());
  });

  it("documents every kind, built-in field and rejection reason", () => {
    for (const kind of KINDS) expect(markdown, kind).toContain(`\`${kind}\``);
    for (const field of Object.keys(FIELD_DOCS)) expect(markdown, field).toContain(`| \`${field}\` |`);
    for (const reason of REJECTION_REASONS) expect(markdown, reason).toContain(`| \`${reason}\` |`);
  });

  it("links only to diagnostic codes that exist", () => {
    const linked = [...markdown.matchAll(/diagnostics\.md#([a-z0-9-]+)/g)].map((m) => m[1]!);
    const anchors = new Set([...Object.keys(CODES), "the-diagnostic-data"]);
    expect(linked.filter((a) => !anchors.has(a))).toEqual([]);
  });
});

describe("docs/diagnostics.md", () => {
  const markdown = read("diagnostics.md");
  const all = blocks(markdown);
  const headings = codeHeadings(markdown);
  const codes = Object.keys(CODES) as (keyof typeof CODES)[];

  it("has a section for every code and no section for an unknown code", () => {
    expect(headings.filter((h) => !Object.hasOwn(CODES, h))).toEqual([]);
    expect(codes.filter((c) => !headings.includes(c))).toEqual([]);
    expect(headings.length).toBe(new Set(headings).size);
  });

  it("has fragments that parse", () => expectFragmentsParse(all, "diagnostics.md"));

  it("gives the severity of every code", () => {
    for (const code of codes) {
      const start = markdown.indexOf(`### \`${code}\``);
      const next = markdown.indexOf("\n### ", start + 1);
      const section = markdown.slice(start, next < 0 ? undefined : next);
      expect(section, code).toContain(`**Severity:** ${CODES[code]}`);
      expect(section, code).toContain("**Fix:**");
    }
  });

  it("shows an example that triggers each code", () => {
    // These cannot be written as the text of a rule file: they are shown as command output instead.
    const notText = new Set(["invalid-utf8", "file-too-large", "too-many-errors", "path-outside-project"]);
    const checked = new Set(all.filter((b) => b.lang === "promo-error" || b.lang === "promo-warning").map((b) => b.section));
    expect(codes.filter((c) => !notText.has(c) && !checked.has(`\`${c}\``))).toEqual([]);
  });

  it.each(all.flatMap((b, i) => (b.lang === "promo-error" || b.lang === "promo-warning" ? [[b.section ?? "?", b.line, i] as const] : [])))(
    "the example of %s at line %i produces its code",
    (section, _line, index) => {
      const block = all[index]!;
      const code = /^`([^`]+)`$/.exec(section)?.[1];
      expect(code, "example blocks belong to a code's section").toBeDefined();
      const at = /--at (\S+)/.exec(block.text)?.[1];
      // A memory host resolves imports, so `import-not-found` is reported as it is for files on disk.
      const result = checkFiles(["example.promo"], memoryHost({ "example.promo": block.text }), at === undefined ? {} : { at: Date.parse(at) });
      const found = result.diagnostics.filter((d) => d.code === code);
      expect(found.length, describeDiagnostics(result.diagnostics).join("\n")).toBeGreaterThan(0);
      if (block.lang === "promo-error") expect(errors(result.diagnostics).length).toBeGreaterThan(0);
      else expect(describeDiagnostics(errors(result.diagnostics))).toEqual([]);

      // The message shown under the example is the one the checker gives.
      const shown = all[index + 1];
      const first = shown?.lang === "text" ? shown.text.split("\n")[0]! : "";
      const m = /^(error|warning)\[([a-z0-9-]+)\]: (.*)$/.exec(first);
      if (m && m[2] === code) {
        expect(found.map((d) => `${d.severity}[${d.code}]: ${d.message}`)).toContain(first);
      }
    },
  );
});
