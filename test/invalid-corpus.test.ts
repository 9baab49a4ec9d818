import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODES } from "../packages/dsl/src/diagnostics/catalogue.js";
import type { Diagnostic } from "../packages/dsl/src/diagnostics/diagnostic.js";
import { checkFiles } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost, memoryHost } from "../packages/dsl/src/project/host.js";
import { MAX_FILE_BYTES } from "../packages/dsl/src/parser/parse.js";
import { confinedHost, ProjectRoot } from "../packages/dsl/src/project/root.js";

/**
 * The corpus of invalid files: each file states, in `# expect: <code> <line>:<col>` comments, exactly the
 * diagnostics it must produce — no more (every error is reported once) and no fewer. A file may also state the
 * fixes offered, in `# fix: <code> <line>:<col>-<line>:<col> "<new text as JSON>"` comments (or `# no-fix`): then
 * exactly those are offered, and applying them leaves a file without errors.
 */
const dir = join(import.meta.dirname, "invalid");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".promo"))
  .sort();

function expectations(path: string): { expected: string[]; fixes: string[] | undefined; at: number | undefined } {
  const head = readFileSync(path).toString("latin1");
  const expected = [...head.matchAll(/^# expect: (\S+) (\d+:\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  const fixLines = [...head.matchAll(/^# fix: (.+)$/gm)].map((m) => m[1]!).sort();
  const fixes = fixLines.length > 0 || /^# no-fix$/m.test(head) ? fixLines : undefined;
  const at = /^# at: (\S+)$/m.exec(head)?.[1];
  return { expected, fixes, at: at ? Date.parse(at) : undefined };
}

function fixesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics
    .flatMap((d) =>
      d.fixes.flatMap((f) =>
        f.edits.map((e) => `${d.code} ${e.span.startLine}:${e.span.startColumn}-${e.span.endLine}:${e.span.endColumn} ${JSON.stringify(e.newText)}`),
      ),
    )
    .sort();
}

/** The text with the first fix of each diagnostic applied (edits from the end, so offsets stay valid). */
function applyFirstFixes(text: string, diagnostics: readonly Diagnostic[]): string {
  const edits = diagnostics.flatMap((d) => d.fixes[0]?.edits ?? []).sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) text = text.slice(0, e.span.start) + e.newText + text.slice(e.span.end);
  return text;
}

describe("invalid corpus", () => {
  it.each(files)("%s reports exactly its expected diagnostics", (name) => {
    const path = join(dir, name);
    const { expected, at } = expectations(path);
    expect(expected.length).toBeGreaterThan(0);
    // Confined to the corpus directory, as `promo check test/invalid/x.promo` is.
    const result = checkFiles([path], confinedHost(diskHost, new ProjectRoot(dir)), at === undefined ? {} : { at });
    const actual = result.diagnostics.map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn}`).sort();
    expect(actual).toEqual(expected);
    for (const d of result.diagnostics) expect(d.severity).toBe(CODES[d.code as keyof typeof CODES]);
  });

  const withFixes = files.filter((f) => expectations(join(dir, f)).fixes !== undefined);
  it.each(withFixes)("%s offers exactly its expected fixes, and applying them leaves no error", (name) => {
    const path = join(dir, name);
    const { fixes, at } = expectations(path);
    const options = at === undefined ? {} : { at };
    const result = checkFiles([path], diskHost, options);
    expect(fixesOf(result.diagnostics)).toEqual(fixes);
    if (fixes!.length === 0) return;
    const fixed = applyFirstFixes(readFileSync(path, "utf8"), result.diagnostics);
    const again = checkFiles([name], memoryHost({ [name]: fixed }), options);
    expect(again.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("covers every diagnostic code (file-too-large and too-many-errors are generated below)", () => {
    const covered = new Set(files.flatMap((f) => expectations(join(dir, f)).expected.map((e) => e.split(" ")[0])));
    covered.add("file-too-large");
    covered.add("too-many-errors");
    expect(Object.keys(CODES).filter((code) => !covered.has(code))).toEqual([]);
  });

  it("refuses a file over the size limit without reading it as text", () => {
    const host = { readFile: () => new Uint8Array(MAX_FILE_BYTES + 1), resolve: diskHost.resolve };
    const result = checkFiles(["huge.promo"], host);
    expect(result.diagnostics.map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn}`)).toEqual(["file-too-large 1:1"]);
  });

  it("caps the diagnostics of a hopeless file and says how many were left out", () => {
    const result = checkFiles(["garbage.promo"], memoryHost({ "garbage.promo": "@ ".repeat(500) }));
    const codes = result.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === "unexpected-character")).toHaveLength(100);
    expect(codes.filter((c) => c === "too-many-errors")).toHaveLength(1);
    expect(result.diagnostics.find((d) => d.code === "too-many-errors")!.message).toContain("400 more");
  });
});
