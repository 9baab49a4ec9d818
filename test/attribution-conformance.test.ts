import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { RefAttributionRules, RefJourneyEvent, RefOrder } from "../packages/reference/src/attribution.js";
import { bothEvaluators, bundleOf, summarize, type AttributeFn } from "./helpers/attribution.js";

/**
 * Attribution conformance: `test/conformance/attribution/*.yaml`, rules as data and cases (an order, a journey,
 * the expected lines or error paths) computed by hand from docs/language.md. Every case runs against the runtime
 * evaluator and the reference; both must agree exactly and match the expectation. Instants are ISO strings.
 * A suite may name a rule file (`compiled`) declaring the same rules: then every case that keeps the suite's rules
 * also runs against that file's compiled bundle (`promo compile`), whose `attribute` must agree as well.
 */
interface Case {
  name: string;
  rules?: Record<string, unknown>;
  order: { paidAt: string; lines: RefOrder["lines"] };
  journey: (Omit<RefJourneyEvent, "at"> & { at: string })[];
  expect?: Record<string, unknown>[];
  errors?: { path: string }[];
}
interface Suite {
  description: string;
  compiled?: string;
  rules: Record<string, unknown>;
  cases: Case[];
}

const ms = (iso: unknown): number => {
  const t = Date.parse(String(iso));
  if (Number.isNaN(t)) throw new Error(`not an ISO instant: ${String(iso)}`);
  return t;
};
const span = (w: { from: unknown; to: unknown }) => ({ ...w, from: ms(w.from), to: ms(w.to) });

function readRules(raw: Record<string, unknown>): RefAttributionRules {
  const r = raw as unknown as RefAttributionRules;
  return {
    ...r,
    windows: r.windows.map((w) => span(w)),
    salePeriod: r.salePeriod && span(r.salePeriod),
    premium: r.premium && span(r.premium),
  };
}

const root = join(import.meta.dirname, "conformance", "attribution");
const files = readdirSync(root)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe.each(files)("%s", (file) => {
  const suite = parseYaml(readFileSync(join(root, file), "utf8")) as Suite;
  let bundle: AttributeFn | undefined;
  beforeAll(async () => {
    if (suite.compiled) bundle = await bundleOf(join(import.meta.dirname, "..", suite.compiled));
  }, 60_000);
  it.each(suite.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const rules = readRules({ ...suite.rules, ...c.rules });
    const order: RefOrder = { paidAt: ms(c.order.paidAt), lines: c.order.lines };
    const journey = c.journey.map((e) => ({ ...e, at: ms(e.at) }));
    const { runtime, reference } = bothEvaluators(rules, order, journey);
    expect(runtime, "runtime and reference agree").toEqual(reference);
    if (suite.compiled && c.rules === undefined) expect(summarize(bundle!(order, journey)), "compiled bundle and reference agree").toEqual(reference);
    if (c.errors) {
      expect(reference.ok).toBe(false);
      expect(reference.errors).toEqual(c.errors.map((e) => e.path).sort());
      return;
    }
    expect(reference.ok).toBe(true);
    const ids = journey.map((e) => e.id);
    expect(reference.lines.length).toBe(c.expect!.length);
    c.expect!.forEach((want, i) => {
      const got = reference.lines[i]!;
      const { lost, ...rest } = got;
      expect(rest).toEqual(want);
      // Every other touchpoint is listed as a loser, exactly once.
      expect(lost).toEqual(ids.filter((id) => id !== want.event).sort());
    });
  });
});
