import type { NormalizedCart, NormalizedCoupon } from "../cart/types.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { minorFormatter } from "../money/amount.js";
import { CartLines, computeBenefit, type BenefitResult } from "./benefits.js";
import { CombinationBound } from "./bounds.js";
import { CandidateIndex } from "./candidates.js";
import { CartConditionContext } from "./conditions.js";
import { missingDataGate, staticGate, type Reason } from "./gates.js";
import { limitGate, reservationsFor, type Reservation, type Usage } from "./limits.js";
import type { Program, PromotionSpec, StackingRule } from "./program.js";
import { attachPricingContext } from "../settlement/index.js";
import type { Settlement } from "../settlement/settle.js";

export interface EvaluateOptions {
  /** Search nodes before the best combination falls back to the best found so far (`optimal: false`). */
  maxSearchSteps?: number;
  /** Current use of usage limits by limit key (limits.ts); absent: nothing used yet. */
  usage?: Usage;
}

export interface LineAmount {
  line: string;
  amount: string;
}

export interface AppliedPromotion {
  id: string;
  title: string;
  kind: string;
  amount: string;
  lines: LineAmount[];
  shipping?: string;
  coins?: number;
  /** For a promotion with usage limits: what redeeming it takes from each (see @promo/ledger). */
  reservations?: Reservation[];
}

export interface RejectedPromotion {
  id: string;
  reason: Reason;
  message: string;
  source: { file: string; line: number; column: number };
}

export interface PricingResult {
  currency: string;
  subtotal: string;
  discount: string;
  coins: { used: number; amount: string; earned: number };
  shipping: string;
  total: string;
  optimal: boolean;
  applied: AppliedPromotion[];
  rejected: RejectedPromotion[];
  lines: { id: string; subtotal: string; discount: string; total: string }[];
  /**
   * Who funded each discount, each store's figures, commission and seller net (docs/language.md, Settlement):
   * a non-enumerable getter, computed the first time it is read; not part of the result's JSON.
   */
  readonly settlement?: Settlement;
}

const DEFAULT_MAX_STEPS = 100_000;

/** What pricing needs of a program beyond its promotions, worked out once per program. */
interface ProgramFacts {
  index: CandidateIndex;
  /** Whether a stacking rule counts per store or per line (only then does a step list its stores and lines). */
  perStore: boolean;
  perLine: boolean;
}

const programFacts = new WeakMap<Program, ProgramFacts>();

function factsOf(program: Program): ProgramFacts {
  let facts = programFacts.get(program);
  if (!facts) {
    facts = {
      index: new CandidateIndex(program),
      perStore: program.stacking.some((rule) => rule.per === "store"),
      perLine: program.stacking.some((rule) => rule.per === "line"),
    };
    programFacts.set(program, facts);
  }
  return facts;
}

interface Candidate {
  spec: PromotionSpec;
  rank: number;
  /** Its position among the eligible candidates. */
  slot: number;
  coupon: NormalizedCoupon | null;
}

interface Step {
  candidate: Candidate;
  result: BenefitResult;
  /** The stores and line indexes it discounts; empty unless a per-store or per-line stacking rule needs them. */
  stores: ReadonlySet<string>;
  lines: readonly number[];
}

const NO_STORES: ReadonlySet<string> = new Set();
const NO_LINES: readonly number[] = [];

type Outcome = { step?: Step; failure?: { reason: Reason; message: string } };

/** Prices a validated, normalised cart under a program. Pure: the same cart and program give the same result. */
export function evaluateProgram(program: Program, cart: NormalizedCart, options: EvaluateOptions = {}): PricingResult {
  const facts = factsOf(program);
  const rejected = new Map<number, { reason: Reason; message: string }>();
  const eligible: Candidate[] = [];
  const coinsCandidates: Candidate[] = [];

  for (const rank of facts.index.candidates(cart)) {
    let spec = program.promotions[rank]!;
    const coupon = spec.code === null ? null : (cart.coupons.get(spec.code) ?? null);
    let gate = staticGate(spec, cart, coupon);
    if (!gate && spec.limits.length > 0) ({ gate, spec } = limitGate(spec, cart, options.usage));
    if (!gate && spec.reads !== undefined && spec.reads.length > 0) gate = missingDataGate(spec, cart);
    if (gate) rejected.set(rank, gate);
    else if (spec.kind === "coins") coinsCandidates.push({ spec, rank, slot: -1, coupon });
    else eligible.push({ spec, rank, slot: eligible.length, coupon });
  }

  const pristine = cart.lines.map((l) => l.subtotal);
  const search = new Search(program, facts, cart, eligible, pristine, options.maxSearchSteps ?? DEFAULT_MAX_STEPS);
  const chosen = program.selection === "first-by-priority" ? search.firstByPriority(pristine) : search.bestForBuyer(pristine);

  const remaining = [...pristine];
  let shippingLeft = cart.shipping.price;
  for (const step of chosen.steps) {
    step.result.lines.forEach((a, i) => (remaining[i]! -= a));
    shippingLeft -= step.result.shipping;
  }
  const chosenRanks = new Set(chosen.steps.map((s) => s.candidate.rank));
  const states = new PrefixSweep(chosen.steps, pristine, cart.shipping.price);
  const contested = search.contested();
  eligible.forEach((candidate, i) => {
    if (!chosenRanks.has(candidate.rank)) rejected.set(candidate.rank, search.explainRejection(candidate, chosen.steps, pristine, states, contested[i]!));
  });

  // Every coins promotion, in application order, on what the ones before it left (docs/language.md, Coins).
  const coinSteps: CoinStep[] = [];
  const coins = { used: 0, amount: 0 };
  const lineValues = new CartLines(cart);
  for (const candidate of coinsCandidates) {
    const step = priceCoins(candidate, cart, remaining, coins.used, rejected, lineValues);
    if (!step) continue;
    coinSteps.push(step);
    coins.used += step.used;
    coins.amount += step.amount;
    step.lines.forEach((a, i) => (remaining[i]! -= a));
  }
  const currency = cart.currency;
  const money = minorFormatter(currency);
  const subtotal = pristine.reduce((a, b) => a + b, 0);
  const discount = chosen.steps.reduce((a, s) => a + s.result.amount, 0);
  const paidForItems = subtotal - discount - coins.amount;
  const earned = earnedCoins(program, cart, remaining, paidForItems);

  const applied: AppliedPromotion[] = chosen.steps.map((s) => {
    const entry: AppliedPromotion = {
      id: s.candidate.spec.id,
      title: s.candidate.spec.title,
      kind: s.candidate.spec.kind,
      amount: money(s.result.amount + s.result.shipping),
      lines: lineAmounts(s.result.lines, cart, money),
    };
    if (s.result.shipping > 0) entry.shipping = money(s.result.shipping);
    if (s.candidate.spec.limits.length > 0) entry.reservations = reservationsFor(s.candidate.spec, cart, s.result.lines, s.result.shipping, null);
    return entry;
  });
  for (const { candidate, used, amount } of coinSteps) {
    applied.push({ id: candidate.spec.id, title: candidate.spec.title, kind: "coins", amount: money(amount), lines: [], coins: used });
    if (candidate.spec.limits.length > 0) applied[applied.length - 1]!.reservations = reservationsFor(candidate.spec, cart, null, 0, { used, amount });
  }
  const rejectedList: RejectedPromotion[] = [...rejected.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rank, r]) => ({ id: program.promotions[rank]!.id, reason: r.reason, message: r.message, source: program.promotions[rank]!.source }));

  const result: PricingResult = {
    currency,
    subtotal: money(subtotal),
    discount: money(discount),
    coins: { used: coins.used, amount: money(coins.amount), earned },
    shipping: money(shippingLeft),
    total: money(subtotal - discount - coins.amount + shippingLeft),
    optimal: chosen.optimal,
    applied,
    rejected: rejectedList,
    lines: cart.lines.map((line, i) => ({
      id: line.id,
      subtotal: money(line.subtotal),
      discount: money(line.subtotal - (remaining[i]! + coinShare(coinSteps, i))),
      total: money(remaining[i]! + coinShare(coinSteps, i)),
    })),
  };
  attachPricingContext(result, { program, cart, steps: chosen.steps, coins: coinSteps });
  return result;
}

function lineAmounts(amounts: readonly number[], cart: NormalizedCart, money: (minor: number) => string): LineAmount[] {
  const out: LineAmount[] = [];
  for (let i = 0; i < amounts.length; i++) if (amounts[i]! > 0) out.push({ line: cart.lines[i]!.id, amount: money(amounts[i]!) });
  return out;
}

/** Whether two promotions may be in one combination as far as `exclusive` and `combines with` go. */
function excluded(a: PromotionSpec, b: PromotionSpec): boolean {
  if (a.combinesWith.has(b.id) || b.combinesWith.has(a.id)) return false;
  const excludes = (x: PromotionSpec, y: PromotionSpec) => x.exclusiveWith === "all" || (x.exclusiveWith !== null && x.exclusiveWith.has(y.id));
  return excludes(a, b) || excludes(b, a);
}

function combines(a: PromotionSpec, b: PromotionSpec): boolean {
  return a.combinesWith.has(b.id) || b.combinesWith.has(a.id);
}

class Search {
  private steps = 0;

  constructor(
    private readonly program: Program,
    private readonly facts: ProgramFacts,
    private readonly cart: NormalizedCart,
    private readonly eligible: readonly Candidate[],
    private readonly pristine: readonly number[],
    private readonly maxSteps: number,
  ) {}

  /** Each candidate applied to the undiscounted cart: the search, its bounds and the explanations all ask. */
  private readonly alone: (Outcome | undefined)[] = [];
  private lineCache: CartLines | undefined;

  private get lines(): CartLines {
    return (this.lineCache ??= new CartLines(this.cart));
  }
  private contestedFlags: boolean[] | undefined;

  private readonly conditionOutcomes = new Map<number, string | undefined>();

  /** The condition's outcome; evaluated once per cart when it does not read after-discount amounts. */
  private condition(c: Candidate, remaining: readonly number[]): string | undefined {
    const condition = c.spec.condition;
    if (!condition) return undefined;
    if (c.spec.conditionAfterDiscounts) return condition(new CartConditionContext(this.cart, c.coupon, remaining, this.lines));
    if (!this.conditionOutcomes.has(c.rank))
      this.conditionOutcomes.set(c.rank, condition(new CartConditionContext(this.cart, c.coupon, remaining, this.lines)));
    return this.conditionOutcomes.get(c.rank);
  }

  /** Applies `c` on top of `remaining`: undefined when its condition fails or it gives nothing there. */
  private apply(c: Candidate, remaining: readonly number[], shippingLeft: number): Outcome {
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
    const lines: number[] = [];
    const stores = new Set<string>();
    result.lines.forEach((a, i) => {
      if (a > 0) {
        lines.push(i);
        stores.add(this.cart.lines[i]!.store);
      }
    });
    return { step: { candidate: c, result, stores, lines } };
  }

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
  private clashes(step: Step, taken: readonly Step[]): boolean {
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
   * Exact branch and bound over the eligible promotions in application order. Only admissible combinations
   * count: a promotion that would apply at its place may be left out only when it conflicts with a promotion
   * of the combination (stacking rules decide between promotions; nothing is dropped for any other reason).
   * Include-first order makes the first-found of equal savings the one whose first differing promotion comes
   * earlier in application order.
   */
  bestForBuyer(pristine: readonly number[]): { steps: Step[]; optimal: boolean } {
    // A promotion that can conflict with no other candidate is never left out of an admissible combination,
    // so it gets no exclude branch: with few conflicts the search is close to one pass.
    const contested = this.contested();
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
    const buffers: number[][] = [];
    let best: Step[] = [];
    let bestSaving = -1;
    let exhausted = false;
    const path: Step[] = [];
    /** Promotions left out although they would have applied where they stood; each must conflict in the end. */
    const skipped: Step[] = [];
    const admissible = () => skipped.every((s) => this.clashes(s, path));
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
      const fits = step !== undefined && (!contested[i] || !this.clashes(step, path));
      if (fits) {
        path.push(step);
        pathSlots.push(i);
        // One buffer per depth, reused: nothing keeps a state's line values after the visit below returns.
        const next = (buffers[path.length] ??= new Array<number>(remaining.length));
        for (let k = 0; k < remaining.length; k++) next[k] = remaining[k]! - step.result.lines[k]!;
        visit(i + 1, next, shippingLeft - step.result.shipping, saving + step.result.amount + step.result.shipping);
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

  /** Takes each promotion in application order when it applies and fits with those already taken. */
  firstByPriority(pristine: readonly number[]): { steps: Step[]; optimal: boolean } {
    const taken: Step[] = [];
    let remaining = pristine;
    let shippingLeft = this.cart.shipping.price;
    for (const c of this.eligible) {
      const { step } = this.apply(c, remaining, shippingLeft);
      if (!step || this.clashes(step, taken)) continue;
      taken.push(step);
      remaining = remaining.map((v, k) => v - step.result.lines[k]!);
      shippingLeft -= step.result.shipping;
    }
    return { steps: taken, optimal: true };
  }

  /** Why an eligible promotion is not in the chosen combination. */
  explainRejection(
    c: Candidate,
    chosen: readonly Step[],
    pristine: readonly number[],
    states: PrefixSweep,
    contested: boolean,
  ): { reason: Reason; message: string } {
    const alone = this.apply(c, pristine, this.cart.shipping.price);
    if (!alone.step) return alone.failure!;
    const conflict = contested ? this.conflict(alone.step, chosen) : undefined;
    if (conflict) return conflict;
    // It would apply alone and breaks no rule: the state the chosen combination leaves just before its place.
    const state = states.before(c.rank);
    const inContext = this.apply(c, state.remaining, state.shippingLeft);
    if (!inContext.step) return { reason: inContext.failure!.reason, message: `after the discounts applied before it, ${inContext.failure!.message}` };
    return { reason: "not-best", message: "a combination without it saves the buyer more" };
  }
}

/**
 * The line values and shipping left by the chosen steps that come before a place in application order. Places are
 * asked in increasing order (the eligible promotions are in application order), so one buffer is advanced over the
 * steps: a copy per step would cost steps × lines, which made long carts superlinear.
 */
class PrefixSweep {
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
      for (let k = 0; k < this.remaining.length; k++) this.remaining[k]! -= result.lines[k]!;
      this.shippingLeft -= result.shipping;
    }
    return this;
  }
}

/** One applied coins promotion: the coins it used, their value and that value's share of each line. */
interface CoinStep {
  candidate: Candidate;
  used: number;
  amount: number;
  lines: number[];
}

function coinShare(steps: readonly CoinStep[], line: number): number {
  let share = 0;
  for (const step of steps) share += step.lines[line]!;
  return share;
}

/**
 * One coins promotion on top of the promotions and the coins promotions before it: `remaining` is what each line
 * has left to pay, `usedBefore` the coins those earlier coins promotions took from the balance.
 */
function priceCoins(
  candidate: Candidate,
  cart: NormalizedCart,
  remaining: readonly number[],
  usedBefore: number,
  rejected: Map<number, { reason: Reason; message: string }>,
  lines: CartLines,
): CoinStep | undefined {
  const { spec } = candidate;
  const benefit = spec.benefit;
  if (benefit.type !== "coins") return undefined;
  const reject = (reason: Reason, message: string) => {
    rejected.set(candidate.rank, { reason, message });
    return undefined;
  };
  if (!cart.useCoins) return reject("condition", "the cart does not ask to use coins");
  const failure = spec.condition?.(new CartConditionContext(cart, candidate.coupon, remaining));
  if (failure !== undefined) return reject("condition", failure);
  const itemsTotal = remaining.reduce((a, b) => a + b, 0);
  const eligible = lines.matching(benefit.scope);
  let eligibleValue = 0;
  for (const i of eligible) eligibleValue += remaining[i]!;
  const base = itemsTotal + (benefit.capBase === "order and shipping" ? cart.shipping.price : 0);
  const cap = benefit.cap === null ? Infinity : Math.floor((base * benefit.cap.numerator) / benefit.cap.denominator);
  const balance = cart.customer.coins - usedBefore;
  const balanceValue = Math.floor((balance * benefit.per) / benefit.coins);
  const limit = Math.min(cap, eligibleValue, balanceValue);
  // Whole coins worth whole minor units: C coins per AMOUNT go in steps of C / gcd(C, AMOUNT), so no coin is
  // taken for a fraction of a minor unit (docs/language.md, Coins).
  const step = benefit.coins / gcd(benefit.coins, benefit.per);
  const fits = Math.min(Math.floor((limit * benefit.coins) / benefit.per), benefit.maxCoins ?? Infinity);
  const used = Math.floor(fits / step) * step;
  const amount = Math.floor((used * benefit.per) / benefit.coins);
  if (used <= 0 || amount <= 0) {
    if (eligibleValue === 0) return reject("no-eligible-lines", "no line in the cart can be paid with coins");
    return reject("condition", balance <= 0 ? "the customer has no coins" : "the coins' limits leave nothing to deduct");
  }
  // The value is spread over the eligible lines by what each has left, exactly (largest remainder).
  const shares = new Array<number>(remaining.length).fill(0);
  const weights = eligible.map((i) => remaining[i]!);
  allocateLargestRemainder(amount, weights).forEach((a, k) => (shares[eligible[k]!] = a));
  return { candidate, used, amount, lines: shares };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The coins earned: every `earn` rule in declaration order on what was paid for its lines (after discounts and
 * coins); a rule's daily limit bounds what the customer earned today plus what earlier rules earned in this order.
 */
function earnedCoins(program: Program, cart: NormalizedCart, remaining: readonly number[], paidForItems: number): number {
  let earned = 0;
  for (const earn of program.earn) {
    if (earn.currency !== cart.currency || paidForItems <= 0) continue;
    let paid = 0;
    cart.lines.forEach((line, i) => {
      if (earn.scope === null || earn.scope(line, cart)) paid += remaining[i]!;
    });
    if (paid <= 0) continue;
    const coins = earn.per === null ? earn.coins : Math.floor(paid / earn.per) * earn.coins;
    const room = earn.dailyLimit === null ? Infinity : Math.max(0, earn.dailyLimit - cart.customer.coinsEarnedToday - earned);
    earned += Math.min(coins, room);
  }
  return earned;
}
