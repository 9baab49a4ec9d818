import { applyLines } from "./benefits.js";
import type { Reason } from "./gates.js";
import type { Search } from "./search.js";
import type { Candidate, Step } from "./step.js";

/** Why an eligible promotion is not in the chosen combination (docs/language.md, Decisions). */
export function explainRejection(
  search: Search,
  c: Candidate,
  chosen: readonly Step[],
  pristine: readonly number[],
  states: PrefixSweep,
  contested: boolean,
): { reason: Reason; message: string } {
  const alone = search.apply(c, pristine, search.cart.shipping.price);
  if (!alone.step) return alone.failure!;
  const conflict = contested ? search.stacking.conflict(alone.step, chosen) : undefined;
  if (conflict) return conflict;
  // It would apply alone and breaks no rule: the state the chosen combination leaves just before its place.
  const state = states.before(c.rank);
  const inContext = search.apply(c, state.remaining, state.shippingLeft);
  if (!inContext.step) return { reason: inContext.failure!.reason, message: `after the discounts applied before it, ${inContext.failure!.message}` };
  return { reason: "not-best", message: "a combination without it saves the buyer more" };
}

/**
 * The line values and shipping left by the chosen steps that come before a place in application order. Places are
 * asked in increasing order (the eligible promotions are in application order), so one buffer is advanced over the
 * steps: a copy per step would cost steps × lines, which made long carts superlinear.
 */
export class PrefixSweep {
  readonly remaining: number[];
  shippingLeft: number;
  private taken = 0;
  private lastRank = -1;

  constructor(
    private readonly steps: readonly Step[],
    private readonly pristine: readonly number[],
    private readonly shipping: number,
  ) {
    this.remaining = pristine.slice();
    this.shippingLeft = shipping;
  }

  /** The state just before `rank`; valid until the next call. */
  before(rank: number): { readonly remaining: readonly number[]; readonly shippingLeft: number } {
    if (rank < this.lastRank) {
      // Out of order (not how the engine asks): start again from the undiscounted cart.
      for (let k = 0; k < this.remaining.length; k++) this.remaining[k] = this.pristine[k]!;
      this.shippingLeft = this.shipping;
      this.taken = 0;
    }
    this.lastRank = rank;
    while (this.taken < this.steps.length && this.steps[this.taken]!.candidate.rank < rank) {
      const result = this.steps[this.taken++]!.result;
      applyLines(this.remaining, result, -1);
      this.shippingLeft -= result.shipping;
    }
    return this;
  }
}
