import { describe, expect, it } from "vitest";
import { emitModule } from "../../packages/dsl/src/emit/emit.js";
import { formatSource } from "../../packages/dsl/src/formatter/format.js";
import { lex } from "../../packages/dsl/src/lexer/lexer.js";
import { lower } from "../../packages/dsl/src/lower/lower.js";
import { MAX_FILE_BYTES, parseSource } from "../../packages/dsl/src/parser/parse.js";
import { checkSource } from "../../packages/dsl/src/pipeline/frontend.js";

/**
 * Regression: a flat `and`/`or` chain of 150,000+ operands overflowed the stack in the checker and the formatter
 * (`push(...operands)` passes every operand as an argument). A long chain goes through every phase without an
 * exception: lexer, parser, AST, checker (it reports the cost), formatter, lower and emit.
 *
 * `npm test` uses 300,000 operands (twice the length that crashed); `npm run fuzz` (PROMO_CHAIN_AT_LIMIT=1) the
 * longest chain a file under the size limit can hold (`true or true or …`, about two million operands), which
 * takes minutes on a loaded machine.
 */
const AT_LIMIT = process.env["PROMO_CHAIN_AT_LIMIT"] === "1";

function longChain(op: "and" | "or", where: "scope" | "when"): string {
  const frame =
    where === "scope"
      ? (chain: string) => `currency USD\nscope s = ${chain}\npromotion p {\n  title "t"\n  kind automatic\n  give 1.00 USD off s\n}\n`
      : (chain: string) => `currency USD\npromotion p {\n  title "t"\n  kind automatic\n  when ${chain}\n  give 1.00 USD off order\n}\n`;
  const operand = "true";
  const count = AT_LIMIT ? Math.floor((MAX_FILE_BYTES - frame("").length) / (operand.length + op.length + 2)) : 300_000;
  const text = frame(Array(count).fill(operand).join(` ${op} `));
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_FILE_BYTES);
  if (AT_LIMIT) expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_FILE_BYTES - 20);
  return text;
}

describe(`a flat chain of ${AT_LIMIT ? "the file-size limit" : "300,000 operands"}`, () => {
  it.each([
    ["or", "scope"],
    ["and", "when"],
  ] as const)(
    "%s in a %s: every phase returns diagnostics, none throws",
    (op, where) => {
      const text = longChain(op, where);
      expect(lex(text).errors).toEqual([]);
      const parsed = parseSource("/chain.promo", text);
      expect(parsed.diagnostics).toEqual([]);
      const checked = checkSource("/chain.promo", text);
      // The chain is valid but too costly to evaluate per cart line: a diagnostic, not a crash.
      expect(checked.diagnostics.map((d) => d.code)).toEqual(["cost-over-budget"]);
      const formatted = formatSource("/chain.promo", text);
      expect(formatted.text).toBeDefined();
      expect(formatted.text!.length).toBeGreaterThan(text.length / 2);
      const emitted = emitModule(lower(checked.project), { runtimeImport: "@promo/runtime", validatorImport: "promo:cart-schema" });
      expect(emitted.length).toBeGreaterThan(0);
    },
    1_800_000,
  );
});
