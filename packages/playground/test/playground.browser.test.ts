import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkProject, memoryHost } from "@promo/dsl";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, findChromium, launchChromium } from "../../../scripts/chromium.mjs";
import { repoRoot, requireBuild, spawnPromo } from "../../../test/helpers/cli.js";
import { buildPlayground } from "../build.mjs";
import { serveStatic } from "../serve.mjs";
import { RULES_PATH } from "../src/paths.js";

/**
 * The playground end to end in a real browser: Debian's Chromium through playwright-core (executablePath). The page
 * is built into a scratch folder and served on localhost. Every wait is for a selector or a state the page shows,
 * never for a time. Screenshots go to packages/playground/test/output/ (git-ignored). Without Chromium the test is
 * skipped with the reason printed, except under CI=true, where it fails.
 */

const chromium = findChromium();
const onCi = process.env["CI"] === "true";
if (!chromium && !onCi) console.warn(`[playground] skipped: ${chromiumMissing()}`);

const OUTPUT = join(repoRoot, "packages", "playground", "test", "output");
const RULES = join(repoRoot, "examples", "aliexpress-11-11.promo");
const CART = join(repoRoot, "examples", "carts", "aliexpress-11-11-combined-order.json");

let scratch: string;
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  if (!chromium && !onCi) return;
  requireBuild();
  scratch = mkdtempSync(join(tmpdir(), "promo-playground-"));
  mkdirSync(OUTPUT, { recursive: true });
  await buildPlayground({ outdir: join(scratch, "site") });
  server = await serveStatic(join(scratch, "site"));
  browser = await launchChromium(chromium);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** `promo eval --json` on the 11.11 rules and a cart: the CLI's own answer, to compare the page with. */
function promoEval(cartText: string): { total: string; applied: { id: string }[]; rejected: { id: string; reason: string; source: { line: number } }[] } {
  const cartPath = join(scratch, "cart.json");
  writeFileSync(cartPath, cartText);
  const run = spawnPromo(["eval", RULES, "--cart", cartPath, "--json"]);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/** Waits until the language server has answered for the editor's newest text. */
async function diagnosticsSettled(page: Page): Promise<{ line: number; code: string; severity: string }[]> {
  await page.waitForFunction(() => {
    const list = document.querySelector<HTMLElement>("#diagnostics")!;
    return list.dataset["version"] !== undefined && list.dataset["version"] === document.querySelector<HTMLElement>("#rules")!.dataset["version"];
  });
  return page.$$eval("#diagnostics li", (items) =>
    items.map((li) => ({
      line: Number((li as HTMLElement).dataset["line"]),
      code: (li as HTMLElement).dataset["code"]!,
      severity: (li as HTMLElement).dataset["severity"]!,
    })),
  );
}

/** Waits until the price panel shows the newest evaluation of the editors' text. */
async function priced(page: Page, total: string): Promise<void> {
  await page.waitForSelector(`#result[data-status="priced"] #total[data-amount="${total}"]`);
}

/** The same check the language server runs, in Node: the lines and codes the page must show. */
function nodeDiagnostics(text: string): { line: number; code: string; severity: string }[] {
  const { diagnostics } = checkProject([RULES_PATH], memoryHost({ [RULES_PATH]: text }));
  return diagnostics.map((d) => ({ line: d.span.startLine, code: d.code, severity: d.severity }));
}

describe.skipIf(!chromium && !onCi)("the playground in headless Chromium", () => {
  it("checks as the user types, prices like promo eval, links rejections to their rules and shares its state by URL", async () => {
    expect(chromium, "CI=true needs Chromium: apt-get install chromium").toBeDefined();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      // Errors, and the language server's own failure reports (logged as warnings by the page).
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    await page.goto(server.url);
    await page.waitForSelector('#result[data-status="priced"]');

    // Pick the 11.11 example: its rules and cart fill the editors, no diagnostics, the CLI's total.
    await page.selectOption("#example", "aliexpress-11-11/combined-order");
    const texts = await page.evaluate(() => {
      const p = (window as unknown as { promoPlayground: { rules(): string; cart(): string } }).promoPlayground;
      return { rules: p.rules(), cart: p.cart() };
    });
    expect(texts.rules).toBe(readFileSync(RULES, "utf8"));
    expect(texts.cart).toBe(readFileSync(CART, "utf8"));
    expect(await diagnosticsSettled(page)).toEqual([]);
    await page.locator("#diagnostics-summary", { hasText: /^No problems$/ }).waitFor();
    const combined = promoEval(texts.cart);
    await priced(page, combined.total);
    await page.screenshot({ path: join(OUTPUT, "1-example.png") });

    // Type an error at the end of line 25 (`when subtotal exceeds 25.00 USD`): its diagnostic shows at line 25,
    // the same as the front end reports in Node for the same text.
    await page.click("#rules .cm-content");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 24; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.type(" USD");
    const broken = await diagnosticsSettled(page);
    const brokenText = await page.evaluate(() => (window as unknown as { promoPlayground: { rules(): string } }).promoPlayground.rules());
    expect(brokenText.split("\n")[24]).toBe("  when subtotal exceeds 25.00 USD USD");
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toEqual({ line: 25, code: "syntax-error", severity: "error" });
    expect(broken).toEqual(nodeDiagnostics(brokenText));
    // The editor marks the error in its gutter too, and the price panel says why it is not repriced.
    await page.waitForSelector("#rules .cm-lint-marker-error");
    await page.waitForSelector('#result[data-status="rule-errors"]');
    await page.screenshot({ path: join(OUTPUT, "2-error.png") });

    // Fix it: the diagnostics clear and the price comes back.
    for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace");
    expect(await diagnosticsSettled(page)).toEqual([]);
    await priced(page, combined.total);

    // Change the cart (the first line's price drops to 5.00): the page's total is promo eval's for the new cart.
    // A cart the contract refuses is named by its JSON pointer, in the list and on the value in the cart editor.
    await page.click("#cart .cm-content");
    await page.keyboard.press("Control+a");
    await page.keyboard.insertText(texts.cart.replace('"4.50"', '"4.5x"'));
    await page.waitForSelector(
      '#result[data-status="cart-errors"] ~ #cart-errors li[data-path="/lines/1/unitPrice"], #cart-errors li[data-path="/lines/1/unitPrice"]',
    );
    expect(await page.textContent("#cart .cm-lintRange-error")).toBe('"4.5x"');

    const cheaper = texts.cart.replace('"unitPrice": "12.00"', '"unitPrice": "5.00"');
    expect(cheaper).not.toBe(texts.cart);
    await page.click("#cart .cm-content");
    await page.keyboard.press("Control+a");
    await page.keyboard.insertText(cheaper);
    const expected = promoEval(cheaper);
    expect(expected.total).not.toBe(combined.total);
    await priced(page, expected.total);
    expect(await page.$$eval("#applied li[data-id]", (items) => items.map((li) => (li as HTMLElement).dataset["id"]))).toEqual(
      expected.applied.map((a) => a.id),
    );
    expect(await page.$$eval("#rejected li[data-id]", (items) => items.map((li) => (li as HTMLElement).dataset["id"]))).toEqual(
      expected.rejected.map((r) => r.id),
    );
    await page.screenshot({ path: join(OUTPUT, "3-cart-changed.png") });

    // Click a rejection: the rules editor's cursor goes to its rule.
    const rejection = expected.rejected.find((r) => r.id === "store-acme-3-off-15");
    expect(rejection?.reason).toBe("condition");
    await page.click('#rejected li[data-id="store-acme-3-off-15"] button');
    await page.waitForSelector(`#rules[data-cursor-line="${rejection!.source.line}"]`);
    expect(readFileSync(RULES, "utf8").split("\n")[rejection!.source.line - 1]).toBe("promotion store-acme-3-off-15 {");
    expect(await page.textContent("#rules .cm-activeLine")).toBe("promotion store-acme-3-off-15 {");
    expect(await page.evaluate(() => document.activeElement?.closest("#rules") !== null)).toBe(true);
    await page.screenshot({ path: join(OUTPUT, "4-rejection.png") });

    // Share: a new page opened on the link shows the same rules, cart and price.
    await page.click("#share");
    await page.waitForSelector("#share-url:not([hidden])");
    const link = await page.inputValue("#share-url");
    expect(link).toMatch(/#s=[\w-]+$/);
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await other.goto(link);
    await priced(other, expected.total);
    const restored = await other.evaluate(() => {
      const p = (window as unknown as { promoPlayground: { rules(): string; cart(): string } }).promoPlayground;
      return { rules: p.rules(), cart: p.cart() };
    });
    expect(restored).toEqual({ rules: readFileSync(RULES, "utf8"), cart: cheaper });
    expect(await diagnosticsSettled(other)).toEqual([]);
    await other.screenshot({ path: join(OUTPUT, "5-shared.png") });

    // A narrow window stacks the panels; everything stays reachable.
    await other.setViewportSize({ width: 420, height: 900 });
    expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    expect(await other.evaluate(() => getComputedStyle(document.querySelector("main")!).gridTemplateColumns.split(" ").length)).toBe(1);
    await other.screenshot({ path: join(OUTPUT, "6-narrow.png"), fullPage: true });
    await other.close();
    await page.close();
    expect(problems).toEqual([]);
  });

  it("completes, hovers, formats and fixes with the language server's answers", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    await page.goto(`${server.url}#example=aliexpress-11-11/combined-order`);
    await page.waitForSelector('#result[data-status="priced"]');
    const original = readFileSync(RULES, "utf8");
    const rules = () => page.evaluate(() => (window as unknown as { promoPlayground: { rules(): string } }).promoPlayground.rules());

    // Keyboard only: Tab leaves each editor (they do not trap it) and reaches the result's links; Enter on the first
    // example's link puts the cursor on that example.
    await page.focus("#example");
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.closest("section")?.id || "");
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      order.push(await focused());
    }
    expect(order).toEqual(["format", "share", "rules", "cart", "result"]);
    const firstExample = original.split("\n").findIndex((line) => line.startsWith("example ")) + 1;
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#rules[data-cursor-line="${firstExample}"]`);

    // Hover over the scope `acme` (line 10): the server's description of it.
    await page.keyboard.press("Control+Home");
    await page.waitForSelector('#rules[data-cursor-line="1"]');
    const line10 = page.locator("#rules .cm-line", { hasText: 'scope acme = line.store is "acme"' });
    // locator.hover waits for the line to stand still (the editor scrolls in an animation frame) before moving there.
    await line10.hover({ position: { x: 60, y: 8 } });
    await page.locator(".cm-tooltip-hover", { hasText: "Scope: a set of cart lines (line 10)." }).waitFor();

    // Completion after `giv` on a new line in a promotion offers `give`.
    await page.click("#rules .cm-content");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 25; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("giv");
    await page.keyboard.press("Control+Space");
    await page.locator(".cm-tooltip-autocomplete .cm-completionLabel", { hasText: /^give$/ }).waitFor();
    await page.keyboard.press("Escape");
    for (let i = 0; i < 10 && (await rules()) !== original; i++) await page.keyboard.press("Control+z");
    expect(await rules()).toBe(original);

    // Formatting: a line indented wrongly is put back the way promo fmt writes it.
    await page.keyboard.press("End");
    await page.keyboard.type("     ");
    expect(await rules()).not.toBe(original);
    await page.click("#format");
    await expect.poll(rules, { timeout: 30_000 }).toBe(original);
    expect(await diagnosticsSettled(page)).toEqual([]);

    // A quick fix: `acm` for the scope `acme` (line 42) is offered "Change to 'acme'", applied by the server's code action.
    await page.click("#rules .cm-content");
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 41; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("End");
    await page.keyboard.press("Backspace");
    expect(await diagnosticsSettled(page)).toEqual([{ line: 42, code: "unknown-name", severity: "error" }]);
    await page.locator("#rules .cm-lintRange-error").first().hover();
    await page.locator(".cm-tooltip-lint .cm-diagnosticAction", { hasText: "Change to 'acme'" }).click();
    await expect.poll(rules, { timeout: 30_000 }).toBe(original);
    expect(await diagnosticsSettled(page)).toEqual([]);
    await page.close();
    expect(problems).toEqual([]);
  });
});
