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
