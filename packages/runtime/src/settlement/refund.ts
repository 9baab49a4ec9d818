import type { NormalizedCart, NormalizedLine } from "../cart/types.js";
import { minorFormatter } from "../money/amount.js";
import { allocateLargestRemainder } from "../money/allocate.js";
import { CartConditionContext } from "../engine/conditions.js";
import { limitKey } from "../engine/limits.js";
import type { PromotionSpec } from "../engine/program.js";
import { contextOf, type PricingContext } from "./context.js";
import { lineFigures } from "./settle.js";
import { fundersOf, splitFunding, unitShares } from "./split.js";

/**
 * Returns (docs/language.md, Returns): what returning units of a priced order gives back, from the allocation
 * stored when it was priced. Every per-line amount is fixed per unit once (unit i of q gets floor(A/q) plus one
 * for the first A mod q units) and returns take units from the last one back, so any sequence of partial returns
 * sums to the whole, and no unit's refund exceeds what was paid for it.
 */
export interface RefundLine {
  line: string;
  units: number;
  refund: string;
  discounts: { promotion: string; amount: string; platform: string; seller: string }[];
  coins: { amount: string; coins: number };
  commissionReversed: string;
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
  /** Money (a decimal string) for a budget limit; a count or coins otherwise. */
  amount: string | number;
}

export interface Refund {
  lines: RefundLine[];
  refund: string;
  coinsReturned: number;
  commissionReversed: string;
  funders: { platform: string; seller: string };
  recovered: RefundRecovery[];
  release: RefundRelease[];
}

export interface RefundError {
  /** JSON pointer into the call's arguments: `/returns/<line id>`, `/previous/<line id>`. */
  path: string;
  message: string;
}

/** Units returned per line id. */
export type Returns = Readonly<Record<string, number>>;

/** What earlier returns took: units per line, and the promotions already recovered. A plain units map is accepted too. */
export type PreviousReturns = Returns | { units?: Returns; recovered?: readonly string[] };

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
export function refund(result: object, returns: unknown, previous?: unknown): RefundOutcome {
  const context = contextOf(result);
  if (!context) throw new TypeError("refund: not a pricing result returned by evaluate");
  const { cart } = context;
  const index = new Map(cart.lines.map((line, i) => [line.id, i]));
  const errors: RefundError[] = [];
  const structured = isRecord(previous) && (isRecord(previous["units"]) || Array.isArray(previous["recovered"]));
  const before = readUnits(
    structured ? (previous as Record<string, unknown>)["units"] : previous,
    structured ? "/previous/units" : "/previous",
    index,
    (i) => cart.lines[i]!.quantity,
    errors,
  );
  const recoveredBefore = new Set<string>();
  if (structured) {
    const list = (previous as Record<string, unknown>)["recovered"];
    if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === "string")))
      errors.push({ path: "/previous/recovered", message: "/previous/recovered: expected a list of promotion ids" });
    else for (const id of (list as string[] | undefined) ?? []) recoveredBefore.add(id);
  }
  if (returns === null || returns === undefined || !isRecord(returns)) {
    errors.push({ path: "/returns", message: "/returns: expected an object of units per line id" });
    return { errors };
  }
  const now = readUnits(returns, "/returns", index, (i) => cart.lines[i]!.quantity - (before.get(i) ?? 0), errors);
  if (errors.length > 0) return { errors };
  return computeRefund(context, before, now, recoveredBefore);
}

function computeRefund(
  context: PricingContext,
  before: ReadonlyMap<number, number>,
  now: ReadonlyMap<number, number>,
  recoveredBefore: ReadonlySet<string>,
): Refund {
  const { cart, steps, coins } = context;
  const money = minorFormatter(cart.currency);
  const figures = lineFigures(context);
  const coinsByLine = coins.map((step) => coinsPerLine(step.used, step.lines));
  const lines: RefundLine[] = [];
  let refundTotal = 0;
  let coinsReturned = 0;
  let commissionReversed = 0;
  const funders = { platform: 0, seller: 0 };
  cart.lines.forEach((line, i) => {
    const k = now.get(i) ?? 0;
    if (k === 0) return;
    const q = line.quantity;
    const r = before.get(i) ?? 0;
    const lo = q - r - k + 1;
    const hi = q - r;
    const share = (amount: number) => unitShares(amount, q, lo, hi);
    let deducted = 0;
    const discounts: RefundLine["discounts"] = [];
    for (const step of steps) {
      const a = step.result.lines[i]!;
      if (a <= 0) continue;
      const split = splitFunding(a, fundersOf(step.candidate.spec));
      const amount = share(a);
      const platform = share(split.platform);
      const seller = share(split.seller);
      deducted += amount;
      funders.platform += platform;
      funders.seller += seller;
      discounts.push({ promotion: step.candidate.spec.id, amount: money(amount), platform: money(platform), seller: money(seller) });
    }
    let coinValue = 0;
    let coinCount = 0;
    coins.forEach((step, c) => {
      const value = step.lines[i]!;
      if (value <= 0) return;
      coinValue += share(value);
      coinCount += share(coinsByLine[c]![i]!);
    });
    deducted += coinValue;
    const commission = share(figures[i]!.commission);
    const paidBack = line.unitPrice * k - deducted;
    refundTotal += paidBack;
    coinsReturned += coinCount;
    commissionReversed += commission;
    lines.push({
      line: line.id,
      units: k,
      refund: money(paidBack),
      discounts,
      coins: { amount: money(coinValue), coins: coinCount },
      commissionReversed: money(commission),
    });
  });
  const returnedAfter = (i: number) => (before.get(i) ?? 0) + (now.get(i) ?? 0);
  const recovered: RefundRecovery[] = [];
  const recoveries = recover(context, returnedAfter, recoveredBefore);
  for (const { promotion, kept } of recoveries) {
    const amount = Math.min(kept, refundTotal);
    refundTotal -= amount;
    recovered.push({ promotion, amount: money(amount), uncollected: money(kept - amount) });
  }
  return {
    lines,
    refund: money(refundTotal),
    coinsReturned,
    commissionReversed: money(commissionReversed),
    funders: { platform: money(funders.platform), seller: money(funders.seller) },
    recovered,
    release: release(context, before, now, coinsByLine, money),
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
function recover(context: PricingContext, returnedAfter: (i: number) => number, recoveredBefore: ReadonlySet<string>): { promotion: string; kept: number }[] {
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
  const keptShare = (amounts: readonly number[], i: number) => unitShares(amounts[i]!, cart.lines[i]!.quantity, 1, cart.lines[i]!.quantity - returnedAfter(i));
  const remaining = keptLines.map((l) => l.subtotal);
  for (const step of steps) {
    const spec: PromotionSpec = step.candidate.spec;
    if (spec.onReturn === "recover" && !recoveredBefore.has(spec.id) && spec.condition) {
      const failure = spec.condition(new CartConditionContext(keptCart, step.candidate.coupon, remaining));
      if (failure !== undefined) {
        let kept = 0;
        for (const i of keptIndex) kept += keptShare(step.result.lines, i);
        if (kept > 0) out.push({ promotion: spec.id, kept });
      }
    }
    keptIndex.forEach((i, k) => (remaining[k]! -= keptShare(step.result.lines, i)));
  }
  return out;
}

/**
 * What returned units give back to the limits of promotions with `on cancel return use`: a budget the returned
 * units' shares of the discount (or coins value), a coin limit the coins returned, a count only when every
 * discounted unit of the promotion is now returned. Shipping is not returned, so its savings stay used.
 */
function release(
  context: PricingContext,
  before: ReadonlyMap<number, number>,
  now: ReadonlyMap<number, number>,
  coinsByLine: readonly number[][],
  money: (minor: number) => string,
): RefundRelease[] {
  const { cart } = context;
  const out: RefundRelease[] = [];
  const priced = [
    ...context.steps.map((s) => ({ spec: s.candidate.spec, values: s.result.lines, coins: null as readonly number[] | null })),
    ...context.coins.map((s, c) => ({ spec: s.candidate.spec, values: s.lines, coins: coinsByLine[c]! as readonly number[] | null })),
  ];
  for (const { spec, values, coins } of priced) {
    if (spec.onCancel !== "return" || spec.limits.length === 0) continue;
    const touched = cart.lines.map((_, i) => values[i]! > 0);
    const returnedShare = (amounts: readonly number[], i: number) => {
      const q = cart.lines[i]!.quantity;
      const r = before.get(i) ?? 0;
      const k = now.get(i) ?? 0;
      return unitShares(amounts[i]!, q, q - r - k + 1, q - r);
    };
    const allBack = (units: (i: number) => number) => touched.every((t, i) => !t || units(i) >= cart.lines[i]!.quantity);
    const completed = allBack((i) => (before.get(i) ?? 0) + (now.get(i) ?? 0)) && !allBack((i) => before.get(i) ?? 0);
    spec.limits.forEach((limit, index) => {
      if (limit.per === "order") return;
      const entities: (string | null)[] =
        limit.per === "customer"
          ? [cart.customer.id]
          : limit.per === "store"
            ? [...new Set(cart.lines.filter((_, i) => touched[i]).map((l) => l.store))].sort()
            : [null];
      for (const entity of entities) {
        const inEntity = (i: number) => limit.per !== "store" || cart.lines[i]!.store === entity;
        let amount = 0;
        if (limit.kind === "count") amount = completed ? 1 : 0;
        else {
          const amounts = limit.kind === "coins" ? (coins ?? values.map(() => 0)) : values;
          cart.lines.forEach((_, i) => {
            if (touched[i] && inEntity(i)) amount += returnedShare(amounts, i);
          });
        }
        if (amount <= 0) continue;
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
