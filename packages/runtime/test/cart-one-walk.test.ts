import { describe, expect, it } from "vitest";
import { fastNormalise } from "../src/cart/fast-path.js";
import { NO_LABELS } from "../src/cart/labels.js";
import { attributeShapes } from "../src/cart/schema.js";
import { compileCartSchema, createCartValidatorWith } from "../src/node.js";
import type { AttributeSpec } from "../src/index.js";

/**
 * The one walk that validates and normalises an ordinary cart shares one locked empty label set, and finds
 * duplicate line ids without a Set of ids when every id is ASCII; the answers stay those of the full validator.
 */
const ATTRIBUTES: AttributeSpec[] = [{ owner: "line", name: "size", type: "string" }];
const schemaCheck = compileCartSchema(ATTRIBUTES);
const withFastPath = createCartValidatorWith(ATTRIBUTES, schemaCheck);
const fullOnly = createCartValidatorWith(ATTRIBUTES, schemaCheck, { fastPath: false });
const customerShapes = attributeShapes(ATTRIBUTES, "customer");
const lineShapes = attributeShapes(ATTRIBUTES, "line");

const line = (id: string, extra: object = {}) => ({ id, sku: `S-${id}`, unitPrice: "10.00", quantity: 1, ...extra });
const cart = (lines: object[]) => ({ currency: "USD", at: "2026-11-11T12:00:00Z", customer: { id: "c1" }, lines });

describe("one-walk cart validation", () => {
  it("gives every line without tags, and a customer without segments or risk flags, the one locked empty set", () => {
    for (const validate of [withFastPath, fullOnly]) {
      const a = validate(cart([line("a"), line("b", { tags: [] })]));
      const b = validate(cart([line("c", { tags: ["new"] })]));
      expect(a.ok && b.ok).toBe(true);
      if (!a.ok || !b.ok) continue;
      expect(a.cart.lines[0]!.tags).toBe(NO_LABELS);
      expect(a.cart.lines[1]!.tags).toBe(NO_LABELS);
      expect(a.cart.customer.segments).toBe(NO_LABELS);
      expect(a.cart.customer.riskFlags).toBe(NO_LABELS);
      expect([...b.cart.lines[0]!.tags]).toEqual(["new"]);
    }
    expect(NO_LABELS.size).toBe(0);
    expect(() => (NO_LABELS as Set<string>).add("leak")).toThrow(TypeError);
    expect(() => (NO_LABELS as Set<string>).delete("leak")).toThrow(TypeError);
    expect(() => (NO_LABELS as Set<string>).clear()).toThrow(TypeError);
    expect(NO_LABELS.has("leak")).toBe(false);
  });

  it("finds duplicate ASCII ids wherever they stand, and leaves them to the full validator's path-named error", () => {
    for (const lines of [
      [line("l2"), line("l1"), line("l2")],
      [line("l1"), line("l2"), line("l1")],
      [line("a"), line("a")],
    ]) {
      expect(fastNormalise(cart(lines), customerShapes, lineShapes)).toBeUndefined();
      const result = withFastPath(cart(lines));
      expect(result).toStrictEqual(fullOnly(cart(lines)));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual([`/lines/${lines.length - 1}/id`]);
    }
  });

  it("still compares non-ASCII ids after NFC normalisation", () => {
    const precomposed = line("caf\u00e9");
    const decomposed = line("cafe\u0301");
    expect(fastNormalise(cart([precomposed, decomposed]), customerShapes, lineShapes)).toBeUndefined();
    const result = withFastPath(cart([precomposed, decomposed]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toContain("NFC");
    // Distinct non-ASCII ids, out of order: accepted and sorted by code unit, as the full validator sorts.
    const ok = fastNormalise(cart([line("\u00e9b"), line("\u00e9a"), line("z")]), customerShapes, lineShapes);
    expect(ok?.lines.map((l) => l.id)).toEqual(["z", "\u00e9a", "\u00e9b"]);
    expect(ok).toStrictEqual((fullOnly(cart([line("\u00e9b"), line("\u00e9a"), line("z")])) as { cart: unknown }).cart);
  });

  it("refuses a text with a lone surrogate exactly when the full validator's regular expression finds one", () => {
    const lone = /[\uD800-\uDFFF]/u;
    const texts = ["plain", "caf\u00e9", "\ud83d\ude00", "a\ud83d", "\ude00a", "\ude00\ud83d", "x\ud83d\ude00\ud83d", "\ud83d\ud83d\ude00", "\u4e2d\u6587"];
    for (const sku of texts) {
      const accepted = fastNormalise(cart([line("a", { sku })]), customerShapes, lineShapes) !== undefined;
      expect(accepted, JSON.stringify(sku)).toBe(!lone.test(sku));
      expect(withFastPath(cart([line("a", { sku })]))).toStrictEqual(fullOnly(cart([line("a", { sku })])));
    }
  });
});
