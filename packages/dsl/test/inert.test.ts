import { describe, expect, it } from "vitest";
import { inertnessViolations, tokenize } from "../src/emit/inert.js";

// The inertness scan reads tokens from a real JavaScript parser (acorn), so what is data stays data in every
// lexical position, including those a hand tokenizer mis-reads (`/` after `)` or after a block's `}`).

const what = (source: string, allowStaticImports = false) => inertnessViolations(source, { allowStaticImports }).map((v) => v.replace(/^\d+:\d+ /, ""));

describe("inertness scan", () => {
  it("flags each forbidden construct in code", () => {
    expect(what("eval('1');")).toEqual(["eval"]);
    expect(what("const f = new Function('return 1');")).toEqual(["new Function"]);
    expect(what("Function('x');")).toEqual(["Function"]);
    expect(what("x.Function;")).toEqual(["Function (member)"]);
    expect(what("x.eval;")).toEqual(["eval"]);
    expect(what("require('fs');")).toEqual(["require"]);
    expect(what("process.exit(1);")).toEqual(["process"]);
    expect(what("const k = 'env'; process[k];")).toEqual(["process"]);
    expect(what("import('fs');")).toEqual(["import( (dynamic import)"]);
    expect(what("const u = import.meta.url;")).toEqual(["import.meta"]);
    expect(what("globalThis['ev' + 'al'];")).toEqual(["globalThis["]);
    expect(what("const o = {}; o.__proto__ = null;")).toEqual(["__proto__"]);
    expect(what('const o = { "__proto__": null };')).toEqual(["__proto__ as an object-literal key (sets the prototype)"]);
    expect(what("import { a } from 'x'; export { a };")).toEqual(["static import (a bundle must be self-contained)"]);
    expect(what("export { a } from 'x';")).toEqual(["export … from (a bundle must be self-contained)"]);
    expect(what("export * from 'x';")).toEqual(["export … from (a bundle must be self-contained)"]);
    expect(what("import { a } from 'x'; export { a } from 'y';", true)).toEqual([]);
  });

  it("flags code inside a template literal's ${} parts", () => {
    expect(what("const s = `a${eval('1')}b`;")).toEqual(["eval"]);
    expect(what("const s = `a${`b${process.env.X}`}`;")).toEqual(["process"]);
  });

  it("does not flag data: strings, templates, regular expressions and comments", () => {
    expect(what(`const s = "eval(1) process.exit() import('x') globalThis[k] Function";`)).toEqual([]);
    expect(what("const t = `eval(1) ${1} process.exit() import('x')`;")).toEqual([]);
    expect(what("const r = /eval\\(|process|import\\(/g;")).toEqual([]);
    expect(what("// eval(1)\n/* process.exit() */ const a = 1;")).toEqual([]);
    expect(what('const o = { ["__proto__"]: 1 }; const p = "__proto__";')).toEqual([]);
  });

  it("reads a regular expression after `)` and after a block's `}` as a literal (mis-read by a hand tokenizer)", () => {
    expect(what("let s = ''; if (s) /eval(1)/.test(s);")).toEqual([]);
    expect(what("let s = ''; { } /process.exit()/.test(s);")).toEqual([]);
    // …and a division as a division: the code after it is still scanned.
    expect(what("let a = 4, b = 2; const c = a / b; eval(c) / 2;")).toEqual(["eval"]);
  });

  it("allows property names and keys that only look like forbidden globals where documented", () => {
    expect(what("const o = { process: 1, require: 2 }; o.process; o.require;")).toEqual([]);
    expect(what("const o = {}; o.globalThis; o.import;")).toEqual([]);
    expect(what("const g = globalThis.Math;")).toEqual([]);
  });

  it("reports source that does not parse instead of passing it", () => {
    const v = inertnessViolations("const s = 'unterminated;");
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/could not scan/);
    expect(inertnessViolations("const a = ;")[0]).toMatch(/could not scan/);
  });

  it("keeps comments, with their offsets, among the tokens", () => {
    const source = "const a = 1; // path\nconst b = /x/;";
    const tokens = tokenize(source);
    const comment = tokens.find((t) => t.kind === "comment");
    expect(comment?.text).toBe("// path");
    expect(source.slice(comment!.start, comment!.end)).toBe("// path");
    expect(tokens.find((t) => t.kind === "regex")?.text).toBe("/x/");
    expect(tokens.map((t) => t.start)).toEqual([...tokens.map((t) => t.start)].sort((x, y) => x - y));
  });
});
