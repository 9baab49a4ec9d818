import { isDeepStrictEqual } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { emitModule } from "../packages/dsl/src/emit/emit.js";
import { lower } from "../packages/dsl/src/lower/lower.js";
import { bundleViolations, LIBRARY_MEMBERS } from "./helpers/bundle-ast.js";
import { bundledFor, checkRules, cleanEngines, errorsOf, interpreterFor } from "./helpers/engines.js";

/**
 * Injection-proof code generation: hostile names, strings and codes compile to bundles that behave exactly like
 * the interpreter and whose syntax trees (parsed, not grepped) hold no eval, Function, require, process,
 * globalThis, dynamic import or prototype access; user data is only ever data.
 */
afterAll(() => cleanEngines());

const HOSTILE_STRINGS = [
  `"); globalThis.pwned = 1; ("`,
  `'); globalThis.pwned = 2; ('`,
  "`${globalThis.pwned = 3}`",
  "${globalThis.pwned = 4}",
  "\\",
  '\\\\\\"',
  "</script><script>globalThis.pwned = 5</script>",
  "\u2028globalThis.pwned = 6\u2029",
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "*/ globalThis.pwned = 7; /*",
  "// globalThis.pwned = 8",
  "\u0000\u0001\u001f",
  "аpple", // Cyrillic а (U+0430), a homoglyph of "apple"
  "apple",
  "ｅｖａｌ",
  "e\u0301", // e + combining acute
  "😀",
  "x".repeat(256),
];

/** Promotion codes: 1 to 64 characters without white space. */
const HOSTILE_CODES = ["__proto__", "constructor", "${X}", "`X`", "\"'\\", "</script>", "АPPLE", "APPLE", "toString", "X".repeat(64)];

/** Names (scopes, groups, promotion ids) are letters, digits, underscores and inner hyphens. */
const HOSTILE_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "_", "__defineGetter__", `p${"x".repeat(5000)}`];

const json = (s: string) => JSON.stringify(s);

function rules(): string {
  const out = ["currency USD", ""];
  HOSTILE_STRINGS.forEach((s, i) => out.push(`scope tag${i} = line.tags contains ${json(s)} or line.sku is ${json(s)} or line.store in [${json(s)}, "other"]`));
  HOSTILE_NAMES.forEach((name, i) => {
    out.push(`scope ${name} = tag${i}`);
    out.push(`group ${name.replace(/^_+/, "g_")}-group = [${name}-promo]`);
    out.push(`
promotion ${name}-promo {
  title ${json(HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]!)}
  description ${json(HOSTILE_STRINGS[(i + 3) % HOSTILE_STRINGS.length]!)}
  kind promo-code
  code ${json(HOSTILE_CODES[i % HOSTILE_CODES.length]!)}
  when subtotal of ${name} at least 0.01 USD
  give 0.${String(i + 1).padStart(2, "0")} USD off ${name}
  priority ${i + 1}
}`);
  });
  HOSTILE_STRINGS.slice(HOSTILE_NAMES.length).forEach((_, j) => {
    const i = j + HOSTILE_NAMES.length;
    out.push(`
promotion auto-${i} {
  title ${json(HOSTILE_STRINGS[i]!)}
  kind automatic
  give 1% off tag${i}
}`);
  });
  out.push(`
stacking {
  at most 2 of [${HOSTILE_NAMES.slice(0, 3)
    .map((n) => `${n}-promo`)
    .join(", ")}] per order
  at most 1 of ${HOSTILE_NAMES[1]!.replace(/^_+/, "g_")}-group per line
}`);
  return out.join("\n") + "\n";
}

describe("hostile text in rule files", () => {
  const text = rules();
  const { project, diagnostics } = checkRules(text);

  it("checks clean", () => {
    expect(errorsOf(diagnostics)).toEqual([]);
  });

  it("the emitted module and the bundle contain no code-running constructs (syntax tree)", async () => {
    const emitted = emitModule(lower(project), { runtimeImport: "@promo/runtime", validatorImport: "promo:cart-schema" });
    expect(bundleViolations(emitted, { allowStaticImports: true })).toEqual([]);
    const bundle = await bundledFor(text);
    expect(bundleViolations(bundle.code, { allowedMembers: LIBRARY_MEMBERS })).toEqual([]);
    // The AST check itself catches what it should, even when hidden from a grep.
    for (const bad of [
      "eval('1')",
      "new Function('x')",
      "globalThis.x = 1",
      "import('x')",
      "x['constructor']",
      "const p = process",
      "(0, require)('fs')",
      "x.__proto__ = y",
      "import.meta.url",
      "Reflect.get(o, k)",
    ]) {
      expect(bundleViolations(`${bad};`, {}).length, bad).toBeGreaterThan(0);
    }
    for (const fine of [
      'const s = "eval(1) process require globalThis";',
      "const o = { process: 1, require: 2 }; o.process;",
      "// eval(1)\nconst x = `${1}`;",
    ]) {
      expect(bundleViolations(fine), fine).toEqual([]);
    }
  }, 60_000);

  it("bundles price carts that use every hostile value exactly like the interpreter", async () => {
    const interpreter = interpreterFor(project);
    const bundle = await bundledFor(text);
    const carts = HOSTILE_STRINGS.map((s, i) => ({
      currency: "USD",
      at: "2026-11-10T12:00:00Z",
      lines: [
        { id: s, sku: s, store: s, unitPrice: "10.00", quantity: 1, tags: [s] },
        { id: `other-${i}`, sku: "plain", unitPrice: "5.00", quantity: 2 },
      ],
      coupons: HOSTILE_CODES.map((code) => ({ code: i % 2 === 0 ? code.toLowerCase() : code })),
    }));
    let applied = 0;
    for (const cart of carts) {
      const a = interpreter.tryEvaluate(cart);
      const b = bundle.tryEvaluate(cart);
      expect(a.ok, JSON.stringify(a)).toBe(true);
      expect(isDeepStrictEqual(a, b), `${JSON.stringify(a)}\n${JSON.stringify(b)}`).toBe(true);
      // Each cart matches the scope written with its own hostile string, so one promotion applies to it.
      if (a.ok) expect(a.result.applied.length, JSON.stringify(a.result)).toBeGreaterThanOrEqual(1);
      if (a.ok) applied += a.result.applied.length;
    }
    expect(applied).toBeGreaterThanOrEqual(HOSTILE_STRINGS.length);
    // The scope named by a homoglyph is not the ASCII one.
    const homoglyph = interpreter.tryEvaluate(carts[HOSTILE_STRINGS.indexOf("аpple")]!);
    const ascii = interpreter.tryEvaluate(carts[HOSTILE_STRINGS.indexOf("apple")]!);
    expect(homoglyph).not.toEqual(ascii);
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  }, 60_000);
});

describe("attributes named like prototype members", () => {
  const text = `currency USD

attribute customer.__proto__: int
attribute line.constructor: string
attribute line.hasOwnProperty: set of string

scope picked = line.constructor is "Object" and line.hasOwnProperty contains "__proto__"

promotion attrs {
  title "attributes"
  kind automatic
  when customer.__proto__ at least 2
  give 1.00 USD off picked
}
`;

  it("are plain keys in both engines, and pollute nothing", async () => {
    const { project, diagnostics } = checkRules(text);
    expect(errorsOf(diagnostics)).toEqual([]);
    const interpreter = interpreterFor(project);
    const bundle = await bundledFor(text);
    const cart = JSON.parse(
      '{"currency":"USD","at":"2026-11-10T12:00:00Z","customer":{"attributes":{"__proto__":3}},"lines":[{"id":"l1","sku":"A","unitPrice":"5.00","quantity":1,"attributes":{"constructor":"Object","hasOwnProperty":["__proto__"]}}]}',
    ) as unknown;
    const a = interpreter.tryEvaluate(cart);
    expect(a.ok && a.result.total, JSON.stringify(a)).toBe("4.00");
    expect(bundle.tryEvaluate(cart)).toEqual(a);
    const without = JSON.parse('{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":[{"id":"l1","sku":"A","unitPrice":"5.00","quantity":1}]}') as unknown;
    const b = interpreter.tryEvaluate(without);
    expect(b.ok && b.result.total).toBe("5.00");
    expect(bundle.tryEvaluate(without)).toEqual(b);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["constructor"]).toBe(Object);
  }, 60_000);
});
