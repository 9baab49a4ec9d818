import type * as A from "../../dsl/src/ast/nodes.js";
import type { RefCart, RefCoupon, RefLine } from "./cart.js";
import { inScope, readsMissingData, truthy, type Context } from "./conditions.js";
import { codePointCompare, formatMinor, largestRemainder, min, percentOf, percentOfDown, sum } from "./money.js";
import type { RefBenefit, RefPromotion, RefRules } from "./rules.js";
import { addDuration, periodBucket } from "./time.js";

/**
 * Pricing as docs/language.md ("How a cart is priced") describes it, written for clarity rather than speed: gates
 * in the documented order, every benefit applied unit by unit, and best-for-buyer by enumerating every
 * admissible combination of the promotions the stacking rules set against each other.
 */

export type Reason =
  | "currency"
  | "window"
  | "not-collected"
  | "expired"
  | "locked"
  | "owner"
  | "limit"
  | "missing-data"
  | "condition"
  | "no-eligible-lines"
  | "not-combinable"
  | "not-best";

export interface RefApplied {
  id: string;
  amount: string;
  lines: { line: string; amount: string }[];
  shipping?: string;
  coins?: number;
}

export interface RefResult {
  currency: string;
  subtotal: string;
  discount: string;
  coins: { used: number; amount: string; earned: number };
  shipping: string;
  total: string;
  applied: RefApplied[];
  rejected: { id: string; reason: Reason }[];
  lines: { id: string; subtotal: string; discount: string; total: string }[];
  /** Always true unless the enumeration was cut (more contested promotions than `maxContested`). */
  optimal: boolean;
  /** The item plus shipping savings of the chosen combination, in minor units. */
  savings: bigint;
  /** How many candidates qualified (passed every gate, condition and had something to discount on their own). */
  qualified: number;
  /**
   * Every applied promotion's exact amounts in minor units, in application order, for settlement and returns:
   * per line (same order as the cart's lines sorted by id), on shipping, and for a coins promotion the coins used
   * and each line's share of the coins' value.
   */
  allocations: { id: string; lines: bigint[]; shipping: bigint; coins: bigint }[];
}

export type Usage = Readonly<Record<string, number>> | ((key: string) => number | undefined);

export interface PriceOptions {
  usage?: Usage;
  /** Above this many contested promotions the reference gives up exact enumeration (2^n combinations). */
  maxContested?: number;
  /** Overrides the rules' selection mode (first-by-priority gives a lower bound for best-for-buyer). */
  selection?: "best-for-buyer" | "first-by-priority";
}

interface Candidate {
  p: RefPromotion;
  rank: number;
  coupon: RefCoupon | null;
  /** From a partly used budget limit: the most it may save. */
  budgetCap: bigint | null;
  coinCap: bigint | null;
}

interface State {
  remaining: bigint[];
  shipping: bigint;
}

interface Step {
  c: Candidate;
  lines: bigint[];
  shipping: bigint;
}

type Fail = { reason: "condition" | "no-eligible-lines" };

export function price(rules: RefRules, cart: RefCart, options: PriceOptions = {}): RefResult {
  const rejected = new Map<number, Reason>();
  const ctxOf = (c: Candidate, state: State): Context => ({ cart, coupon: c.coupon, scopes: rules.scopes, remaining: state.remaining, digits: c.p.digits });
  const pristine = (): State => ({ remaining: cart.lines.map((l) => l.subtotal), shipping: cart.shipping.price });

  // Candidates and gates 1-7.
  const gated: Candidate[] = [];
  rules.promotions.forEach((p, rank) => {
    const coupon = p.code === null ? null : (cart.coupons.get(p.code) ?? null);
    if (p.code !== null ? coupon === null : !isIndexedCandidate(p, rules, cart)) return;
    const reason = staticGate(p, cart, coupon);
    if (reason) return void rejected.set(rank, reason);
    const limit = limitGate(p, cart, coupon, rules, options.usage);
    if (limit === "limit") return void rejected.set(rank, "limit");
    // Gate 8: a condition over data the cart does not give never holds.
    if (p.condition && readsMissingData(p.condition, { cart, coupon, scopes: rules.scopes, remaining: [], digits: p.digits }))
      return void rejected.set(rank, "missing-data");
    gated.push({ p, rank, coupon, budgetCap: limit.budgetCap, coinCap: limit.coinCap });
  });

  // Gates 8-9 on the undiscounted cart: which promotions qualify on their own.
  const coinsCandidates = gated.filter((c) => c.p.kind === "coins");
  const qualified: Candidate[] = [];
  for (const c of gated) {
    if (c.p.kind === "coins") continue;
    const outcome = attempt(c, pristine(), cart, rules, ctxOf);
    // A condition that reads amounts after discounts is decided at the promotion's place in each combination, so
    // failing on the undiscounted cart does not rule it out (docs/language.md, Decisions under the reasons).
    if (!("reason" in outcome) || (outcome.reason === "condition" && readsAfterDiscounts(c.p.condition))) qualified.push(c);
    else rejected.set(c.rank, outcome.reason);
  }

  const run = (members: readonly Candidate[]) => simulate(members, pristine(), cart, rules, ctxOf);
  let chosen: Candidate[];
  let optimal = true;
  if ((options.selection ?? rules.selection) === "first-by-priority") {
    chosen = [];
    for (const c of qualified) {
      const { steps, failed } = run([...chosen, c]);
      if (!failed.has(c.rank) && violations(steps, rules).length === 0) chosen.push(c);
    }
  } else {
    // What a left-out promotion gives at its place in a combination: after the combination's steps that come
    // before it in application order.
    const atPlace = (q: Candidate, steps: readonly Step[]): Step | Fail => {
      const state = pristine();
      for (const s of steps) if (s.c.rank < q.rank) apply(state, s);
      return attempt(q, state, cart, rules, ctxOf);
    };
    ({ chosen, optimal } = bestForBuyer(qualified, rules, run, atPlace, options.maxContested ?? 16));
  }

  const { steps } = run(chosen);
  const chosenRanks = new Set(steps.map((s) => s.c.rank));
  for (const c of qualified) {
    if (chosenRanks.has(c.rank)) continue;
    // Why a qualified promotion was left out (docs/language.md, Decisions): first a conflict of what it gives on
    // its own with the chosen combination (exclusivity, or the first stacking rule it breaks: `not-best` for a per-line
    // rule, `not-combinable` for any other); then whether it applies at its place; else a combination without it
    // saves more.
    const alone = attempt(c, pristine(), cart, rules, ctxOf);
    if ("reason" in alone) {
      rejected.set(c.rank, alone.reason);
      continue;
    }
    const conflict = conflictWith(alone, steps, rules);
    if (conflict) {
      rejected.set(c.rank, conflict);
      continue;
    }
    const withIt = run([...chosen, c]);
    rejected.set(c.rank, withIt.failed.get(c.rank) ?? "not-best");
  }

  const state = pristine();
  for (const s of steps) apply(state, s);

  // Coins, after every other promotion: each coins promotion in application order, on what is left to pay after
  // the ones before it, from what is left of the balance (docs/language.md, Coins).
  const afterDiscounts = [...state.remaining];
  let coinsUsed = 0n;
  let coinsAmount = 0n;
  const coinsApplied: RefApplied[] = [];
  const coinAllocations: RefResult["allocations"] = [];
  for (const c of coinsCandidates) {
    if (!cart.useCoins || (c.p.condition && !truthy(c.p.condition, ctxOf(c, state), null))) {
      rejected.set(c.rank, "condition");
      continue;
    }
    const deduction = coinDeduction(c, state, cart, coinsUsed, ctxOf);
    if (deduction.used === 0n) {
      // docs/language.md, Coins: nothing left on the eligible lines is `no-eligible-lines`; a balance too small for
      // one whole coin's worth is `condition`.
      rejected.set(c.rank, deduction.eligible === 0n ? "no-eligible-lines" : "condition");
      continue;
    }
    coinsUsed += deduction.used;
    coinsAmount += deduction.amount;
    coinsApplied.push({ id: c.p.id, amount: formatMinor(deduction.amount, cart.digits), lines: [], coins: Number(deduction.used) });
    // The value is spread over the eligible lines by what each has left (largest remainder, as any discount).
    const ctx = ctxOf(c, state);
    const eligible = cart.lines.flatMap((l, i) => (c.p.benefit.type === "coins" && inScope(c.p.benefit.scope, ctx, l) ? [i] : []));
    const shares = largestRemainder(
      deduction.amount,
      eligible.map((i) => ({ key: cart.lines[i]!.id, weight: state.remaining[i]! })),
    );
    eligible.forEach((i, k) => (state.remaining[i]! -= shares[k]!));
    const lineShares = cart.lines.map(() => 0n);
    eligible.forEach((i, k) => (lineShares[i] = shares[k]!));
    coinAllocations.push({ id: c.p.id, lines: lineShares, shipping: 0n, coins: deduction.used });
  }

  const subtotal = sum(cart.lines.map((l) => l.subtotal));
  const discount = sum(steps.map((s) => sum(s.lines)));
  const money = (m: bigint) => formatMinor(m, cart.digits);
  // docs/language.md, Earning coins: each rule in declaration order on what was paid for its lines; a daily limit
  // counts what the customer earned today and what the rules before it earned on this order.
  let earned = 0n;
  const earnCtx: Context = { cart, coupon: null, scopes: rules.scopes, remaining: state.remaining, digits: cart.digits };
  for (const rule of rules.earn) {
    if (rule.currency !== cart.currency || subtotal - discount - coinsAmount <= 0n) continue;
    const paid = sum(cart.lines.map((l, i) => (inScope(rule.scope, earnCtx, l) ? state.remaining[i]! : 0n)));
    if (paid <= 0n) continue;
    let coins = rule.per === null ? rule.coins : (paid / rule.per) * rule.coins;
    if (rule.dailyLimit !== null) {
      const left = rule.dailyLimit - cart.customer.coinsEarnedToday - earned;
      coins = min(coins, left < 0n ? 0n : left);
    }
    earned += coins;
  }
  const applied: RefApplied[] = steps.map((s) => {
    const entry: RefApplied = {
      id: s.c.p.id,
      amount: money(sum(s.lines) + s.shipping),
      lines: s.lines.flatMap((a, i) => (a > 0n ? [{ line: cart.lines[i]!.id, amount: money(a) }] : [])),
    };
    if (s.shipping > 0n) entry.shipping = money(s.shipping);
    return entry;
  });
  applied.push(...coinsApplied);
  return {
    currency: cart.currency,
    subtotal: money(subtotal),
    discount: money(discount),
    coins: { used: Number(coinsUsed), amount: money(coinsAmount), earned: Number(earned) },
    shipping: money(state.shipping),
    total: money(subtotal - discount - coinsAmount + state.shipping),
    applied,
    rejected: [...rejected.entries()].sort((a, b) => a[0] - b[0]).map(([rank, reason]) => ({ id: rules.promotions[rank]!.id, reason })),
    lines: cart.lines.map((l, i) => ({
      id: l.id,
      subtotal: money(l.subtotal),
      discount: money(l.subtotal - afterDiscounts[i]!),
      total: money(afterDiscounts[i]!),
    })),
    optimal,
    savings: sum(steps.map((s) => sum(s.lines) + s.shipping)),
    qualified: qualified.length,
    allocations: [...steps.map((s) => ({ id: s.c.p.id, lines: [...s.lines], shipping: s.shipping, coins: 0n })), ...coinAllocations],
  };
}

/**
 * Best for the buyer: the admissible combination with the largest saving; equal savings go to the combination
 * whose first differing promotion comes earlier in application order. Only promotions that a stacking rule or
 * exclusivity sets against another qualified promotion are chosen freely; every other one is in the combination
 * exactly when it applies at its place.
 */
function bestForBuyer(
  qualified: Candidate[],
  rules: RefRules,
  run: (members: readonly Candidate[]) => { steps: Step[]; failed: Map<number, Reason> },
  atPlace: (q: Candidate, steps: readonly Step[]) => Step | Fail,
  maxContested: number,
): { chosen: Candidate[]; optimal: boolean } {
  const contested = qualified.filter((a) => qualified.some((b) => a !== b && setAgainst(a.p, b.p, rules)));
  const free = qualified.filter((c) => !contested.includes(c));
  const optimal = contested.length <= maxContested;
  const considered = optimal ? contested : contested.slice(0, maxContested);
  let best: { members: Candidate[]; saving: bigint; ranks: number[] } | null = null;
  for (let mask = 0; mask < 2 ** considered.length; mask++) {
    const picked = considered.filter((_, i) => mask & (1 << i));
    const members = [...free, ...picked];
    const { steps, failed } = run(members);
    if (picked.some((c) => failed.has(c.rank))) continue;
    if (violations(steps, rules).length > 0) continue;
    // Admissible (docs/language.md, Selection): every contested promotion left out does not apply at its place
    // in the combination, or what it gives there conflicts with a promotion of the combination. Not "adding it
    // breaks a rule": adding it can make a later member's condition fail instead, which is no conflict.
    const admissible = considered.every((q) => {
      if (picked.includes(q)) return true;
      const there = atPlace(q, steps);
      return "reason" in there || conflictWith(there, steps, rules) !== undefined;
    });
    if (!admissible) continue;
    const saving = sum(steps.map((s) => sum(s.lines) + s.shipping));
    const ranks = steps.map((s) => s.c.rank);
    if (!best || saving > best.saving || (saving === best.saving && earlierFirstDifference(ranks, best.ranks))) best = { members, saving, ranks };
  }
  return { chosen: best?.members ?? free, optimal };
}

/** Whether, of two rank sets, `a`'s smallest rank not shared with `b` comes before `b`'s. */
function earlierFirstDifference(a: number[], b: number[]): boolean {
  const onlyA = a.filter((x) => !b.includes(x));
  const onlyB = b.filter((x) => !a.includes(x));
  const firstA = onlyA.length ? Math.min(...onlyA) : Infinity;
  const firstB = onlyB.length ? Math.min(...onlyB) : Infinity;
  return firstA < firstB;
}

function combines(a: RefPromotion, b: RefPromotion): boolean {
  return a.combinesWith.has(b.id) || b.combinesWith.has(a.id);
}

function excluded(a: RefPromotion, b: RefPromotion): boolean {
  if (combines(a, b)) return false;
  const excludes = (x: RefPromotion, y: RefPromotion) => x.exclusive === "all" || (x.exclusive instanceof Set && x.exclusive.has(y.id));
  return excludes(a, b) || excludes(b, a);
}

/** Whether some stacking rule or exclusivity could keep the two apart. */
function setAgainst(a: RefPromotion, b: RefPromotion, rules: RefRules): boolean {
  return excluded(a, b) || rules.stacking.some((r) => r.members.has(a.id) && r.members.has(b.id));
}

/** The entities ("order", "store", "line", "exclusive") over which a set of applied steps breaks the stacking rules. */
function violations(steps: readonly Step[], rules: RefRules): string[] {
  const out: string[] = [];
  for (let i = 0; i < steps.length; i++) for (let j = i + 1; j < steps.length; j++) if (excluded(steps[i]!.c.p, steps[j]!.c.p)) out.push("exclusive");
  for (const rule of rules.stacking) {
    const buckets = new Map<string, Step[]>();
    const add = (key: string, s: Step) => buckets.set(key, [...(buckets.get(key) ?? []), s]);
    for (const s of steps) {
      if (!rule.members.has(s.c.p.id)) continue;
      if (rule.per === "order" || rule.per === "customer") add("", s);
      else {
        const touched = s.lines.flatMap((a, i) => (a > 0n ? [i] : []));
        const keys = rule.per === "line" ? touched.map(String) : [...new Set(touched.map((i) => stepStore(s, i)))];
        keys.forEach((k) => add(k, s));
      }
    }
    for (const members of buckets.values()) {
      const broken = rule.max === 1 ? members.some((a, i) => members.some((b, j) => j > i && !combines(a.c.p, b.c.p))) : members.length > rule.max;
      if (broken) out.push(rule.per === "customer" ? "order" : rule.per);
    }
  }
  return out;
}

/** The first conflict of one step with the steps of a combination: exclusivity, then the rules in order. */
function conflictWith(step: Step, taken: readonly Step[], rules: RefRules): "not-combinable" | "not-best" | undefined {
  const p = step.c.p;
  if (taken.some((t) => excluded(p, t.c.p))) return "not-combinable";
  const entities = (s: Step, per: string): string[] => {
    if (per === "order" || per === "customer") return [""];
    const touched = s.lines.flatMap((a, i) => (a > 0n ? [i] : []));
    return per === "line" ? touched.map(String) : [...new Set(touched.map((i) => storeOf(i)))];
  };
  for (const rule of rules.stacking) {
    if (!rule.members.has(p.id)) continue;
    const counted = taken.filter((t) => rule.members.has(t.c.p.id) && !(rule.max === 1 && combines(p, t.c.p)));
    for (const key of entities(step, rule.per)) {
      const others = counted.filter((t) => entities(t, rule.per).includes(key));
      if (others.length + 1 > rule.max) return rule.per === "line" ? "not-best" : "not-combinable";
    }
  }
  return undefined;
}

let storeOf: (i: number) => string = () => "";
function stepStore(_s: Step, i: number): string {
  return storeOf(i);
}

/** Applies the members (in application order) to a fresh state; a member that does not apply is left out. */
function simulate(
  members: readonly Candidate[],
  state: State,
  cart: RefCart,
  rules: RefRules,
  ctxOf: (c: Candidate, s: State) => Context,
): { steps: Step[]; failed: Map<number, Reason> } {
  storeOf = (i) => cart.lines[i]!.store;
  const steps: Step[] = [];
  const failed = new Map<number, Reason>();
  for (const c of [...members].sort((a, b) => a.rank - b.rank)) {
    const outcome = attempt(c, state, cart, rules, ctxOf);
    if ("reason" in outcome) failed.set(c.rank, outcome.reason);
    else {
      steps.push(outcome);
      apply(state, outcome);
    }
  }
  return { steps, failed };
}

function apply(state: State, step: Step): void {
  step.lines.forEach((a, i) => (state.remaining[i]! -= a));
  state.shipping -= step.shipping;
}

/** A promotion at its place: its condition, then what its benefit gives (capped by a partly used budget). */
function attempt(c: Candidate, state: State, cart: RefCart, rules: RefRules, ctxOf: (c: Candidate, s: State) => Context): Step | Fail {
  const ctx = ctxOf(c, state);
  if (c.p.condition && !truthy(c.p.condition, ctx, null)) return { reason: "condition" };
  let { lines, shipping } = benefitAmounts(c.p.benefit, state, cart, ctx);
  const total = sum(lines) + shipping;
  if (total === 0n) return { reason: "no-eligible-lines" };
  if (c.budgetCap !== null && total > c.budgetCap) {
    const parts = [...cart.lines.map((l, i) => ({ key: l.id, weight: lines[i]! })), { key: "\u{10FFFF}shipping", weight: shipping }];
    const shares = largestRemainder(c.budgetCap, parts);
    lines = shares.slice(0, cart.lines.length);
    shipping = shares[cart.lines.length]!;
    if (c.budgetCap === 0n) return { reason: "no-eligible-lines" };
  }
  return { c, lines, shipping };
}

/**
 * The units of the lines in a scope, as runs: one run per line holds that line's units, which all cost its unit
 * price. Working on runs rather than on single units keeps quantities up to 10^6 cheap; every operation below is
 * still "unit by unit" (take the N dearest units, the cheapest M of every N, …), only counted in runs.
 */
interface Run {
  line: number;
  price: bigint;
  count: number;
}

function runsOf(scope: A.Expr | null, cart: RefCart, ctx: Context, accept: (l: RefLine) => boolean = () => true): Run[] {
  const runs: Run[] = [];
  cart.lines.forEach((l, i) => {
    if (inScope(scope, ctx, l) && accept(l)) runs.push({ line: i, price: l.unitPrice, count: l.quantity });
  });
  return runs;
}

/** The most expensive units first, ties by line id (lines are sorted by id already). */
const dearestFirst = (a: Run, b: Run) => (a.price !== b.price ? (a.price > b.price ? -1 : 1) : a.line - b.line);
const cheapestFirst = (a: Run, b: Run) => (a.price !== b.price ? (a.price < b.price ? -1 : 1) : a.line - b.line);

/** The first n units of ordered runs. */
function firstUnits(runs: readonly Run[], n: number | null): Run[] {
  if (n === null) return [...runs];
  const out: Run[] = [];
  let left = n;
  for (const r of runs) {
    if (left <= 0) break;
    const take = Math.min(left, r.count);
    out.push({ ...r, count: take });
    left -= take;
  }
  return out;
}

/** Per-line discounts from (line, discount) pairs, each line capped at what is left of it. */
function perLine(offs: readonly { line: number; off: bigint }[], state: State): bigint[] {
  const out = state.remaining.map(() => 0n);
  for (const u of offs) out[u.line]! += u.off;
  return out.map((a, i) => min(a, state.remaining[i]!));
}

/** Allocates an amount over the lines in scope by their value left (largest remainder). */
function allocate(amount: bigint, scope: A.Expr | null, state: State, cart: RefCart, ctx: Context): bigint[] {
  const inIt = cart.lines.map((l) => inScope(scope, ctx, l));
  const weights = cart.lines.map((l, i) => ({ key: l.id, weight: inIt[i] ? state.remaining[i]! : 0n }));
  const left = sum(weights.map((w) => w.weight));
  return largestRemainder(min(amount, left), weights);
}

/**
 * Packs, one after another: each takes, for every listed SKU, the dearest unit left of that SKU (a SKU listed k
 * times takes k units). Packs whose units come from the same lines are identical, so they are counted together.
 */
function packOffs(skus: readonly string[], price: bigint, cart: RefCart, ctx: Context): { line: number; off: bigint }[] {
  const need = new Map<string, number>();
  for (const sku of skus) need.set(sku, (need.get(sku) ?? 0) + 1);
  const pools = new Map<string, Run[]>();
  for (const sku of need.keys()) pools.set(sku, runsOf(null, cart, ctx, (l) => l.sku === sku).sort(dearestFirst));
  const offs: { line: number; off: bigint }[] = [];
  for (;;) {
    // How many identical packs the head runs allow (at least 1 when each SKU's head run holds its k units).
    let batch = Infinity;
    for (const [sku, k] of need) {
      const head = pools.get(sku)![0];
      batch = Math.min(batch, head ? Math.floor(head.count / k) : 0);
    }
    const units: Run[] = [];
    let count = 1;
    if (batch >= 1) {
      count = batch;
      for (const [sku, k] of need) {
        const head = pools.get(sku)![0]!;
        units.push({ line: head.line, price: head.price, count: k });
        head.count -= k * count;
        if (head.count === 0) pools.get(sku)!.shift();
      }
    } else {
      // One pack, unit by unit, across runs.
      for (const [sku, k] of need) {
        const pool = pools.get(sku)!;
        if (pool.reduce((a, r) => a + r.count, 0) < k) return offs;
        for (let j = 0; j < k; j++) {
          const head = pool[0]!;
          units.push({ line: head.line, price: head.price, count: 1 });
          if (--head.count === 0) pool.shift();
        }
      }
    }
    const value = sum(units.map((u) => u.price * BigInt(u.count)));
    if (value <= price) continue;
    // Split over the pack's lines by the value of the pack's units on each line.
    const byLine = new Map<number, bigint>();
    for (const u of units) byLine.set(u.line, (byLine.get(u.line) ?? 0n) + u.price * BigInt(u.count));
    const lines = [...byLine.keys()].sort((a, b) => a - b);
    const shares = largestRemainder(
      value - price,
      lines.map((i) => ({ key: cart.lines[i]!.id, weight: byLine.get(i)! })),
    );
    lines.forEach((line, j) => offs.push({ line, off: shares[j]! * BigInt(count) }));
  }
}

function benefitAmounts(b: RefBenefit, state: State, cart: RefCart, ctx: Context): { lines: bigint[]; shipping: bigint } {
  const none = cart.lines.map(() => 0n);
  switch (b.type) {
    case "amount":
      return { lines: allocate(b.amount, b.scope, state, cart, ctx), shipping: 0n };
    case "percent": {
      const base = sum(cart.lines.map((l, i) => (inScope(b.scope, ctx, l) ? (b.after ? state.remaining[i]! : l.subtotal) : 0n)));
      let amount = percentOf(base, b.percent);
      if (b.cap !== null) amount = min(amount, b.cap);
      return { lines: allocate(amount, b.scope, state, cart, ctx), shipping: 0n };
    }
    case "amount-each": {
      const runs = firstUnits(runsOf(b.scope, cart, ctx).sort(dearestFirst), b.maxUnits);
      return {
        lines: perLine(
          runs.map((r) => ({ line: r.line, off: min(b.amount, r.price) * BigInt(r.count) })),
          state,
        ),
        shipping: 0n,
      };
    }
    case "fixed-price": {
      const runs = firstUnits(runsOf(b.scope, cart, ctx).sort(dearestFirst), b.maxUnits);
      return {
        lines: perLine(
          runs.map((r) => ({ line: r.line, off: (r.price > b.price ? r.price - b.price : 0n) * BigInt(r.count) })),
          state,
        ),
        shipping: 0n,
      };
    }
    case "cheapest-free": {
      const runs = runsOf(b.scope, cart, ctx).sort(cheapestFirst);
      const units = runs.reduce((a, r) => a + r.count, 0);
      const free = Math.floor(units / b.every) * b.free;
      return {
        lines: perLine(
          firstUnits(runs, free).map((r) => ({ line: r.line, off: r.price * BigInt(r.count) })),
          state,
        ),
        shipping: 0n,
      };
    }
    case "pack":
      return { lines: perLine(packOffs(b.skus, b.price, cart, ctx), state), shipping: 0n };
    case "shipping-free":
      return { lines: none, shipping: state.shipping };
    case "shipping-amount":
      return { lines: none, shipping: min(b.amount, state.shipping) };
    case "shipping-percent":
      return { lines: none, shipping: min(percentOf(cart.shipping.price, b.percent), state.shipping) };
    case "coins":
      return { lines: none, shipping: 0n };
  }
}

function coinDeduction(
  c: Candidate,
  state: State,
  cart: RefCart,
  usedBefore: bigint,
  ctxOf: (c: Candidate, s: State) => Context,
): { used: bigint; amount: bigint; eligible: bigint } {
  const b = c.p.benefit;
  if (b.type !== "coins" || b.per === 0n) return { used: 0n, amount: 0n, eligible: 0n };
  const ctx = ctxOf(c, state);
  const items = sum(state.remaining);
  let limit = items;
  if (b.cap) limit = min(limit, percentOfDown(b.capWithShipping ? items + cart.shipping.price : items, b.cap));
  const eligible = sum(cart.lines.map((l, i) => (inScope(b.scope, ctx, l) ? state.remaining[i]! : 0n)));
  limit = min(limit, eligible);
  if (c.budgetCap !== null) limit = min(limit, c.budgetCap);
  // Whole coins worth whole minor units: C coins are worth AMOUNT, so coins go in steps of C / gcd(C, AMOUNT).
  const step = b.coins / gcd(b.coins, b.per);
  let used = min(cart.customer.coins - usedBefore, (limit * b.coins) / b.per);
  if (c.coinCap !== null) used = min(used, c.coinCap);
  used = used < 0n ? 0n : (used / step) * step;
  return { used, amount: (used * b.per) / b.coins, eligible };
}

/** Whether a condition reads an aggregate `after discounts` (its outcome then depends on the combination). */
function readsAfterDiscounts(expr: A.Expr | null): boolean {
  if (!expr) return false;
  switch (expr.kind) {
    case "Aggregate":
      return expr.base === "after";
    case "And":
    case "Or":
      return expr.operands.some(readsAfterDiscounts);
    case "Not":
      return readsAfterDiscounts(expr.operand);
    case "Compare":
      return readsAfterDiscounts(expr.left) || readsAfterDiscounts(expr.right);
    default:
      return false;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

function staticGate(p: RefPromotion, cart: RefCart, coupon: RefCoupon | null): Reason | undefined {
  if (cart.currency !== p.currency) return "currency";
  if (p.valid && (cart.at < p.valid.start || cart.at > p.valid.end)) return "window";
  if (p.collect && (!coupon || coupon.activatedAt === null || coupon.activatedAt < p.collect.start || coupon.activatedAt > p.collect.end))
    return "not-collected";
  if (p.expires && coupon && coupon.activatedAt !== null && cart.at > addDuration(coupon.activatedAt, p.expires.amount, p.expires.unit, p.zone))
    return "expired";
  if (p.locked && coupon && coupon.lastFailedPaymentAt !== null && cart.at < addDuration(coupon.lastFailedPaymentAt, p.locked.amount, p.locked.unit, p.zone))
    return "locked";
  if (!p.transferable && coupon && coupon.owner !== null && coupon.owner !== cart.customer.id) return "owner";
  return undefined;
}

export const escapeKey = (s: string) => s.replace(/%/g, "%25").replace(/\|/g, "%7C");

function usageOf(usage: Usage | undefined, key: string): bigint {
  const u = typeof usage === "function" ? usage(key) : usage && Object.hasOwn(usage, key) ? usage[key] : undefined;
  return typeof u === "number" && Number.isFinite(u) ? BigInt(Math.trunc(u)) : 0n;
}

/** Gate 7: an exhausted limit rejects; a partly used budget or coin limit caps. */
function limitGate(
  p: RefPromotion,
  cart: RefCart,
  coupon: RefCoupon | null,
  rules: RefRules,
  usage: Usage | undefined,
): "limit" | { budgetCap: bigint | null; coinCap: bigint | null } {
  let budgetCap: bigint | null = null;
  let coinCap: bigint | null = null;
  const ctx: Context = { cart, coupon, scopes: rules.scopes, remaining: cart.lines.map((l) => l.subtotal), digits: p.digits };
  // docs/language.md, Limits: a units limit takes every unit of the cart the promotion can touch, or rejects.
  const units = (store: string | null) =>
    cart.lines.filter((l) => touchable(p.benefit, l, ctx) && (store === null || l.store === store)).reduce((n, l) => n + BigInt(l.quantity), 0n);
  for (const limit of p.limits) {
    if (limit.kind === "units") {
      if (limit.per === "order") {
        if (units(null) > limit.max) return "limit";
        continue;
      }
      if (limit.per === "customer" && cart.customer.id === null) return "limit";
      const period = limit.period ? `|${periodBucket(limit.period, cart.at, p.zone)}` : "";
      const stores = limit.per === "store" ? [...new Set(cart.lines.filter((l) => touchable(p.benefit, l, ctx)).map((l) => l.store))] : [null];
      for (const store of stores) {
        const entity = limit.per === "customer" ? `|customer:${escapeKey(cart.customer.id!)}` : store !== null ? `|store:${escapeKey(store)}` : "";
        if (usageOf(usage, `${escapeKey(p.id)}|units${entity}${period}`) + units(store) > limit.max) return "limit";
      }
      continue;
    }
    if (limit.per === "order") {
      if (limit.kind === "budget") budgetCap = budgetCap === null ? limit.max : min(budgetCap, limit.max);
      if (limit.kind === "coins") coinCap = coinCap === null ? limit.max : min(coinCap, limit.max);
      continue;
    }
    let entities: string[] = [""];
    if (limit.per === "customer") {
      if (cart.customer.id === null) return "limit";
      entities = [`|customer:${escapeKey(cart.customer.id)}`];
    } else if (limit.per === "store") {
      entities = [...new Set(cart.lines.filter((l) => touchable(p.benefit, l, ctx)).map((l) => `|store:${escapeKey(l.store)}`))];
    }
    const period = limit.period ? `|${periodBucket(limit.period, cart.at, p.zone)}` : "";
    for (const entity of entities) {
      const used = usageOf(usage, `${escapeKey(p.id)}|${limit.kind}${entity}${period}`);
      if (limit.kind === "count" ? used + 1n > limit.max : used >= limit.max) return "limit";
      if (limit.kind === "budget") budgetCap = budgetCap === null ? limit.max - used : min(budgetCap, limit.max - used);
      if (limit.kind === "coins") coinCap = coinCap === null ? limit.max - used : min(coinCap, limit.max - used);
    }
  }
  return { budgetCap, coinCap };
}

/** Whether a promotion's benefit can touch a line: its scope, every line for order-wide and shipping benefits. */
export function touchable(b: RefBenefit, line: RefLine, ctx: Context): boolean {
  switch (b.type) {
    case "pack":
      return b.skus.includes(line.sku);
    case "shipping-free":
    case "shipping-amount":
    case "shipping-percent":
      return true;
    default:
      return inScope(b.scope, ctx, line);
  }
}

/** Index keys read off a benefit's scope (docs/language.md, Candidates): values one of its lines must have. */
interface Keys {
  skus: string[];
  stores: string[];
  categories: string[];
  tags: string[];
}

function keysOf(expr: A.Expr, rules: RefRules, seen: Set<string>): Keys | null {
  switch (expr.kind) {
    case "Compare": {
      const l = expr.left;
      if (l.kind !== "Path" || l.segments.length !== 2 || l.segments[0]!.text !== "line") return null;
      const field = l.segments[1]!.text;
      const keys: Keys = { skus: [], stores: [], categories: [], tags: [] };
      if (expr.op === "contains" && field === "tags" && expr.right.kind === "String") return { ...keys, tags: [expr.right.value] };
      const slot = field === "sku" ? "skus" : field === "store" ? "stores" : field === "category" ? "categories" : null;
      if (!slot) return null;
      if (expr.op === "is" && expr.right.kind === "String") return { ...keys, [slot]: [expr.right.value] };
      if (expr.op === "in" && expr.right.kind === "List" && expr.right.items.every((i) => i.kind === "String")) {
        return { ...keys, [slot]: expr.right.items.map((i) => (i as A.StringLit).value) };
      }
      return null;
    }
    case "And":
      // Every operand must hold, so the first operand with keys gives necessary keys (Decisions in the docs).
      for (const operand of expr.operands) {
        const keys = keysOf(operand, rules, seen);
        if (keys) return keys;
      }
      return null;
    case "Or": {
      const merged: Keys = { skus: [], stores: [], categories: [], tags: [] };
      for (const operand of expr.operands) {
        const keys = keysOf(operand, rules, seen);
        if (!keys) return null;
        for (const k of ["skus", "stores", "categories", "tags"] as const) merged[k].push(...keys[k]);
      }
      return merged;
    }
    case "Path": {
      if (expr.segments.length !== 1) return null;
      const name = expr.segments[0]!.text;
      const scope = rules.scopes.get(name);
      if (!scope || seen.has(name)) return null;
      seen.add(name);
      return keysOf(scope, rules, seen);
    }
    default:
      return null;
  }
}

function isIndexedCandidate(p: RefPromotion, rules: RefRules, cart: RefCart): boolean {
  const b = p.benefit;
  let keys: Keys | null = null;
  if (b.type === "pack") keys = { skus: b.skus, stores: [], categories: [], tags: [] };
  else if ("scope" in b && b.scope) keys = keysOf(b.scope, rules, new Set());
  if (!keys) return true;
  const k = keys;
  return cart.lines.some((l) => k.skus.includes(l.sku) || k.stores.includes(l.store) || k.categories.includes(l.category) || k.tags.some((t) => l.tags.has(t)));
}

export { codePointCompare };
