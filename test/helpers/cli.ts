import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file's location (test/helpers/). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const promoBin = join(repoRoot, "packages", "cli", "bin", "promo.js");
const builtCli = join(repoRoot, "packages", "cli", "dist", "main.js");

/**
 * The real CLI needs the build (`packages/cli/dist`). The root `npm test` runs `npm run build` before vitest;
 * this only explains what is missing when the tests are run on their own without a build.
 */
export function requireBuild(): void {
  if (!existsSync(builtCli)) {
    throw new Error(`${builtCli} is missing: build first (npm run build, or npm run build --silent)`);
  }
}

export interface SpawnedRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started or was killed by the timeout. */
  error: Error | undefined;
}

/** Runs `node packages/cli/bin/promo.js <args>` from the repository root, without colour or debug output. */
export function spawnPromo(args: readonly string[], timeoutMs = 60_000): SpawnedRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["PROMO_DEBUG"];
  const result = spawnSync(process.execPath, [promoBin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 1024 * 1024 * 1024,
    env,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout ?? "", stderr: result.stderr ?? "", error: result.error };
}

/** A line of a JavaScript stack trace, e.g. `    at parse (/x/parser.js:10:5)`. */
export const STACK_TRACE_LINE = /^\s+at .+\(.*:\d+:\d+\)/m;
export const STACK_OVERFLOW = /RangeError|Maximum call stack/;
