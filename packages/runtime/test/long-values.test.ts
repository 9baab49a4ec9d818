import { describe, expect, it } from "vitest";
import { excerpt, quoteExcerpt } from "../src/excerpt.js";
import { parseAmount } from "../src/money/amount.js";
import { compileCartSchema, createCartValidatorWith } from "../src/node.js";
import type { AttributeSpec } from "../src/index.js";

/**
 * Regression: error messages echoed the whole offending value (a 5 MB `unitPrice` gave a 5 MB message). A message
 * quotes at most 40 characters of a value, then "…" and the value's length; amounts, decimals and percentages
 * longer than 64 characters are refused by their length before any pattern reads them.
 */
const ATTRIBUTES: AttributeSpec[] = [
  { owner: "line", name: "weight", type: "decimal" },
  { owner: "customer", name: "rate", type: "percent" },
  { owner: "customer", name: "since", type: "datetime" },
];
const check = compileCartSchema(ATTRIBUTES);
const validators = {
  "with the fast path": createCartValidatorWith(ATTRIBUTES, check),
  "the full validator only": createCartValidatorWith(ATTRIBUTES, check, { fastPath: false }),
};

const HUGE = 5_000_000;
const digits = "9".repeat(HUGE);
const letters = "a".repeat(HUGE);

function cart(edit: (c: Record<string, any>) => void): unknown {
  const c: Record<string, any> = { at: "2026-11-10T13:00:00Z", currency: "USD", lines: [{ id: "l1", sku: "S", unitPrice: "1.00", quantity: 1 }], customer: {} };
  edit(c);
  return c;
}

const CASES: [string, unknown, string][] = [
  ["a 5 MB unitPrice of digits", cart((c) => (c.lines[0].unitPrice = digits)), "/lines/0/unitPrice"],
  ["a 5 MB unitPrice with a decimal point", cart((c) => (c.lines[0].unitPrice = `1.${digits}`)), "/lines/0/unitPrice"],
  ["a 5 MB unitPrice of letters", cart((c) => (c.lines[0].unitPrice = letters)), "/lines/0/unitPrice"],
  ["a 5 MB unknown property name", cart((c) => (c.lines[0][letters] = 1)), "/lines/0"],
  ["a 5 MB unknown attribute name", cart((c) => (c.customer.attributes = { [letters]: 1 })), "/customer/attributes"],
  ["a 5 MB decimal attribute", cart((c) => (c.lines[0].attributes = { weight: digits })), "/lines/0/attributes/weight"],
  ["a 5 MB percent attribute", cart((c) => (c.customer.attributes = { rate: digits })), "/customer/attributes/rate"],
  ["a 5 MB instant", cart((c) => (c.at = `2026-${digits}`)), "/at"],
  ["a 5 MB currency", cart((c) => (c.currency = letters)), "/currency"],
  ["a 5 MB quantity string", cart((c) => (c.lines[0].quantity = letters)), "/lines/0/quantity"],
  ["two 5 MB duplicate line ids", cart((c) => c.lines.push({ ...c.lines[0], id: letters }, { ...c.lines[0], id: letters })), "/lines/2/id"],
];

describe.each(Object.entries(validators))("long values through %s", (_name, validate) => {
  it.each(CASES)("%s: a short message naming the path", (_case, input, path) => {
    const result = validate(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toContain(path);
    for (const error of result.errors) expect(error.message.length, error.message.slice(0, 300)).toBeLessThan(300);
  });
});

describe("excerpts", () => {
  it("quote short text whole and long text as 40 characters, an ellipsis and the length", () => {
    expect(excerpt("19.99")).toBe("19.99");
    expect(excerpt("x".repeat(41))).toBe(`${"x".repeat(40)}… (41 characters)`);
    expect(quoteExcerpt("x".repeat(100))).toBe(`"${"x".repeat(40)}…" (100 characters)`);
  });

  it("never cut a surrogate pair in half", () => {
    const text = "x".repeat(39) + "😀".repeat(10);
    expect(excerpt(text)).toBe(`${"x".repeat(39)}… (${text.length} characters)`);
  });

  it("parseAmount refuses a long amount by its length, quoting a prefix", () => {
    const result = parseAmount(digits, "USD");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe("out-of-range");
      expect(result.message.length).toBeLessThan(200);
    }
    expect(parseAmount("90071992547409.91", "USD")).toEqual({ ok: true, minor: 9007199254740991 });
  });
});
