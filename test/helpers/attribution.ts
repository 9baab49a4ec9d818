import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { compile } from "../../packages/dsl/src/compiler/compile.js";
import { memoryHost } from "../../packages/dsl/src/project/host.js";
import { attribute } from "../../packages/runtime/src/attribution/evaluate.js";
import { referenceAttribute } from "../../packages/reference/src/attribution.js";
import type { RefAttributionRules, RefJourneyEvent, RefOrder } from "../../packages/reference/src/attribution.js";

export interface Summary {
  ok: boolean;
  errors: string[];
  lines: Record<string, unknown>[];
}

/** What both evaluators must agree on: errors by path, and per line everything but the loss reasons' wording. */
export function summarize(out: { ok: boolean; errors?: { path: string }[]; lines?: Record<string, unknown>[] }): Summary {
  return {
    ok: out.ok,
    errors: (out.errors ?? []).map((e) => e.path).sort(),
    lines: (out.lines ?? []).map((l) => {
      const { losers, ...rest } = l as { losers: { event: string }[] } & Record<string, unknown>;
      const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return { ...clean, lost: losers.map((x) => x.event).sort() };
    }),
  };
}

export function bothEvaluators(rules: RefAttributionRules, order: RefOrder, journey: RefJourneyEvent[]): { runtime: Summary; reference: Summary } {
  return {
    runtime: summarize(attribute(rules, order, journey)),
    reference: summarize(referenceAttribute(rules, order, journey)),
  };
}

export type AttributeFn = (
  order: unknown,
  journey: unknown,
  options?: { explain?: boolean },
) => {
  ok: boolean;
  errors: { path: string; message: string }[];
  lines: Record<string, unknown>[];
  steps: number;
};

/**
 * The `attribute` export of the real bundle `promo compile` writes for a rule file (needs the build: the bundle
 * links the built runtime).
 */
export async function bundleOf(ruleFile: string): Promise<AttributeFn> {
  const repo = join(import.meta.dirname, "..", "..");
  const path = relative(repo, ruleFile);
  const result = await compile([path], { host: memoryHost({ [path]: readFileSync(ruleFile, "utf8") }) });
  if (result.code === "") throw new Error(`${path} does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  const file = join(mkdtempSync(join(tmpdir(), "promo-attribution-")), "bundle.mjs");
  writeFileSync(file, result.code);
  return ((await import(pathToFileURL(file).href)) as { attribute: AttributeFn }).attribute;
}
