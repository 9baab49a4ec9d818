import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkProject } from "../../packages/dsl/src/pipeline/frontend.js";
import { diskHost } from "../../packages/dsl/src/project/host.js";
import { repoRoot } from "../helpers/cli.js";
import { checkRules, cleanEngines } from "../helpers/engines.js";
import { renderWideCart, renderWideRules, wideCartArb, wideRulesArb, type WideCurrency } from "../helpers/generators.js";
import { bundledEngine, emittedEngine, referenceEngine, type PricingEngine } from "../helpers/implementations.js";
import { prng } from "../helpers/prng.js";
import { randomCart } from "../helpers/random-carts.js";

/**
 * Evaluation fuzzing: random and hostile carts (valid carts with one part replaced by something hostile: wrong
 * types, prototype names as keys, lone surrogates, "-0.00", exponents, huge numbers, deep nesting, long strings,
 * duplicate ids, missing or extra fields) against rich rule files (every example, and generated files with 30
 * promotions, limits and attributes), through compiled code. Every outcome is either a result equal to the
 * reference model's or errors that each name a JSON path leading into the cart; nothing throws; no prototype is
 * polluted; and the cost is bounded by counted work: the engine reads each part of the cart a bounded number of
 * times (counted through a proxy), so a cart of n values costs O(n) reads whatever it holds.
 *
 * PROMO_FUZZ_INPUTS sets the number of carts (modest in `npm test`; `npm run fuzz` runs more).
 */
const INPUTS = Number(process.env["PROMO_FUZZ_INPUTS"] || 1500);
const SEED = Number(process.env["PROMO_FUZZ_SEED"] || 1212);
const stats = { carts: 0, priced: 0, refused: 0, comparedWithReference: 0, reads: 0, values: 0 };

afterAll(() => {
  const line = `evaluation fuzzing: ${stats.carts} carts (${stats.priced} priced and compared with the reference: ${stats.comparedWithReference}; ${stats.refused} refused with path-named errors); ${stats.reads} cart reads for ${stats.values} cart values`;
  console.log(line);
  if (process.env["PROMO_FUZZ_REPORT"]) appendFileSync(process.env["PROMO_FUZZ_REPORT"], line + "\n");
  cleanEngines();
});

interface Target {
  name: string;
  compiled: () => Promise<PricingEngine>;
  reference: PricingEngine;
  validCart: (random: () => number) => Record<string, unknown>;
}

const examplesDir = join(repoRoot, "examples");
const targets: Target[] = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".promo"))
  .sort()
  .map((name) => {
    const path = join(examplesDir, name);
    const { project } = checkProject([path], diskHost);
    const currency = project.files[0]!.currency!;
    let compiled: Promise<PricingEngine> | undefined;
    return {
      name,
      compiled: () => (compiled ??= import("node:fs").then((fs) => bundledEngine(fs.readFileSync(path, "utf8")))),
      reference: referenceEngine(project),
      validCart: (random) => randomCart(random, currency) as Record<string, unknown>,
    };
  });

// Generated rich rule files (30 promotions at most, limits, attributes of every type), with their own carts.
for (const [i, [rules, carts]] of fc
  .sample(fc.tuple(wideRulesArb, fc.array(wideCartArb, { minLength: 8, maxLength: 8 })), { numRuns: 6, seed: SEED })
  .entries()) {
  const text = renderWideRules(rules);
  const { project } = checkRules(text);
  let compiled: Promise<PricingEngine> | undefined;
  targets.push({
    name: `generated-${i}`,
    compiled: () => (compiled ??= emittedEngine(project)),
    reference: referenceEngine(project, 8),
    validCart: (random) => renderWideCart(carts[Math.floor(random() * carts.length)]!, rules.currency as WideCurrency),
  });
}

const LONG = "x".repeat(100_000);
/** Values that replace one part of a valid cart. */
const HOSTILE: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -0,
  1.5,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  "",
  " ",
  "-0.00",
  "-0",
  "1e3",
  "+1.00",
  "01.00",
  "1.",
  ".5",
  "10.001",
  "NaN",
  "Infinity",
  "\ud800",
  "\udfff x",
  "e\u0301",
  "\u0000",
  LONG,
  [],
  [[[[[[[[[[[]]]]]]]]]]],
  {},
  { length: 5 },
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  { constructor: { prototype: { polluted: "yes" } } },
  { prototype: "x" },
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  ["__proto__"],
  [{ code: "__proto__" }],
  2 ** 31,
  -(2 ** 31),
  999_999_999_999,
  "2026-02-30T00:00:00Z",
  "2026-11-10T12:00:00",
  "2026-11-10T12:00:00+25:00",
  "2026-11-10T12:00:60Z",
  "9999-12-31T23:59:59Z",
];
const KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "extra", "id", "", "\ud800"];

function deep(depth: number): unknown {
  let x: unknown = {};
  for (let i = 0; i < depth; i++) x = { a: [x] };
  return x;
}

/** Every JSON pointer into a value, with a way to replace the value there. */
function pointers(value: unknown, path = ""): { path: string; parent: Record<string, unknown> | unknown[] | null; key: string | number }[] {
  const out: { path: string; parent: Record<string, unknown> | unknown[] | null; key: string | number }[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push({ path: `${path}/${i}`, parent: value, key: i }, ...pointers(v, `${path}/${i}`)));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      out.push(
        { path: `${path}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`, parent: value as Record<string, unknown>, key: k },
        ...pointers(v, `${path}/${k}`),
      );
  }
  return out;
}

/** A valid cart with one hostile change: a value replaced, a key removed or added, a line duplicated, deep nesting. */
function mutate(cart: Record<string, unknown>, random: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(cart)) as Record<string, unknown>;
  const spots = pointers(copy);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const spot = spots.length > 0 ? pick(spots) : null;
  const choice = Math.floor(random() * 7);
  if (!spot || choice === 0) return pick(HOSTILE);
  const parent = spot.parent as Record<string | number, unknown>;
  switch (choice) {
    case 1:
    case 2:
      parent[spot.key] = pick(HOSTILE);
      break;
    case 3:
      if (Array.isArray(parent)) parent.splice(spot.key as number, 1);
      else delete parent[spot.key];
      break;
    case 4: {
      const key = pick(KEYS);
      if (Array.isArray(parent)) parent.push(pick(HOSTILE));
      else Object.defineProperty(parent, key, { value: pick(HOSTILE), enumerable: true, configurable: true, writable: true });
      break;
    }
    case 5:
      if (Array.isArray(copy["lines"]) && copy["lines"].length > 0)
        (copy["lines"] as unknown[]).push(JSON.parse(JSON.stringify((copy["lines"] as unknown[])[0])));
      break;
    case 6:
      parent[spot.key] = deep(1 + Math.floor(random() * 200));
      break;
  }
  return copy;
}

/** Whether a JSON pointer leads into the cart: every step but the last exists (the last may be a missing key). */
function leadsInto(cart: unknown, path: string): boolean {
  if (path === "") return true;
  if (!path.startsWith("/")) return false;
  const steps = path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let at: unknown = cart;
  for (const step of steps.slice(0, -1)) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, step)) return false;
    at = (at as Record<string, unknown>)[step];
  }
  return at !== null && typeof at === "object";
}

/** The cart behind a proxy that counts every property read and key listing, at every depth. */
function counted(value: unknown, counter: { reads: number }): unknown {
  if (value === null || typeof value !== "object") return value;
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(value as object, {
    get(target, key, receiver) {
      counter.reads++;
      if (!cache.has(key)) cache.set(key, counted(Reflect.get(target, key, receiver), counter));
      return cache.get(key);
    },
    ownKeys(target) {
      counter.reads++;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, key) {
      counter.reads++;
      const d = Reflect.getOwnPropertyDescriptor(target, key);
      if (d && "value" in d) return { ...d, value: counted(d.value, counter) };
      return d;
    },
  });
}

function valuesIn(value: unknown): number {
  if (value === null || typeof value !== "object") return 1;
  return 1 + (Array.isArray(value) ? value.reduce((n: number, v) => n + valuesIn(v), 0) : Object.values(value).reduce((n: number, v) => n + valuesIn(v), 0));
}

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

describe("evaluation fuzzing", () => {
  it(`${INPUTS} random and hostile carts against ${targets.length} rich rule files`, async () => {
    const random = prng(SEED);
    for (let i = 0; i < INPUTS; i++) {
      const target = targets[i % targets.length]!;
      const compiled = await target.compiled();
      const valid = target.validCart(random);
      const cart = random() < 0.3 ? valid : mutate(valid, random);
      stats.carts++;
      const counter = { reads: 0 };
      const values = valuesIn(cart);
      let outcome: ReturnType<PricingEngine["price"]>;
      try {
        outcome = compiled.price(i % 3 === 0 ? counted(cart, counter) : cart);
      } catch (error) {
        throw new Error(`${target.name}: evaluation threw ${(error as Error).stack}\ncart: ${JSON.stringify(cart).slice(0, 2000)}`);
      }
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
      if (i % 3 === 0) {
        stats.reads += counter.reads;
        stats.values += values;
        // Counted work, not time: a bounded number of reads per value of the cart.
        if (counter.reads > 8 * values + 64)
          throw new Error(`${target.name}: ${counter.reads} reads for a cart of ${values} values\n${JSON.stringify(cart).slice(0, 2000)}`);
      }
      if (!outcome.ok) {
        stats.refused++;
        expect(outcome.errors.length).toBeGreaterThan(0);
        for (const e of outcome.errors) {
          expect(typeof e.message === "string" && e.message.length > 0, `${target.name}: an error without a message`).toBe(true);
          expect(
            leadsInto(cart, e.path),
            `${target.name}: the error path ${JSON.stringify(e.path)} does not lead into the cart ${JSON.stringify(cart).slice(0, 500)}`,
          ).toBe(true);
        }
        continue;
      }
      stats.priced++;
      const reference = target.reference.price(cart);
      if (!reference.ok)
        throw new Error(
          `${target.name}: the reference refuses a cart compiled code prices: ${JSON.stringify(reference.errors)}\n${JSON.stringify(cart).slice(0, 2000)}`,
        );
      if (outcome.optimal && reference.optimal) {
        stats.comparedWithReference++;
        if (!isDeepStrictEqual(outcome.result, reference.result)) {
          expect(reference.result, `${target.name}: compiled and reference disagree on ${JSON.stringify(cart).slice(0, 2000)}`).toEqual(outcome.result);
        }
      }
    }
    expect(stats.carts).toBe(INPUTS);
  }, 600_000);
});
