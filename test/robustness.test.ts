/**
 * Hostile and extreme input through the real CLI (`node packages/cli/bin/promo.js check <file>`), in a child
 * process: whatever the file holds, promo must finish, exit with the documented code, name the problem with a
 * stable diagnostic code, and never print a stack trace or overflow the stack.
 *
 * Needs the build: the root `npm test` runs `npm run build` first; beforeAll only checks it is there (it builds
 * nothing). The generated inputs come from a seeded PRNG, so every run sees the same bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuild, spawnPromo, STACK_OVERFLOW, STACK_TRACE_LINE, type SpawnedRun } from "./helpers/cli.js";
import { randomBytes, randomText } from "./helpers/prng.js";

const MB = 1024 * 1024;
/** Not a timing test: generous limits, only to make sure the process finishes. */
const PROCESS_TIMEOUT = 60_000;
/** The 5 MB inputs get more, since the whole suite runs test files in parallel. */
const BIG_PROCESS_TIMEOUT = 120_000;
const TEST_TIMEOUT = 150_000;

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), "promo-robustness-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** What every run must satisfy: it finished by itself, printed no stack trace and did not overflow the stack. */
function expectWellBehaved(run: SpawnedRun): void {
  expect(run.error, `the process did not finish: ${run.error?.message}`).toBeUndefined();
  expect(run.signal).toBeNull();
  for (const stream of [run.stdout, run.stderr]) {
    expect(stream).not.toMatch(STACK_TRACE_LINE);
    expect(stream).not.toMatch(STACK_OVERFLOW);
    expect(stream).not.toContain("internal error");
  }
  expect(run.stderr).toBe("");
}

function check(path: string, ...flags: string[]): SpawnedRun {
  return checkWithin(PROCESS_TIMEOUT, path, ...flags);
}

function checkWithin(timeoutMs: number, path: string, ...flags: string[]): SpawnedRun {
  const run = spawnPromo(["check", ...flags, path], timeoutMs);
  expectWellBehaved(run);
  return run;
}

/** Diagnostic codes in the human output, e.g. `error[invalid-utf8]` → `invalid-utf8`. */
function codes(stdout: string): Set<string> {
  return new Set([...stdout.matchAll(/^(?:error|warning)\[([a-z0-9-]+)\]/gm)].map((m) => m[1]!));
}

const PARSER_CODES = ["invalid-utf8", "file-too-large", "unexpected-character", "unterminated-string", "syntax-error", "nesting-too-deep"];

/** `scope s1 = ...` declarations with distinct names, at least `bytes` long. */
function manyScopes(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const decl = `scope s${i} = line.category is "c${i}"\n`;
    parts.push(decl);
    size += decl.length;
  }
  return parts.join("");
}

describe("promo check on hostile input", () => {
  it("an empty file has nothing wrong: exit 0", () => {
    const run = check(file("empty.promo", ""));
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("no problems in 1 file\n");
  });

  it(
    "64 KiB of random bytes: invalid-utf8, exit 1",
    () => {
      const run = check(file("garbage.bin.promo", randomBytes(0x5eed, 64 * 1024)));
      expect(run.status).toBe(1);
      expect(codes(run.stdout)).toContain("invalid-utf8");
    },
    TEST_TIMEOUT,
  );

  it(
    "a valid 5 MB file of distinct scopes: no syntax problems, exit 0",
    () => {
      const text = manyScopes(5 * MB);
      expect(text.length).toBeGreaterThanOrEqual(5 * MB);
      const run = checkWithin(BIG_PROCESS_TIMEOUT, file("big-valid.promo", text));
      expect(run.status).toBe(0);
      for (const code of PARSER_CODES) expect(codes(run.stdout)).not.toContain(code);
      expect(run.stdout).toMatch(/in 1 file\n$/);
    },
    TEST_TIMEOUT,
  );

  it(
    "5 MB of garbage text: unexpected-character, exit 1, a bounded report",
    () => {
      const alphabet = "abcxyz019 \n\t\"#@$;!?&|^~`'%.,:=()[]{}<>\\/";
      const run = checkWithin(BIG_PROCESS_TIMEOUT, file("big-garbage.promo", randomText(42, 5 * MB, alphabet)));
      expect(run.status).toBe(1);
      expect(codes(run.stdout)).toContain("unexpected-character");
      // The per-file diagnostic cap keeps the report readable.
      expect(run.stdout.length).toBeLessThan(1 * MB);
    },
    TEST_TIMEOUT,
  );

  it(
    "1 MB of garbage on a single line: code frames are trimmed",
    () => {
      const run = checkWithin(BIG_PROCESS_TIMEOUT, file("one-line.promo", randomText(7, 1 * MB, "abc @$;!?")));
      expect(run.status).toBe(1);
      expect(codes(run.stdout)).toContain("unexpected-character");
      const longest = Math.max(...run.stdout.split("\n").map((line) => line.length));
      expect(longest).toBeLessThan(400);
    },
    TEST_TIMEOUT,
  );

  it.each([
    ["parentheses", `scope s = ${"(".repeat(10_000)}true${")".repeat(10_000)}\n`],
    ["unclosed parentheses", `scope s = ${"(".repeat(10_000)}\n`],
    ["not not not ...", `scope s = ${"not ".repeat(10_000)}true\n`],
    ["list brackets", `scope s = line.sku in ${"[".repeat(10_000)}"A"${"]".repeat(10_000)}\n`],
    ["record braces", `example e { cart ${"{ a: ".repeat(10_000)}1${" }".repeat(10_000)} }\n`],
  ])(
    "nesting 10,000 deep (%s): nesting-too-deep, exit 1",
    (_name, text) => {
      const run = check(file("deep.promo", text));
      expect(run.status).toBe(1);
      expect(codes(run.stdout)).toContain("nesting-too-deep");
    },
    TEST_TIMEOUT,
  );

  it("unterminated strings: unterminated-string, exit 1", () => {
    const text = ['scope a = line.category is "shoes', 'scope b = line.sku in ["A", "B]', 'promotion p {\n  title "Autumn sale\n}', '"'].join("\n");
    const run = check(file("strings.promo", text));
    expect(run.status).toBe(1);
    expect(codes(run.stdout)).toContain("unterminated-string");
  });

  it("invalid UTF-8 inside a comment: invalid-utf8 at the bad byte, exit 1", () => {
    const bytes = Uint8Array.from([...Buffer.from("scope a = true\n# caf"), 0xc3, 0x28, ...Buffer.from(" au lait\n")]);
    const path = file("latin.promo", bytes);
    const run = check(path);
    expect(run.status).toBe(1);
    expect(codes(run.stdout)).toContain("invalid-utf8");
    expect(run.stdout).toContain(`--> ${path}:2:6`);
  });

  it("control characters in the source are never echoed raw", () => {
    const run = check(file("controls.promo", "scope s = \u0000\u001b[2J\u0007 true\n"));
    expect(run.status).toBe(1);
    expect(codes(run.stdout)).toContain("unexpected-character");
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it(
    "--json on garbage prints a JSON array",
    () => {
      const run = check(file("json-garbage.promo", randomText(99, 256 * 1024, 'ab1 \n"@$;()[]{}')), "--json");
      expect(run.status).toBe(1);
      const list = JSON.parse(run.stdout) as Array<{ code: string; span: { startLine: number; startColumn: number } }>;
      expect(Array.isArray(list)).toBe(true);
      expect(list.map((d) => d.code)).toContain("unexpected-character");
      for (const d of list) {
        expect(d.span.startLine).toBeGreaterThanOrEqual(1);
        expect(d.span.startColumn).toBeGreaterThanOrEqual(1);
      }
    },
    TEST_TIMEOUT,
  );

  it("--json on random bytes prints a JSON array", () => {
    const run = check(file("json-bytes.promo", randomBytes(1234, 64 * 1024)), "--json");
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as Array<{ code: string }>).map((d) => d.code)).toContain("invalid-utf8");
  });

  it("a missing file and a bad flag exit 2 with one line on stderr", () => {
    const missing = spawnPromo(["check", join(dir, "does-not-exist.promo")]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^promo: cannot read '.*does-not-exist\.promo': no such file or directory\n$/);
    const flag = spawnPromo(["check", "--frobnicate", join(dir, "empty.promo")]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toBe("promo: unknown option '--frobnicate' for 'promo check'\nrun 'promo check --help' for usage\n");
    for (const run of [missing, flag]) expect(run.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});
