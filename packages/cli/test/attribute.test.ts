/**
 * `promo attribute` and the attribution examples `promo test` runs: the 11.11 example at every boundary
 * (examples/attribution, docs/language.md, Affiliate attribution).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/main.js";

const repo = join(import.meta.dirname, "..", "..", "..");

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, cwd: repo, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe("promo attribute", () => {
  it("reports each line's webmaster, rule, rate and commission, with the explanation", async () => {
    const r = await run([
      "attribute",
      "examples/attribution/eleven-eleven.promo",
      "--order",
      "examples/attribution/order.json",
      "--journey",
      "examples/attribution/journey.json",
      "--explain",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("L1    A          first-cookie    3%    0.45 USD  0.45 USD");
    expect(r.stdout).toContain("L2    B          first-cookie    8%    3.60 USD  0.00 USD");
    expect(r.stdout).toContain("rule window:0: examples/attribution/eleven-eleven.promo:9:3 first-cookie during first-cookie-period");
    expect(r.stdout).toContain("c1: after payment");
  });
});

describe("promo test runs attribution examples", () => {
  it("passes the 11.11 boundary cases with the runtime evaluator and the compiled bundle", async () => {
    const r = await run(["test", "examples/attribution/eleven-eleven.promo", "--json"]);
    const doc = JSON.parse(r.stdout) as { passed: number; failed: number; examples: { name: string; passed: boolean }[] };
    expect(doc.failed).toBe(0);
    expect(doc.passed).toBe(11);
    expect(r.code).toBe(0);
  }, 60_000);
});
