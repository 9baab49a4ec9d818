import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport, simulateToReport } from "../../packages/simulate/src/index.js";
import { chromiumMissing, findChromium } from "../../scripts/chromium.mjs";
import { repoRoot } from "../helpers/cli.js";
import { AE_RULES, AE_V2_RULES, compileBundle, scratch, writeCarts } from "./helpers.js";

/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core with `executablePath` (never a
 * downloaded browser). Every chart must render with its marks; a screenshot goes to test/simulate/output/
 * (git-ignored). Without Chromium the test is skipped with the reason printed, except under CI=true, where it fails.
 */

const chromium = findChromium();
const onCi = process.env["CI"] === "true";
if (!chromium && !onCi) console.warn(`[simulate html] skipped: ${chromiumMissing()}`);

const OUTPUT = join(repoRoot, "test", "simulate", "output");
const work = scratch("html");
let htmlPath: string;

beforeAll(async () => {
  const current = await compileBundle(AE_V2_RULES, work.dir, "v2");
  const old = await compileBundle(AE_RULES, work.dir, "v1");
  const carts = join(work.dir, "carts.ndjson");
  writeCarts(carts, { carts: 3000, seed: 11, corruptEvery: 300 });
  const report = await simulateToReport({ path: current.path, label: "aliexpress-11-11-v2.promo" }, carts, {
    workers: 1,
    against: { path: old.path, label: "aliexpress-11-11.promo" },
    cwd: work.dir,
  });
  mkdirSync(OUTPUT, { recursive: true });
  htmlPath = join(OUTPUT, "report.html");
  writeFileSync(htmlPath, renderHtmlReport(report));
});
afterAll(() => work.remove());

describe.skipIf(!chromium && !onCi)("the HTML report in headless Chromium", () => {
  it("renders every chart with its marks, offline", async () => {
    expect(chromium, "CI=true needs Chromium: apt-get install chromium").toBeDefined();
    const { chromium: driver } = await import("playwright-core");
    const browser = await driver.launch({ executablePath: chromium!, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1024, height: 900 } });
      const requests: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("file:")) requests.push(r.url());
      });
      await page.goto(pathToFileURL(htmlPath).href);
      const charts = await page.$$eval("svg.chart", (nodes) =>
        nodes.map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            chart: svg.getAttribute("data-chart"),
            width: box.width,
            height: box.height,
            bars: svg.querySelectorAll("rect.bar").length,
            visibleBars: [...svg.querySelectorAll("rect.bar")].filter(
              (r) => (r as SVGRectElement).getBBox().width > 0 && (r as SVGRectElement).getBBox().height > 0,
            ).length,
            lines: svg.querySelectorAll("path.line").length,
            pathLength: [...svg.querySelectorAll("path.line")].map((p) => (p as SVGPathElement).getTotalLength()),
          };
        }),
      );
      expect(charts.map((c) => c.chart)).toEqual(["cost", "depth", "burn", "diff"]);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(300);
        expect(c.height).toBeGreaterThan(30);
      }
      const byName = Object.fromEntries(charts.map((c) => [c.chart, c]));
      // Cost: 4 promotions × 2 versions; depth: 20 buckets × 2 versions; burn: one line per version; diff: one bar per promotion.
      expect(byName["cost"]!.bars).toBe(8);
      expect(byName["cost"]!.visibleBars).toBeGreaterThanOrEqual(7);
      expect(byName["depth"]!.bars).toBe(40);
      expect(byName["depth"]!.visibleBars).toBeGreaterThan(4);
      expect(byName["burn"]!.lines).toBe(2);
      for (const length of byName["burn"]!.pathLength) expect(length).toBeGreaterThan(100);
      expect(byName["diff"]!.bars).toBe(4);
      expect(requests).toEqual([]);
      await page.screenshot({ path: join(OUTPUT, "report.png"), fullPage: true });
      expect(existsSync(join(OUTPUT, "report.png"))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
