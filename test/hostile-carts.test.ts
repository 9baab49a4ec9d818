import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { InvalidCartError } from "@promo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledFor, checkRules, cleanEngines, interpreterFor, type Engine } from "./helpers/engines.js";
import { requireBuild, spawnPromo, STACK_OVERFLOW, STACK_TRACE_LINE } from "./helpers/cli.js";

/**
 * Hostile carts through the three ways in: the API (`createEvaluator` via the interpreter), a compiled bundle's
 * `tryEvaluate`/`evaluate`, and `promo eval`. Each gets a clear, path-named error (or a correct result) in bounded
 * time; nothing throws past the API boundary but InvalidCartError from `evaluate`; no prototype is polluted.
 */
const RULES = `currency USD

attribute line.size: string

promotion ten-pct {
  title "10% off"
  kind automatic
  give 10% off order
}
`;
const scratch = mkdtempSync(join(tmpdir(), "promo-hostile-carts-"));
const rulesFile = join(scratch, "rules.promo");
let interpreter: Engine & { evaluate(c: unknown): unknown };
let bundle: Engine & { evaluate(c: unknown): unknown };
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayPrototypeNames = Object.getOwnPropertyNames(Array.prototype).sort();

beforeAll(async () => {
  requireBuild();
  writeFileSync(rulesFile, RULES);
  interpreter = interpreterFor(checkRules(RULES).project) as typeof interpreter;
  bundle = await bundledFor(RULES);
}, 60_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  cleanEngines();
});

const base = () => ({ currency: "USD", at: "2026-11-10T12:00:00Z", lines: [{ id: "l1", sku: "A", unitPrice: "10.00", quantity: 1 }] });
const line = (over: Record<string, unknown>) => ({ ...base(), lines: [{ id: "l1", sku: "A", unitPrice: "10.00", quantity: 1, ...over }] });
const nested = (depth: number) => {
  let x: unknown = [];
  for (let i = 0; i < depth; i++) x = [x];
  return x;
};
const manyLines = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `l${i}`, sku: "A", unitPrice: "1.00", quantity: 1 }));

/** [name, cart, the JSON paths the errors must name (empty: priced, with this total)] */
const CASES: [string, unknown, string[] | { total: string }][] = [
  ["not an object", "cart", [""]],
  ["null", null, [""]],
  ["an array", [], [""]],
  ["lines of the wrong type", { ...base(), lines: "abc" }, ["/lines"]],
  ["a missing currency", (({ currency: _c, ...rest }) => rest)(base()), ["/currency"]],
  ["a missing line field", { ...base(), lines: [{ id: "l1", sku: "A", quantity: 1 }] }, ["/lines/0/unitPrice"]],
  ["a number where an amount belongs", line({ unitPrice: 10 }), ["/lines/0/unitPrice"]],
  ["an unknown currency", { ...base(), currency: "XYZ" }, ["/currency"]],
  ["a lower-case currency", { ...base(), currency: "usd" }, ["/currency"]],
  ["a negative quantity", line({ quantity: -1 }), ["/lines/0/quantity"]],
  ["a fractional quantity", line({ quantity: 1.5 }), ["/lines/0/quantity"]],
  ["a quantity of 10^12", line({ quantity: 1e12 }), ["/lines/0/quantity"]],
  ["an amount with 40 digits", line({ unitPrice: "1234567890123456789012345678901234567890" }), ["/lines/0/unitPrice"]],
  ["an amount with 40 decimals", line({ unitPrice: "1." + "0".repeat(40) }), ["/lines/0/unitPrice"]],
  ["a negative amount", line({ unitPrice: "-1.00" }), ["/lines/0/unitPrice"]],
  ["an exponent amount", line({ unitPrice: "1e3" }), ["/lines/0/unitPrice"]],
  ["NaN", line({ quantity: Number.NaN }), ["/lines/0/quantity"]],
  ["Infinity", line({ quantity: Number.POSITIVE_INFINITY }), ["/lines/0/quantity"]],
  ["a bigint", line({ quantity: 10n }), ["/lines/0/quantity"]],
  ["duplicate line ids", { ...base(), lines: [...base().lines, { id: "l1", sku: "B", unitPrice: "1.00", quantity: 1 }] }, ["/lines/1/id"]],
  ["a __proto__ key at the root", JSON.parse('{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":[],"__proto__":{"polluted":1}}'), [""]],
  [
    "a __proto__ key in a line and in attributes",
    JSON.parse(
      '{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":[{"id":"l1","sku":"A","unitPrice":"1.00","quantity":1,"__proto__":{"polluted":1},"attributes":{"__proto__":{"polluted":2}}}]}',
    ),
    ["/lines/0", "/lines/0/attributes"],
  ],
  ["a constructor key", { ...base(), constructor: { prototype: { polluted: 3 } } }, [""]],
  [
    "__proto__ and constructor as values",
    line({ id: "__proto__", sku: "constructor", store: "prototype", tags: ["__proto__", "hasOwnProperty"] }),
    { total: "9.00" },
  ],
  ["deep nesting", { ...base(), lines: nested(100_000) }, ["/lines/0"]],
  ["a 100,000-line cart", { ...base(), lines: manyLines(100_000) }, ["/lines"]],
  ["the most lines a cart may have", { ...base(), lines: manyLines(10_000) }, { total: "9000.00" }],
  [
    "a cycle",
    (() => {
      const c: Record<string, unknown> = base();
      c["self"] = c;
      return c;
    })(),
    [""],
  ],
  [
    "a getter that throws",
    Object.defineProperty(base(), "at", {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    }),
    ["/at"],
  ],
  ["a subtotal past the largest amount", line({ unitPrice: "90071992547409.91", quantity: 2 }), ["/lines/0"]],
];

function expectPathNamed(outcome: { ok: boolean; errors?: { path: string; message: string }[] }, paths: string[]): void {
  expect(outcome.ok).toBe(false);
  const errors = outcome.errors!;
  for (const e of errors) {
    expect(typeof e.path).toBe("string");
    expect(e.message.startsWith(e.path === "" ? "(root)" : `${e.path}:`), e.message).toBe(true);
  }
  for (const p of paths)
    expect(
      errors.map((e) => e.path),
      JSON.stringify(errors),
    ).toContain(p);
}

describe.each([
  ["the API (createEvaluator)", () => interpreter],
  ["a compiled bundle", () => bundle],
] as const)("hostile carts through %s", (_name, engine) => {
  it.each(CASES)("%s", (_case, cart, expected) => {
    let outcome: ReturnType<Engine["tryEvaluate"]>;
    expect(() => (outcome = engine().tryEvaluate(cart))).not.toThrow();
    if (Array.isArray(expected)) {
      expectPathNamed(outcome!, expected);
      // evaluate throws the InvalidCartError of its own runtime (a bundle carries its own copy), nothing else.
      let thrown: unknown;
      try {
        engine().evaluate(cart);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).name).toBe("InvalidCartError");
      expect((thrown as { errors: unknown }).errors).toEqual(outcome!.ok ? undefined : outcome!.errors);
      if (engine() === interpreter) expect(thrown).toBeInstanceOf(InvalidCartError);
    } else {
      expect(outcome!.ok, JSON.stringify(outcome!)).toBe(true);
      if (outcome!.ok) expect(outcome!.result.total).toBe(expected.total);
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototypeNames);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("agrees with the other engine on every case", () => {
    for (const [, cart] of CASES) expect(isDeepStrictEqual(bundle.tryEvaluate(cart), interpreter.tryEvaluate(cart))).toBe(true);
  });
});

describe("hostile carts through promo eval", () => {
  // A representative subset through the CLI (each is a process start); the API and bundle runs above take every case.
  const viaCli = new Set([
    "lines of the wrong type",
    "a missing currency",
    "a number where an amount belongs",
    "an unknown currency",
    "a negative quantity",
    "a fractional quantity",
    "a quantity of 10^12",
    "an amount with 40 digits",
    "duplicate line ids",
    "a __proto__ key in a line and in attributes",
    "a constructor key",
    "a 100,000-line cart",
  ]);
  const jsonCases: [string, string, string][] = CASES.flatMap(([name, cart, expected]): [string, string, string][] => {
    if (!Array.isArray(expected) || expected.length === 0 || !viaCli.has(name)) return [];
    let text: string;
    try {
      text = JSON.stringify(cart);
    } catch {
      return []; // cycles and bigints are not JSON
    }
    if (text === undefined || name === "deep nesting" || name.startsWith("a getter") || /NaN|Infinity/.test(name)) return [];
    return [[name, text, expected[0]!]];
  });
  jsonCases.push(
    ["JSON nested 100,000 deep", `{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "/lines/0"],
    [
      "a 40-digit JSON number",
      '{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":[{"id":"l1","sku":"A","unitPrice":"1.00","quantity":1234567890123456789012345678901234567890}]}',
      "/lines/0/quantity",
    ],
    ["invalid JSON", '{"currency":"USD",', ""],
    [
      "a 10 MB string",
      `{"currency":"USD","at":"2026-11-10T12:00:00Z","lines":[{"id":"${"x".repeat(10 * 1024 * 1024)}","sku":"A","unitPrice":"1.00","quantity":1}]}`,
      "/lines/0/id",
    ],
  );

  it.each(jsonCases)(
    "%s: exit 1, the path named on stderr",
    (name, text, path) => {
      const file = join(scratch, `${name.replace(/\W+/g, "-")}.json`);
      writeFileSync(file, text);
      const run = spawnPromo(["eval", rulesFile, "--cart", file], 120_000);
      expect(run.error).toBeUndefined();
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(`${file}: ${path === "" ? "" : path}`);
      expect(run.stderr).not.toMatch(STACK_TRACE_LINE);
      expect(run.stderr).not.toMatch(STACK_OVERFLOW);
    },
    150_000,
  );

  it("a 10 MB cart of 10,000 long lines is priced", () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => ({
      id: `line-${i}-${"x".repeat(200)}`,
      sku: "A".repeat(250),
      store: "s".repeat(250),
      unitPrice: "1.00",
      quantity: 1,
      tags: ["t".repeat(200)],
    }));
    const text = JSON.stringify({ ...base(), lines });
    expect(text.length).toBeGreaterThan(7 * 1024 * 1024);
    const file = join(scratch, "big.json");
    writeFileSync(file, text);
    const run = spawnPromo(["eval", rulesFile, "--cart", file, "--json"], 120_000);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).total).toBe("9000.00");
  }, 150_000);
});
