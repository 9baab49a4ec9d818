import type { NormalizedCart, PricingResult } from "@promo/runtime";

/**
 * The running figures of a simulation, in integer minor units. Every figure is a sum, a count, a maximum with a
 * deterministic tie-break, or a bounded "first/top N" list with a total order, so two tallies over disjoint sets
 * of carts merge into exactly the tally of their union, whatever the split and the order (workers, shards).
 */

/** Buckets of the discount depth histogram: discount ÷ subtotal in steps of 5% (the last holds 95–100%). */
export const DEPTH_BUCKETS = 20;
/** How many of the largest total changes a diff keeps. */
export const TOP_CHANGES = 20;
/** How many invalid carts are listed (all are counted). */
export const LISTED_PROBLEMS = 100;
/** The store label for savings on no line (shipping, coins). */
export const ORDER_LEVEL = "(order)";

export interface PromotionTally {
  id: string;
  title: string;
  kind: string;
  /** Carts where it was a candidate (applied or rejected with a reason). */
  candidate: number;
  applied: number;
  rejected: Record<string, number>;
  /** Savings granted, minor units (items, shipping and coins value). */
  cost: number;
  max: number;
  /** The cart of the largest discount (the smallest id among equals). */
  maxCart: string | null;
  depth: number[];
  /** Hour (epoch hours) → [redemptions, cost]. */
  byHour: Map<number, [number, number]>;
  /** Store → [carts where it discounted the store's lines, cost]. */
  byStore: Map<string, [number, number]>;
  /** Funder → cost, only when results carry funding data. */
  byFunder: Map<string, number>;
}

export interface VersionTally {
  carts: number;
  subtotal: number;
  /** Sum of the applied promotions' amounts (items, shipping and coins value). */
  cost: number;
  total: number;
  discounted: number;
  notOptimal: number;
  depth: number[];
  /** Hour → [carts, cost]. */
  byHour: Map<number, [number, number]>;
  /** Store → [carts, subtotal, discount on the store's lines]. */
  byStore: Map<string, [number, number, number]>;
  promotions: Map<string, PromotionTally>;
  /** Whether any result carried funding data (then cost is also split by funder). */
  funded: boolean;
}

export interface ChangedCart {
  cart: string;
  before: number;
  after: number;
  delta: number;
}

export interface DiffTally {
  carts: number;
  changed: number;
  increased: number;
  decreased: number;
  /** Sum of (total after − total before) over all carts, minor units. */
  delta: number;
  largest: ChangedCart[];
  /** Promotion → [carts where it applies only after, carts where it applied only before]. */
  promotions: Map<string, [number, number]>;
}

export interface Problem {
  file: string;
  line: number;
  /** JSON pointer in the cart, "" for the whole line. */
  path: string;
  message: string;
}

export interface InputTally {
  /** Non-blank lines read (after sharding and sampling: the ones this report is about). */
  records: number;
  simulated: number;
  invalid: number;
  otherCurrency: number;
  problems: Problem[];
  /** File → [records, simulated, invalid or other currency]. */
  files: Map<string, [number, number, number]>;
}

export interface Tally {
  input: InputTally;
  current: VersionTally;
  against: VersionTally | null;
  diff: DiffTally | null;
}

export function emptyVersion(): VersionTally {
  return {
    carts: 0,
    subtotal: 0,
    cost: 0,
    total: 0,
    discounted: 0,
    notOptimal: 0,
    depth: new Array(DEPTH_BUCKETS).fill(0),
    byHour: new Map(),
    byStore: new Map(),
    promotions: new Map(),
    funded: false,
  };
}

export function emptyTally(withAgainst: boolean): Tally {
  return {
    input: { records: 0, simulated: 0, invalid: 0, otherCurrency: 0, problems: [], files: new Map() },
    current: emptyVersion(),
    against: withAgainst ? emptyVersion() : null,
    diff: withAgainst ? { carts: 0, changed: 0, increased: 0, decreased: 0, delta: 0, largest: [], promotions: new Map() } : null,
  };
}

/** The depth bucket of a discount on a subtotal: exact integer arithmetic, 100% and above in the last bucket. */
export function depthBucket(discount: number, subtotal: number): number {
  if (subtotal <= 0 || discount <= 0) return 0;
  return Math.min(DEPTH_BUCKETS - 1, Math.floor((discount * DEPTH_BUCKETS) / subtotal));
}

/** Minor units of an amount the engine formatted (`minorFormatter`: digits, one dot, exactly `exponent` decimals). */
export function minorOf(amount: string): number {
  return Number(amount.replace(".", ""));
}

const HOUR = 3_600_000;

function promotionTally(tally: VersionTally, id: string, title: string, kind: string): PromotionTally {
  let p = tally.promotions.get(id);
  if (p === undefined) {
    p = {
      id,
      title,
      kind,
      candidate: 0,
      applied: 0,
      rejected: {},
      cost: 0,
      max: 0,
      maxCart: null,
      depth: new Array(DEPTH_BUCKETS).fill(0),
      byHour: new Map(),
      byStore: new Map(),
      byFunder: new Map(),
    };
    tally.promotions.set(id, p);
  }
  return p;
}

/** Declares the promotions of a rule set, so that ones that never became candidates are listed too. */
export function declarePromotions(tally: VersionTally, promotions: readonly { id: string; title: string; kind: string }[]): void {
  for (const p of promotions) promotionTally(tally, p.id, p.title, p.kind);
}

function addPair(map: Map<number, [number, number]>, key: number, a: number, b: number): void {
  const entry = map.get(key);
  if (entry) {
    entry[0] += a;
    entry[1] += b;
  } else map.set(key, [a, b]);
}

function addStorePair(map: Map<string, [number, number]>, key: string, a: number, b: number): void {
  const entry = map.get(key);
  if (entry) {
    entry[0] += a;
    entry[1] += b;
  } else map.set(key, [a, b]);
}

/**
 * Funding of an applied promotion, read defensively: `funding: [{ funder, amount }]` or `funder: "name"` on the
 * applied entry (the whole amount), when present. Undefined when the result says nothing about funding.
 */
export function fundingOf(applied: unknown, amount: number): [string, number][] | undefined {
  if (typeof applied !== "object" || applied === null) return undefined;
  const a = applied as { funding?: unknown; funder?: unknown };
  if (Array.isArray(a.funding)) {
    const out: [string, number][] = [];
    for (const share of a.funding) {
      if (typeof share !== "object" || share === null) continue;
      const s = share as { funder?: unknown; party?: unknown; amount?: unknown };
      const funder = typeof s.funder === "string" ? s.funder : typeof s.party === "string" ? s.party : undefined;
      if (funder === undefined) continue;
      const minor = typeof s.amount === "string" && /^-?\d+(\.\d+)?$/.test(s.amount) ? minorOf(s.amount) : typeof s.amount === "number" ? s.amount : undefined;
      if (minor !== undefined && Number.isSafeInteger(minor)) out.push([funder, minor]);
    }
    return out.length > 0 ? out : undefined;
  }
  if (typeof a.funder === "string") return [[a.funder, amount]];
  return undefined;
}

/** Adds one priced cart to a version's figures. */
export function recordCart(tally: VersionTally, cartId: string, cart: NormalizedCart, result: PricingResult): void {
  const hour = Math.floor(cart.at / HOUR);
  const subtotal = minorOf(result.subtotal);
  tally.carts++;
  tally.subtotal += subtotal;
  tally.total += minorOf(result.total);
  if (!result.optimal) tally.notOptimal++;

  const storeOf = new Map<string, string>();
  const storeSubtotal = new Map<string, number>();
  for (const line of cart.lines) {
    storeOf.set(line.id, line.store);
    storeSubtotal.set(line.store, (storeSubtotal.get(line.store) ?? 0) + line.subtotal);
  }
  const storeDiscount = new Map<string, number>();
  for (const line of result.lines) {
    const d = minorOf(line.discount);
    if (d !== 0) {
      const store = storeOf.get(line.id) ?? "";
      storeDiscount.set(store, (storeDiscount.get(store) ?? 0) + d);
    }
  }
  for (const [store, sub] of storeSubtotal) {
    const entry = tally.byStore.get(store);
    const d = storeDiscount.get(store) ?? 0;
    if (entry) {
      entry[0]++;
      entry[1] += sub;
      entry[2] += d;
    } else tally.byStore.set(store, [1, sub, d]);
  }

  let cost = 0;
  for (const applied of result.applied) {
    const amount = minorOf(applied.amount);
    cost += amount;
    const p = promotionTally(tally, applied.id, applied.title, applied.kind);
    p.candidate++;
    p.applied++;
    p.cost += amount;
    if (amount > p.max || (amount === p.max && (p.maxCart === null || cartId < p.maxCart))) {
      p.max = amount;
      p.maxCart = cartId;
    }
    p.depth[depthBucket(amount, subtotal)]!++;
    addPair(p.byHour, hour, 1, amount);
    const perStore = new Map<string, number>();
    let onLines = 0;
    for (const l of applied.lines) {
      const a = minorOf(l.amount);
      onLines += a;
      const store = storeOf.get(l.line) ?? "";
      perStore.set(store, (perStore.get(store) ?? 0) + a);
    }
    if (amount - onLines !== 0) perStore.set(ORDER_LEVEL, (perStore.get(ORDER_LEVEL) ?? 0) + amount - onLines);
    for (const [store, a] of perStore) addStorePair(p.byStore, store, 1, a);
    const funding = fundingOf(applied, amount);
    if (funding) {
      tally.funded = true;
      for (const [funder, a] of funding) p.byFunder.set(funder, (p.byFunder.get(funder) ?? 0) + a);
    }
  }
  for (const rejected of result.rejected) {
    const p = promotionTally(tally, rejected.id, "", "");
    p.candidate++;
    p.rejected[rejected.reason] = (p.rejected[rejected.reason] ?? 0) + 1;
  }
  tally.cost += cost;
  if (cost > 0) tally.discounted++;
  tally.depth[depthBucket(cost, subtotal)]!++;
  addPair(tally.byHour, hour, 1, cost);
}

/** Orders changed carts: the largest change first, then by cart id. */
export function compareChanges(a: ChangedCart, b: ChangedCart): number {
  return Math.abs(b.delta) - Math.abs(a.delta) || (a.cart < b.cart ? -1 : a.cart > b.cart ? 1 : 0);
}

/** Adds one cart priced by both versions (before: `--against`, after: the rules simulated). */
export function recordDiff(diff: DiffTally, cartId: string, before: PricingResult, after: PricingResult): void {
  diff.carts++;
  const b = minorOf(before.total);
  const a = minorOf(after.total);
  if (a !== b) {
    diff.changed++;
    diff.delta += a - b;
    if (a > b) diff.increased++;
    else diff.decreased++;
    const change = { cart: cartId, before: b, after: a, delta: a - b };
    const largest = diff.largest;
    if (largest.length < TOP_CHANGES || compareChanges(change, largest[largest.length - 1]!) < 0) {
      let i = largest.length;
      while (i > 0 && compareChanges(change, largest[i - 1]!) < 0) i--;
      largest.splice(i, 0, change);
      if (largest.length > TOP_CHANGES) largest.pop();
    }
  }
  const beforeIds = new Set(before.applied.map((p) => p.id));
  const afterIds = new Set(after.applied.map((p) => p.id));
  for (const id of afterIds) if (!beforeIds.has(id)) bump(diff.promotions, id, 0);
  for (const id of beforeIds) if (!afterIds.has(id)) bump(diff.promotions, id, 1);
}

function bump(map: Map<string, [number, number]>, id: string, index: 0 | 1): void {
  let entry = map.get(id);
  if (!entry) map.set(id, (entry = [0, 0]));
  entry[index]++;
}

export function compareProblems(a: Problem, b: Problem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

/** Records an input problem (counted always, listed among the first LISTED_PROBLEMS by file and line). */
export function recordProblem(input: InputTally, problem: Problem): void {
  const problems = input.problems;
  if (problems.length >= LISTED_PROBLEMS && compareProblems(problem, problems[problems.length - 1]!) >= 0) return;
  let i = problems.length;
  while (i > 0 && compareProblems(problem, problems[i - 1]!) < 0) i--;
  problems.splice(i, 0, problem);
  if (problems.length > LISTED_PROBLEMS) problems.pop();
}

export function countFile(input: InputTally, file: string, records: number, simulated: number, rejected: number): void {
  const entry = input.files.get(file);
  if (entry) {
    entry[0] += records;
    entry[1] += simulated;
    entry[2] += rejected;
  } else input.files.set(file, [records, simulated, rejected]);
}

// ---- merging ----

function mergeNumberPairs<K>(into: Map<K, number[]>, from: Map<K, number[]>): void {
  for (const [key, values] of from) {
    const entry = into.get(key);
    if (entry) values.forEach((v, i) => (entry[i] = (entry[i] ?? 0) + v));
    else into.set(key, [...values]);
  }
}

function mergePromotion(into: PromotionTally, from: PromotionTally): void {
  if (into.title === "" && from.title !== "") {
    into.title = from.title;
    into.kind = from.kind;
  }
  into.candidate += from.candidate;
  into.applied += from.applied;
  for (const [reason, n] of Object.entries(from.rejected)) into.rejected[reason] = (into.rejected[reason] ?? 0) + n;
  into.cost += from.cost;
  if (from.maxCart !== null && (from.max > into.max || into.maxCart === null || (from.max === into.max && from.maxCart < into.maxCart))) {
    into.max = from.max;
    into.maxCart = from.maxCart;
  }
  from.depth.forEach((n, i) => (into.depth[i]! += n));
  mergeNumberPairs(into.byHour as Map<number, number[]>, from.byHour);
  mergeNumberPairs(into.byStore as Map<string, number[]>, from.byStore);
  for (const [funder, n] of from.byFunder) into.byFunder.set(funder, (into.byFunder.get(funder) ?? 0) + n);
}

export function mergeVersion(into: VersionTally, from: VersionTally): void {
  into.carts += from.carts;
  into.subtotal += from.subtotal;
  into.cost += from.cost;
  into.total += from.total;
  into.discounted += from.discounted;
  into.notOptimal += from.notOptimal;
  into.funded ||= from.funded;
  from.depth.forEach((n, i) => (into.depth[i]! += n));
  mergeNumberPairs(into.byHour as Map<number, number[]>, from.byHour);
  mergeNumberPairs(into.byStore as Map<string, number[]>, from.byStore);
  for (const [id, p] of from.promotions) {
    const target = into.promotions.get(id);
    if (target) mergePromotion(target, p);
    else {
      const copy = promotionTally(into, p.id, p.title, p.kind);
      mergePromotion(copy, p);
    }
  }
}

export function mergeDiff(into: DiffTally, from: DiffTally): void {
  into.carts += from.carts;
  into.changed += from.changed;
  into.increased += from.increased;
  into.decreased += from.decreased;
  into.delta += from.delta;
  into.largest = [...into.largest, ...from.largest].sort(compareChanges).slice(0, TOP_CHANGES);
  mergeNumberPairs(into.promotions as Map<string, number[]>, from.promotions);
}

export function mergeInput(into: InputTally, from: InputTally): void {
  into.records += from.records;
  into.simulated += from.simulated;
  into.invalid += from.invalid;
  into.otherCurrency += from.otherCurrency;
  for (const p of from.problems) recordProblem(into, p);
  for (const [file, [r, s, x]] of from.files) countFile(into, file, r, s, x);
}

export function mergeTally(into: Tally, from: Tally): void {
  mergeInput(into.input, from.input);
  mergeVersion(into.current, from.current);
  if (from.against) {
    into.against ??= emptyVersion();
    mergeVersion(into.against, from.against);
  }
  if (from.diff) {
    into.diff ??= { carts: 0, changed: 0, increased: 0, decreased: 0, delta: 0, largest: [], promotions: new Map() };
    mergeDiff(into.diff, from.diff);
  }
}
