import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost } from "../packages/dsl/src/project/host.js";
import { runExamples } from "../packages/dsl/src/testing/examples.js";
import { prng } from "./helpers/prng.js";

/**
 * Compiled bundles against the reference interpreter on every example and on seeded random carts, with the
 * money invariants: allocations sum to each discount, no line goes below zero, totals add up, and the order of
 * lines and coupons never matters. Needs the build (`npm test` builds first).
 */
const examplesDir = join(import.meta.dirname, "..", "examples");
const ruleFiles = readdirSync(examplesDir).filter((f) => f.endsWith(".promo")).sort();
const scratch = mkdtempSync(join(tmpdir(), "promo-differential-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cents = (s: string) => Math.round(Number(s) * 100);

const SKUS = ["TSHIRT", "CASE", "CABLE", "SAMPLE", "SOCKS", "TOY-1", "LAMP-1", "MUG", "BAG"];
const STORES = ["acme", "lumen", "gadgets", "other"];
const TAGS = ["selected", "welcome", "coins", "socks"];
const CODES = ["AE5OFF25", "ACME3", "FIVE", "fifteen", "EIGHT", "WD3", "GADGETS2", "SAVE10", "SHOP5", "COMEBACK5", "NOPE"];

function randomCart(random: () => number, currency: string) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const lineCount = 1 + Math.floor(random() * 6);
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    id: `l${i}`,
    sku: pick(SKUS),
    store: pick(STORES),
    unitPrice: (Math.floor(random() * 4000) / 100).toFixed(2),
    quantity: 1 + Math.floor(random() * 4),
    tags: TAGS.filter(() => random() < 0.3),
    attributes: currency === "EUR" ? { size: pick(["S", "M", "L", "XL"]) } : {},
  }));
  const day = 9 + Math.floor(random() * 5);
  return {
    currency: random() < 0.9 ? currency : currency === "USD" ? "EUR" : "USD",
    at: `2026-11-${String(day).padStart(2, "0")}T${String(Math.floor(random() * 24)).padStart(2, "0")}:00:00Z`,
    customer: {
      id: "c1",
      region: pick(["US", "CA", "FR", "ES", "DE"]),
      previousOrders: random() < 0.5 ? 0 : 3,
      segments: ["free-product-winner", "cart-abandoners-30d"].filter(() => random() < 0.4),
      coins: Math.floor(random() * 3000),
      coinsEarnedToday: Math.floor(random() * 60),
    },
    lines,
    shipping: { country: pick(["US", "FR", "ES"]), price: (Math.floor(random() * 800) / 100).toFixed(2) },
    coupons: CODES.filter(() => random() < 0.25).map((code) => ({
      code,
      activatedAt: random() < 0.8 ? "2026-11-01T00:00:00Z" : null,
      owner: random() < 0.2 ? "someone-else" : null,
      lastFailedPaymentAt: random() < 0.1 ? `2026-11-${String(day).padStart(2, "0")}T00:00:00Z` : null,
    })),
    useCoins: random() < 0.5,
  };
}

describe.each(ruleFiles)("%s", (name) => {
  const path = join(examplesDir, name);
  const { project } = checkProject([path], diskHost);
  const interpreter = interpreterEvaluator(project);
  const currency = project.files[0]!.currency!;
  const bundle = compile([path]).then(async (result) => {
    const out = join(scratch, name.replace(".promo", ".mjs"));
    writeFileSync(out, result.code);
    return (await import(pathToFileURL(out).href)) as { tryEvaluate: typeof interpreter.tryEvaluate };
  });

  it("every example passes, compiled and interpreted alike", async () => {
    const compiled = await bundle;
    const viaInterpreter = runExamples(project, (cart) => interpreter.tryEvaluate(cart), diskHost);
    const viaBundle = runExamples(project, (cart) => compiled.tryEvaluate(cart), diskHost);
    expect(viaInterpreter.filter((o) => !o.passed).map((o) => `${o.name}: ${o.differences.join("; ")}`)).toEqual([]);
    expect(viaBundle).toEqual(viaInterpreter);
  });

  it("300 random carts: compiled ≡ interpreted, and the money invariants hold", async () => {
    const compiled = await bundle;
    const random = prng(0x5eed + name.length);
    for (let i = 0; i < 300; i++) {
      const cart = randomCart(random, currency);
      const a = interpreter.tryEvaluate(cart);
      const b = compiled.tryEvaluate(cart);
      expect(b).toEqual(a);
      if (!a.ok) throw new Error(`generated an invalid cart: ${JSON.stringify(a.errors)}`);
      const r = a.result;
      for (const applied of r.applied) {
        const lineSum = applied.lines.reduce((s, l) => s + cents(l.amount), 0);
        expect(lineSum + cents(applied.shipping ?? "0") + (applied.kind === "coins" ? cents(applied.amount) : 0)).toBe(cents(applied.amount));
      }
      for (const line of r.lines) {
        expect(cents(line.discount)).toBeGreaterThanOrEqual(0);
        expect(cents(line.total)).toBeGreaterThanOrEqual(0);
        expect(cents(line.subtotal) - cents(line.discount)).toBe(cents(line.total));
      }
      expect(cents(r.total)).toBe(cents(r.subtotal) - cents(r.discount) - cents(r.coins.amount) + cents(r.shipping));
      expect(cents(r.total)).toBeGreaterThanOrEqual(0);
      expect(new Set([...r.applied.map((x) => x.id), ...r.rejected.map((x) => x.id)]).size).toBe(r.applied.length + r.rejected.length);
      const reordered = { ...cart, lines: [...cart.lines].reverse(), coupons: [...cart.coupons].reverse() };
      expect(interpreter.tryEvaluate(reordered)).toEqual(a);
    }
  });
});

/**
 * Scope predicates over built-in line fields compile to plain JavaScript (`line.sku === "MUG"`,
 * `set.has(line.store)`, `line.unitPrice >= 500`) rather than calls into the runtime: every operator and field
 * kind, alone and under and / or / not, against the interpreter.
 */
describe("specialised line comparisons", () => {
  const scopes = [
    'line.sku is "MUG"', 'line.sku is not "MUG"', 'line.store in ["acme", "lumen"]', 'line.store not in ["acme"]',
    'line.tags contains "selected"', "line.unitPrice exceeds 10.00 USD", "line.unitPrice at least 10.00 USD",
    "line.unitPrice at most 10.00 USD", "line.unitPrice below 10.00 USD", "line.quantity is 2", "line.quantity is not 2",
    "line.subtotal at least 25.00 USD", 'line.category is ""', 'line.product in ["", "P"]',
    'not line.sku is "CASE" and line.quantity at least 2', 'line.sku is "BAG" or line.tags contains "coins"',
  ];
  const rules = [
    "currency USD",
    "",
    ...scopes.flatMap((scope, i) => [
      `promotion line-${i} {`,
      `  title "line comparison ${i}"`,
      "  kind automatic",
      `  when count of (${scope}) at least 1`,
      `  give 1.00 USD off each unit of (${scope})`,
      "}",
      "",
    ]),
  ].join("\n");

  it("agree with the interpreter on 400 random carts", async () => {
    const path = join(scratch, "line-comparisons.promo");
    writeFileSync(path, rules);
    const { project, diagnostics } = checkProject([path], diskHost);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const interpreter = interpreterEvaluator(project);
    const result = await compile([path]);
    // The specialised forms are there (so this compares them, not the general path).
    expect(result.code).toMatch(/\.sku === "MUG"/);
    expect(result.code).toMatch(/\.unitPrice >= 1000/);
    expect(result.code).toMatch(/\.tags\.has\("selected"\)/);
    const out = join(scratch, "line-comparisons.mjs");
    writeFileSync(out, result.code);
    const compiled = (await import(pathToFileURL(out).href)) as { tryEvaluate: typeof interpreter.tryEvaluate };
    const random = prng(0x1ee7);
    let applied = 0;
    for (let i = 0; i < 400; i++) {
      const cart = randomCart(random, "USD");
      const a = interpreter.tryEvaluate(cart);
      expect(compiled.tryEvaluate(cart)).toEqual(a);
      if (a.ok) applied += a.result.applied.length;
    }
    expect(applied).toBeGreaterThan(400);
  });
});
