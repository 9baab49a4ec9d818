/**
 * Bounded error recovery (parser/recovery.ts), measured by counted work, never by time: tokens handed to the
 * recovering parser, its recovery steps (errors it recorded), and the diagnostics a person gets.
 */
import { describe, expect, it } from "vitest";
// The benchmark's garbage (bench/recovery.mjs times the same text).
import { generateGarbage } from "../../../bench/garbage.mjs";
import { lex } from "../src/lexer/lexer.js";
import { parseSource } from "../src/parser/parse.js";
import { MAX_ERRORS_PER_DECLARATION } from "../src/parser/recovery.js";
import { checkSource } from "../src/pipeline/frontend.js";

const VALID_PROMOTION = (id: string) => `promotion ${id} {\n  title "${id}"\n  kind automatic\n  give 5.00 USD off order\n}\n`;

describe("error recovery on garbage", () => {
  const text = generateGarbage(5000) as string;
  const parsed = parseSource("/garbage.promo", text);
  const tokens = lex(text).tokens.length;

  it("hands every token to the recovering parser at most once", () => {
    const stats = parsed.recovery!;
    expect(stats).toBeDefined();
    expect(stats.segments).toBeGreaterThan(100);
    expect(stats.parsedTokens + stats.skippedTokens).toBe(tokens);
  });

  it("takes a bounded number of recovery steps per declaration", () => {
    const stats = parsed.recovery!;
    // Whole-file recovery took 2,703+ steps on this kind of text and grew with every stray keyword inside junk.
    expect(stats.recoveryErrors).toBeLessThanOrEqual(3 * stats.segments);
  });

  it("grows linearly: twice the garbage, at most about twice the work", () => {
    const half = parseSource("/half.promo", generateGarbage(2500) as string).recovery!;
    const full = parsed.recovery!;
    expect(full.recoveryErrors / half.recoveryErrors).toBeLessThan(2.5);
    expect(full.parsedTokens / half.parsedTokens).toBeLessThan(2.5);
  });

  it("reports a readable number of syntax errors, and says how many were left out", () => {
    const syntax = parsed.diagnostics.filter((d) => d.code === "syntax-error");
    expect(syntax.length).toBeLessThanOrEqual(100);
    const notes = parsed.diagnostics.filter((d) => d.code === "too-many-errors").map((d) => d.message);
    expect(notes.some((m) => /^\d+ more diagnostics in this file were not shown \(limit 100\)$/.test(m))).toBe(true);
    // Lexer and parser errors are each capped (100 and a note); the few word-for-symbol hints ('>' is 'exceeds')
    // are located, fixable reports of their own and are not part of either cap.
    expect(parsed.diagnostics.filter((d) => d.code !== "operator-symbol").length).toBeLessThanOrEqual(2 * 101);
  });

  it("keeps the whole check's diagnostics in the hundreds, not thousands", () => {
    expect(checkSource("/garbage.promo", text).diagnostics.length).toBeLessThan(1000);
  });
});

describe("resynchronising at declaration keywords", () => {
  it("a broken promotion does not hide the valid one after it", () => {
    const text = `currency USD\n\npromotion broken {\n  title "b"\n  kind automatic\n  give 5.00 USD off order ) ) ]\n}\n\n${VALID_PROMOTION("fine")}`;
    const parsed = parseSource("/x.promo", text);
    expect(parsed.recovery).toBeDefined();
    const promotions = parsed.ast.declarations.flatMap((d) => (d.kind === "Promotion" ? [d.name.text] : []));
    expect(promotions).toContain("fine");
    const fine = text.indexOf("promotion fine");
    expect(parsed.diagnostics.filter((d) => d.span.start >= fine)).toEqual([]);
  });

  it("an unclosed brace does not swallow the declarations that follow in column 0", () => {
    const text = `currency USD\n\npromotion open {\n  title "o"\n  kind automatic\n\nscope sale = line.tags contains "sale"\n\n${VALID_PROMOTION("later")}`;
    const parsed = parseSource("/x.promo", text);
    const kinds = parsed.ast.declarations.map((d) => d.kind);
    expect(kinds.filter((k) => k === "Scope")).toHaveLength(1);
    const later = text.indexOf("promotion later");
    expect(parsed.diagnostics.filter((d) => d.span.start >= later)).toEqual([]);
    // The error at the cut names the keyword that follows, not "the end of the file" (the file goes on).
    const messages = parsed.diagnostics.map((d) => d.message).join("\n");
    expect(messages).toContain("'scope'");
    expect(messages).not.toContain("the end of the file");
  });

  it("caps the errors shown per declaration and says how many were suppressed", () => {
    const junk = Array.from({ length: 12 }, (_, i) => `  when ${i} ${i} ) ] :`).join("\n");
    const text = `currency USD\n\npromotion noisy {\n  title "n"\n${junk}\n}\n\n${VALID_PROMOTION("quiet")}`;
    const parsed = parseSource("/x.promo", text);
    const quiet = text.indexOf("promotion quiet");
    const inNoisy = parsed.diagnostics.filter((d) => d.span.start < quiet);
    expect(inNoisy.filter((d) => d.code === "syntax-error")).toHaveLength(MAX_ERRORS_PER_DECLARATION);
    const note = inNoisy.find((d) => d.code === "too-many-errors");
    expect(note?.message).toMatch(/^\d+ more diagnostics in this declaration were not shown \(limit 3\)$/);
    expect(parsed.recovery!.suppressed).toBe(Number(/^(\d+)/.exec(note!.message)![1]));
  });

  it("a valid file takes no recovery at all", () => {
    const parsed = parseSource("/x.promo", `currency USD\n\n${VALID_PROMOTION("a")}\n${VALID_PROMOTION("b")}`);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.recovery).toBeUndefined();
  });
});
