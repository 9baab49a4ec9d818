import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFiles } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost } from "../packages/dsl/src/project/host.js";
import { confinedHost, ProjectRoot } from "../packages/dsl/src/project/root.js";
import { promoBin, requireBuild } from "./helpers/cli.js";

/**
 * Regression: a rule file could read any file on the machine and show it — `import "/proc/self/environ"` printed
 * the environment in a code frame, `cart from "../../…"` leaked bytes or JSON keys. `import` and `cart from` are
 * confined to the project root (`--root`, else the directory containing the files given), symbolic links resolved;
 * the bytes of a file that is not UTF-8 text are never shown.
 */
const SECRET = "s3cr3t-value-that-must-not-leak";
let base: string;
let project: string;

beforeAll(() => {
  requireBuild();
  base = mkdtempSync(join(tmpdir(), "promo-root-"));
  project = join(base, "project");
  mkdirSync(join(project, "rules"), { recursive: true });
  mkdirSync(join(base, "outside"));
  writeFileSync(join(base, "outside", "secret.promo"), `# ${SECRET}\nscope ${SECRET.replaceAll("-", "_")} = true true\n`);
  writeFileSync(join(base, "outside", "secret.json"), JSON.stringify({ [SECRET]: SECRET }));
  writeFileSync(join(base, "outside", "shared.promo"), `scope shared = line.sku is "A"\n`);
  symlinkSync(join(base, "outside", "secret.promo"), join(project, "rules", "link.promo"));
  symlinkSync(join(base, "outside"), join(project, "rules", "linked-dir"));
  const header = `currency USD\n`;
  writeFileSync(join(project, "rules", "environ.promo"), `import "/proc/self/environ"\n${header}`);
  writeFileSync(join(project, "rules", "up.promo"), `import "../../outside/secret.promo"\n${header}`);
  writeFileSync(join(project, "rules", "symlink.promo"), `import "link.promo"\n${header}`);
  writeFileSync(join(project, "rules", "symlink-dir.promo"), `import "linked-dir/secret.promo"\n${header}`);
  writeFileSync(
    join(project, "rules", "shared.promo"),
    `import "../../outside/shared.promo"\n${header}promotion p {\n  title "p"\n  kind automatic\n  give 10% off shared\n}\n`,
  );
  writeFileSync(
    join(project, "rules", "cart.promo"),
    `${header}promotion p {\n  title "p"\n  kind automatic\n  give 10% off order\n}\nexample leak {\n  cart from "../../outside/secret.json"\n  expect { total: 0.00 USD }\n}\n`,
  );
  writeFileSync(join(project, "rules", "inside.promo"), `import "lib/common.promo"\n${header}`);
  mkdirSync(join(project, "rules", "lib"));
  writeFileSync(join(project, "rules", "lib", "common.promo"), `scope common = true\n`);
  writeFileSync(join(project, "rules", "latin1.promo"), Buffer.concat([Buffer.from(`currency USD\n# caf`), Buffer.from([0xe9]), Buffer.from(` ${SECRET}\n`)]));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function api(file: string, root = join(project, "rules")) {
  return checkFiles([join(project, "rules", file)], confinedHost(diskHost, new ProjectRoot(root)));
}

function promo(args: string[]) {
  const result = spawnSync(process.execPath, [promoBin, ...args], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", PROMO_SECRET: SECRET },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the project root, through the API", () => {
  it.each([
    ["an absolute path (/proc/self/environ)", "environ.promo", 1, 8],
    ["a path that climbs out with ..", "up.promo", 1, 8],
    ["a symbolic link to a file outside", "symlink.promo", 1, 8],
    ["a path through a symbolic link to a directory outside", "symlink-dir.promo", 1, 8],
    ["cart from outside", "cart.promo", 8, 13],
  ])("%s is path-outside-project at the path's span, and the file is not read", (_name, file, line, column) => {
    const result = api(file);
    const found = result.diagnostics.filter((d) => d.code === "path-outside-project");
    expect(found.map((d) => [d.span.startLine, d.span.startColumn])).toEqual([[line, column]]);
    expect(JSON.stringify(result.diagnostics)).not.toContain(SECRET);
    expect(result.projects[0]!.files.map((f) => f.parsed.source.path)).toEqual([join(project, "rules", file)]);
  });

  it("imports inside the root are read; a wider root admits the file outside", () => {
    expect(api("inside.promo").diagnostics).toEqual([]);
    expect(api("shared.promo").diagnostics.map((d) => d.code)).toContain("path-outside-project");
    expect(api("shared.promo", base).diagnostics).toEqual([]);
  });
});

describe("the project root, through the CLI", () => {
  it("promo check: /proc/self/environ is refused; the environment is not shown", () => {
    const run = promo(["check", "rules/environ.promo"]);
    expect(run.status).toBe(1);
    expect(run.output).toContain("error[path-outside-project]: cannot read '/proc/self/environ' (import)");
    expect(run.output).not.toContain(SECRET);
  });

  it("promo check: .. and symbolic links are refused without showing the file", () => {
    for (const file of ["up.promo", "symlink.promo", "symlink-dir.promo"]) {
      const run = promo(["check", `rules/${file}`]);
      expect(run.status, run.output).toBe(1);
      expect(run.output).toContain("path-outside-project");
      expect(run.output).not.toContain(SECRET);
    }
  });

  it("promo test: cart from outside the root is refused; the JSON's keys are not shown", () => {
    const run = promo(["test", "rules/cart.promo"]);
    expect(run.status).toBe(1);
    expect(run.output).toContain("path-outside-project");
    expect(run.output).not.toContain(SECRET);
  });

  it("--root widens the root: the shared file outside rules/ is read", () => {
    expect(promo(["check", "rules/shared.promo"]).status).toBe(1);
    const run = promo(["check", "--root", "..", "rules/shared.promo"]);
    expect(run.output).not.toContain("path-outside-project");
    expect(run.status, run.output).toBe(0);
  });

  it("the root defaults to the directory containing every file given", () => {
    // Given together, rules/ and ../outside/ share the parent: the import is inside that root.
    const run = promo(["check", "rules/shared.promo", "../outside/shared.promo"]);
    expect(run.output).not.toContain("path-outside-project");
  });

  it("a file that is not UTF-8 is reported without a code frame showing its bytes", () => {
    for (const command of ["check", "fmt"]) {
      const run = promo([command, "rules/latin1.promo"]);
      expect(run.output).toContain("invalid-utf8");
      expect(run.output).not.toContain(SECRET);
    }
  });
});
