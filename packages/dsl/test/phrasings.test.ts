import { describe, expect, it } from "vitest";
import { formatSource } from "../src/formatter/format.js";
import { checkFiles } from "../src/pipeline/frontend.js";
import { memoryHost } from "../src/project/host.js";

/** Phrasings a promo manager writes first: accepted where the language allows two orders, else one diagnostic with the language's way. */

function promotion(body: string): string {
  return `currency EUR\n\nscope socks = line.tags contains "socks"\n\npromotion p {\n  title "p"\n  kind automatic\n${body}\n}\n`;
}

function check(text: string) {
  return checkFiles(["p.promo"], memoryHost({ "p.promo": text })).diagnostics;
}

describe("trailing modifiers of a percentage discount", () => {
  const canonical = promotion("  give 10% off socks after discounts up to 5.00 EUR");
  const swapped = promotion("  give 10% off socks up to 5.00 EUR after discounts");

  it("accepts `up to` before and after `after discounts`", () => {
    expect(check(canonical)).toEqual([]);
    expect(check(swapped)).toEqual([]);
  });

  it("formats both orders to the canonical one (base, then cap)", () => {
    expect(formatSource("p.promo", swapped).text).toBe(canonical);
    expect(formatSource("p.promo", canonical).text).toBe(canonical);
  });

  it("still refuses the base given twice", () => {
    const codes = check(promotion("  give 10% off socks before discounts up to 5.00 EUR after discounts")).map((d) => d.code);
    expect(codes).toEqual(["syntax-error"]);
  });
});

describe("comparison symbols", () => {
  it.each([
    [">", "exceeds"],
    [">=", "at least"],
    ["<", "below"],
    ["<=", "at most"],
    ["==", "is"],
    ["!=", "is not"],
  ])("'%s' gets one operator-symbol error whose fix '%s' makes the file clean", (symbol, word) => {
    const text = promotion(`  when quantity of socks ${symbol} 3\n  give 10% off socks`);
    const diagnostics = check(text);
    expect(diagnostics.map((d) => d.code)).toEqual(["operator-symbol"]);
    const fix = diagnostics[0]!.fixes[0]!.edits[0]!;
    expect(text.slice(fix.span.start, fix.span.end)).toBe(symbol);
    expect(fix.newText).toBe(word);
    expect(check(text.slice(0, fix.span.start) + word + text.slice(fix.span.end))).toEqual([]);
  });
});

describe("usage limits written with `max`", () => {
  it.each([
    ["  give 1.00 EUR off each unit of socks max 1 units per customer", "limit 1 per customer"],
    ["  give 10% off socks\n  max 2 per customer per day", "limit 2 per customer per day"],
    ["  give 10% off socks\n  limit 100 redemptions\n  max 3 uses per customer", "limit 3 uses per customer"],
  ])("%j is one invalid-limit error whose fix is %j", (body, replacement) => {
    const text = promotion(body);
    const diagnostics = check(text);
    expect(diagnostics.map((d) => d.code)).toEqual(["invalid-limit"]);
    expect(diagnostics[0]!.fixes[0]!.edits[0]!.newText).toBe(replacement);
    const edit = diagnostics[0]!.fixes[0]!.edits[0]!;
    expect(check(text.slice(0, edit.span.start) + replacement + text.slice(edit.span.end))).toEqual([]);
  });

  it("keeps `max N units` of an each-unit discount", () => {
    expect(check(promotion("  give 1.00 EUR off each unit of socks max 3 units"))).toEqual([]);
  });
});

describe("Nth unit phrasings", () => {
  it.each([
    ["give second unit at 50%", undefined],
    ["give second unit at 50% of socks", undefined],
    ["give second unit 50% off of socks", undefined],
    ["give second unit free of socks", "cheapest 1 free for every 2 of socks"],
    ["give fourth unit at 100% off of socks", "cheapest 1 free for every 4 of socks"],
    ["give third unit free", undefined],
  ])("%j is one nth-unit-benefit error (fix %j)", (clause, replacement) => {
    // Without `of socks` the scaffold's scope is rightly unused: only errors are counted here.
    const diagnostics = check(promotion(`  ${clause}`)).filter((d) => d.severity === "error");
    expect(diagnostics.map((d) => d.code)).toEqual(["nth-unit-benefit"]);
    expect(diagnostics[0]!.fixes.map((f) => f.edits[0]!.newText)).toEqual(replacement ? [replacement] : []);
  });
});
