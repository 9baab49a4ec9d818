import type { PromotionSpec, StackingRule } from "./program.js";

/**
 * An upper bound on what the candidates from a position on can still add to a combination, for pruning the
 * best-for-buyer search. Each candidate is worth at most its value on the undiscounted cart; on top of that, the
 * per-order stacking rules limit how many of them a combination can take:
 *
 * - a rule `at most 1 of G per order` whose members are pairwise not `combines with` each other lets at most one
 *   member of G in: such groups, when disjoint, count as one item worth their best member (nothing once a member
 *   is taken);
 * - any per-order rule `at most K of R` lets at most K − (members already taken) of its members in: the items
 *   wholly inside R count for it, and only its best K − taken of them do.
 *
 * The bound is the least of these sums. Rules per store or per line, and exclusivity, are left out: leaving a
 * constraint out only makes the bound larger, so it stays a bound, and the search stays exact.
 */
export class CombinationBound {
  /** Per slot, its group (an index into `groupSlots`), or -1. */
  private readonly groupOf: number[];
  private readonly groupSlots: number[][] = [];
  /** Per counting rule: its max, and whether each slot is a member / each group lies wholly inside it. */
  private readonly rules: { max: number; memberSlot: number[]; insideGroup: number[] }[] = [];
  /** Scratch buffers, reused by every call (plain arrays: cheaper to make per cart than typed ones). */
  private readonly itemValue: number[];
  private readonly itemGroup: number[];
  private readonly itemSlot: number[];
  private readonly members: number[];
  private readonly top: number[];
  private readonly groupBest: number[];
  private readonly groupClosed: number[];

  constructor(
    specs: readonly PromotionSpec[],
    stacking: readonly StackingRule[],
    private readonly values: readonly number[],
  ) {
    const n = specs.length;
    const slotOf = new Map(specs.map((spec, slot) => [spec.id, slot]));
    this.groupOf = new Array<number>(n).fill(-1);
    const perOrder = stacking.filter((rule) => rule.per === "order" || rule.per === "customer");
    const counting: StackingRule[] = [];
    for (const rule of perOrder) {
      const slots = [...rule.members].map((id) => slotOf.get(id)).filter((slot): slot is number => slot !== undefined);
      // With max 1, a member that combines with another is exempt from the count: the rule says less then.
      if (rule.max === 1 && slots.some((a) => slots.some((b) => a !== b && combinesWith(specs[a]!, specs[b]!)))) continue;
      counting.push(rule);
      if (rule.max === 1 && slots.length > 1 && slots.every((slot) => this.groupOf[slot] === -1)) {
        for (const slot of slots) this.groupOf[slot] = this.groupSlots.length;
        this.groupSlots.push(slots);
      }
    }
    for (const rule of counting) {
      const memberSlot = new Array<number>(n).fill(0);
      specs.forEach((spec, slot) => (memberSlot[slot] = rule.members.has(spec.id) ? 1 : 0));
      const insideGroup = new Array<number>(this.groupSlots.length).fill(0);
      this.groupSlots.forEach((slots, g) => (insideGroup[g] = slots.every((slot) => memberSlot[slot] === 1) ? 1 : 0));
      this.rules.push({ max: rule.max, memberSlot, insideGroup });
    }
    this.itemValue = new Array<number>(n).fill(0);
    this.itemGroup = new Array<number>(n).fill(0);
    this.itemSlot = new Array<number>(n).fill(0);
    this.groupBest = new Array<number>(this.groupSlots.length).fill(0);
    this.groupClosed = new Array<number>(this.groupSlots.length).fill(0);
    this.top = new Array<number>(n).fill(0);
    this.members = new Array<number>(n).fill(0);
  }

  /** Whether any rule narrows the plain sum; without one the caller's suffix sums are as good. */
  get useful(): boolean {
    return this.rules.length > 0;
  }

  /** The bound for slots `from` … n − 1, given the slots already taken. */
  upper(from: number, taken: readonly number[]): number {
    const n = this.values.length;
    const groupCount = this.groupSlots.length;
    // Items: open groups (no member taken yet) worth their best remaining member, and ungrouped slots.
    const { groupBest, groupClosed, itemGroup, itemSlot } = this;
    groupBest.fill(0);
    groupClosed.fill(0);
    for (const slot of taken) if (this.groupOf[slot]! >= 0) groupClosed[this.groupOf[slot]!] = 1;
    let items = 0;
    for (let slot = from; slot < n; slot++) {
      const g = this.groupOf[slot]!;
      if (g >= 0) {
        if (!groupClosed[g] && this.values[slot]! > groupBest[g]!) groupBest[g] = this.values[slot]!;
        continue;
      }
      this.itemValue[items] = this.values[slot]!;
      itemGroup[items] = -1;
      itemSlot[items] = slot;
      items++;
    }
    for (let g = 0; g < groupCount; g++) {
      if (groupClosed[g] || groupBest[g] === 0) continue;
      this.itemValue[items] = groupBest[g]!;
      itemGroup[items] = g;
      itemSlot[items] = -1;
      items++;
    }
    let total = 0;
    for (let k = 0; k < items; k++) total += this.itemValue[k]!;
    let best = total;
    for (const rule of this.rules) {
      let takenOfRule = 0;
      for (const slot of taken) takenOfRule += rule.memberSlot[slot]!;
      const room = Math.max(0, rule.max - takenOfRule);
      let outside = 0;
      let count = 0;
      for (let k = 0; k < items; k++) {
        const inside = itemGroup[k]! >= 0 ? rule.insideGroup[itemGroup[k]!]! : rule.memberSlot[itemSlot[k]!]!;
        if (inside) this.members[count++] = this.itemValue[k]!;
        else outside += this.itemValue[k]!;
      }
      let bound = outside;
      if (count <= room) {
        for (let k = 0; k < count; k++) bound += this.members[k]!;
      } else {
        bound += sumOfLargest(this.members, count, room, this.top);
      }
      if (bound < best) best = bound;
    }
    return best;
  }
}

/** The sum of the `k` largest of `values[0 … count)`, kept in `top` (descending) by insertion: k is small. */
function sumOfLargest(values: number[], count: number, k: number, top: number[]): number {
  let size = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (size === k && v <= top[k - 1]!) continue;
    let at = size < k ? size++ : k - 1;
    while (at > 0 && top[at - 1]! < v) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = v;
  }
  let sum = 0;
  for (let i = 0; i < size; i++) sum += top[i]!;
  return sum;
}

function combinesWith(a: PromotionSpec, b: PromotionSpec): boolean {
  return a.combinesWith.has(b.id) || b.combinesWith.has(a.id);
}
