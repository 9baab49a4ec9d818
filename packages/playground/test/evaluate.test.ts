import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, requireBuild, spawnPromo } from "../../../test/helpers/cli.js";
import { collectExamples } from "../build.mjs";
import { evaluate } from "../src/evaluate.js";

/**
 * The page's pricing (src/evaluate.ts, run in the worker) against `promo eval --json` on every example rule file and
 * sample cart the page offers: the same result, field for field, lines in the cart's own order.
 */
describe("the playground's pricing", () => {
  const examples = collectExamples();

  it("offers every example rule file with its sample carts, the 11.11 coupons among them", () => {
    expect(examples.map((e) => e.name)).toContain("aliexpress-11-11");
    expect(examples.find((e) => e.name === "aliexpress-11-11")!.carts.map((c) => c.name)).toEqual(["collected-too-early", "combined-order"]);
    expect(examples.reduce((n, e) => n + e.carts.length, 0)).toBeGreaterThanOrEqual(10);
  });

  for (const example of examples)
    for (const cart of example.carts)
      it(`prices ${example.name} with the ${cart.name} cart as promo eval does`, () => {
        requireBuild();
        const run = spawnPromo([
          "eval",
          join("examples", `${example.name}.promo`),
          "--cart",
          join("examples", "carts", `${example.name}-${cart.name}.json`),
          "--json",
        ]);
        expect(run.status, run.stderr).toBe(0);
        const cli = JSON.parse(run.stdout);
        const page = evaluate(example.rules, cart.text);
        expect(page.status).toBe("priced");
        if (page.status !== "priced") return;
        const written = (JSON.parse(cart.text) as { lines: { id: string }[] }).lines.map((l) => l.id);
        expect(page.result.lines.map((l) => l.id)).toEqual(written);
        const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
        const source = (r: { source: { line: number; column: number } }) => ({ line: r.source.line, column: r.source.column });
        expect({ ...page.result, lines: byId(page.result.lines), rejected: page.result.rejected.map((r) => ({ ...r, source: source(r) })) }).toEqual({
          ...cli,
          lines: byId(cli.lines),
          rejected: cli.rejected.map((r: { source: { line: number; column: number } }) => ({ ...r, source: source(r) })),
        });
        expect(page.examples.length).toBeGreaterThan(0);
        expect(page.examples.filter((e) => !e.passed)).toEqual([]);
      });

  it("names a bad cart's errors by their JSON pointer, and does not price rules with errors", () => {
    const rules = readFileSync(join(repoRoot, "examples", "aliexpress-11-11.promo"), "utf8");
    const cart = JSON.parse(readFileSync(join(repoRoot, "examples", "carts", "aliexpress-11-11-combined-order.json"), "utf8"));
    cart.lines[1].unitPrice = "4.5x";
    const bad = evaluate(rules, JSON.stringify(cart));
    expect(bad.status).toBe("cart-errors");
    if (bad.status === "cart-errors") expect(bad.errors.map((e) => e.path)).toEqual(["/lines/1/unitPrice"]);
    expect(evaluate(rules, "{ not json").status).toBe("cart-errors");
    expect(evaluate(rules.replace("give 5.00 USD off order", "give 5.00 EUR off order"), JSON.stringify(cart))).toMatchObject({ status: "rule-errors" });
  });
});
