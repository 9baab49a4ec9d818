import type { NormalizedCart } from "../cart/types.js";
import { applyLines, CartLines, computeBenefit } from "./benefits.js";
import { CombinationBound } from "./bounds.js";
import { CartConditionContext } from "./conditions.js";
import type { ProgramFacts } from "./facts.js";
import type { Program } from "./program.js";
import { Stacking } from "./stacking.js";
import { NO_LINES, NO_STORES, type Candidate, type Outcome, type Step } from "./step.js";

/**
 * The choice among one cart's eligible promotions: each applied where it stands (cached on the undiscounted cart),
 * the best-for-buyer branch and bound, and first-by-priority.
 */
export class Search {
  private steps = 0;
  readonly stacking: Stacking;

  constructor(
    private readonly program: Program,
    private readonly facts: ProgramFacts,
    readonly cart: NormalizedCart,
    private readonly eligible: readonly Candidate[],
    private readonly pristine: readonly number[],
    private readonly maxSteps: number,
  ) {
    this.stacking = new Stacking(program, eligible);
  }

  /** Each candidate applied to the undiscounted cart: the search, its bounds and the explanations all ask. */
  private readonly alone: (Outcome | undefined)[] = [];
  private lineCache: CartLines | undefined;

  private get lines(): CartLines {
    return (this.lineCache ??= new CartLines(this.cart, this.facts.scopeKeys));
  }

  /** Per candidate slot, its condition's outcome once known: null when it holds, else why not. */
  private readonly conditionOutcomes: (string | null | undefined)[] = [];

  /** The condition's outcome; evaluated once per cart when it does not read after-discount amounts. */
  private condition(c: Candidate, remaining: readonly number[]): string | undefined {
    const condition = c.spec.condition;
    if (!condition) return undefined;
    if (c.spec.conditionAfterDiscounts) return condition(new CartConditionContext(this.cart, c.coupon, remaining, this.lines));
    let outcome = this.conditionOutcomes[c.slot];
    if (outcome === undefined)
      this.conditionOutcomes[c.slot] = outcome = condition(new CartConditionContext(this.cart, c.coupon, remaining, this.lines)) ?? null;
    return outcome ?? undefined;
  }

  /** Applies `c` on top of `remaining`: undefined when its condition fails or it gives nothing there. */
  apply(c: Candidate, remaining: readonly number[], shippingLeft: number): Outcome {
    const undiscounted = remaining === this.pristine && shippingLeft === this.cart.shipping.price;
    if (undiscounted) {
      const known = this.alone[c.slot];
      if (known !== undefined) return known;
    }
    const outcome = this.applyAfresh(c, remaining, shippingLeft);
    if (undiscounted) this.alone[c.slot] = outcome;
    return outcome;
  }

  private applyAfresh(c: Candidate, remaining: readonly number[], shippingLeft: number): Outcome {
    const failure = this.condition(c, remaining);
    if (failure !== undefined) return { failure: { reason: "condition", message: failure } };
    const result = computeBenefit(c.spec.benefit, this.cart, remaining, shippingLeft, this.lines);
    if (result.amount + result.shipping <= 0) return { failure: { reason: "no-eligible-lines", message: "it has nothing to discount in this cart" } };
    if (!this.facts.perStore && !this.facts.perLine) return { step: { candidate: c, result, stores: NO_STORES, lines: NO_LINES } };
    const stores = new Set<string>();
    for (const i of result.indexes) stores.add(this.cart.lines[i]!.store);
    return { step: { candidate: c, result, stores, lines: result.indexes } };
  }

  /**
   * Exact branch and bound over the eligible promotions in application order. Only admissible combinations
   * count: a promotion that would apply at its place may be left out only when it conflicts with a promotion
   * of the combination (stacking rules decide between promotions; nothing is dropped for any other reason).
   * Include-first order makes the first-found of equal savings the one whose first differing promotion comes
   * earlier in application order.
   */
  bestForBuyer(pristine: readonly number[]): { steps: Step[]; optimal: boolean } {
    // A promotion that can conflict with no other candidate is never left out of an admissible combination,
    // so it gets no exclude branch: with few conflicts the search is close to one pass.
    const contested = this.stacking.contested();
    // Upper bounds for pruning: what each promotion gives on the undiscounted cart (in context it gives no
    // more). Only needed when there is a choice to make.
    const anyChoice = contested.some(Boolean);
    const bounds = this.eligible.map((c) => {
      if (!anyChoice) return Number.MAX_SAFE_INTEGER / (this.eligible.length + 1);
      // A condition that does not read discounted amounts fails everywhere if it fails here.
      if (!c.spec.conditionAfterDiscounts && this.condition(c, pristine) !== undefined) return 0;
      const r = computeBenefit(c.spec.benefit, this.cart, pristine, this.cart.shipping.price, this.lines);
      return r.amount + r.shipping;
    });
    const suffix = new Array<number>(bounds.length + 1).fill(0);
    for (let i = bounds.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + bounds[i]!;
    const ruleBound = anyChoice
      ? new CombinationBound(
          this.eligible.map((c) => c.spec),
          this.program.stacking,
          bounds,
        )
      : undefined;
    const pathSlots: number[] = [];
    // The line values after the path's promotions, changed in place as a promotion joins the path and restored as
    // it leaves: a step costs what it touches, not a copy of every line. With an empty path it equals `pristine`,
    // which is passed instead (what a promotion gives on the undiscounted cart is cached).
    const working = pristine.slice();
    let best: Step[] = [];
    let bestSaving = -1;
    let exhausted = false;
    const path: Step[] = [];
    /** Promotions left out although they would have applied where they stood; each must conflict in the end. */
    const skipped: Step[] = [];
    const admissible = () => skipped.every((s) => this.stacking.clashes(s, path));
    const visit = (i: number, remaining: readonly number[], shippingLeft: number, saving: number): void => {
      if (++this.steps > this.maxSteps) {
        exhausted = true;
        return;
      }
      if (i === this.eligible.length) {
        if (saving > bestSaving && admissible()) {
          bestSaving = saving;
          best = [...path];
        }
        return;
      }
      if (saving + suffix[i]! <= bestSaving) return;
      if (ruleBound?.useful && saving + ruleBound.upper(i, pathSlots) <= bestSaving) return;
      const { step } = this.apply(this.eligible[i]!, remaining, shippingLeft);
      const fits = step !== undefined && (!contested[i] || !this.stacking.clashes(step, path));
      if (fits) {
        path.push(step);
        pathSlots.push(i);
        // Nothing keeps the line values a visit is given after it returns.
        applyLines(working, step.result, -1);
        visit(i + 1, working, shippingLeft - step.result.shipping, saving + step.result.amount + step.result.shipping);
        applyLines(working, step.result, 1);
        path.pop();
        pathSlots.pop();
        if (exhausted || !contested[i]) return;
        skipped.push(step);
        visit(i + 1, remaining, shippingLeft, saving);
        skipped.pop();
        return;
      }
      visit(i + 1, remaining, shippingLeft, saving);
    };
    visit(0, pristine, this.cart.shipping.price, 0);
    if (exhausted && bestSaving < 0) return { steps: this.firstByPriority(pristine).steps, optimal: false };
    return { steps: best, optimal: !exhausted };
  }

  /** Takes each promotion in application order when it applies and fits with those already taken. */
  firstByPriority(pristine: readonly number[]): { steps: Step[]; optimal: boolean } {
    const taken: Step[] = [];
    // The undiscounted cart until a promotion is taken (what a promotion gives there is cached), then a copy.
    let remaining: readonly number[] = pristine;
    let working: number[] | undefined;
    let shippingLeft = this.cart.shipping.price;
    for (const c of this.eligible) {
      const { step } = this.apply(c, remaining, shippingLeft);
      if (!step || this.stacking.clashes(step, taken)) continue;
      taken.push(step);
      remaining = working ??= pristine.slice();
      applyLines(working, step.result, -1);
      shippingLeft -= step.result.shipping;
    }
    return { steps: taken, optimal: true };
  }
}
