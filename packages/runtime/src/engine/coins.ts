import type { NormalizedCart } from "../cart/types.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import type { CartLines } from "./benefits.js";
import { CartConditionContext } from "./conditions.js";
import type { Reason } from "./gates.js";
import type { Program } from "./program.js";
import type { Candidate } from "./step.js";

/** One applied coins promotion: the coins it used, their value and that value's share of each line. */
export interface CoinStep {
  candidate: Candidate;
  used: number;
  amount: number;
  lines: number[];
}

export function coinShare(steps: readonly CoinStep[], line: number): number {
  let share = 0;
  for (const step of steps) share += step.lines[line]!;
  return share;
}

/**
 * One coins promotion on top of the promotions and the coins promotions before it: `remaining` is what each line
 * has left to pay, `usedBefore` the coins those earlier coins promotions took from the balance.
 */
export function priceCoins(
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
export function earnedCoins(program: Program, cart: NormalizedCart, remaining: readonly number[], paidForItems: number): number {
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
