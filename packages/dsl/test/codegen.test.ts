import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { bundleModule, bundleModuleSync, inertnessViolations, stripLineComments, tokenize } from "../src/emit/bundle.js";
import {
  _,
  block,
  Code,
  formatNumber,
  indent,
  join as joinCode,
  lines,
  literal,
  Name,
  NameScope,
  nil,
  ownProperty,
  property,
  safeSingleQuoted,
  safeStringify,
  type Interpolation,
} from "../src/emit/code.js";

const here = dirname(fileURLToPath(import.meta.url));
/** packages/dsl: resolves "@promo/runtime" through the workspace. */
const dslDir = resolve(here, "..");

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "promo-codegen-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

let moduleCounter = 0;
/** Writes a bundle to a temp dir and imports it (the test may use dynamic import; the bundle may not). */
async function importBundle(code: string): Promise<Record<string, unknown>> {
  const file = join(tempDir(), `bundle-${moduleCounter++}.mjs`);
  writeFileSync(file, code, "utf8");
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

const HOSTILE: readonly string[] = [
  '"); globalThis.__promoPwned = true; ("',
  "'); globalThis.__promoPwned = true; ('",
  '"); process.exit(1); ("',
  "`; globalThis.__promoPwned = true; `",
  "${globalThis.__promoPwned = true}",
  "${x}",
  "`",
  "\\",
  '\\"',
  "\\u0022); globalThis.__promoPwned = true; //",
  "</script><script>globalThis.__promoPwned = true</script>",
  "<!-- --> <![CDATA[ ]]>",
  "\u2028",
  "line\u2028separator\u2029paragraph",
  "a\nb\rc\r\nd\te\0f\b\v\f",
  "*/ globalThis.__promoPwned = true; /*",
  "// comment\nglobalThis.__promoPwned = true",
  "__proto__",
  "constructor",
  "eval(1)",
  "new Function('globalThis.__promoPwned = true')()",
  "import('data:text/javascript,globalThis.__promoPwned=true')",
  "\ud800",
  "\udfff",
  "x\ud800y\udc00z",
  "😀 café ÿ \u200b \ufeff",
  "x".repeat(100_000) + '"); globalThis.__promoPwned = true; ("',
  "",
];

describe("safeStringify", () => {
  it("escapes <, >, U+2028 and U+2029 and keeps lone surrogates as escapes", () => {
    expect(safeStringify("</script>")).toBe('"\\u003c/script\\u003e"');
    expect(safeStringify("\u2028\u2029")).toBe('"\\u2028\\u2029"');
    expect(safeStringify("\ud800")).toBe('"\\ud800"');
    expect(safeStringify({ a: ["<", 1, true, null] })).toBe('{"a":["\\u003c",1,true,null]}');
    for (const s of HOSTILE) {
      const text = safeStringify(s);
      expect(text).not.toMatch(/[<>\u2028\u2029\n\r]/);
      expect(JSON.parse(text)).toBe(s);
    }
  });

  it("makes single-quoted literals that read back as the same string, with the same characters escaped", () => {
    expect(safeSingleQuoted('{"a":"it\'s"}')).toBe('\'{"a":"it\\\'s"}\'');
    for (const s of [...HOSTILE, '\\"', "\\'", "\\", "'", '"', "\\\\'", JSON.stringify({ q: "'\"\\</script>" })]) {
      const text = safeSingleQuoted(s);
      expect(text).not.toMatch(/[<>\u2028\u2029\n\r]/);
      expect(text.startsWith("'") && text.endsWith("'")).toBe(true);
      expect(new Function(`return ${text};`)()).toBe(s);
    }
    expect(() => safeSingleQuoted(1 as never)).toThrow(TypeError);
  });

  it("throws on anything that is not JSON data instead of dropping or coercing it", () => {
    for (const bad of [undefined, () => 1, Symbol("s"), 1n, NaN, Infinity, new Date(0), new Map(), [1, , 3], { a: undefined }, { n: NaN }]) {
      expect(() => safeStringify(bad), String(bad)).toThrow(TypeError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => safeStringify(cyclic)).toThrow(/cyclic/);
  });
});

describe("numbers", () => {
  it("formats finite numbers and rejects NaN and infinities", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(-0)).toBe("-0");
    expect(formatNumber(1.5)).toBe("1.5");
    expect(formatNumber(1e21)).toBe("1e+21");
    expect(formatNumber(5e-7)).toBe("5e-7");
    expect(formatNumber(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => formatNumber(bad)).toThrow(/non-finite/);
      expect(() => _`return ${bad};`).toThrow(/non-finite/);
      expect(() => _`return ${[1, bad]};`).toThrow(/non-finite/);
      expect(() => _`return ${{ a: bad }};`).toThrow(/non-finite/);
    }
  });

  it("parenthesises negative numbers in a slot so operators cannot fuse", () => {
    expect(_`x-${-1}`.toString()).toBe("x-(-1)");
    expect(_`${-2} ** 2`.toString()).toBe("(-2) ** 2");
    expect(_`${-0}`.toString()).toBe("(-0)");
    expect(_`${[-1, 2]}`.toString()).toBe("[-1, 2]");
  });
});

describe("the _ template", () => {
  it("inserts Code as code, Name as identifier and everything else as literals", () => {
    const scope = new NameScope();
    const p = scope.name("p");
    const cond = _`${p}.total > ${100}`;
    const out = _`if (${cond}) return ${'it\'s "free"'};`;
    expect(out).toBeInstanceOf(Code);
    expect(out.toString()).toBe(`if (p0.total > 100) return "it's \\"free\\"";`);
    expect(_`${true} ${false} ${null}`.toString()).toBe("true false null");
    expect(_`${["a", 1, null, [true]]}`.toString()).toBe('["a", 1, null, [true]]');
    expect(_`${{ id: "x", n: 1, nested: { list: [] } }}`.toString()).toBe('{ "id": "x", "n": 1, "nested": { "list": [] } }');
    expect(_`${{}}`.toString()).toBe("{}");
    expect(_`${[p, _`f()`]}`.toString()).toBe("[p0, f()]");
    expect(_`${{ run: _`() => 1` }}`.toString()).toBe('{ "run": () => 1 }');
  });

  it("keeps hostile strings as literals", () => {
    for (const s of HOSTILE) {
      const text = _`return ${s};`.toString();
      expect(text.startsWith('return "')).toBe(true);
      expect(text.endsWith('";')).toBe(true);
      expect(JSON.parse(text.slice("return ".length, -1))).toBe(s);
      expect(inertnessViolations(text.replace(/^return /, "export default "))).toEqual([]);
    }
  });

  it("rejects values that are neither code, names nor JSON data", () => {
    class Point {
      x = 1;
    }
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const withSymbol = { [Symbol("k")]: 1 };
    const withGetter = Object.defineProperty({}, "a", { get: () => 1, enumerable: true });
    const bad: unknown[] = [
      undefined,
      () => "code",
      Symbol("s"),
      10n,
      new Date(0),
      /re/,
      new Map(),
      new Point(),
      new String("boxed"),
      [1, , 2],
      cyclic,
      withSymbol,
      withGetter,
      { toString: () => "process.exit(1)" },
      Object.create(Code.prototype),
      Object.create(Name.prototype),
      { a: { b: [undefined] } },
    ];
    bad.forEach((value, i) => {
      expect(() => _`return ${value as Interpolation};`, `case ${i}`).toThrow(TypeError);
    });
  });

  it("cannot be called with forged template strings or build Code/Name from raw text", () => {
    const call = _ as unknown as (strings: unknown, ...values: unknown[]) => Code;
    expect(() => call(["process.exit(1)"])).toThrow(/template tag/);
    expect(() => call(Object.freeze(["x"]))).toThrow(/template tag/);
    const CodeCtor = Code as unknown as new (...args: unknown[]) => Code;
    const NameCtor = Name as unknown as new (...args: unknown[]) => Name;
    expect(() => new CodeCtor("process.exit(1)")).toThrow(TypeError);
    expect(() => new CodeCtor(Symbol("trusted"), "process.exit(1)")).toThrow(TypeError);
    expect(() => new NameCtor("x")).toThrow(TypeError);
    expect(() => (Code as unknown as { trusted(t: unknown, s: string): Code }).trusted(Symbol("trusted"), "x")).toThrow(TypeError);
    expect(() => JSON.stringify({ c: _`x` })).toThrow(/not data/);
    expect(Code.is(_`x`)).toBe(true);
    expect(Code.is({ toString: () => "x" })).toBe(false);
  });

  it("emits __proto__ keys as computed keys, which create own properties", () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Interpolation;
    expect(_`${data}`.toString()).toBe('{ ["__proto__"]: { "polluted": true }, "a": 1 }');
    const nested = JSON.parse('[{"x": {"__proto__": 1}}]') as Interpolation;
    expect(literal(nested).toString()).toBe('[{ "x": { ["__proto__"]: 1 } }]');
    const nullProto = Object.assign(Object.create(null) as Record<string, Interpolation>, { k: "v" });
    expect(literal(nullProto).toString()).toBe('{ "k": "v" }');
    expect(literal({ "a-b": 1, constructor: 2, "0": 3 }).toString()).toBe('{ "0": 3, "a-b": 1, "constructor": 2 }');
  });
});

describe("names", () => {
  it("hands out deterministic prefix+counter names", () => {
    const a = new NameScope();
    const b = new NameScope();
    const seq = (s: NameScope) => [s.name("p"), s.name("p"), s.name("scope"), s.name("p"), s.name("scope")].map(String);
    expect(seq(a)).toEqual(["p0", "p1", "scope0", "p2", "scope1"]);
    expect(seq(b)).toEqual(seq(new NameScope()));
  });

  it("skips identifiers already taken and refuses duplicates", () => {
    const scope = new NameScope(["p0", "evaluate"]);
    expect(String(scope.name("p"))).toBe("p1");
    expect(() => scope.reserve("evaluate")).toThrow(/already taken/);
    expect(String(scope.reserve("p2"))).toBe("p2");
    expect(String(scope.name("p"))).toBe("p3");
    expect(scope.has("p3")).toBe(true);
  });

  it("rejects user-shaped identifiers, reserved words and bad prefixes", () => {
    const scope = new NameScope();
    const badIds = [
      "",
      "1x",
      "a-b",
      "a b",
      "promo.id",
      '"); process.exit(1); ("',
      "café",
      "x\u2028",
      "\\u0065val",
      "class",
      "return",
      "let",
      "await",
      "eval",
      "arguments",
      "undefined",
      "Function",
      "require",
      "process",
      "globalThis",
      "__proto__",
    ];
    for (const id of badIds) {
      expect(() => scope.reserve(id), id).toThrow(TypeError);
      expect(() => new NameScope([id]), id).toThrow(TypeError);
    }
    for (const prefix of ["", "p1", "a-b", "x y", "SUMMER-SALE", "9p", "a".repeat(40)]) {
      expect(() => scope.name(prefix), prefix).toThrow(/bad name prefix/);
    }
    expect(String(scope.reserve("$ok_1"))).toBe("$ok_1");
  });
});

describe("property, ownProperty and layout helpers", () => {
  const scope = new NameScope();
  const obj = scope.name("cart");

  it("uses dot access for identifier keys and quoted access otherwise", () => {
    expect(property(obj, "total").toString()).toBe("cart0.total");
    expect(property(obj, "default").toString()).toBe("cart0.default");
    expect(property(_`f()`, "a-b").toString()).toBe('f()["a-b"]');
    expect(property(obj, '"]; process.exit(1); x["').toString()).toBe('cart0["\\"]; process.exit(1); x[\\""]');
    expect(property(obj, "</script>").toString()).toBe('cart0["\\u003c/script\\u003e"]');
    expect(() => property(obj, "__proto__")).toThrow(/__proto__/);
    expect(() => property("cart" as unknown as Name, "x")).toThrow(TypeError);
  });

  it("ownProperty guards user keys with Object.hasOwn", () => {
    expect(ownProperty(obj, "__proto__").toString()).toBe('(Object.hasOwn(cart0, "__proto__") ? cart0["__proto__"] : undefined)');
  });

  it("joins, indents and blocks deterministically", () => {
    const a = _`a()`;
    const b = _`b()`;
    expect(joinCode([a, b]).toString()).toBe("a(), b()");
    expect(joinCode([a, b], " && ").toString()).toBe("a() && b()");
    expect(joinCode([a, b], _` ?? `).toString()).toBe("a() ?? b()");
    expect(joinCode([]).toString()).toBe("");
    expect(() => joinCode([a, b], "); process.exit(1); (")).toThrow(/unsafe separator/);
    expect(() => joinCode(["a()" as unknown as Code])).toThrow(TypeError);
    expect(block([]).toString()).toBe("{}");
    const fn = _`function f(${obj}) ${block([_`const x = ${"a\nb"};`, nil, _`if (x) ${block([_`return ${1};`])}`, _`return ${2};`])}`;
    expect(fn.toString()).toBe(["function f(cart0) {", '  const x = "a\\nb";', "  if (x) {", "    return 1;", "  }", "  return 2;", "}"].join("\n"));
    expect(indent(lines([a, _``, b]), 2).toString()).toBe("    a()\n    b()");
  });
});

describe("inertnessViolations", () => {
  const flagged: [string, RegExp][] = [
    ['eval("1")', /eval/],
    ['(0, eval)("1")', /eval/],
    ['globalThis.eval("1")', /eval/],
    ['\\u0065val("1")', /eval/],
    ['new Function("return 1")', /new Function/],
    ['Function("return 1")()', /Function/],
    ['const F = Function; F("x")', /Function/],
    ['require("node:fs")', /require/],
    ["typeof require", /require/],
    ["process.exit(1)", /process/],
    ['process["env"]', /process/],
    ["const p = process", /process/],
    ['import("./x.js")', /dynamic import/],
    ["const u = import.meta.url", /import\.meta/],
    ['globalThis["ev" + "al"]', /globalThis\[/],
    ["x.__proto__ = y", /__proto__/],
    ["const o = { __proto__: null }", /__proto__/],
    ['const o = { "__proto__": null }', /__proto__ as an object-literal key/],
    ["const o = { a: 1, '__proto__': p }", /__proto__ as an object-literal key/],
    ['const o = { "\\u005f_proto__": p }', /__proto__ as an object-literal key/],
    ["const t = `${eval(x)}`", /eval/],
    ["const t = `a${`b${require(y)}`}`", /require/],
    ['import fs from "node:fs"', /static import/],
    ['import "./side-effect.js"', /static import/],
    ['export * from "./x.js"', /export … from/],
    ['export { a as b } from "./x.js"', /export … from/],
  ];
  it.each(flagged)("flags %s", (src, what) => {
    const found = inertnessViolations(src);
    expect(found.length, src).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(what);
  });

  const clean = [
    'const s = "eval(1) new Function() require(x) process.exit() import(x) import.meta globalThis[k] __proto__";',
    "const s = 'process.exit(1)';",
    "const t = `new Function(${a}) eval( require( process. import( __proto__`;",
    "// eval(1); process.exit(1)\nconst a = 1;",
    '/* require("fs"); new Function("x") */ const a = 1;',
    "const r = /eval\\(|process\\.exit|['\"`]/g.test(s);",
    "const r = x.split(/\\//); const s = 'eval(';",
    'const q = a / 2 / b; const s = "/eval(/";',
    "const q = (a + b) / 2; const s = '/require(/';",
    'const o = { ["__proto__"]: 1 };',
    'const s = ["__proto__", "eval"]; switch (k) { case "__proto__": break; }',
    "obj.require(x); obj.process.exit(1); obj?.process[k]; const o = { require: 1, process: 2 };",
    "if (Object.hasOwn(o, k)) return o[k];",
    "const a = 1, b = 2; export { a, b as c }; export default 1; export const x = 1;",
    "#!/usr/bin/env node\nconst a = 1;",
    "const s = 'a\\\nb'; const t = \"\\u2028\";",
  ];
  it.each(clean)("ignores data, comments and harmless code: %s", (src) => {
    expect(inertnessViolations(src)).toEqual([]);
  });

  it("reports positions and can accept static imports for entry modules", () => {
    expect(inertnessViolations('const a = 1;\n  eval("x")')).toEqual(["2:3 eval"]);
    expect(inertnessViolations('import { percentOf } from "@promo/runtime";\nexport const p = percentOf;', { allowStaticImports: true })).toEqual([]);
    expect(inertnessViolations('import("x")', { allowStaticImports: true })).toHaveLength(1);
  });

  it("reports source it cannot follow instead of passing it", () => {
    for (const src of ['const s = "unterminated', "const t = `open ${", "/* open", "const x = 1; \u0001"]) {
      const found = inertnessViolations(src);
      expect(found, src).toHaveLength(1);
      expect(found[0]).toMatch(/could not scan/);
    }
  });

  it("tokenizes template literals with nested code and braces", () => {
    // acorn's tokens: the quotes, each literal part and each `${` apart; the `}` closing a `${}` is punctuation.
    const kinds = tokenize("`a${ {b: `c${d}`}.b }e` / 2").map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      "template:`",
      "template:a",
      "template:${",
      "punct:{",
      "ident:b",
      "punct::",
      "template:`",
      "template:c",
      "template:${",
      "ident:d",
      "punct:}",
      "template:",
      "template:`",
      "punct:}",
      "punct:.",
      "ident:b",
      "punct:}",
      "template:e",
      "template:`",
      "punct:/",
      "number:2",
    ]);
  });
});

describe("bundling", () => {
  it("round-trips hostile strings as data through generated code, esbuild and import, executing nothing", async () => {
    const scope = new NameScope(["messages"]);
    const values = scope.reserve("values");
    const lookup = scope.reserve("lookup");
    const key = scope.name("key");
    const table = scope.name("table");
    // Object.fromEntries defines own properties, so "__proto__" is an ordinary key here.
    const byKey: Record<string, Interpolation> = Object.fromEntries(HOSTILE.map((s, i) => [s, i]));
    expect(Object.hasOwn(byKey, "__proto__")).toBe(true);
    const entry = lines([
      _`const ${table} = ${byKey};`,
      _`export const ${values} = ${HOSTILE};`,
      _`export function ${lookup}(${key}) ${block([_`return Object.hasOwn(${table}, ${key}) ? ${table}[${key}] : ${-1};`])}`,
      _`export const messages = ${HOSTILE.map((s) => ({ id: s, title: s, tags: [s] }))};`,
      _`export const proto = ${JSON.parse('{"__proto__": {"polluted": true}}') as Interpolation};`,
    ]).toString();
    expect(inertnessViolations(entry)).toEqual([]);

    const g = globalThis as { __promoPwned?: unknown };
    delete g.__promoPwned;
    for (const minify of [false, true]) {
      const { code, warnings } = await bundleModule({ entrySource: entry, resolveDir: tempDir(), minify });
      expect(warnings).toEqual([]);
      expect(inertnessViolations(code)).toEqual([]);
      const mod = await importBundle(code);
      expect(mod.values).toEqual(HOSTILE);
      const lookupFn = mod.lookup as (k: string) => number;
      HOSTILE.forEach((s, i) => expect(lookupFn(s)).toBe(i));
      expect(lookupFn("toString")).toBe(-1);
      expect(mod.messages).toEqual(HOSTILE.map((s) => ({ id: s, title: s, tags: [s] })));
      const proto = mod.proto as Record<string, unknown>;
      expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
      expect(Object.hasOwn(proto, "__proto__")).toBe(true);
      expect(proto.polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(g.__promoPwned).toBeUndefined();
    }
  });

  it("bundles runtime code into one self-contained, inert module without node: imports", async () => {
    const scope = new NameScope(["percentOf"]);
    const evaluate = scope.reserve("evaluate");
    const total = scope.name("total");
    // The runtime's ES-module money code by relative path (its package index currently also pulls in
    // CommonJS ajv, which compiles validators with new Function and so cannot be in an inert bundle).
    const entry = lines([
      _`import { percentOf } from "../runtime/dist/money/arithmetic.js";`,
      _`export function ${evaluate}(${total}) ${block([_`return percentOf(${total}, { numerator: ${15}, denominator: ${100} });`])}`,
    ]).toString();
    expect(inertnessViolations(entry, { allowStaticImports: true })).toEqual([]);
    const { code, warnings } = await bundleModule({ entrySource: entry, resolveDir: dslDir });
    expect(warnings).toEqual([]);
    expect(inertnessViolations(code)).toEqual([]);
    expect(code).not.toMatch(/\bfrom\s*["']/);
    expect(code).not.toContain("node:");
    const mod = await importBundle(code);
    expect((mod.evaluate as (n: number) => number)(1000)).toBe(150);
  });

  it("is deterministic and keeps absolute paths and module path comments out of the output", async () => {
    const layout = (dir: string): void => {
      mkdirSync(join(dir, "lib"), { recursive: true });
      writeFileSync(join(dir, "lib", "helper.js"), "// helper module\nexport function twice(x) { return x * 2; }\n", "utf8");
    };
    const runtimeMoney = resolve(dslDir, "..", "runtime", "dist", "money", "arithmetic.js");
    // An absolute import specifier is fine too: specifiers do not survive bundling.
    const entrySource = `import { twice } from "./lib/helper.js";\nimport { percentOf } from ${JSON.stringify(runtimeMoney)};\nexport const a = twice(21);\nexport const p = percentOf;\n`;
    const dirA = tempDir();
    const dirB = tempDir();
    layout(dirA);
    layout(dirB);
    for (const minify of [false, true]) {
      const first = await bundleModule({ entrySource: entrySource, resolveDir: dirA, minify });
      const again = await bundleModule({ entrySource: entrySource, resolveDir: dirA, minify });
      const elsewhere = await bundleModule({ entrySource: entrySource, resolveDir: dirB, minify });
      const sync = bundleModuleSync({ entrySource: entrySource, resolveDir: dirA, minify });
      expect(again.code).toBe(first.code);
      expect(sync.code).toBe(first.code);
      for (const out of [first, elsewhere]) {
        expect(out.warnings).toEqual([]);
        expect(out.code).not.toContain("/work/");
        expect(out.code).not.toContain(dirA);
        expect(out.code).not.toContain(dirB);
        expect(out.code).not.toContain(tmpdir());
        expect(out.code).not.toContain("helper.js");
        expect(out.code).not.toContain("<stdin>");
        expect(out.code).not.toMatch(/^\s*\/\//m);
      }
      // the same sources bundled from another directory give the same bytes
      expect(elsewhere.code).toBe(first.code);
      const mod = await importBundle(first.code);
      expect(mod.a).toBe(42);
    }
    const viaPackage = await bundleModule({ entrySource: 'export { percentOf } from "../runtime/dist/money/arithmetic.js";', resolveDir: dslDir });
    expect(viaPackage.code).not.toContain("/work/");
    expect(viaPackage.code).not.toContain(dslDir);
    expect(viaPackage.code).not.toMatch(/^\s*\/\/.*\.(?:js|mjs|ts)\s*$/m);
  });

  it("strips only real comment lines, never text inside literals", async () => {
    const entrySource = "export const t = `a\n// keep me\n  // and me\nb`; // trailing\n// whole line\nexport const s = '// not a comment';\n";
    expect(stripLineComments(entrySource)).toBe("export const t = `a\n// keep me\n  // and me\nb`; // trailing\nexport const s = '// not a comment';\n");
    const { code } = await bundleModule({ entrySource, resolveDir: tempDir() });
    const mod = await importBundle(code);
    expect(mod.t).toBe("a\n// keep me\n  // and me\nb");
    expect(mod.s).toBe("// not a comment");
  });

  it("fails on unresolvable imports, including node: builtins", async () => {
    await expect(
      bundleModule({ entrySource: 'import { readFileSync } from "node:fs"; export const r = readFileSync;', resolveDir: tempDir() }),
    ).rejects.toThrow(/bundling failed[\s\S]*node:fs/);
    await expect(bundleModule({ entrySource: 'export { x } from "./missing.js";', resolveDir: tempDir() })).rejects.toThrow(/bundling failed/);
    await expect(bundleModule({ entrySource: "export const x = 1;", resolveDir: "relative/dir" })).rejects.toThrow(/absolute/);
  });

  it("warns about CommonJS inputs, whose paths esbuild writes into the code", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "legacy.cjs"), "module.exports = { x: 1 };\n", "utf8");
    const { code, warnings } = await bundleModule({ entrySource: 'import legacy from "./legacy.cjs"; export const x = legacy.x;', resolveDir: dir });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^legacy\.cjs: CommonJS module bundled/);
    expect(code).not.toContain(dir);
    expect((await importBundle(code)).x).toBe(1);
  });

  it("accepts TypeScript entries", async () => {
    const { code } = await bundleModule({ entrySource: "export const n: number = 1 as number;", resolveDir: tempDir(), loader: "ts" });
    expect((await importBundle(code)).n).toBe(1);
  });
});
