import { describe, expect, it } from "vitest";
import { compileCartSchema, createCartValidatorWith } from "../src/node.js";
import type { AttributeSpec } from "../src/index.js";

/**
 * Regression (documented in docs/language.md, "What a cart may hold"): line ids equal under Unicode NFC
 * normalisation are duplicates, while case still matters; a lone surrogate in any string or property name is refused
 * with its path; "-0.00" is read as 0. The fast path and the full validator give the same answer on each.
 */
const ATTRIBUTES: AttributeSpec[] = [{ owner: "line", name: "size", type: "string" }];
const check = compileCartSchema(ATTRIBUTES);
const fast = createCartValidatorWith(ATTRIBUTES, check);
const full = createCartValidatorWith(ATTRIBUTES, check, { fastPath: false });

function cart(lines: Record<string, unknown>[], extra: Record<string, unknown> = {}): unknown {
  return {
    at: "2026-11-10T13:00:00Z",
    currency: "USD",
    customer: {},
    lines: lines.map((l, i) => ({ id: `l${i}`, sku: "S", unitPrice: "1.00", quantity: 1, ...l })),
    ...extra,
  };
}

function both(input: unknown) {
  const a = fast(input);
  const b = full(input);
  expect(a).toEqual(b);
  return b;
}

describe("line ids and Unicode", () => {
  it("ids equal after NFC normalisation are duplicates (precomposed é and e + combining accent)", () => {
    const result = both(cart([{ id: "caf\u00e9" }, { id: "cafe\u0301" }]));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toEqual([
        { path: "/lines/1/id", message: '/lines/1/id: duplicate line id "cafe\u0301": the same as /lines/0/id after Unicode NFC normalisation' },
      ]);
  });

  it("ids that differ only by case are two lines", () => {
    const result = both(cart([{ id: "A1" }, { id: "a1" }]));
    expect(result.ok).toBe(true);
  });

  it.each([
    ["a line id", cart([{ id: "x\ud800" }]), "/lines/0/id"],
    ["a sku", cart([{ sku: "\udc00" }]), "/lines/0/sku"],
    ["a string attribute", cart([{ attributes: { size: "M\ud83d" } }]), "/lines/0/attributes/size"],
    ["a tag", cart([{ tags: ["ok", "\ud83d"] }]), "/lines/0/tags/1"],
    ["the payment method", cart([{}], { paymentMethod: "card\udfff" }), "/paymentMethod"],
    ["a property name", cart([{ ["k\ud800"]: 1 }]), "/lines/0"],
  ])("a lone surrogate in %s is refused with its path", (_name, input, path) => {
    const result = both(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(path);
  });

  it("a surrogate pair (an emoji) is ordinary text", () => {
    expect(both(cart([{ id: "gift-🎁", tags: ["🎁"] }])).ok).toBe(true);
  });

  it('"-0.00" and "-0" are read as 0 by both validators', () => {
    for (const price of ["-0.00", "-0", "-0.0"]) {
      const result = both(cart([{ unitPrice: price }]));
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.cart.lines[0]!.unitPrice).toBe(0);
        expect(Object.is(result.cart.lines[0]!.unitPrice, -0)).toBe(false);
      }
    }
  });
});
