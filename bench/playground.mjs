// The playground in headless Chromium (Debian's, through playwright-core): the bundle's size, the time from loading
// the page to its first priced result, and from a keystroke in the rules editor to the language server's
// diagnostics for it on the page. Targets: first result ≤ 1.5 s, keystroke → diagnostic ≤ 200 ms.
//   node bench/playground.mjs [--write] [--loads 5] [--keys 30]
/* global document, window -- the functions given to page.evaluate run in the browser */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildPlayground } from "../packages/playground/build.mjs";
import { serveStatic } from "../packages/playground/serve.mjs";
import { chromiumMissing, launchChromium } from "../scripts/chromium.mjs";
import { writeResultsSection } from "./results-section.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LOADS = option("--loads", 5);
const KEYS = option("--keys", 30);
const FIRST_RESULT_TARGET_MS = 1500;
const KEYSTROKE_TARGET_MS = 200;

const missing = chromiumMissing();
if (missing) {
  console.log(`playground: skipped, ${missing}`);
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), "promo-playground-bench-"));
const { outdir, sizes } = await buildPlayground({ outdir: join(scratch, "site") });
const files = Object.keys(sizes).sort();
const raw = files.reduce((sum, f) => sum + sizes[f], 0);
const gzipped = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(join(outdir, f)), { level: 9 }).length]));
const gzipTotal = Object.values(gzipped).reduce((a, b) => a + b, 0);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

const server = await serveStatic(outdir);
const browser = await launchChromium();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

const loadTimes = [];
const keyTimes = [];
try {
  // Load → first result: a fresh context each time (no cache), timed by the page's own clock from navigation start.
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}#example=aliexpress-11-11/combined-order`);
    await page.waitForSelector('#result[data-status="priced"]');
    loadTimes.push(await page.evaluate(() => Number(document.body.dataset["firstResult"])));
    await context.close();
  }

  // Keystroke → diagnostic: on the 11.11 rules (458 lines), a character typed at the end of line 25 breaks it, the
  // next Backspace fixes it; each key's time runs from its keydown to the page showing that version's diagnostics.
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}#example=aliexpress-11-11/combined-order`);
  await page.waitForSelector('#result[data-status="priced"]');
  const settled = () =>
    page.waitForFunction(() => {
      const list = document.querySelector("#diagnostics");
      return list.dataset.version !== undefined && list.dataset.version === document.querySelector("#rules").dataset.version;
    });
  await settled();
  await page.evaluate(() => {
    document.querySelector("#rules").addEventListener("keydown", () => (window.lastKeydown = performance.now()), { capture: true });
  });
  await page.click("#rules .cm-content");
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < 24; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  for (let i = 0; i < KEYS; i++) {
    const broken = i % 2 === 0;
    await page.keyboard.press(broken ? "X" : "Backspace");
    await settled();
    const { elapsed, count } = await page.evaluate(() => ({
      elapsed: Number(document.querySelector("#diagnostics").dataset.renderedAt) - window.lastKeydown,
      count: Number(document.querySelector("#diagnostics").dataset.count),
    }));
    if (broken !== count > 0) throw new Error(`keystroke ${i}: expected ${broken ? "a diagnostic" : "none"}, the page shows ${count}`);
    keyTimes.push(elapsed);
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
}

const firstResult = median(loadTimes);
const keystroke = median(keyTimes);
const keystrokeP90 = percentile(keyTimes, 90);
const judge = (value, target) => (value <= target ? "✅" : "❌");
const ms = (value) => `${Math.round(value)} ms`;
console.log(`playground bundle: ${files.map((f) => `${f} ${kib(sizes[f])}`).join(", ")}; ${kib(raw)} (${kib(gzipTotal)} gzipped)`);
console.log(`playground load → first result: median ${ms(firstResult)} of ${LOADS} loads ${judge(firstResult, FIRST_RESULT_TARGET_MS)} (target ≤ 1.5 s)`);
console.log(
  `playground keystroke → diagnostic: median ${ms(keystroke)}, p90 ${ms(keystrokeP90)} of ${KEYS} keys ${judge(keystroke, KEYSTROKE_TARGET_MS)} (target ≤ 200 ms)`,
);

if (args.includes("--write")) {
  writeResultsSection(
    "playground.mjs",
    `## Playground in the browser (\`bench/playground.mjs\`)

The page built by esbuild (minified), served on localhost and loaded in Debian's headless Chromium through
playwright-core; times by the page's own clock (\`performance.now()\`), load average ${loadavg()[0].toFixed(1)} on the
shared 2-core machine. First result: from navigation start to the 11.11 example's cart priced on the page, a fresh
browser context (no cache) per load, median of ${LOADS}. Keystroke → diagnostic: on the 11.11 rules (458 lines), from the
keydown of a character that breaks line 25 (or the Backspace that fixes it) to the page listing the language
server's diagnostics for that version, ${KEYS} keys.

| file | size | gzipped |
|---|---:|---:|
${files.map((f) => `| \`${f}\` | ${kib(sizes[f])} | ${kib(gzipped[f])} |`).join("\n")}
| **total** | **${kib(raw)}** | **${kib(gzipTotal)}** |

| measure | median | p90 | target |
|---|---:|---:|:---:|
| load → first result | ${ms(firstResult)} | ${ms(percentile(loadTimes, 90))} | ≤ 1.5 s ${judge(firstResult, FIRST_RESULT_TARGET_MS)} |
| keystroke → diagnostic | ${ms(keystroke)} | ${ms(keystrokeP90)} | ≤ 200 ms ${judge(keystroke, KEYSTROKE_TARGET_MS)} |`,
  );
}
