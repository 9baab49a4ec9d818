import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireBuild, spawnPromo, STACK_TRACE_LINE } from "../helpers/cli.js";
import { AE_RULES, AE_V2_RULES, scratch, writeCarts } from "./helpers.js";

/** `promo simulate` through the real bin: reports, --json documents, shards and merge, bad input and exit codes. */

const work = scratch("cli");
let carts: string;

beforeAll(() => {
  requireBuild();
  carts = join(work.dir, "carts.ndjson");
  writeCarts(carts, { carts: 600, seed: 3, corruptEvery: 50, otherCurrencyEvery: 61 });
});
afterAll(() => work.remove());

function json(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe("promo simulate", () => {
  it("prints a summary, writes the HTML and JSON reports, exits 0 with invalid carts listed", () => {
    const html = join(work.dir, "out", "report.html");
    const out = join(work.dir, "out", "report.json");
    const run = spawnPromo(["simulate", AE_V2_RULES, "--carts", carts, "--against", AE_RULES, "--report", html, "--out", out, "--workers", "1"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Simulated \d+ carts of 600 lines read \(12 invalid, 9 in another currency\)/);
    expect(run.stdout).toMatch(/ae-coupon-5-off-25/);
    expect(run.stdout).toMatch(/started applying: lumen-5pct/);
    expect(run.stdout).toMatch(/no funding declared in the results: cost is reported as one figure/);
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/https?:\/\/|<script|<link/i);
    expect((page.match(/<svg class="chart"/g) ?? []).length).toBe(4);
    const report = json(readFileSync(out, "utf8"));
    expect(report["format"]).toBe("promo-simulate-report");
    expect((report["input"] as { problems: unknown[] }).problems).toHaveLength(21);
  });

  it("--json: exactly one JSON document on stdout", () => {
    const run = spawnPromo(["simulate", AE_RULES, "--carts", carts, "--json", "--workers", "0"]);
    expect(run.status).toBe(0);
    const report = json(run.stdout);
    expect(report["complete"]).toBe(true);
    expect((report["current"] as { carts: number }).carts).toBe(579);
  });

  it("--shard and merge: the merge equals the unsharded run", () => {
    const parts = join(work.dir, "parts");
    mkdirSync(parts, { recursive: true });
    for (const i of [1, 2]) {
      const run = spawnPromo(["simulate", AE_RULES, "--carts", carts, "--shard", `${i}/2`, "--out", join(parts, `${i}.json`), "--workers", "1"]);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/incomplete: shard \d\/2: a partial report/);
    }
    const merged = spawnPromo(["simulate", "merge", join(parts, "1.json"), join(parts, "2.json"), "--json"]);
    expect(merged.status).toBe(0);
    const whole = spawnPromo(["simulate", AE_RULES, "--carts", carts, "--json", "--workers", "0"]);
    const strip = (r: Record<string, unknown>) => ({ ...r, run: null, shards: null });
    expect(strip(json(merged.stdout))).toEqual(strip(json(whole.stdout)));
    expect(json(merged.stdout)["complete"]).toBe(true);
  });

  it("merge refuses what is not a report, with a clear message", () => {
    const notReport = join(work.dir, "not-report.json");
    writeFileSync(notReport, `{"hello": 1}`);
    const run = spawnPromo(["simulate", "merge", notReport]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/not-report\.json: not a promo simulate report/);
    const asJson = spawnPromo(["simulate", "merge", notReport, "--json"]);
    expect(asJson.status).toBe(1);
    expect(json(asJson.stdout)["error"]).toMatchObject({ message: expect.stringMatching(/not a promo simulate report/) });
  });

  it("rules that fail to compile: exit 1, nothing simulated; with --json an error document", () => {
    const broken = join(work.dir, "broken.promo");
    writeFileSync(broken, `currency USD\npromotion p {\n  title "x"\n  kind automatic\n  give 5.00 USD off orderr\n}\n`);
    const run = spawnPromo(["simulate", broken, "--carts", carts]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the rules failed to compile: nothing was simulated/);
    expect(run.stdout).toBe("");
    const asJson = spawnPromo(["simulate", broken, "--carts", carts, "--json"]);
    expect(asJson.status).toBe(1);
    const doc = json(asJson.stdout) as { error: { message: string; diagnostics: { file: string; line: number }[] } };
    expect(doc.error.message).toMatch(/failed to compile/);
    expect(doc.error.diagnostics[0]!.line).toBe(5);
  });

  it("an empty input or only invalid carts: exit 1 with the reason; a missing path: exit 2", () => {
    const empty = join(work.dir, "empty.ndjson");
    writeFileSync(empty, "");
    const run = spawnPromo(["simulate", AE_RULES, "--carts", empty, "--workers", "0"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no cart could be simulated: no carts were simulated/);
    const missing = spawnPromo(["simulate", AE_RULES, "--carts", join(work.dir, "nope.ndjson"), "--json"]);
    expect(missing.status).toBe(1);
    expect(json(missing.stdout)["error"]).toMatchObject({ message: expect.stringMatching(/cannot read .*nope\.ndjson.*no such file/) });
    const usage = spawnPromo(["simulate", AE_RULES, "--carts", carts, "--shard", "3/2"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/invalid --shard '3\/2'/);
    for (const r of [run, missing, usage]) expect(r.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it("a truncated gzip input: simulated up to the cut, reported incomplete, exit 0", async () => {
    const { gzipSync } = await import("node:zlib");
    const gz = gzipSync(readFileSync(carts));
    const cut = join(work.dir, "cut.ndjson.gz");
    writeFileSync(cut, gz.subarray(0, gz.length - 200));
    const run = spawnPromo(["simulate", AE_RULES, "--carts", cut, "--json", "--workers", "1"]);
    expect(run.status).toBe(0);
    const report = json(run.stdout) as { complete: boolean; incomplete: string[] };
    expect(report.complete).toBe(false);
    expect(report.incomplete.join(" ")).toMatch(/cut\.ndjson\.gz: truncated gzip data/);
  });

  it("takes a compiled bundle as rules, and --usage as the limits' initial use", () => {
    const bundle = join(work.dir, "limited.mjs");
    expect(spawnPromo(["compile", join(repoRoot, "packages", "simulate", "test", "fixtures", "limited.promo"), "-o", bundle]).status).toBe(0);
    const usage = join(work.dir, "usage.json");
    writeFileSync(usage, JSON.stringify({ "launch|budget": 1192_00 }));
    const run = spawnPromo(["simulate", bundle, "--carts", carts, "--usage", usage, "--json", "--workers", "1"]);
    expect(run.status).toBe(0);
    const report = json(run.stdout) as { initialUsage: boolean; current: { promotions: { id: string; applied: number }[] } };
    expect(report.initialUsage).toBe(true);
    // 8.00 of the 1200.00 budget left: two redemptions of 4.00.
    expect(report.current.promotions.find((p) => p.id === "launch")!.applied).toBe(2);
    writeFileSync(usage, `{"launch|budget": "lots"}`);
    const bad = spawnPromo(["simulate", bundle, "--carts", carts, "--usage", usage]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/usage\.json: the use of 'launch\|budget' must be a number of at least 0/);
  });

  it("help lists simulate", () => {
    const run = spawnPromo(["--help"]);
    expect(run.stdout).toMatch(/simulate\s+replay historical carts/);
    expect(existsSync(join(repoRoot, "packages", "simulate", "schema", "report.schema.json"))).toBe(true);
  });
});

describe("the report's JSON Schema", () => {
  it("accepts the reports of a run with --against, a shard and a merge", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const schema = JSON.parse(readFileSync(join(repoRoot, "packages", "simulate", "schema", "report.schema.json"), "utf8")) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const full = spawnPromo(["simulate", AE_V2_RULES, "--carts", carts, "--against", AE_RULES, "--json", "--workers", "0"]);
    const shard = spawnPromo(["simulate", AE_RULES, "--carts", carts, "--shard", "1/3", "--json", "--workers", "0"]);
    for (const run of [full, shard]) {
      const report = json(run.stdout);
      expect(validate(report) ? [] : validate.errors).toEqual([]);
    }
    // And rejects what breaks it.
    const broken = { ...json(full.stdout), currency: 5 };
    expect(validate(broken)).toBe(false);
  });
});
