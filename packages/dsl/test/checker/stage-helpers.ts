import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { CHECK_STAGES, runStages, type CheckedProject, type CheckOptions } from "../../src/checker/checker.js";
import { parseSource } from "../../src/parser/parse.js";

/** Helpers for the tests of each checker stage: run the stages up to (or just before) one of them. */

const corpus = join(import.meta.dirname, "..", "..", "..", "..", "test", "invalid");

export function corpusFile(name: string): string {
  return readFileSync(join(corpus, name), "utf8");
}

function indexOf(stage: string): number {
  const i = CHECK_STAGES.findIndex((s) => s.name === stage);
  expect(i, `a stage named ${stage}`).toBeGreaterThanOrEqual(0);
  return i;
}

/** The project after the stages before `stage` and, with `including`, `stage` itself. */
export function runUpTo(stage: string, text: string, { including = true, ...options }: CheckOptions & { including?: boolean } = {}): CheckedProject {
  const end = indexOf(stage) + (including ? 1 : 0);
  return runStages(CHECK_STAGES.slice(0, end), [parseSource("p.promo", text)], options);
}

export function codes(project: CheckedProject): string[] {
  return project.diagnostics.map((d) => d.code);
}

/** The stage reports `code` on `text`, and the stages before it do not. */
export function expectStageReports(stage: string, text: string, code: string, options: CheckOptions = {}): void {
  expect(codes(runUpTo(stage, text, { ...options, including: false }))).not.toContain(code);
  expect(codes(runUpTo(stage, text, options))).toContain(code);
}
