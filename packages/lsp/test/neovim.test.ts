/**
 * End to end with a real editor: headless Neovim (Debian's `neovim`, 0.7 and later), configured exactly as
 * editors/neovim tells a user to, drives promo-lsp through its own LSP client (test/neovim/drive.lua) and writes
 * what it saw as JSON. Skipped with a printed reason where nvim is absent, except under CI=true, where that fails.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..", "..");
const nvimFound = spawnSync("nvim", ["--version"], { encoding: "utf8" }).status === 0;
const inCI = process.env.CI === "true";
if (!nvimFound && !inCI) console.warn("skipping the Neovim end-to-end test: `nvim` is not on PATH (Debian: apt-get install neovim)");

interface Seen {
  ok: boolean;
  error?: string;
  filetype: string;
  client: string;
  diagnostic: { code: string; message: string; lnum: number; col: number };
  quickfix: { title: string; count: number; line: string; errors_after: number };
  completion: string[];
  hover: string;
  renamed: string;
  before_format: string;
  formatted: string;
}

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Neovim's LSP client against promo-lsp", () => {
  it.runIf(inCI)("nvim is installed under CI", () => {
    expect(nvimFound, "CI must install Debian's neovim (.ci/run does)").toBe(true);
  });

  it.runIf(nvimFound)("diagnostic, quick fix, completion, hover, rename and formatting in a real editor", { timeout: 180_000 }, () => {
    dir = mkdtempSync(join(tmpdir(), "promo-nvim-"));
    const file = join(dir, "welcome-deal.promo");
    copyFileSync(join(ROOT, "examples", "welcome-deal.promo"), file);
    const result = join(dir, "result.json");
    const run = spawnSync("nvim", ["--headless", "--clean", "-u", join(HERE, "neovim", "init.lua"), "-c", `luafile ${join(HERE, "neovim", "drive.lua")}`], {
      cwd: dir,
      env: { ...process.env, PROMO_REPO: ROOT, PROMO_NODE: process.execPath, PROMO_FILE: file, PROMO_RESULT: result },
      encoding: "utf8",
      timeout: 170_000,
    });
    expect(run.error, run.stderr).toBeUndefined();
    const seen = JSON.parse(readFileSync(result, "utf8")) as Seen;
    expect(seen.error ?? null).toBeNull();
    expect(seen.ok).toBe(true);

    // Detected as promo, not as `conf` (the file starts with a '#' comment), and the server attached.
    expect(seen.filetype).toBe("promo");
    expect(seen.client).toBe("promo");

    expect(seen.diagnostic.code).toBe("unknown-kind");
    expect(seen.diagnostic.message).toContain("did you mean 'automatic'");
    expect([seen.diagnostic.lnum, seen.diagnostic.col]).toEqual([11, 7]);

    expect(seen.quickfix.title).toBe("Change to 'automatic'");
    expect(seen.quickfix.line).toBe("  kind automatic");
    expect(seen.quickfix.errors_after).toBe(0);

    expect(seen.completion).toEqual(expect.arrayContaining(["automatic", "platform-coupon", "shipping"]));
    expect(seen.completion).not.toContain("promotion");

    expect(seen.hover).toContain('scope welcome = line.tags contains "welcome"');

    // Declaration and use renamed; the tag string "welcome" is text, not the scope, and stays.
    expect(seen.renamed).toContain('scope newcomer = line.tags contains "welcome"');
    expect(seen.renamed).toContain("give price 0.99 USD on newcomer max 1 unit");
    expect(seen.renamed).not.toMatch(/\bon welcome\b|scope welcome\b/);

    // `promo fmt` (through the workspace's `promo` script, wherever the CLI lives) on the same text.
    const messy = join(dir, "messy.promo");
    writeFileSync(messy, seen.before_format);
    const fmt = spawnSync("npm", ["run", "--silent", "promo", "--", "fmt", messy], { cwd: ROOT, encoding: "utf8" });
    expect(fmt.status, fmt.stderr).toBe(0);
    expect(seen.before_format).not.toBe(seen.formatted);
    expect(seen.formatted).toBe(readFileSync(messy, "utf8"));
  });
});
