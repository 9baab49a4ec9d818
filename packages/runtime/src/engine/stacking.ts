import type { Reason } from "./gates.js";
import type { Program, PromotionSpec, StackingRule } from "./program.js";
import type { Candidate, Step } from "./step.js";

/** Whether two promotions may be in one combination as far as `exclusive` and `combines with` go. */
function excluded(a: PromotionSpec, b: PromotionSpec): boolean {
  if (a.combinesWith.has(b.id) || b.combinesWith.has(a.id)) return false;
  const excludes = (x: PromotionSpec, y: PromotionSpec) => x.exclusiveWith === "all" || (x.exclusiveWith !== null && x.exclusiveWith.has(y.id));
  return excludes(a, b) || excludes(b, a);
}

function combines(a: PromotionSpec, b: PromotionSpec): boolean {
  return a.combinesWith.has(b.id) || b.combinesWith.has(a.id);
}

/**
 * The stacking rules and exclusivities among one cart's eligible promotions: whether a step fits next to others
 * (the search asks at every node, so without words), the first rule it breaks (explanations, in words), and which
 * promotions any rule could set against another at all.
 */
export class Stacking {
  private contestedFlags: boolean[] | undefined;

  constructor(
    private readonly program: Program,
    private readonly eligible: readonly Candidate[],
  ) {}

  /** The first rule or exclusivity that `step` breaks next to `taken`, in words; undefined when it fits. */
  conflict(step: Step, taken: readonly Step[]): { reason: Reason; message: string } | undefined {
    const p = step.candidate.spec;
    for (const other of taken) {
      if (excluded(p, other.candidate.spec)) return { reason: "not-combinable", message: `it does not combine with ${other.candidate.spec.id}` };
    }
    for (const rule of this.rulesOf(step.candidate)) {
      const key = this.clashAt(rule, step, taken);
      if (key === undefined) continue;
      const reason: Reason = rule.per === "line" ? "not-best" : "not-combinable";
      const others = taken.filter((other) => this.counts(rule, p, other) && this.holds(rule, other, key));
      return { reason, message: `${rule.text}: ${others.map((o) => o.candidate.spec.id).join(", ")} already applies` };
    }
    return undefined;
  }

  /** conflict() without the words, for the search: whether `step` breaks a rule or an exclusivity next to `taken`. */
  clashes(step: Step, taken: readonly Step[]): boolean {
    const p = step.candidate.spec;
    for (const other of taken) if (excluded(p, other.candidate.spec)) return true;
    for (const rule of this.rulesOf(step.candidate)) if (this.clashAt(rule, step, taken) !== undefined) return true;
    return false;
  }

  private rulesBySlot: (readonly StackingRule[])[] | undefined;

  /** The stacking rules a candidate is a member of. */
  private rulesOf(c: Candidate): readonly StackingRule[] {
    const stacking = this.program.stacking;
    if (c.slot < 0) return stacking.filter((rule) => rule.members.has(c.spec.id));
    this.rulesBySlot ??= this.eligible.map((e) => stacking.filter((rule) => rule.members.has(e.spec.id)));
    return this.rulesBySlot[c.slot]!;
  }

  /** Whether `other` counts against `rule` next to `p` (with max 1, one that combines with `p` does not). */
  private counts(rule: StackingRule, p: PromotionSpec, other: Step): boolean {
    return rule.members.has(other.candidate.spec.id) && !(rule.max === 1 && combines(p, other.candidate.spec));
  }

  /** Whether `other` is counted under `key`: the order (null), a store or a line index. */
  private holds(rule: StackingRule, other: Step, key: string | number | null): boolean {
    if (rule.per === "order" || rule.per === "customer") return true;
    return rule.per === "store" ? other.stores.has(key as string) : other.lines.includes(key as number);
  }

  /**
   * Where `step` would break `rule` next to `taken`: null for the order, the first store (or line index) it
   * touches in which the count would exceed the rule's max; undefined when it fits.
   */
  private clashAt(rule: StackingRule, step: Step, taken: readonly Step[]): string | number | null | undefined {
    const p = step.candidate.spec;
    // Loops written out per kind of count: the search asks this at every node, and iterators would allocate.
    if (rule.per === "order" || rule.per === "customer") {
      let others = 0;
      for (let k = 0; k < taken.length; k++) if (this.counts(rule, p, taken[k]!)) others++;
      return others + 1 > rule.max ? null : undefined;
    }
    if (rule.per === "store") {
      for (const store of step.stores) {
        let others = 0;
        for (let k = 0; k < taken.length; k++) if (this.counts(rule, p, taken[k]!) && taken[k]!.stores.has(store)) others++;
        if (others + 1 > rule.max) return store;
      }
      return undefined;
    }
    for (let j = 0; j < step.lines.length; j++) {
      const line = step.lines[j]!;
      let others = 0;
      for (let k = 0; k < taken.length; k++) if (this.counts(rule, p, taken[k]!) && taken[k]!.lines.includes(line)) others++;
      if (others + 1 > rule.max) return line;
    }
    return undefined;
  }

  /**
   * For each eligible promotion, whether a stacking rule or an exclusivity could set it against another eligible
   * one. Computed per rule and per exclusivity, in linear time; it may say "contested" more often than needed,
   * which only costs search steps, never a wrong answer.
   */
  contested(): boolean[] {
    return (this.contestedFlags ??= this.findContested());
  }

  private findContested(): boolean[] {
    const index = new Map(this.eligible.map((c, i) => [c.spec.id, i]));
    const contested = new Array<boolean>(this.eligible.length).fill(false);
    for (const rule of this.program.stacking) {
      const members: number[] = [];
      for (const id of rule.members) {
        const i = index.get(id);
        if (i !== undefined) members.push(i);
      }
      if (members.length > 1) for (const i of members) contested[i] = true;
    }
    const exclusiveAll = this.eligible.some((c) => c.spec.exclusiveWith === "all");
    this.eligible.forEach((c, i) => {
      const ex = c.spec.exclusiveWith;
      if (ex === null) return;
      if (ex === "all") {
        if (this.eligible.length > 1) contested[i] = true;
        return;
      }
      for (const id of ex) {
        const j = index.get(id);
        if (j !== undefined && j !== i) contested[i] = contested[j] = true;
      }
    });
    if (exclusiveAll && this.eligible.length > 1) contested.fill(true);
    return contested;
  }
}
