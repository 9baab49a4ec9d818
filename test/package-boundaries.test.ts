/**
 * What each package drags in. `@promo/dsl` (the front end the language server and every compile import) has no
 * database driver and no native module in its dependency tree; loading `@promo/lsp` or `@promo/dsl` does not load
 * esbuild — only `@promo/dsl/compiler` does. Proven by running node on the built packages with a resolve hook that
 * records every module URL (test/helpers/record-resolutions.mjs), not by reading import statements.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, requireBuild } from "./helpers/cli.js";

function urlsLoadedBy(entry: string): string[] {
  const script = `import { resolvedUrls } from "./test/helpers/record-resolutions.mjs";
await import(${JSON.stringify(entry)});
process.stdout.write(JSON.stringify(await resolvedUrls()));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

const ESBUILD = /\/node_modules\/esbuild\//;

describe("module loading", () => {
  requireBuild();

  it("importing @promo/lsp does not load esbuild", () => {
    const urls = urlsLoadedBy("@promo/lsp");
    expect(urls.some((u) => u.includes("/packages/lsp/dist/"))).toBe(true);
    expect(urls.some((u) => u.includes("/packages/dsl/dist/"))).toBe(true);
    expect(urls.filter((u) => ESBUILD.test(u))).toEqual([]);
  });

  it("importing @promo/dsl loads neither esbuild nor the ledger", () => {
    const urls = urlsLoadedBy("@promo/dsl");
    expect(urls.filter((u) => ESBUILD.test(u) || u.includes("/packages/ledger/"))).toEqual([]);
  });

  it("@promo/dsl/compiler is the entry that loads esbuild (the recorder sees it)", () => {
    expect(urlsLoadedBy("@promo/dsl/compiler").some((u) => ESBUILD.test(u))).toBe(true);
  });
});

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  gypfile?: boolean;
}

/** Node's lookup: the nearest node_modules/<name> from `fromDir` upwards. */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every installed package reachable through `dependencies` (and installed optional ones) from `root`. */
function dependencyTree(root: string): Map<string, { dir: string; manifest: Manifest }> {
  const seen = new Map<string, { dir: string; manifest: Manifest }>();
  const visit = (dir: string): void => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    if (seen.has(dir)) return;
    seen.set(dir, { dir, manifest });
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const child = packageDir(name, dir);
      if (child !== undefined) visit(child);
    }
  };
  visit(root);
  return seen;
}

describe("dependency trees", () => {
  it("@promo/dsl has no database driver, no ledger and no native (node-gyp) module", () => {
    const tree = [...dependencyTree(join(repoRoot, "packages", "dsl")).values()];
    const names = tree.map((p) => p.manifest.name);
    expect(names).toContain("chevrotain");
    expect(names).toContain("@promo/runtime");
    expect(names.filter((n) => ["@promo/ledger", "better-sqlite3", "pg", "sqlite3", "mysql2"].includes(n))).toEqual([]);
    const native = tree.filter((p) => p.manifest.gypfile === true || existsSync(join(p.dir, "binding.gyp")));
    expect(native.map((p) => p.manifest.name)).toEqual([]);
  });

  it("the check sees a native module where there is one (@promo/cli, through the ledger)", () => {
    const tree = [...dependencyTree(join(repoRoot, "packages", "cli")).values()];
    expect(tree.map((p) => p.manifest.name)).toContain("pg");
    expect(tree.filter((p) => p.manifest.gypfile === true || existsSync(join(p.dir, "binding.gyp"))).map((p) => p.manifest.name)).toContain("better-sqlite3");
  });
});

describe("published files", () => {
  it("every source map in a package's dist points at a file the package publishes", () => {
    for (const name of ["runtime", "ledger", "dsl", "lsp", "cli"]) {
      const dir = join(repoRoot, "packages", name);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files: string[] };
      const maps = readdirSync(join(dir, "dist"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".map"));
      expect(maps.length, name).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(dir, "dist", map), "utf8")) as { sources: string[] };
        for (const source of sources) {
          const target = relative(dir, resolve(dir, "dist", dirname(map), source));
          expect(existsSync(join(dir, target)), `${name}: ${map} → ${target}`).toBe(true);
          expect(
            manifest.files.some((f) => target === f || target.startsWith(`${f}/`)),
            `${name}: ${target} is not in "files"`,
          ).toBe(true);
        }
      }
    }
  });
});
