/**
 * Emacs with eglot (built in from 29; Debian's `elpa-eglot` on 28), configured by editors/emacs/promo.el, gets
 * promo-lsp's diagnostics. Skipped with a printed reason where emacs or eglot is absent (CI installs Neovim only).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..", "..");
const probe = spawnSync("emacs", ["--batch", "--eval", '(progn (require \'eglot) (princ "eglot-ok"))'], { encoding: "utf8" });
const available = probe.status === 0 && probe.stdout.includes("eglot-ok");
if (!available) console.warn("skipping the Emacs test: `emacs` with eglot is not available (Debian: apt-get install emacs-nox elpa-eglot)");

let dir: string | undefined;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Emacs eglot against promo-lsp", () => {
  it.runIf(available)("promo-mode for *.promo, eglot connects, the diagnostic arrives", { timeout: 120_000 }, () => {
    dir = mkdtempSync(join(tmpdir(), "promo-emacs-"));
    const file = join(dir, "welcome-deal.promo");
    copyFileSync(join(ROOT, "examples", "welcome-deal.promo"), file);
    writeFileSync(file, readFileSync(file, "utf8").replace("  kind automatic\n", "  kind automatc\n"));
    const run = spawnSync("emacs", ["--batch", "-l", join(HERE, "emacs", "drive.el")], {
      cwd: dir,
      env: { ...process.env, PROMO_REPO: ROOT, PROMO_NODE: process.execPath, PROMO_FILE: file },
      encoding: "utf8",
      timeout: 110_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("mode: promo-mode\n");
    expect(run.stdout).toContain("eglot: t\n");
    expect(run.stdout).toContain("diagnostic: promo [unknown-kind]: unknown kind 'automatc'; did you mean 'automatic'?");
  });
});
