import { describe, expect, it } from "vitest";
import { renderDiagnostic } from "../src/diagnostics/render.js";
import { checkSource } from "../src/pipeline/frontend.js";
import { SourceFile } from "../src/util/source.js";

/**
 * Regression: diagnostics quoted user input whole, so a 5 MB name gave a 5 MB message. A message quotes at most 40
 * characters of a name or literal (then "…" and the length); the rendered code frame shows a window of the line.
 */
const HUGE = "x".repeat(5_000_000);
const FILES: [string, string, string][] = [
  ["an unknown 5 MB name", `currency USD\nscope s = ${HUGE}\n`, "unknown-name"],
  [
    "a 5 MB promotion id, declared twice",
    `currency USD\npromotion ${HUGE} {\n  title "a"\n  kind automatic\n  give 1% off order\n}\npromotion ${HUGE} {\n  title "b"\n  kind automatic\n  give 1% off order\n}\n`,
    "duplicate-id",
  ],
  ["a 5 MB unknown time zone", `window w = from 2026-01-01 00:00:00 to 2026-01-02 00:00:00 in ${HUGE}\n`, "unknown-time-zone"],
  [
    "a 5 MB amount",
    `currency USD\npromotion p {\n  title "t"\n  kind automatic\n  when subtotal exceeds 1.${"0".repeat(5_000_000)} USD\n  give 1% off order\n}\n`,
    "invalid-number",
  ],
];

describe("long names and literals in diagnostics", () => {
  it.each(FILES)(
    "%s: a short message and a short rendering",
    (_name, text, code) => {
      const { diagnostics } = checkSource("/long.promo", text);
      const found = diagnostics.find((d) => d.code === code);
      expect(found, diagnostics.map((d) => `${d.code}: ${d.message.slice(0, 100)}`).join("\n")).toBeDefined();
      for (const d of diagnostics) {
        expect(d.message.length, d.message.slice(0, 300)).toBeLessThan(400);
        for (const r of d.related) expect(r.message.length).toBeLessThan(400);
        const source = new SourceFile("/long.promo", text);
        expect(renderDiagnostic(d, () => source, { color: false }).length).toBeLessThan(2_000);
      }
    },
    120_000,
  );
});
