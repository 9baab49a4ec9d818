/**
 * `promo campaign check`: the 11.11 example at each boundary (docs/language.md, Platform campaigns), the JSON
 * report, and bad input (malformed snapshot lines named by line and path, an invalid requirements file, usage).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/main.js";

const example = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples", "campaigns", "11-11");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "promo-campaign-"));
  const store = { id: "s1", evaluationPercent: 97.5, seriousPenalties: 0 };
  const ok = { id: "ok", rating: 4.9, sales30d: 2, listedMinutes: 2000, category: "home", evaluations: 7, freeDelivery: true };
  const lines = [
    JSON.stringify({ product: ok, store }),
    "",
    "{ not json",
    JSON.stringify({ product: { ...ok, id: "no-rating", rating: undefined }, store }),
    JSON.stringify({ product: { ...ok, id: "negative-stock", stock: -3 }, store }),
    JSON.stringify({ product: { ...ok, id: "category-list", category: ["home"] }, store }),
  ];
  writeFileSync(join(dir, "bad.ndjson"), `${lines.join("\n")}\n`);
  writeFileSync(
    join(dir, "bad-requirements.json"),
    JSON.stringify({ requirements: [{ reason: "r", fact: "product.rating", op: "=>", value: 4.5 }, { fact: "x" }] }),
  );
  writeFileSync(join(dir, "not-json.json"), "{ requirements: ");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], isTTY = false): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY, cwd: dir, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const REQUIREMENTS = join(example, "requirements.json");
const PRODUCTS = join(example, "products.ndjson");

describe("promo campaign check", () => {
  it("reports each boundary of the 11.11 example; exit 1 because some products are ineligible", async () => {
    const { code, stdout, stderr } = await run(["campaign", "check", REQUIREMENTS, "--products", PRODUCTS, "--json"]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    const doc = JSON.parse(stdout);
    expect(doc.campaign).toBe("11.11");
    expect(doc.summary).toEqual({ products: 6, eligible: 2, ineligible: 4, malformed: 0 });
    const byId = Object.fromEntries(doc.products.map((p: any) => [p.id, p]));
    expect(byId["rating-4.50"]).toMatchObject({ eligible: true, failures: [] });
    expect(byId["rating-4.49"].failures).toEqual([{ reason: "rating-too-low", fact: "product.rating", actual: 4.49, expected: ">= 4.5" }]);
    expect(byId["listed-24h00"].eligible).toBe(true);
    expect(byId["listed-23h59"].failures).toEqual([{ reason: "listed-too-recently", fact: "product.listedMinutes", actual: 1439, expected: ">= 1440" }]);
    expect(byId["rating-without-sales"].failures.map((f: any) => f.reason)).toEqual(["no-recent-sales", "rating-too-low"]);
    expect(byId["evaluations-missing"].failures).toEqual([{ reason: "missing-data", fact: "product.evaluations", actual: null, expected: "> 5" }]);
  });

  it("prints a readable report without --json, nothing on stderr when stdout is not a terminal", async () => {
    const { code, stdout, stderr } = await run(["campaign", "check", REQUIREMENTS, "--products", PRODUCTS]);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toContain("listed-23h59: ineligible\n  listed-too-recently: product.listedMinutes is 1439, expected >= 1440\n");
    expect(stdout).toContain("11.11: 2 eligible, 4 ineligible of 6 lines\n");
  });

  it("exits 0 when every product is eligible", async () => {
    writeFileSync(
      join(dir, "one.ndjson"),
      `${JSON.stringify({ product: { id: "p", rating: 4.5, sales30d: 1, listedMinutes: 1440, category: "home", evaluations: 6, freeDelivery: true }, store: { evaluationPercent: 96, seriousPenalties: 0 } })}\n`,
    );
    const { code, stdout } = await run(["campaign", "check", REQUIREMENTS, "--products", "one.ndjson"]);
    expect(code).toBe(0);
    expect(stdout).toBe("p: eligible\n11.11: 1 eligible, 0 ineligible of 1 lines\n");
  });

  it("names each malformed snapshot by line number and path (blank lines skipped)", async () => {
    const { code, stdout } = await run(["campaign", "check", REQUIREMENTS, "--products", "bad.ndjson", "--json"]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.summary).toEqual({ products: 1, eligible: 1, ineligible: 0, malformed: 4 });
    expect(doc.malformed.map((m: any) => [m.line, m.errors[0]])).toEqual([
      [3, expect.stringMatching(/^\$: not JSON/)],
      [4, "$.product.rating: missing"],
      [5, "$.product.stock: expected a non-negative integer"],
      [6, "$.product.category: expected a string, got array"],
    ]);
    expect(doc.malformed[0].file).toBe("bad.ndjson");
    const text = await run(["campaign", "check", REQUIREMENTS, "--products", "bad.ndjson"]);
    expect(text.stdout).toContain("bad.ndjson:4: $.product.rating: missing\n");
  });

  it("refuses an invalid requirements file with path-named errors (exit 1)", async () => {
    const { code, stdout } = await run(["campaign", "check", "bad-requirements.json", "--products", PRODUCTS, "--json"]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.errors).toContain("bad-requirements.json: $.requirements[0].op: expected one of >= > <= < == in includes not; did you mean '=='?");
    expect(doc.errors).toContain("bad-requirements.json: $.requirements[1].reason: expected a non-empty string");
    const notJson = await run(["campaign", "check", "not-json.json", "--products", PRODUCTS]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^not-json\.json: \$: not JSON/);
  });

  it("usage and I/O errors exit 2", async () => {
    expect((await run(["campaign", "chek", REQUIREMENTS, "--products", PRODUCTS])).stderr).toMatch(/did you mean 'check'/);
    expect((await run(["campaign", "check", REQUIREMENTS])).code).toBe(2);
    expect((await run(["campaign", "check", "--products", PRODUCTS])).code).toBe(2);
    const missing = await run(["campaign", "check", REQUIREMENTS, "--products", "nosuch.ndjson", "--json"]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error).toEqual({ kind: "io", message: "cannot read 'nosuch.ndjson': no such file or directory" });
  });

  it("writes progress to stderr only on a terminal and never with --json", async () => {
    const line = JSON.stringify({
      product: { id: "p", rating: 4.6, sales30d: 1, listedMinutes: 1440, category: "home", evaluations: 6, freeDelivery: true },
      store: { evaluationPercent: 96, seriousPenalties: 0 },
    });
    writeFileSync(join(dir, "many.ndjson"), `${Array.from({ length: 10_000 }, () => line).join("\n")}\n`);
    const tty = await run(["campaign", "check", REQUIREMENTS, "--products", "many.ndjson"], true);
    expect(tty.code).toBe(0);
    expect(tty.stderr).toBe("\rchecked 10000 products\n");
    expect((await run(["campaign", "check", REQUIREMENTS, "--products", "many.ndjson"], false)).stderr).toBe("");
    const json = await run(["campaign", "check", REQUIREMENTS, "--products", "many.ndjson", "--json"], true);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout).summary.eligible).toBe(10_000);
  });
});
