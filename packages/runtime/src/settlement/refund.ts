import { cartOrder } from "../cart/order.js";
import type { NormalizedCart, NormalizedLine } from "../cart/types.js";
import { minorFormatter, parseAmount } from "../money/amount.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { CartConditionContext } from "../engine/conditions.js";
import { limitKey, unitsScope } from "../engine/limits.js";
import type { PromotionSpec } from "../engine/program.js";
import { readAttribution, unitsCommission, type AffiliateLine, type SettlementOptions } from "./affiliate.js";
import { contextOf, type PricedStep, type PricingContext } from "./context.js";
import { lineCommissions } from "./figures.js";
import { fundersOf, splitFunding, unitShares } from "./split.js";

const denseByStep = new WeakMap<PricedStep["result"], readonly number[]>();

/** A chosen promotion's allocation on every line of the cart (zeros where it gives nothing); made once per step. */
function stepLines(step: PricedStep, cart: NormalizedCart): readonly number[] {
  let lines = denseByStep.get(step.result);
  if (lines === undefined) {
    const dense = new Array<number>(cart.lines.length).fill(0);
    for (let k = 0; k < step.result.indexes.length; k++) dense[step.result.indexes[k]!] = step.result.amounts[k]!;
    denseByStep.set(step.result, (lines = dense));
  }
  return lines;
}

/**
 * Returns (docs/language.md, Returns): what returning units of a priced order gives back, from the allocation
 * stored when it was priced. Each line's deductions are divided over its units as a running total (discounts in
 * application order, then coins; unit i of q gets floor(X/q) plus one when i ≤ X mod q of every prefix sum X), and
 * returns take units from the last one back: any sequence of partial returns sums to the whole, no unit carries
 * more than its price, and a unit's platform and seller shares add up to its share of the discount.
 */
export interface RefundLine {
  line: string;
  units: number;
  refund: string;
  discounts: { promotion: string; amount: string; platform: string; seller: string }[];
  coins: { amount: string; coins: number };
  commissionReversed: string;
  /** With an attribution: the affiliate commission of the returned units, reversed. */
  affiliateCommissionReversed?: string;
}

export interface RefundRecovery {
  promotion: string;
  amount: string;
  uncollected: string;
}

export interface RefundRelease {
  promotion: string;
  /** Index of the limit in the promotion's `limit` clauses. */
  limit: number;
  key: string;
  /** Money (a decimal string) for a budget limit; a count (redemptions) or coins otherwise. */
  amount: string | number;
}

export interface Refund {
  lines: RefundLine[];
  refund: string;
  coinsReturned: number;
  commissionReversed: string;
  /** With an attribution: the affiliate commissions of the returned units, reversed. */
  affiliateCommissionReversed?: string;
  funders: { platform: string; seller: string };
  recovered: RefundRecovery[];
  /** What earlier recoveries and this one could not deduct, still owed after this refund (a decimal string). */
  outstanding: string;
  release: RefundRelease[];
  /** The `previous` argument for the next return. */
  next: { units: Record<string, number>; recovered: string[]; outstanding: string };
}

export interface RefundError {
  /** JSON pointer into the call's arguments: `/returns/<line id>`, `/previous/<line id>`. */
  path: string;
  message: string;
}

/** Units returned per line id. */
export type Returns = Readonly<Record<string, number>>;

/**
 * What earlier returns took: units per line, the promotions already recovered and the amount earlier recoveries could
 * not deduct (a decimal string, default "0"): the `next` of the previous refund. A plain units map is accepted too.
 */
export type PreviousReturns = Returns | { units?: Returns; recovered?: readonly string[]; outstanding?: string };

export type RefundOutcome = Refund | { errors: RefundError[] };

/** RFC 6901 escaping of one reference token. */
function pointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a units map, naming each problem by path; `remaining(id)` is how many units may still be returned. */
function readUnits(
  value: unknown,
  path: string,
  index: ReadonlyMap<string, number>,
  remaining: (line: number) => number,
  errors: RefundError[],
): Map<number, number> {
  const out = new Map<number, number>();
  if (value === undefined) return out;
  if (!isRecord(value)) {
    errors.push({ path, message: `${path || "/"}: expected an object of units per line id` });
    return out;
  }
  for (const id of Object.keys(value)) {
    const at = `${path}/${pointer(id)}`;
    const line = index.get(id);
    if (line === undefined) {
      errors.push({ path: at, message: `${at}: unknown line ${JSON.stringify(id)}` });
      continue;
    }
    const units = value[id];
    if (typeof units !== "number" || !Number.isSafeInteger(units) || units < 0) {
      errors.push({ path: at, message: `${at}: units must be a whole number, 0 or more` });
      continue;
    }
    const left = remaining(line);
    if (units > left) {
      errors.push({ path: at, message: `${at}: ${units} units returned but only ${left} remain` });
      continue;
    }
    out.set(line, units);
  }
  return out;
}

/**
 * The refund for returning `returns` (units per line id) of a priced order, after the returns in `previous`.
 * Problems with the input are returned as `{ errors }`, each naming its line; nothing is thrown for them.
 */
export function refund(result: object, returns: unknown, previous?: unknown, options?: SettlementOptions): RefundOutcome {
  const context = contextOf(result);
  if (!context) throw new TypeError("refund: not a pricing result returned by evaluate");
  const { cart } = context;
  let affiliates: readonly (AffiliateLine | undefined)[] | undefined;
  if (options?.attribution !== undefined) {
    const read = readAttribution(options.attribution, cart);
    if ("errors" in read) return read;
    affiliates = read.lines;
  }
  const index = new Map(cart.lines.map((line, i) => [line.id, i]));
  const errors: RefundError[] = [];
  const structured = isRecord(previous) && (isRecord(previous["units"]) || Array.isArray(previous["recovered"]) || Object.hasOwn(previous, "outstanding"));
  const before = readUnits(
    structured ? (previous as Record<string, unknown>)["units"] : previous,
    structured ? "/previous/units" : "/previous",
    index,
    (i) => cart.lines[i]!.quantity,
    errors,
  );
  const recoveredBefore: string[] = [];
  let owed = 0;
  if (structured) {
    const list = (previous as Record<string, unknown>)["recovered"];
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === "string")))
      errors.push({ path: "/previous/recovered", message: "/previous/recovered: expected a list of promotion ids" });
    else recoveredBefore.push(...((list as string[] | undefined) ?? []));
    const outstanding = (previous as Record<string, unknown>)["outstanding"];
    if (outstanding !== undefined) {
      const parsed = typeof outstanding === "string" ? parseAmount(outstanding, cart.currency) : undefined;
      if (parsed?.ok && parsed.minor >= 0) owed = parsed.minor;
      else
        errors.push({
          path: "/previous/outstanding",
          message: `/previous/outstanding: expected an amount of ${cart.currency}, 0 or more, as a decimal string`,
        });
    }
  }
  if (returns === null || returns === undefined || !isRecord(returns)) {
    errors.push({ path: "/returns", message: "/returns: expected an object of units per line id" });
    return { errors };
  }
  const now = readUnits(returns, "/returns", index, (i) => cart.lines[i]!.quantity - (before.get(i) ?? 0), errors);
  if (errors.length > 0) return { errors };
  for (const [i, units] of now) if (units === 0) now.delete(i);
  return computeRefund(context, before, now, recoveredBefore, owed, affiliates);
}

/** One line's component shares over units lo … hi (Amendment 1's running total); see `lineShares`. */
interface UnitsShares {
  /** Per chosen step (application order): the units' share of its allocation and of each funder's part. */
  discounts: { amount: number; platform: number; seller: number }[];
  /** Per coins step (application order): the units' share of its value, of each funder's part, and of its coins. */
  coins: { amount: number; platform: number; seller: number; coins: number }[];
  commission: number;
}

/**
 * Units lo … hi of line `i`: with the line's components in order (each step's allocation in application order, then
 * each coins step's value) and C_k their running total, the units' share of component k is S(C_k) − S(C_{k−1}) with
 * S(X) the units' share of X divided over the line's q units; the platform's part P of a component is taken within
 * it: S(C_{k−1} + P) − S(C_{k−1}). Coins (whole coins) are a running total of their own over the coins steps; the
 * commission is divided on its own.
 */
function lineShares(
  context: PricingContext,
  facts: { funders: readonly { platform: number; seller: number }[][]; coinsByLine: readonly (readonly number[])[]; commission: readonly number[] },
  i: number,
  lo: number,
  hi: number,
): UnitsShares {
  const { cart, steps, coins } = context;
  const q = cart.lines[i]!.quantity;
  const S = (x: number) => unitShares(x, q, lo, hi);
  let running = 0;
  const part = (amount: number, platform: number) => {
    const start = S(running);
    const share = S(running + amount) - start;
    const platformShare = S(running + platform) - start;
    running += amount;
    return { amount: share, platform: platformShare, seller: share - platformShare };
  };
  const discounts = steps.map((step, k) => {
    const a = stepLines(step, cart)[i]!;
    return a > 0 ? part(a, facts.funders[k]![i]!.platform) : { amount: 0, platform: 0, seller: 0 };
  });
  let coinsRunning = 0;
  const coinShares = coins.map((step, k) => {
    const value = step.lines[i]!;
    if (value <= 0) return { amount: 0, platform: 0, seller: 0, coins: 0 };
    const shares = part(value, facts.funders[steps.length + k]![i]!.platform);
    const start = S(coinsRunning);
    coinsRunning += facts.coinsByLine[k]![i]!;
    return { ...shares, coins: S(coinsRunning) - start };
  });
  return { discounts, coins: coinShares, commission: S(facts.commission[i]!) };
}

/** What every refund of one priced order divides: each component's funder split per line, coins per line, commission. */
function refundFacts(context: PricingContext) {
  const { cart, steps, coins } = context;
  const split = (values: readonly number[], spec: Parameters<typeof fundersOf>[0]) => {
    const funders = fundersOf(spec);
    return cart.lines.map((_, i) => (values[i]! > 0 ? splitFunding(values[i]!, funders) : { platform: 0, seller: 0 }));
  };
  return {
    funders: [...steps.map((s) => split(stepLines(s, cart), s.candidate.spec)), ...coins.map((c) => split(c.lines, c.candidate.spec))],
    coinsByLine: coins.map((step) => coinsPerLine(step.used, step.lines)),
    commission: lineCommissions(context),
  };
}

function computeRefund(
  context: PricingContext,
  before: ReadonlyMap<number, number>,
  now: ReadonlyMap<number, number>,
  recoveredList: readonly string[],
  owed: number,
  affiliates?: readonly (AffiliateLine | undefined)[],
): Refund {
  const { cart, steps } = context;
  const money = minorFormatter(cart.currency);
  const facts = refundFacts(context);
  const recoveredBefore = new Set(recoveredList);
  const lines: RefundLine[] = [];
  let refundTotal = 0;
  let coinsReturned = 0;
  let commissionReversed = 0;
  let affiliateReversed = 0;
  const funders = { platform: 0, seller: 0 };
  const returned = new Map<number, UnitsShares>();
  for (const i of cartOrder(cart.lines)) {
    const k = now.get(i) ?? 0;
    if (k === 0) continue;
    const line = cart.lines[i]!;
    const q = line.quantity;
    const r = before.get(i) ?? 0;
    const shares = lineShares(context, facts, i, q - r - k + 1, q - r);
    returned.set(i, shares);
    let deducted = 0;
    const discounts: RefundLine["discounts"] = [];
    steps.forEach((step, s) => {
      const id = step.candidate.spec.id;
      // A promotion recovered earlier: the kept units' shares were paid back then, so its shares come back in full.
      if (stepLines(step, cart)[i]! <= 0 || recoveredBefore.has(id)) return;
      const d = shares.discounts[s]!;
      deducted += d.amount;
      funders.platform += d.platform;
      funders.seller += d.seller;
      discounts.push({ promotion: id, amount: money(d.amount), platform: money(d.platform), seller: money(d.seller) });
    });
    const coinValue = shares.coins.reduce((a, c) => a + c.amount, 0);
    const coinCount = shares.coins.reduce((a, c) => a + c.coins, 0);
    deducted += coinValue;
    const paidBack = line.unitPrice * k - deducted;
    refundTotal += paidBack;
    coinsReturned += coinCount;
    commissionReversed += shares.commission;
    const out: RefundLine = {
      line: line.id,
      units: k,
      refund: money(paidBack),
      discounts,
      coins: { amount: money(coinValue), coins: coinCount },
      commissionReversed: money(shares.commission),
    };
    if (affiliates) {
      // The same units as the refund: the last ones back.
      const reversed = unitsCommission(affiliates[i], q - r - k + 1, q - r);
      affiliateReversed += reversed;
      out.affiliateCommissionReversed = money(reversed);
    }
    lines.push(out);
  }
  const returnedAfter = (i: number) => (before.get(i) ?? 0) + (now.get(i) ?? 0);
  // The outstanding amount comes off first (at most down to 0), then each recovery from what is left.
  const paidOff = Math.min(owed, refundTotal);
  refundTotal -= paidOff;
  let outstanding = owed - paidOff;
  const recovered: RefundRecovery[] = [];
  if (now.size > 0) {
    for (const { promotion, kept } of recover(context, facts, returnedAfter, recoveredBefore)) {
      const amount = Math.min(kept, refundTotal);
      refundTotal -= amount;
      outstanding += kept - amount;
      recovered.push({ promotion, amount: money(amount), uncollected: money(kept - amount) });
    }
  }
  const units: Record<string, number> = {};
  cart.lines.forEach((line, i) => {
    if (returnedAfter(i) > 0) units[line.id] = returnedAfter(i);
  });
  return {
    lines,
    refund: money(refundTotal),
    coinsReturned,
    commissionReversed: money(commissionReversed),
    ...(affiliates ? { affiliateCommissionReversed: money(affiliateReversed) } : {}),
    funders: { platform: money(funders.platform), seller: money(funders.seller) },
    recovered,
    outstanding: money(outstanding),
    release: release(context, facts, before, now, returned, money),
    next: { units, recovered: [...recoveredList, ...recovered.map((r) => r.promotion)], outstanding: money(outstanding) },
  };
}

/** The coins a coins promotion used, spread over the lines by each line's share of their value (largest remainder). */
function coinsPerLine(used: number, values: readonly number[]): number[] {
  if (values.every((v) => v === 0)) return values.map(() => 0);
  return allocateLargestRemainder(used, values);
}

/**
 * `on return recover discount`: the promotions whose `when` no longer holds on the kept order, with what the kept
 * units' shares of their discount come to. The kept order is the cart less every returned unit, priced at the same
 * instant with the same customer and coupons; a condition over amounts after discounts sees the kept units' shares
 * of the promotions applied before it.
 */
function recover(
  context: PricingContext,
  facts: Parameters<typeof lineShares>[1],
  returnedAfter: (i: number) => number,
  recoveredBefore: ReadonlySet<string>,
): { promotion: string; kept: number }[] {
  const { cart, steps } = context;
  const out: { promotion: string; kept: number }[] = [];
  if (!steps.some((s) => s.candidate.spec.onReturn === "recover")) return out;
  const keptIndex: number[] = [];
  const keptLines: NormalizedLine[] = [];
  cart.lines.forEach((line, i) => {
    const quantity = line.quantity - returnedAfter(i);
    if (quantity <= 0) return;
    keptIndex.push(i);
    keptLines.push({ ...line, quantity, subtotal: line.unitPrice * quantity });
  });
  const keptCart: NormalizedCart = { ...cart, lines: keptLines };
  // The kept units (1 … q − returned) of each kept line: their shares of every step.
  const kept = keptIndex.map((i) => lineShares(context, facts, i, 1, cart.lines[i]!.quantity - returnedAfter(i)).discounts);
  const remaining = keptLines.map((l) => l.subtotal);
  steps.forEach((step, s) => {
    const spec: PromotionSpec = step.candidate.spec;
    if (spec.onReturn === "recover" && !recoveredBefore.has(spec.id) && spec.condition && step.result.indexes.length > 0) {
      const failure = spec.condition(new CartConditionContext(keptCart, step.candidate.coupon, remaining));
      if (failure !== undefined) {
        const due = kept.reduce((a, shares) => a + shares[s]!.amount, 0);
        if (due > 0) out.push({ promotion: spec.id, kept: due });
      }
    }
    kept.forEach((shares, k) => (remaining[k]! -= shares[s]!.amount));
  });
  return out;
}

/**
 * What returned units give back to the limits of promotions with `on cancel return use`: a budget the returned
 * units' shares of the discount (or coins value), a coin limit the coins returned, a units limit the returned units
 * it counted, a count only when every
 * discounted unit of the promotion (every unit with a share of it) is now returned. Shipping is not returned, so
 * its savings stay used. Stores in order of first appearance in the cart.
 */
function release(
  context: PricingContext,
  facts: Parameters<typeof lineShares>[1],
  before: ReadonlyMap<number, number>,
  now: ReadonlyMap<number, number>,
  returned: ReadonlyMap<number, UnitsShares>,
  money: (minor: number) => string,
): RefundRelease[] {
  const { cart, steps } = context;
  const out: RefundRelease[] = [];
  if (now.size === 0) return out;
  const order = cartOrder(cart.lines);
  // Stores in order of first appearance in the cart ("" stands for every line when a limit is not per store).
  const storeOrder = [...new Set(order.map((i) => cart.lines[i]!.store))];
  const priced = [
    ...steps.map((s, k) => ({ spec: s.candidate.spec, values: stepLines(s, cart), step: k, coins: -1 })),
    ...context.coins.map((s, k) => ({ spec: s.candidate.spec, values: s.lines, step: -1, coins: k })),
  ];
  for (const { spec, values, step, coins } of priced) {
    if (spec.onCancel !== "return" || spec.limits.length === 0) continue;
    const shareOf = (shares: UnitsShares) => (step >= 0 ? shares.discounts[step]! : shares.coins[coins]!);
    // Whether every unit with a share of this promotion is returned once `returnedOf(i)` units of each line are.
    const allBack = (returnedOf: (i: number) => number) =>
      values.every((a, i) => {
        if (a <= 0) return true;
        const q = cart.lines[i]!.quantity;
        for (let u = 1; u <= q - returnedOf(i); u++) if (shareOf(lineShares(context, facts, i, u, u)).amount > 0) return false;
        return true;
      });
    const touched = values.some((a) => a > 0);
    const completed = touched && allBack((i) => (before.get(i) ?? 0) + (now.get(i) ?? 0)) && !allBack((i) => before.get(i) ?? 0);
    spec.limits.forEach((limit, index) => {
      if (limit.per === "order") return;
      const amounts = new Map<string, number>();
      for (const i of order) {
        const store = limit.per === "store" ? cart.lines[i]!.store : "";
        if (limit.kind === "count") {
          if (completed && (limit.per !== "store" || values[i]! > 0)) amounts.set(store, 1);
          continue;
        }
        if (limit.kind === "units") {
          // The stock set aside comes back: every returned unit of a line the limit counted.
          const units = now.get(i) ?? 0;
          if (units > 0 && unitsScope(spec)(cart.lines[i]!, cart)) amounts.set(store, (amounts.get(store) ?? 0) + units);
          continue;
        }
        const shares = returned.get(i);
        if (!shares || values[i]! <= 0) continue;
        // A budget gets the returned units' shares back, also of a promotion recovered earlier (its kept units'
        // shares were paid back then, but the budget was spent by the allocation).
        const amount = limit.kind === "coins" ? (coins >= 0 ? shares.coins[coins]!.coins : 0) : shareOf(shares).amount;
        amounts.set(store, (amounts.get(store) ?? 0) + amount);
      }
      for (const store of [...amounts.keys()].sort((x, y) => storeOrder.indexOf(x) - storeOrder.indexOf(y))) {
        const amount = amounts.get(store)!;
        if (amount <= 0) continue;
        const entity = limit.per === "customer" ? cart.customer.id : limit.per === "store" ? store : null;
        out.push({
          promotion: spec.id,
          limit: index,
          key: limitKey(spec.id, limit, entity, cart.at),
          amount: limit.kind === "budget" ? money(amount) : amount,
        });
      }
    });
  }
  return out;
}
