#!/usr/bin/env node
// Renders the README's picture of the simulate report: 100,000 generated 11.11 carts, the v2 test rules against
// examples/aliexpress-11-11.promo, the HTML report in Debian's headless Chromium (playwright-core, executablePath),
// the top of the page saved as docs/simulate-report.png. Needs the build and `apt-get install chromium`.
//   node scripts/simulate-report-screenshot.mjs [--chromium /usr/bin/chromium]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { renderHtmlReport, simulateToReport } from "../packages/simulate/dist/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const executablePath = args[args.indexOf("--chromium") + 1] && args.includes("--chromium") ? args[args.indexOf("--chromium") + 1] : "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "promo-report-shot-"));
try {
  const promo = join(root, "packages/cli/bin/promo.js");
  execFileSync(process.execPath, [promo, "compile", join(root, "packages/simulate/test/fixtures/aliexpress-11-11-v2.promo"), "-o", join(dir, "v2.mjs")]);
  execFileSync(process.execPath, [promo, "compile", join(root, "examples/aliexpress-11-11.promo"), "-o", join(dir, "v1.mjs")]);
  execFileSync(process.execPath, [
    join(root, "scripts/generate-carts.mjs"),
    "--carts",
    "100000",
    "--out",
    join(dir, "carts-11-11.ndjson.gz"),
    "--corrupt-every",
    "5000",
  ]);
  const report = await simulateToReport({ path: join(dir, "v2.mjs"), label: "aliexpress-11-11-v2.promo" }, join(dir, "carts-11-11.ndjson.gz"), {
    workers: 2,
    cwd: dir,
    against: { path: join(dir, "v1.mjs"), label: "aliexpress-11-11.promo" },
  });
  const html = join(dir, "report.html");
  writeFileSync(html, renderHtmlReport(report));
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1000, height: 2200 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(html).href);
  await page.screenshot({ path: join(root, "docs/simulate-report.png"), clip: { x: 0, y: 0, width: 1000, height: 2200 } });
  await browser.close();
  console.error("wrote docs/simulate-report.png");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
