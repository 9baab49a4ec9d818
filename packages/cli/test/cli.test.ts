import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseInstant } from "../src/check.js";
import { expandPaths } from "../src/files.js";
import { runCli, type CliIo } from "../src/main.js";

/** The CLI run in-process with a capturing io; relative paths resolve against a temp directory, not process.cwd(). */
const here = dirname(fileURLToPath(import.meta.url));
const ANSI = /\u001b\[[0-9;]*m/;
const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)/m;

const CLEAN = '# a clean file\nscope shoes = line.category is "shoes"\n';
const SYNTAX_ERROR = "scope broken = (line.category is\n";
const UNTERMINATED = 'scope s = line.category is "shoes\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function promo(args: string[], options: { cwd: string; isTTY?: boolean; env?: Record<string, string | undefined> }): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd,
    env: options.env ?? {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "promo-cli-"));
  roots.push(dir);
});

function write(relative: string, content: string | Uint8Array): string {
  const full = join(dir, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

describe("promo check: exit codes", () => {
  it("exits 0 on a clean file and prints the summary", async () => {
    write("ok.promo", CLEAN);
    const r = await promo(["check", "ok.promo"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("error[");
    expect(r.stdout).toMatch(/in 1 file\n$/);
    expect(r.stderr).toBe("");
  });

  it("exits 0 on an empty file", async () => {
    write("empty.promo", "");
    const r = await promo(["check", "empty.promo"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no problems in 1 file\n");
  });

  it("exits 1 on a syntax error and prints a code frame with the path as given", async () => {
    write("bad.promo", SYNTAX_ERROR);
    const r = await promo(["check", "./bad.promo"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[syntax-error]");
    expect(r.stdout).toMatch(/--> bad\.promo:\d+:\d+/);
    expect(r.stdout).toMatch(/\d+ errors? in 1 file\n$/);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it("exits 1 on invalid UTF-8 and shows the line up to the bad byte", async () => {
    write("utf.promo", Uint8Array.from([...Buffer.from("# caf"), 0xc3, 0x28, ...Buffer.from(" x\nscope s = true\n")]));
    const r = await promo(["check", "utf.promo"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[invalid-utf8]");
    expect(r.stdout).toContain("--> utf.promo:1:6");
  });

  it("exits 2 on a missing path", async () => {
    const r = await promo(["check", "nope.promo"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("promo: cannot read 'nope.promo': no such file or directory\n");
  });

  it("exits 2 on an unknown flag, with one line and a pointer to the help", async () => {
    write("ok.promo", CLEAN);
    const r = await promo(["check", "--bogus", "ok.promo"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("promo: unknown option '--bogus' for 'promo check'\nrun 'promo check --help' for usage\n");
  });

  it("exits 2 on an invalid --at and accepts a valid one", async () => {
    write("ok.promo", CLEAN);
    for (const bad of ["tomorrow", "2026-11-13", "2026-02-30T00:00:00Z", "2026-11-13T25:00:00Z", "2026-11-13T00:00:00"]) {
      const r = await promo(["check", "--at", bad, "ok.promo"], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`invalid --at '${bad}'`);
      expect(r.stderr).toContain("run 'promo check --help'");
    }
    expect((await promo(["check", "ok.promo", "--at"], { cwd: dir })).code).toBe(2);
    expect((await promo(["check", "--at", "2026-11-13T00:00:00Z", "ok.promo"], { cwd: dir })).code).toBe(0);
    expect((await promo(["check", "--at=2026-11-13T09:30:00.5+01:00", "ok.promo"], { cwd: dir })).code).toBe(0);
  });

  it("exits 2 on a missing command, a missing argument and an unknown command", async () => {
    const none = await promo([], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("promo: missing command\nrun 'promo --help' for usage\n");
    const noPaths = await promo(["check"], { cwd: dir });
    expect(noPaths.code).toBe(2);
    expect(noPaths.stderr).toContain("missing file or directory");
    const typo = await promo(["chek", "x.promo"], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("promo: unknown command 'chek'; did you mean 'check'?\nrun 'promo --help' for usage\n");
    expect((await promo(["--bogus"], { cwd: dir })).code).toBe(2);
    expect((await promo(["help", "nothing"], { cwd: dir })).code).toBe(2);
  });
});

describe("promo check: output", () => {
  it("--json prints only a JSON array of diagnostics", async () => {
    write("s.promo", UNTERMINATED);
    const r = await promo(["check", "--json", "s.promo"], { cwd: dir });
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeGreaterThan(0);
    for (const d of list) {
      expect(typeof d["code"]).toBe("string");
      expect(["error", "warning"]).toContain(d["severity"]);
      expect(typeof d["message"]).toBe("string");
      const span = d["span"] as Record<string, unknown>;
      expect(span["file"]).toBe("s.promo");
      expect(typeof span["startLine"]).toBe("number");
      expect(typeof span["startColumn"]).toBe("number");
    }
    const unterminated = list.find((d) => d["code"] === "unterminated-string");
    expect(unterminated).toBeDefined();
    expect(unterminated!["span"]).toMatchObject({ startLine: 1, startColumn: 28 });
    // Pretty-printed and stable.
    expect(r.stdout.startsWith("[\n  {\n")).toBe(true);
    expect((await promo(["check", "--json", "s.promo"], { cwd: dir })).stdout).toBe(r.stdout);
  });

  it("--json on a clean file prints an empty array", async () => {
    write("ok.promo", "");
    const r = await promo(["check", "ok.promo", "--json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("[]\n");
  });

  it("uses colour only on a terminal without NO_COLOR", async () => {
    write("bad.promo", SYNTAX_ERROR);
    expect((await promo(["check", "bad.promo"], { cwd: dir, isTTY: true })).stdout).toMatch(ANSI);
    expect((await promo(["check", "bad.promo"], { cwd: dir, isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ANSI);
    expect((await promo(["check", "bad.promo"], { cwd: dir, isTTY: false })).stdout).not.toMatch(ANSI);
    expect((await promo(["check", "--json", "bad.promo"], { cwd: dir, isTTY: true })).stdout).not.toMatch(ANSI);
  });

  it("--timings prints per-stage timings to stderr", async () => {
    write("ok.promo", CLEAN);
    const r = await promo(["check", "--timings", "ok.promo"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^parse\s+\d+\.\d ms$/m);
    expect(r.stderr).toMatch(/^total\s+\d+\.\d ms$/m);
    expect(r.stdout).not.toContain(" ms");
  });

  it("expands directories recursively, sorted, skipping node_modules and dot-directories", async () => {
    write("rules/b.promo", CLEAN);
    write("rules/a.promo", CLEAN);
    write("rules/sub/c.promo", UNTERMINATED);
    write("rules/notes.txt", "not a rule file");
    write("rules/node_modules/dep/x.promo", SYNTAX_ERROR);
    write("rules/.cache/y.promo", SYNTAX_ERROR);
    expect(expandPaths(["rules"], dir)).toEqual({
      files: ["rules/a.promo", "rules/b.promo", "rules/sub/c.promo"],
      emptyDirectories: [],
    });
    // A file named twice (directly and through its directory) is checked once.
    expect(expandPaths(["rules/b.promo", "./rules/"], dir).files).toEqual(["rules/b.promo", "rules/a.promo", "rules/sub/c.promo"]);

    const r = await promo(["check", "--json", "rules"], { cwd: dir });
    expect(r.code).toBe(1);
    const files = new Set((JSON.parse(r.stdout) as Array<{ span: { file: string } }>).map((d) => d.span.file));
    expect([...files]).toEqual(["rules/sub/c.promo"]);

    const human = await promo(["check", "rules"], { cwd: dir });
    expect(human.stdout).toMatch(/in 3 files\n$/);
  });

  it("exits 2 when the paths hold no .promo file (the same for check, fmt, test, compile and eval)", async () => {
    mkdirSync(join(dir, "nothing"));
    for (const args of [["check"], ["fmt"], ["test"], ["compile", "-o", "out.mjs"], ["eval", "--cart", "cart.json"]]) {
      const r = await promo([...args, "nothing"], { cwd: dir });
      expect(r.code, args[0]).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("no .promo files found in 'nothing'");
    }
  });

  it("warns about an empty directory beside files that exist", async () => {
    mkdirSync(join(dir, "nothing"));
    write("ok.promo", CLEAN);
    const r = await promo(["check", "nothing", "ok.promo"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no .promo files found in 'nothing'");
  });

  it("accepts absolute paths", async () => {
    const full = write("bad.promo", SYNTAX_ERROR);
    const r = await promo(["check", full], { cwd: here });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`--> ${full}:`);
  });
});

describe("promo: help, version, internal errors", () => {
  it("prints usage for --help, help and <command> --help", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = await promo(args, { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("promo check <files|dirs...>");
      expect(r.stdout).toContain("promo fmt <files|dirs...>");
      expect(r.stdout).toContain("Exit codes:");
    }
    for (const args of [
      ["check", "--help"],
      ["help", "check"],
      ["check", "-h", "whatever.promo"],
    ]) {
      const r = await promo(args, { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: promo check <files|dirs...> [--json] [--at <instant>] [--cost-budget <n>] [--timings]");
      expect(r.stdout).toContain("--at <instant>");
    }
    const fmt = await promo(["fmt", "--help"], { cwd: dir });
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toContain("--check");
  });

  it("--version prints the dsl package version", async () => {
    const pkg = JSON.parse(readFileSync(join(here, "../package.json"), "utf8")) as { version: string };
    const r = await promo(["--version"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("reports an unexpected exception as an internal error without a stack trace", async () => {
    write("ok.promo", CLEAN);
    const failing = (env: Record<string, string>) => {
      let stderr = "";
      const io: CliIo = {
        stdout: () => {
          throw new Error("disk full");
        },
        stderr: (t) => void (stderr += t),
        isTTY: false,
        cwd: dir,
        env,
      };
      return runCli(["check", "ok.promo"], io).then((code) => ({ code, stderr }));
    };
    const quiet = await failing({});
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe("promo: internal error: disk full\n");
    const debug = await failing({ PROMO_DEBUG: "1" });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_LINE);
  });
});

describe("parseInstant", () => {
  it("reads ISO-8601 instants with an offset", () => {
    expect(parseInstant("2026-11-13T00:00:00Z")).toBe(Date.UTC(2026, 10, 13));
    expect(parseInstant("2026-11-13T01:30+01:30")).toBe(Date.UTC(2026, 10, 13));
    expect(parseInstant("2026-11-12T19:00:00.250-05:00")).toBe(Date.UTC(2026, 10, 13, 0, 0, 0, 250));
    expect(parseInstant("2028-02-29T00:00:00Z")).toBe(Date.UTC(2028, 1, 29));
    expect(() => parseInstant("2027-02-29T00:00:00Z")).toThrow(/invalid --at/);
  });
});

describe("promo fmt", () => {
  const UNFORMATTED = 'scope   shoes=line.category   is "shoes"\n\n\n\nscope hats = line.category is "hats"';

  it("rewrites an unformatted file; --check exits 1 before and 0 after", async () => {
    write("rules/u.promo", UNFORMATTED);
    const before = await promo(["fmt", "--check", "rules"], { cwd: dir });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("rules/u.promo\n");
    expect(readFileSync(join(dir, "rules/u.promo"), "utf8")).toBe(UNFORMATTED);

    const fmt = await promo(["fmt", "rules"], { cwd: dir });
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toContain("formatted rules/u.promo");
    const formatted = readFileSync(join(dir, "rules/u.promo"), "utf8");
    expect(formatted).not.toBe(UNFORMATTED);
    // Nothing but the rule file is left in the directory (no temporary files).
    expect(readdirSync(join(dir, "rules"))).toEqual(["u.promo"]);

    const after = await promo(["fmt", "--check", "rules"], { cwd: dir });
    expect(after.code).toBe(0);
    const again = await promo(["fmt", "rules/u.promo"], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("formatted rules/u.promo");
    expect(readFileSync(join(dir, "rules/u.promo"), "utf8")).toBe(formatted);
  });

  it("reports a file that does not parse and leaves it untouched", async () => {
    write("bad.promo", SYNTAX_ERROR);
    for (const args of [
      ["fmt", "bad.promo"],
      ["fmt", "--check", "bad.promo"],
    ]) {
      const r = await promo(args, { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("error[");
      expect(r.stdout).toContain("not parseable");
      expect(readFileSync(join(dir, "bad.promo"), "utf8")).toBe(SYNTAX_ERROR);
    }
    write("utf.promo", Uint8Array.from([0x23, 0xc3, 0x28, 0x0a]));
    const utf = await promo(["fmt", "utf.promo"], { cwd: dir });
    expect(utf.code).toBe(1);
    expect(utf.stdout).toContain("error[invalid-utf8]");
  });

  it("exits 2 on a missing path or an unknown flag", async () => {
    expect((await promo(["fmt", "missing.promo"], { cwd: dir })).code).toBe(2);
    expect((await promo(["fmt", "--json", "x.promo"], { cwd: dir })).code).toBe(2);
    expect((await promo(["fmt"], { cwd: dir })).code).toBe(2);
  });
});
