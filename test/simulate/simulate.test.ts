import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { formatMinor } from "@promo/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeReports, simulateToReport, type SimulationReport } from "../../packages/simulate/src/index.js";
import type { BundleModule } from "../../packages/simulate/src/evaluate-cart.js";
import { AE_RULES, AE_V2_RULES, compileBundle, directLoop, LIMITED_RULES, readLinesOf, scratch, writeCarts } from "./helpers.js";

/**
 * `simulate` against a plain loop over the same carts with the bundle's `evaluate`: every figure of the report
 * must equal the loop's, with workers or without, sharded and merged or not, with usage limits in input order.
 */

const CARTS = 2_500;
const work = scratch("lib");
let current: { code: string; path: string; module: BundleModule };
let old: { code: string; path: string; module: BundleModule };
let limited: { code: string; path: string; module: BundleModule };
let cartsFile: string;
let lines: { file: string; line: number; text: string }[];

beforeAll(async () => {
  current = await compileBundle(AE_V2_RULES, work.dir, "v2");
  old = await compileBundle(AE_RULES, work.dir, "v1");
  limited = await compileBundle(LIMITED_RULES, work.dir, "limited");
  cartsFile = join(work.dir, "carts.ndjson");
  // Every 97th line corrupt, every 89th cart in EUR: counted and listed, never fatal.
  writeCarts(cartsFile, { carts: CARTS, seed: 7, corruptEvery: 97, otherCurrencyEvery: 89 });
  lines = readLinesOf(cartsFile, cartsFile);
});
afterAll(() => work.remove());

/** The figures of a report, without how the run went (time, workers) or which shards made it. */
function figures(report: SimulationReport): Omit<SimulationReport, "run" | "shards"> {
  const { run: _run, shards: _shards, ...rest } = report;
  return rest;
}

function expectVersionEqualsLoop(version: SimulationReport["current"], loop: ReturnType<typeof directLoop>): void {
  expect(version.carts).toBe(loop.carts);
  expect(version.subtotal).toBe(loop.subtotal);
  expect(version.cost).toBe(loop.cost);
  expect(version.total).toBe(loop.total);
  expect(version.discounted).toBe(loop.discounted);
  expect(version.depth).toEqual(loop.depth);
  expect(version.byHour).toEqual(loop.byHour);
  expect(version.byStore).toEqual(loop.byStore);
  expect(Object.keys(loop.promotions).sort()).toEqual(version.promotions.map((p) => p.id).sort());
  for (const p of version.promotions) {
    const o = loop.promotions[p.id]!;
    expect({
      id: p.id,
      candidate: p.candidate,
      applied: p.applied,
      rejected: p.rejected,
      cost: p.cost,
      max: p.max,
      maxCart: p.maxCart,
      depth: p.depth,
      byHour: p.byHour,
      byStore: p.byStore,
    }).toEqual({
      id: p.id,
      ...o,
    });
  }
}

describe("simulate equals a direct loop with evaluate", () => {
  it("on the 11.11 rules, with invalid lines and carts in another currency", async () => {
    const report = await simulateToReport({ path: current.path }, cartsFile, { workers: 2 });
    const loop = directLoop(lines, current.module, "USD");
    expect(loop.invalid).toBeGreaterThan(20);
    expect(loop.otherCurrency).toBeGreaterThan(20);
    expect(report.input.records).toBe(CARTS);
    expect(report.input.simulated).toBe(loop.carts);
    expect(report.input.invalid).toBe(loop.invalid);
    expect(report.input.otherCurrency).toBe(loop.otherCurrency);
    expect(report.input.problems.map((p) => ({ file: p.file, line: p.line, path: p.path }))).toEqual(loop.problems.slice(0, 100));
    expect(report.complete).toBe(true);
    expect(report.funding.declared).toBe(false);
    expectVersionEqualsLoop(report.current, loop);
    // Averages: cost ÷ applied, half up to the cent.
    for (const p of report.current.promotions) {
      if (p.applied === 0) expect(p.average).toBeNull();
      else {
        const cents = Math.round(Number(p.cost.replace(".", "")) / p.applied);
        expect(p.average).toBe(formatMinor(cents, "USD"));
      }
    }
  });

  it("with --against: both versions and the diff", async () => {
    const report = await simulateToReport({ path: current.path }, cartsFile, { workers: 2, against: { path: old.path } });
    const after = directLoop(lines, current.module, "USD");
    const before = directLoop(lines, old.module, "USD");
    expectVersionEqualsLoop(report.current, after);
    expectVersionEqualsLoop(report.against!, before);
    const changes: { cart: string; delta: number }[] = [];
    let delta = 0;
    const started: Record<string, number> = {};
    const stopped: Record<string, number> = {};
    for (const [id, a] of after.results) {
      const b = before.results.get(id)!;
      const d = Number(a.total.replace(".", "")) - Number(b.total.replace(".", ""));
      if (d !== 0) changes.push({ cart: id, delta: d });
      delta += d;
      const was = new Set(b.applied.map((p) => p.id));
      const now = new Set(a.applied.map((p) => p.id));
      for (const id of now) if (!was.has(id)) started[id] = (started[id] ?? 0) + 1;
      for (const id of was) if (!now.has(id)) stopped[id] = (stopped[id] ?? 0) + 1;
    }
    changes.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.cart < y.cart ? -1 : 1));
    const diff = report.diff!;
    expect(diff.changed).toBe(changes.length);
    expect(diff.changed).toBeGreaterThan(100);
    expect(diff.delta).toBe(formatMinor(delta, "USD"));
    expect(diff.largest.map((c) => ({ cart: c.cart, delta: Number(c.delta.replace(".", "")) }))).toEqual(changes.slice(0, 20));
    for (const p of diff.promotions) {
      expect([p.id, p.startedOn, p.stoppedOn]).toEqual([p.id, started[p.id] ?? 0, stopped[p.id] ?? 0]);
      expect(p.costAfter).toBe(after.promotions[p.id]?.cost ?? "0.00");
      expect(p.costBefore).toBe(before.promotions[p.id]?.cost ?? "0.00");
    }
    expect(diff.startedApplying).toEqual(["lumen-5pct"]);
    expect(diff.stoppedApplying).toEqual([]);
  });

  it("with usage limits: in input order, exactly, with workers as without", async () => {
    const loop = directLoop(lines, limited.module, "USD", new Map());
    const withWorkers = await simulateToReport({ path: limited.path }, cartsFile, { workers: 2, batchSize: 64 });
    const inline = await simulateToReport({ path: limited.path }, cartsFile, { workers: 0 });
    expectVersionEqualsLoop(withWorkers.current, loop);
    expect(figures(withWorkers)).toEqual(figures(inline));
    const launch = withWorkers.current.promotions.find((p) => p.id === "launch")!;
    expect(launch.rejected["limit"]).toBeGreaterThan(0);
    // The budget (1200.00 at 4.00 a redemption) binds before the count of 400.
    expect(launch.applied).toBe(300);
    expect(withWorkers.notes.join(" ")).toMatch(/usage limits of acme-day, launch simulated in memory in input order/);
  });

  it("starts from an initial usage", async () => {
    const usage = { "launch|budget": 1100_00 };
    const report = await simulateToReport({ path: limited.path }, cartsFile, { workers: 1, usage });
    const loop = directLoop(lines, limited.module, "USD", new Map(Object.entries(usage)));
    expectVersionEqualsLoop(report.current, loop);
    expect(report.current.promotions.find((p) => p.id === "launch")!.applied).toBe(25);
    expect(report.initialUsage).toBe(true);
  });

  it("gives the same report with 0, 1 and 2 workers and any batch size", async () => {
    const reports = await Promise.all([
      simulateToReport({ code: current.code, label: "v2" }, cartsFile, { workers: 0, against: { code: old.code, label: "v1" } }),
      simulateToReport({ code: current.code, label: "v2" }, cartsFile, { workers: 1, batchSize: 7, against: { code: old.code, label: "v1" } }),
      simulateToReport({ code: current.code, label: "v2" }, cartsFile, { workers: 2, batchSize: 1000, against: { code: old.code, label: "v1" } }),
    ]);
    expect(figures(reports[1]!)).toEqual(figures(reports[0]!));
    expect(figures(reports[2]!)).toEqual(figures(reports[0]!));
  });
});

describe("shards merge into the unsharded report exactly", () => {
  it("3 shards (with --against, invalid lines, top-N lists and maxima)", async () => {
    const options = { workers: 1, against: { code: old.code, label: "v1" } };
    const whole = await simulateToReport({ code: current.code, label: "v2" }, cartsFile, options);
    const parts: SimulationReport[] = [];
    for (const index of [2, 3, 1]) {
      const part = await simulateToReport({ code: current.code, label: "v2" }, cartsFile, { ...options, shard: { index, count: 3 } });
      expect(part.complete).toBe(false);
      expect(part.incomplete[0]).toMatch(/^shard \d\/3: a partial report/);
      // Through JSON, as the CLI writes and reads them.
      parts.push(JSON.parse(JSON.stringify(part)) as SimulationReport);
    }
    const total = parts.reduce((n, p) => n + p.input.records, 0);
    expect(total).toBe(CARTS);
    const merged = mergeReports(parts);
    expect(merged.complete).toBe(true);
    expect(merged.shards).toEqual({ count: 3, included: [1, 2, 3] });
    expect(figures(merged)).toEqual(figures(whole));
  });

  it("4 shards of mostly invalid lines: the capped problem list merges exactly", async () => {
    const path = join(work.dir, "mixed.ndjson");
    writeCarts(path, { carts: 600, seed: 5, corruptEvery: 2, otherCurrencyEvery: 7 });
    const whole = await simulateToReport({ path: current.path }, path, { workers: 0 });
    expect(whole.input.invalid + whole.input.otherCurrency).toBeGreaterThan(300);
    expect(whole.input.problems).toHaveLength(100);
    const parts = await Promise.all([1, 2, 3, 4].map((index) => simulateToReport({ path: current.path }, path, { workers: 0, shard: { index, count: 4 } })));
    expect(figures(mergeReports(parts))).toEqual(figures(whole));
  });

  it("a merge missing a shard is incomplete and says which", async () => {
    const parts = await Promise.all([1, 2].map((index) => simulateToReport({ path: current.path }, cartsFile, { workers: 0, shard: { index, count: 3 } })));
    const merged = mergeReports(parts);
    expect(merged.complete).toBe(false);
    expect(merged.incomplete).toEqual(["shards missing from the merge: 3/3"]);
    expect(() => mergeReports([parts[0]!, parts[0]!])).toThrow(/shard 1\/3 is included twice/);
  });
});

describe("bad input", () => {
  it("a truncated gzip file: the carts before the cut are simulated, the report is incomplete", async () => {
    const gz = gzipSync(readFileSync(cartsFile));
    const cut = join(work.dir, "cut.ndjson.gz");
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const report = await simulateToReport({ path: current.path }, cut, { workers: 0 });
    expect(report.complete).toBe(false);
    expect(report.incomplete.join(" ")).toMatch(/truncated gzip data/);
    expect(report.input.simulated).toBeGreaterThan(100);
    expect(report.input.records).toBeLessThan(CARTS);
    // What was simulated equals a loop over the same lines (the cut line excluded).
    const readable = lines.slice(0, report.input.records);
    const loop = directLoop(readable, current.module, "USD");
    expect(report.current.cost).toBe(loop.cost);
  });

  it("a directory of plain and gzip files reads both, in name order", async () => {
    const dir = join(work.dir, "dir");
    const a = writeCarts(join(dir, "a.ndjson"), { carts: 50, seed: 1 });
    const b = writeCarts(join(dir, "b", "c.jsonl"), { carts: 30, seed: 2 });
    writeFileSync(join(dir, "b", "d.ndjson.gz"), gzipSync(Buffer.from(a.slice(0, 20).join("\n"))));
    writeFileSync(join(dir, "notes.txt"), "not carts");
    const report = await simulateToReport({ path: current.path }, dir, { workers: 0, cwd: work.dir });
    expect(report.input.files.map((f) => [f.file, f.records])).toEqual([
      ["dir/a.ndjson", 50],
      ["dir/b/c.jsonl", 30],
      ["dir/b/d.ndjson.gz", 20],
    ]);
    expect(report.input.simulated).toBe(100);
    expect(b.length).toBe(30);
  });

  it("invalid carts are listed by file, line and JSON path; all are counted, 100 listed", async () => {
    const path = join(work.dir, "bad.ndjson");
    const bad = Array.from({ length: 150 }, (_, i) =>
      i % 2 === 0 ? `{"currency":"USD","at":"2026-11-11T00:00:00Z","lines":[{"id":"l1","sku":"A","unitPrice":"x","quantity":1}]}` : `{oops`,
    );
    writeFileSync(path, bad.join("\n") + "\n");
    const report = await simulateToReport({ path: current.path }, path, { workers: 0, cwd: work.dir });
    expect(report.input.invalid).toBe(150);
    expect(report.input.problems).toHaveLength(100);
    expect(report.input.problems[0]).toMatchObject({ file: "bad.ndjson", line: 1, path: "/lines/0/unitPrice" });
    expect(report.input.problems[1]).toMatchObject({ file: "bad.ndjson", line: 2, path: "" });
    expect(report.input.problems[1]!.message).toMatch(/not valid JSON/);
    expect(report.complete).toBe(false);
    expect(report.incomplete).toEqual(["no carts were simulated"]);
  });

  it("--sample: the first N lines, equal to a loop over them, marked incomplete", async () => {
    const report = await simulateToReport({ path: current.path }, cartsFile, { workers: 1, sample: 300 });
    expect(report.input.records).toBe(300);
    expect(report.complete).toBe(false);
    expect(report.incomplete).toEqual(["--sample 300: only the first 300 carts were simulated"]);
    expectVersionEqualsLoop(report.current, directLoop(lines.slice(0, 300), current.module, "USD"));
  });

  it("an empty input is simulated as nothing, and says so", async () => {
    const path = join(work.dir, "empty.ndjson");
    writeFileSync(path, "\n\n");
    const report = await simulateToReport({ path: current.path }, path, { workers: 1 });
    expect(report.input.records).toBe(0);
    expect(report.complete).toBe(false);
    expect(report.incomplete).toEqual(["no carts were simulated"]);
  });
});
