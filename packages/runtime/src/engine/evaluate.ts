import type { NormalizedCart } from "../cart/types.js";
import { minorFormatter } from "../money/amount.js";
import { applyLines, CartLines, type BenefitResult } from "./benefits.js";
import { coinShare, earnedCoins, priceCoins, type CoinStep } from "./coins.js";
import { explainRejection, PrefixSweep } from "./explain.js";
import { factsOf } from "./facts.js";
import { missingDataGate, staticGate, type Reason } from "./gates.js";
import { limitGate, reservationsFor, type Reservation, type Usage } from "./limits.js";
import type { Program } from "./program.js";
import { Search } from "./search.js";
import type { Candidate } from "./step.js";
import { attachPricingContext } from "../settlement/index.js";
import type { Settlement } from "../settlement/settle.js";

/**
 * Pricing a cart, as a chain of named steps: the candidates and their gates (candidates.ts, gates.ts, limits.ts),
 * the choice among them (search.ts, with the stacking rules in stacking.ts), why each one left out was left out
 * (explain.ts), coins after every discount (coins.ts), then the result in money strings.
 */
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

/** Prices a validated, normalised cart under a program. Pure: the same cart and program give the same result. */
export function evaluateProgram(program: Program, cart: NormalizedCart, options: EvaluateOptions = {}): PricingResult {
  const facts = factsOf(program);
  const rejected = new Map<number, { reason: Reason; message: string }>();
  const eligible: Candidate[] = [];
  const coinsCandidates: Candidate[] = [];

  const ranks = facts.index.candidates(cart);
  // An index loop: iterating the Int32Array with for-of allocated an iterator result per candidate (measured).
  for (let c = 0; c < ranks.length; c++) {
    const rank = ranks[c]!;
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
    applyLines(remaining, step.result, -1);
    shippingLeft -= step.result.shipping;
  }
  const chosenRanks = new Set(chosen.steps.map((s) => s.candidate.rank));
  const states = new PrefixSweep(chosen.steps, pristine, cart.shipping.price);
  const contested = search.stacking.contested();
  eligible.forEach((candidate, i) => {
    if (!chosenRanks.has(candidate.rank)) rejected.set(candidate.rank, explainRejection(search, candidate, chosen.steps, pristine, states, contested[i]!));
  });

  // Every coins promotion, in application order, on what the ones before it left (docs/language.md, Coins).
  const coinSteps: CoinStep[] = [];
  const coins = { used: 0, amount: 0 };
  const lineValues = new CartLines(cart, facts.scopeKeys);
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
      lines: lineAmounts(s.result, cart, money),
    };
    if (s.result.shipping > 0) entry.shipping = money(s.result.shipping);
    if (s.candidate.spec.limits.length > 0) entry.reservations = reservationsFor(s.candidate.spec, cart, s.result, s.result.shipping, null);
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
  // `settlement` is declared up front so that filling it later does not reshape the object.
  attachPricingContext(result, { program, cart, steps: chosen.steps, coins: coinSteps, settlement: undefined });
  return result;
}

function lineAmounts(result: BenefitResult, cart: NormalizedCart, money: (minor: number) => string): LineAmount[] {
  const out = new Array<LineAmount>(result.indexes.length);
  for (let k = 0; k < out.length; k++) out[k] = { line: cart.lines[result.indexes[k]!]!.id, amount: money(result.amounts[k]!) };
  return out;
}
