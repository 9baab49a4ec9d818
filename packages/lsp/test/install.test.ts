/**
 * `promo-lsp` as a user gets it: the workspace packages packed with `npm pack`, installed from those tarballs
 * into a fresh project without the network, and started with `npx promo-lsp --stdio`. The third-party
 * dependencies are copied from this checkout's node_modules first (so the install is offline), and install
 * scripts are skipped (@promo/dsl no longer depends on the ledger, so nothing native is installed).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startClient, type Client } from "./harness.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const WORKSPACES = ["packages/runtime", "packages/dsl", "packages/lsp"];
const npm = (args: string[], cwd: string) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let dir: string | undefined;
let client: Client | undefined;
afterAll(async () => {
  await client?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("promo-lsp installed from packed tarballs", () => {
  it("the package is publishable: not private, a bin that exists, files that ship the build", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "packages/lsp/package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ "promo-lsp": "./bin/promo-lsp.js" });
    expect(readFileSync(join(ROOT, "packages/lsp/bin/promo-lsp.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    for (const dependency of ["@promo/dsl", "@promo/runtime", "vscode-languageserver", "vscode-languageserver-textdocument"]) {
      expect(manifest.dependencies[dependency], dependency).toBeDefined();
    }
  });

  it("`npx promo-lsp --stdio` answers initialize and publishes diagnostics", { timeout: 240_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "promo-lsp-install-"));
    const tarballs = join(dir, "tarballs");
    const project = join(dir, "project");
    mkdirSync(tarballs);
    mkdirSync(join(project, "node_modules"), { recursive: true });
    npm(["pack", "--silent", "--pack-destination", tarballs, ...WORKSPACES.flatMap((w) => ["-w", w])], ROOT);
    const packed = readdirSync(tarballs).sort();
    expect(packed).toEqual(["promo-dsl-0.1.0.tgz", "promo-lsp-0.1.0.tgz", "promo-runtime-0.1.0.tgz"]);

    // The production dependencies of @promo/lsp, as npm resolved them in this checkout.
    const installed = npm(["ls", "--omit=dev", "--all", "--parseable", "-w", "packages/lsp"], ROOT)
      .split("\n")
      .filter((line) => line.includes("node_modules") && !line.includes(`node_modules${"/"}@promo`));
    expect(installed.some((p) => p.endsWith("node_modules/vscode-languageserver"))).toBe(true);
    for (const from of new Set(installed))
      cpSync(from, join(project, "node_modules", from.slice(from.lastIndexOf("node_modules/") + "node_modules/".length)), { recursive: true });

    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "editor-setup", private: true }));
    npm(["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", ...packed.map((t) => join(tarballs, t))], project);
    const lsp = JSON.parse(readFileSync(join(project, "node_modules/@promo/lsp/package.json"), "utf8"));
    expect(lsp.name).toBe("@promo/lsp");

    client = await startClient({ command: { file: "npx", args: ["--offline", "promo-lsp", "--stdio"], cwd: project } });
    const uri = "file:///virtual/installed.promo";
    client.open(uri, 'currency USD\n\npromotion p {\n  title "p"\n  kind automatc\n  give 5.00 USD off order\n}\n');
    const published = await client.diagnostics(uri, 1);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["unknown-kind"]);
  });
});
