#!/usr/bin/env node
// Renders the README's picture of the playground: the page built and served on localhost, the 11.11 example with
// the cart whose platform coupon was collected too early, a rejected promotion clicked (the cursor on its rule),
// saved as docs/playground.png at 1280×800. Needs the build and Debian's chromium (playwright-core, executablePath).
//   node scripts/playground-screenshot.mjs [--out docs/playground.png]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPlayground } from "../packages/playground/build.mjs";
import { serveStatic } from "../packages/playground/serve.mjs";
import { chromiumMissing, launchChromium } from "./chromium.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const out = resolve(args.includes("--out") ? args[args.indexOf("--out") + 1] : join(root, "docs", "playground.png"));
const missing = chromiumMissing();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), "promo-playground-shot-"));
const { outdir } = await buildPlayground({ outdir: join(scratch, "site") });
const server = await serveStatic(outdir);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}#example=aliexpress-11-11/collected-too-early`);
  await page.waitForSelector('#result[data-status="priced"]');
  await page.click('#rejected li[data-id="store-acme-3-off-15"] button');
  await page.waitForSelector('#rules[data-cursor-line="37"]');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}
