import { describe, expect, it } from "vitest";
import { prng } from "../../../test/helpers/prng.js";
import { CombinationBound } from "../src/engine/bounds.js";
import type { PromotionSpec, StackingRule } from "../src/index.js";

/** The search's pruning bound never undercuts what a combination allowed by the stacking rules can still add. */
function spec(id: string, combinesWith: string[]): PromotionSpec {
  return { id, combinesWith: new Set(combinesWith) } as unknown as PromotionSpec;
}

/** Whether slot `p` may join `earlier` under per-order `rules`, as the engine decides it (max 1: combiners exempt). */
function fits(p: number, earlier: readonly number[], specs: readonly PromotionSpec[], rules: readonly StackingRule[]): boolean {
  const combines = (a: PromotionSpec, b: PromotionSpec) => a.combinesWith.has(b.id) || b.combinesWith.has(a.id);
  for (const rule of rules) {
    if (!rule.members.has(specs[p]!.id)) continue;
    const others = earlier.filter((o) => rule.members.has(specs[o]!.id) && !(rule.max === 1 && combines(specs[p]!, specs[o]!))).length;
    if (others + 1 > rule.max) return false;
  }
  return true;
}

describe("the combination bound", () => {
  it("is at least the best the remaining candidates can add, on random rules (brute force)", () => {
    const random = prng(41);
    const int = (n: number) => Math.floor(random() * n);
    for (let round = 0; round < 400; round++) {
      const n = 2 + int(8);
      const ids = Array.from({ length: n }, (_, i) => `p${i}`);
      const specs = ids.map((id) => spec(id, random() < 0.15 ? [ids[int(n)]!] : []));
      const rules: StackingRule[] = Array.from({ length: int(4) }, () => ({
        max: 1 + int(3),
        members: new Set(ids.filter(() => random() < 0.5)),
        per: random() < 0.8 ? "order" : "customer",
        text: "rule",
      }));
      const values = ids.map(() => int(1000));
      const bound = new CombinationBound(specs, rules, values);
      const from = int(n);
      // A feasible set of earlier slots, built the way the search builds its path.
      const taken: number[] = [];
      for (let slot = 0; slot < from; slot++) if (random() < 0.5 && fits(slot, taken, specs, rules)) taken.push(slot);
      let best = 0;
      for (let mask = 0; mask < 1 << (n - from); mask++) {
        const path = [...taken];
        let value = 0;
        let feasible = true;
        for (let k = 0; k < n - from && feasible; k++) {
          if (!(mask & (1 << k))) continue;
          const slot = from + k;
          feasible = fits(slot, path, specs, rules);
          path.push(slot);
          value += values[slot]!;
        }
        if (feasible) best = Math.max(best, value);
      }
      expect(bound.upper(from, taken), JSON.stringify({ rules: rules.map((r) => [r.max, [...r.members]]), values, from, taken })).toBeGreaterThanOrEqual(best);
    }
  });
});
