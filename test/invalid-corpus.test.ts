import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODES } from "../packages/dsl/src/diagnostics/catalogue.js";
import { checkFiles } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost, memoryHost } from "../packages/dsl/src/project/host.js";
import { MAX_FILE_BYTES } from "../packages/dsl/src/parser/parse.js";
import { confinedHost, ProjectRoot } from "../packages/dsl/src/project/root.js";

/**
 * The corpus of invalid files: each file states, in `# expect: <code> <line>:<col>` comments, exactly the
 * diagnostics it must produce — no more (every error is reported once) and no fewer.
 */
const dir = join(import.meta.dirname, "invalid");
const files = readdirSync(dir).filter((f) => f.endsWith(".promo")).sort();

function expectations(path: string): { expected: string[]; at: number | undefined } {
  const head = readFileSync(path).toString("latin1");
  const expected = [...head.matchAll(/^# expect: (\S+) (\d+:\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  const at = /^# at: (\S+)$/m.exec(head)?.[1];
  return { expected, at: at ? Date.parse(at) : undefined };
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
