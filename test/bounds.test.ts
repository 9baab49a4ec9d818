import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_COST_BUDGET, CostModel } from "../packages/dsl/src/checker/bounds.js";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { checkFiles, checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost, memoryHost } from "../packages/dsl/src/project/host.js";
import { formatSource } from "../packages/dsl/src/formatter/format.js";
import { repoRoot, spawnPromo } from "./helpers/cli.js";
import { readdirSync } from "node:fs";

/**
 * Bounded cost (docs/language.md, "Bounded cost"): reference chains are depth-limited with a diagnostic instead of
 * overflowing the stack in lowering, emitting or pricing, and promotions over the static cost budget are refused.
 */
const scratch = mkdtempSync(join(tmpdir(), "promo-bounds-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const promotion = (target: string, when = "") => `
promotion p {
  title "p"
  kind automatic
${when ? `  when ${when}\n` : ""}  give 1.00 USD off ${target}
}
`;

function scopeChain(n: number): string {
  const out = ["currency USD", 'scope s0 = line.sku is "A"'];
  for (let i = 1; i < n; i++) out.push(`scope s${i} = s${i - 1}`);
  return out.join("\n") + "\n" + promotion(`s${n - 1}`);
}

function doublingScopes(n: number): string {
  const out = ["currency USD", 'scope s0 = line.sku is "A"'];
  for (let i = 1; i < n; i++) out.push(`scope s${i} = s${i - 1} and s${i - 1}`);
  return out.join("\n") + "\n" + promotion(`s${n - 1}`);
}

function codesOf(text: string, options = {}) {
  return checkFiles(["/r.promo"], memoryHost({ "/r.promo": text }), options).diagnostics.map((d) => d.code);
}

describe("reference depth", () => {
  it("a chain of 64 scopes is fine and compiles", async () => {
    const text = scopeChain(64);
    expect(codesOf(text)).toEqual([]);
    const result = await compile(["/r.promo"], { host: memoryHost({ "/r.promo": text }) });
    expect(result.code.length).toBeGreaterThan(0);
  });

  it.each([65, 10_000, 20_000])("a chain of %i scopes is one reference-too-deep, and nothing overflows", async (n) => {
    const text = scopeChain(n);
    const codes = codesOf(text);
    // Each level costs one operation per line too: a long chain is also over the cost budget.
    expect(codes.filter((c) => c === "reference-too-deep")).toHaveLength(1);
    expect(codes.filter((c) => c !== "reference-too-deep" && c !== "cost-over-budget")).toEqual([]);
    const result = await compile(["/r.promo"], { host: memoryHost({ "/r.promo": text }) });
    expect(result.code).toBe("");
    const formatted = formatSource("/r.promo", text);
    expect(formatSource("/r.promo", formatted.text).text).toBe(formatted.text);
  });

  it("a chain of 10,000 groups is one reference-too-deep", () => {
    const out = ["currency USD", "group g0 = [p]"];
    for (let i = 1; i < 10_000; i++) out.push(`group g${i} = [g${i - 1}]`);
    const text = `${out.join("\n")}\nstacking {\n  at most 1 of g9999 per order\n}\n${promotion("order")}`;
    expect(codesOf(text)).toEqual(["reference-too-deep"]);
  });

  it("a scope cycle of 20,000 scopes is reported once, without recursion", () => {
    const out = ["currency USD"];
    for (let i = 0; i < 20_000; i++) out.push(`scope s${i} = s${(i + 1) % 20_000}`);
    const codes = codesOf(out.join("\n") + "\n" + promotion("s0"));
    expect(codes.filter((c) => c === "scope-cycle")).toHaveLength(1);
  });
});

describe("static cost", () => {
  it("doubling scopes are priced exponentially and refused over the budget", () => {
    expect(codesOf(doublingScopes(10))).toEqual([]);
    expect(codesOf(doublingScopes(12))).toEqual(["cost-over-budget"]);
    // 60 levels would be 2^60 calls per line: the estimate saturates instead of overflowing.
    const diagnostics = checkFiles(["/r.promo"], memoryHost({ "/r.promo": doublingScopes(60) })).diagnostics;
    expect(diagnostics.map((d) => d.code)).toEqual(["cost-over-budget"]);
    expect(diagnostics[0]!.message).toContain("more than");
  });

  it("the budget is configurable, in the API and in both commands", async () => {
    const text = doublingScopes(8);
    expect(codesOf(text)).toEqual([]);
    expect(codesOf(text, { costBudget: 100 })).toEqual(["cost-over-budget"]);
    const compiled = await compile(["/r.promo"], { host: memoryHost({ "/r.promo": text }), costBudget: 100 });
    expect(compiled.code).toBe("");
    expect(compiled.diagnostics.map((d) => d.code)).toEqual(["cost-over-budget"]);

    const file = join(scratch, "dag.promo");
    writeFileSync(file, text);
    const out = join(scratch, "dag.mjs");
    const refused = spawnPromo(["compile", file, "-o", out, "--cost-budget", "100"]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("error[cost-over-budget]");
    expect(existsSync(out)).toBe(false);
    expect(spawnPromo(["check", file, "--cost-budget=100"]).status).toBe(1);
    expect(spawnPromo(["check", file]).status).toBe(0);
    const bad = spawnPromo(["compile", file, "-o", out, "--cost-budget", "lots"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("invalid --cost-budget 'lots'");
  });

  it("no example rule file comes near the default budget", () => {
    const dir = join(repoRoot, "examples");
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".promo"))) {
      const { project } = checkProject([join(dir, f)], diskHost);
      const model = new CostModel(project.symbols);
      for (const p of project.promotions) expect(model.promotionCost(p), `${f} ${p.id}`).toBeLessThan(DEFAULT_COST_BUDGET / 100);
    }
  });

  it("counts what the documentation says", () => {
    const text = `currency USD
scope a = line.sku is "A"
scope b = a or line.tags contains "x"
${promotion("b", "subtotal of a at least 1.00 USD and count of b at least 2")}`;
    const { project } = checkProject(["/r.promo"], memoryHost({ "/r.promo": text }));
    const model = new CostModel(project.symbols);
    // a = compare(1) + path(1) + string(1) = 3; b = or(1) + a-ref(1 + 3) + compare(3) = 8
    // when: and(1) + [compare(1) + aggregate(1 + 3) + money(1)] + [compare(1) + aggregate(1 + 8) + number(1)] = 18
    // give: 2 + 8 = 10
    expect(model.promotionCost(project.promotions[0]!)).toBe(28);
  });
});
