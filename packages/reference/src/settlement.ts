import type * as A from "../../dsl/src/ast/nodes.js";
import type { RefCart, RefLine } from "./cart.js";
import { readsMissingData, truthy, type Context } from "./conditions.js";
import { codePointCompare, compareRational, formatMinor, largestRemainder, parseMinor, parseRational, percentOf, sum, type Rational } from "./money.js";
import { escapeKey, touchable, type RefResult } from "./price.js";
import type { Kind, RefPromotion, RefRules } from "./rules.js";
import { periodBucket } from "./time.js";

/**
 * Settlement and returns as the agreed design for issue 13 states them (funding, commission, per-store
 * settlement, unit shares, returns, recovered discounts, ledger release), written again from that text over the
 * reference's own BigInt money and the reference's own pricing: nothing here comes from the engine.
 */

/** A funder split: percentages of `platform` and `seller` that sum to 100. */
export interface Funders {
  platform: Rational;
  seller: Rational;
}

/**
 * What settlement needs beyond pricing, as plain data: who funds each promotion, the commission table, each
 * promotion's return and cancel policies and the unit of each of its limits. `settlementInputs` reads it off the
 * syntax trees; tests may also give it directly.
 */
export interface SettlementInputs {
  /** By promotion id; a promotion not listed is funded by its kind's default. */
  funders: Record<string, Funders>;
  /** Null: no commission block, commission 0 everywhere. */
  commission: { categories: Record<string, Rational>; default: Rational } | null;
  /** By promotion id; default `keep`. */
  onReturn: Record<string, "keep" | "recover">;
  /** By promotion id; default `return`. */
  onCancel: Record<string, "keep" | "return">;
  /** By promotion id: the unit word of each `limit` clause in source order (`units` for a limit in units). */
  limitUnits: Record<string, (string | null)[]>;
}

const HUNDRED: Rational = { num: 100n, den: 1n };
const ZERO: Rational = { num: 0n, den: 1n };
const all = (party: "platform" | "seller"): Funders => (party === "platform" ? { platform: HUNDRED, seller: ZERO } : { platform: ZERO, seller: HUNDRED });

/** Who funds a promotion of each kind when it does not say (SPEC: "Defaults by kind when the clause is absent"). */
export const DEFAULT_FUNDER: Record<Kind, "platform" | "seller"> = {
  automatic: "seller",
  "store-coupon": "seller",
  shipping: "seller",
  "selected-coupon": "platform",
  "platform-coupon": "platform",
  coins: "platform",
  "promo-code": "platform",
};

export function fundersOf(p: RefPromotion, inputs: SettlementInputs): Funders {
  return Object.hasOwn(inputs.funders, p.id) ? inputs.funders[p.id]! : all(DEFAULT_FUNDER[p.kind]);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the inputs off the syntax trees (the dsl's AST node shapes only; nothing of the engine).

const percent = (lit: A.PercentLit | undefined): Rational | undefined => (lit ? parseRational(lit.text.replace(/%$/, "").trim()) : undefined);

/** `funded by platform 70%, seller 30%` → the split; `funded by seller` → all to one party; undefined otherwise. */
function readFunding(clause: A.FundedClause): Funders | undefined {
  const shares = clause.shares.filter((s) => s.party.text === "platform" || s.party.text === "seller");
  if (shares.length === 1) return all(shares[0]!.party.text as "platform" | "seller");
  if (shares.length !== 2) return undefined;
  const of = (party: string) => percent(shares.find((s) => s.party.text === party)?.percent);
  const platform = of("platform");
  const seller = of("seller");
  return platform && seller ? { platform, seller } : undefined;
}

/** `commission { category "x" 5% … default 8% }`: a `category` entry per category, `default` the rest. */
function readCommission(decl: A.CommissionDecl): SettlementInputs["commission"] {
  const categories: Record<string, Rational> = {};
  let fallback: Rational | undefined;
  for (const entry of decl.entries) {
    const rate = percent(entry.rate);
    if (!rate) continue;
    if (entry.head.text === "category" && entry.category) categories[entry.category.value] = rate;
    else if (entry.head.text === "default") fallback = rate;
  }
  return { categories, default: fallback ?? ZERO };
}

/** Reads funding, commission, return and cancel policies and limit units off the files of a checked project. */
export function settlementInputs(files: readonly A.PromoFile[]): SettlementInputs {
  const inputs: SettlementInputs = { funders: {}, commission: null, onReturn: {}, onCancel: {}, limitUnits: {} };
  for (const file of files) {
    for (const d of file.declarations) {
      if (d.kind === "Commission" && inputs.commission === null) inputs.commission = readCommission(d);
      if (d.kind !== "Promotion") continue;
      const id = d.name.text;
      inputs.limitUnits[id] = [];
      for (const c of d.clauses) {
        if (c.kind === "Funded") {
          const split = readFunding(c);
          if (split) inputs.funders[id] = split;
        } else if (c.kind === "Limit") inputs.limitUnits[id]!.push(c.limit.unit?.text ?? null);
        else if (c.kind === "OnReturn") inputs.onReturn[id] = c.action.text === "recover" ? "recover" : "keep";
        else if (c.kind === "OnCancel" && c.event.text === "cancel") inputs.onCancel[id] = c.action.text === "keep" ? "keep" : "return";
      }
    }
  }
  return inputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Splits.

/**
 * Splits an amount between the funders in proportion to their percentages: each gets the floor of its share; the
 * minor units left go one each by larger fractional remainder, equal remainders to `platform` first.
 */
export function splitFunders(amount: bigint, f: Funders): { platform: bigint; seller: bigint } {
  // amount × pct / 100 with pct = num/den: the share is (amount × num) / (den × 100), the remainder its modulus
  // over that denominator; the two remainders are compared as fractions.
  const share = (pct: Rational) => ({ floor: (amount * pct.num) / (pct.den * 100n), rem: { num: (amount * pct.num) % (pct.den * 100n), den: pct.den * 100n } });
  const p = share(f.platform);
  const s = share(f.seller);
  let platform = p.floor;
  let seller = s.floor;
  let left = amount - platform - seller;
  const order = compareRational(p.rem, s.rem) >= 0 ? (["platform", "seller"] as const) : (["seller", "platform"] as const);
  for (const party of order) {
    if (left <= 0n) break;
    if (party === "platform") platform += 1n;
    else seller += 1n;
    left -= 1n;
  }
  return { platform, seller };
}

/** share_i(X): unit i (1-based) of q units gets floor(X/q) + (i ≤ X mod q ? 1 : 0). */
export function unitShare(amount: bigint, q: number, i: number): bigint {
  const Q = BigInt(q);
  return amount / Q + (BigInt(i) <= amount % Q ? 1n : 0n);
}

/** Σ share_i(X) over units first..last (1-based, inclusive; 0 when last < first), in closed form. */
export function unitsShare(amount: bigint, q: number, first: number, last: number): bigint {
  if (last < first) return 0n;
  const Q = BigInt(q);
  const extra = amount % Q;
  const lo = BigInt(first);
  const hi = BigInt(last) < extra ? BigInt(last) : extra;
  return BigInt(last - first + 1) * (amount / Q) + (hi >= lo ? hi - lo + 1n : 0n);
}

/**
 * Amendment 1 of the design (it supersedes "every component divided over the units on its own"): a line's
 * components are ordered (discount allocations in application order, then coins deductions in application order)
 * and the RUNNING TOTAL is divided over the units. With C_k = A_1 + … + A_k, unit i's share of component k is
 * share_i(C_k) − share_i(C_{k−1}); within the component, with platform part P, unit i's platform share is
 * share_i(C_{k−1} + P) − share_i(C_{k−1}) and its seller share the rest of its A_k share. So a unit's deductions
 * add up to share_i(C_m) ≤ its price, and its platform + seller equal its share. The commission is divided on its
 * own. The coins themselves (whole coins, not money) are divided the same way, their running total taken over the
 * line's coins deductions in application order.
 *
 * `unitsShares` gives units first..last (1-based, inclusive) of a line: every range sum of these is a difference of
 * range sums of share_i, computed in closed form.
 */
export function unitsShares(
  c: Pick<LineComponents, "line" | "discounts" | "coins" | "commission">,
  first: number,
  last: number,
): {
  discounts: { promotion: string; amount: bigint; platform: bigint; seller: bigint }[];
  coins: { promotion: string; amount: bigint; platform: bigint; seller: bigint; coins: bigint }[];
  commission: bigint;
} {
  const q = c.line.quantity;
  const S = (x: bigint) => unitsShare(x, q, first, last);
  let running = 0n;
  const part = (x: { promotion: string; amount: bigint; platform: bigint }) => {
    const start = running;
    running += x.amount;
    const amount = S(running) - S(start);
    const platform = S(start + x.platform) - S(start);
    return { promotion: x.promotion, amount, platform, seller: amount - platform };
  };
  const discounts = c.discounts.map(part);
  let coinsRunning = 0n;
  const coins = c.coins.map((x) => {
    const start = coinsRunning;
    coinsRunning += x.coins;
    return { ...part(x), coins: S(coinsRunning) - S(start) };
  });
  return { discounts, coins, commission: S(c.commission) };
}

// ---------------------------------------------------------------------------------------------------------------
// Per-line components: the amounts every settlement and refund is made of.

interface Split {
  total: bigint;
  platform: bigint;
  seller: bigint;
}

export interface LineComponents {
  line: RefLine;
  /** Index in cart.lines (sorted by id). */
  index: number;
  discounts: { promotion: string; amount: bigint; platform: bigint; seller: bigint }[];
  coins: { promotion: string; amount: bigint; platform: bigint; seller: bigint; coins: bigint }[];
  rate: Rational;
  commissionBase: bigint;
  commission: bigint;
}

function promotionsById(rules: RefRules): Map<string, RefPromotion> {
  return new Map(rules.promotions.map((p) => [p.id, p]));
}

function components(rules: RefRules, cart: RefCart, result: RefResult, inputs: SettlementInputs): LineComponents[] {
  const byId = promotionsById(rules);
  // A coins promotion's coins are spread over its lines in proportion to each line's share of their value.
  const coinsOnLines = new Map<string, bigint[]>();
  for (const a of result.allocations) {
    if (byId.get(a.id)?.kind !== "coins") continue;
    coinsOnLines.set(
      a.id,
      largestRemainder(
        a.coins,
        cart.lines.map((l, i) => ({ key: l.id, weight: a.lines[i]! })),
      ),
    );
  }
  return cart.lines.map((line, index) => {
    const c: LineComponents = { line, index, discounts: [], coins: [], rate: ZERO, commissionBase: 0n, commission: 0n };
    for (const a of result.allocations) {
      const p = byId.get(a.id)!;
      const amount = a.lines[index]!;
      if (amount === 0n) continue;
      const split = splitFunders(amount, fundersOf(p, inputs));
      if (p.kind === "coins") c.coins.push({ promotion: p.id, amount, ...split, coins: coinsOnLines.get(p.id)![index]! });
      else c.discounts.push({ promotion: p.id, amount, ...split });
    }
    const sellerFunded = sum(c.discounts.map((d) => d.seller)) + sum(c.coins.map((d) => d.seller));
    c.commissionBase = line.subtotal - sellerFunded;
    const table = inputs.commission;
    c.rate = table === null ? ZERO : Object.hasOwn(table.categories, line.category) ? table.categories[line.category]! : table.default;
    c.commission = percentOf(c.commissionBase, c.rate);
    return c;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Settlement.

export interface RefSplitOut {
  total: string;
  platform: string;
  seller: string;
}

export interface RefSettlementFigures {
  items: string;
  discount: RefSplitOut;
  coins: RefSplitOut;
  shipping: string;
  shippingDiscount: RefSplitOut;
  paid: string;
  commission: string;
  sellerNet: string;
  /** Only with an attribution: the affiliate commissions of the lines, also taken off `sellerNet`. */
  affiliateCommission?: string;
}

export interface RefSettlementLine {
  line: string;
  items: string;
  discount: RefSplitOut;
  coins: RefSplitOut;
  paid: string;
  commissionRate: string;
  commission: string;
  /** Only with an attribution: the attribution line's winner, or null (also for a line it does not list). */
  webmaster?: string | null;
  /** Only with an attribution: the attribution line's `commissionMinor` (every unit's), 0 for a line not listed. */
  affiliateCommission?: string;
}

export interface RefSettlement {
  currency: string;
  stores: (RefSettlementFigures & { store: string; lines: RefSettlementLine[] })[];
  totals: RefSettlementFigures;
}

interface Figures {
  items: bigint;
  discount: Split;
  coins: Split;
  shipping: bigint;
  shippingDiscount: Split;
  goodsPaid: bigint;
  commissionBase: bigint;
  commission: bigint;
  affiliateCommission: bigint;
}

const zeroSplit = (): Split => ({ total: 0n, platform: 0n, seller: 0n });
const zeroFigures = (): Figures => ({
  items: 0n,
  discount: zeroSplit(),
  coins: zeroSplit(),
  shipping: 0n,
  shippingDiscount: zeroSplit(),
  goodsPaid: 0n,
  commissionBase: 0n,
  commission: 0n,
  affiliateCommission: 0n,
});
const addSplit = (to: Split, x: { total?: bigint; amount?: bigint; platform: bigint; seller: bigint }) => {
  to.total += x.total ?? x.amount ?? 0n;
  to.platform += x.platform;
  to.seller += x.seller;
};

/** "5%", "7.5%": a rate as a percentage without trailing zeros. */
export function formatRate(r: Rational): string {
  let digits = 0;
  for (let den = r.den; den > 1n && den % 10n === 0n; den /= 10n) digits++;
  if (10n ** BigInt(digits) !== r.den) return `${Number(r.num) / Number(r.den)}%`;
  const text = formatMinor(r.num, digits);
  return `${digits > 0 ? text.replace(/\.?0+$/, "") : text}%`;
}

/** The stores of a cart in order of first appearance (cart order), each with its lines in cart order. */
function storesOf(cart: RefCart): { store: string; lines: number[] }[] {
  const ordered = cart.lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.position - b.l.position);
  const stores: { store: string; lines: number[] }[] = [];
  for (const { l, i } of ordered) {
    let s = stores.find((x) => x.store === l.store);
    if (!s) stores.push((s = { store: l.store, lines: [] }));
    s.lines.push(i);
  }
  return stores;
}

/** Spreads an amount over stores in proportion to their items (largest remainder; ties larger items, then id). */
function overStores(amount: bigint, stores: { store: string; items: bigint }[]): bigint[] {
  const weights = stores.map((s) => ({ key: s.store, weight: s.items }));
  // Stores whose lines are all free still take shipping: then every store weighs the same.
  const none = weights.every((w) => w.weight === 0n);
  return largestRemainder(
    amount,
    weights.map((w) => (none ? { ...w, weight: 1n } : w)),
  );
}

/**
 * The settlement of a priced order. With `affiliate` (a read attribution, see `readAttribution`) its lines gain
 * `webmaster` and `affiliateCommission`, its stores and totals `affiliateCommission`, and `sellerNet` is lowered by it
 * (docs/language.md, "Affiliate commissions in settlement and returns"); without it nothing of that is added.
 */
export function settleReference(rules: RefRules, cart: RefCart, result: RefResult, inputs: SettlementInputs, affiliate?: AffiliateLines): RefSettlement {
  const money = (m: bigint) => formatMinor(m, cart.digits);
  const splitOut = (s: Split): RefSplitOut => ({ total: money(s.total), platform: money(s.platform), seller: money(s.seller) });
  const comps = components(rules, cart, result, inputs);
  const stores = storesOf(cart);
  const figures = stores.map(() => zeroFigures());
  const lineOut: RefSettlementLine[][] = stores.map(() => []);

  stores.forEach((s, k) => {
    for (const i of s.lines) {
      const c = comps[i]!;
      const discount = zeroSplit();
      c.discounts.forEach((d) => addSplit(discount, d));
      const coins = zeroSplit();
      c.coins.forEach((d) => addSplit(coins, d));
      const paid = c.line.subtotal - discount.total - coins.total;
      const f = figures[k]!;
      f.items += c.line.subtotal;
      addSplit(f.discount, discount);
      addSplit(f.coins, coins);
      f.goodsPaid += paid;
      f.commissionBase += c.commissionBase;
      f.commission += c.commission;
      const out: RefSettlementLine = {
        line: c.line.id,
        items: money(c.line.subtotal),
        discount: splitOut(discount),
        coins: splitOut(coins),
        paid: money(paid),
        commissionRate: formatRate(c.rate),
        commission: money(c.commission),
      };
      if (affiliate) {
        const a = affiliate.get(i);
        f.affiliateCommission += a?.commission ?? 0n;
        out.webmaster = a?.webmaster ?? null;
        out.affiliateCommission = money(a?.commission ?? 0n);
      }
      lineOut[k]!.push(out);
    }
  });

  // Shipping belongs to the stores by their items; so does each funder's share of each shipping discount.
  const storeItems = stores.map((s, k) => ({ store: s.store, items: figures[k]!.items }));
  overStores(cart.shipping.price, storeItems).forEach((x, k) => (figures[k]!.shipping += x));
  const byId = promotionsById(rules);
  for (const a of result.allocations) {
    if (a.shipping === 0n) continue;
    const split = splitFunders(a.shipping, fundersOf(byId.get(a.id)!, inputs));
    overStores(split.platform, storeItems).forEach((x, k) => addSplit(figures[k]!.shippingDiscount, { total: x, platform: x, seller: 0n }));
    overStores(split.seller, storeItems).forEach((x, k) => addSplit(figures[k]!.shippingDiscount, { total: x, platform: 0n, seller: x }));
  }

  const out = (f: Figures): RefSettlementFigures => ({
    items: money(f.items),
    discount: splitOut(f.discount),
    coins: splitOut(f.coins),
    shipping: money(f.shipping),
    shippingDiscount: splitOut(f.shippingDiscount),
    paid: money(f.goodsPaid + f.shipping - f.shippingDiscount.total),
    commission: money(f.commission),
    sellerNet: money(f.commissionBase - f.commission - f.affiliateCommission + f.shipping - f.shippingDiscount.seller),
    ...(affiliate ? { affiliateCommission: money(f.affiliateCommission) } : {}),
  });
  const totals = zeroFigures();
  for (const f of figures) {
    totals.items += f.items;
    addSplit(totals.discount, f.discount);
    addSplit(totals.coins, f.coins);
    totals.shipping += f.shipping;
    addSplit(totals.shippingDiscount, f.shippingDiscount);
    totals.goodsPaid += f.goodsPaid;
    totals.commissionBase += f.commissionBase;
    totals.commission += f.commission;
    totals.affiliateCommission += f.affiliateCommission;
  }
  return {
    currency: cart.currency,
    stores: stores.map((s, k) => ({ store: s.store, ...out(figures[k]!), lines: lineOut[k]! })),
    totals: out(totals),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Affiliate commissions (docs/language.md, "Affiliate commissions in settlement and returns").

/** A read attribution: by index in cart.lines, the winner, the whole commission and the per-unit commissions. */
export type AffiliateLines = Map<number, { webmaster: string | null; commission: bigint; perUnit: bigint[] }>;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isWhole = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/**
 * Reads the value `attribute(order, journey)` returned: it must be `ok` with a `lines` array; each line names a line
 * of the order once, and its `perUnitMinor` has one whole number ≥ 0 per unit, summing to `commissionMinor`. Every
 * problem is an error at `/attribution/lines/<index>/…` (`/attribution` for the value as a whole).
 */
export function readAttribution(
  attribution: unknown,
  cart: RefCart,
): { ok: true; lines: AffiliateLines } | { ok: false; errors: { path: string; message: string }[] } {
  const whole = (message: string) => ({ ok: false as const, errors: [{ path: "/attribution", message }] });
  if (!isRecord(attribution) || !Array.isArray(attribution["lines"])) return whole("an attribution result, as attribute(order, journey) returns it");
  if (attribution["ok"] !== true) return whole("the attribution is not ok: attribute the order again without errors");
  const lineIndex = new Map(cart.lines.map((l, i) => [l.id, i]));
  const lines: AffiliateLines = new Map();
  const seen = new Set<number>();
  const errors: { path: string; message: string }[] = [];
  (attribution["lines"] as unknown[]).forEach((entry, n) => {
    const at = (field: string) => `/attribution/lines/${n}${field ? `/${field}` : ""}`;
    if (!isRecord(entry)) return errors.push({ path: at(""), message: "an attribution line is an object" });
    const id = entry["line"];
    const i = typeof id === "string" ? lineIndex.get(id) : undefined;
    if (i === undefined) return errors.push({ path: at("line"), message: `the order has no line ${JSON.stringify(id)}` });
    if (seen.has(i)) return errors.push({ path: at("line"), message: `line "${String(id)}" is listed twice` });
    seen.add(i);
    const webmaster = entry["webmaster"];
    if (webmaster !== undefined && webmaster !== null && typeof webmaster !== "string")
      return errors.push({ path: at("webmaster"), message: "a webmaster is a string" });
    const commission = entry["commissionMinor"];
    if (!isWhole(commission)) return errors.push({ path: at("commissionMinor"), message: "a whole number of minor units, 0 or more" });
    const perUnit = entry["perUnitMinor"];
    const q = cart.lines[i]!.quantity;
    if (!Array.isArray(perUnit) || perUnit.length !== q)
      return errors.push({ path: at("perUnitMinor"), message: `one commission per unit: line "${String(id)}" has ${q} units` });
    const bad = perUnit.findIndex((x) => !isWhole(x));
    if (bad >= 0) return errors.push({ path: at(`perUnitMinor/${bad}`), message: "a whole number of minor units, 0 or more" });
    const units = (perUnit as number[]).map((x) => BigInt(x));
    if (sum(units) !== BigInt(commission))
      return errors.push({ path: at("perUnitMinor"), message: `the per-unit commissions sum to ${sum(units)}, not commissionMinor ${commission}` });
    lines.set(i, { webmaster: typeof webmaster === "string" ? webmaster : null, commission: BigInt(commission), perUnit: units });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, lines };
}

/** `settle(result, { attribution })`: the settlement with affiliate commissions, or the attribution's errors. */
export function settleWithAttribution(
  rules: RefRules,
  cart: RefCart,
  result: RefResult,
  inputs: SettlementInputs,
  attribution: unknown,
): RefSettlement | { errors: { path: string; message: string }[] } {
  const read = readAttribution(attribution, cart);
  return read.ok ? settleReference(rules, cart, result, inputs, read.lines) : { errors: read.errors };
}

// ---------------------------------------------------------------------------------------------------------------
// Returns.

export interface RefRefundLine {
  line: string;
  units: number;
  refund: string;
  discounts: { promotion: string; amount: string; platform: string; seller: string }[];
  coins: { amount: string; coins: number };
  commissionReversed: string;
  /** Only with an attribution: the per-unit affiliate commissions of exactly the units this return takes. */
  affiliateCommissionReversed?: string;
}

export interface RefRelease {
  promotion: string;
  /** The index of the `limit` clause in the promotion (from 0, in source order). */
  limit: number;
  key: string;
  /**
   * In the limit's unit: a decimal string of the currency for a budget (SPEC-13, Amendment 2: "Money in `release`
   * entries is a decimal string like the rest of the result"); an integer for a count (1), coins, or units.
   */
  amount: string | number;
}

export interface RefRefund {
  lines: RefRefundLine[];
  refund: string;
  coinsReturned: number;
  commissionReversed: string;
  /** Only with an attribution: the lines' `affiliateCommissionReversed` summed. */
  affiliateCommissionReversed?: string;
  funders: { platform: string; seller: string };
  recovered: { promotion: string; amount: string; uncollected: string }[];
  /**
   * What is still owed after this refund (SPEC-13, Amendment 2): the outstanding amount passed in, less what this
   * refund deducted of it, plus what this refund's recoveries could not deduct.
   */
  outstanding: string;
  release: RefRelease[];
  /** The `previous` argument for the next return: units returned so far, promotions recovered so far, `outstanding`. */
  next: { units: Record<string, number>; recovered: string[]; outstanding: string };
}

export type RefRefundOutcome = RefRefund | { errors: { path: string; message: string }[] };

/**
 * The `previous` argument: units already returned per line, promotions already recovered, and (SPEC-13,
 * Amendment 2) the outstanding amount earlier recoveries could not deduct, as a decimal string (default "0").
 */
export interface RefPrevious {
  units: Record<string, number>;
  recovered: string[];
  outstanding?: unknown;
}

const pointer = (id: string) => `/returns/${id.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/** Reads `previous`: `{ units, recovered, outstanding }`, or a plain map of units per line. */
export function readPrevious(previous: unknown): RefPrevious {
  if (!isRecord(previous)) return { units: {}, recovered: [] };
  if (isRecord(previous["units"]) || Array.isArray(previous["recovered"]) || Object.hasOwn(previous, "outstanding")) {
    const units = isRecord(previous["units"]) ? (previous["units"] as Record<string, number>) : {};
    const recovered = Array.isArray(previous["recovered"]) ? previous["recovered"].filter((x): x is string => typeof x === "string") : [];
    return Object.hasOwn(previous, "outstanding") ? { units, recovered, outstanding: previous["outstanding"] } : { units, recovered };
  }
  return { units: previous as Record<string, number>, recovered: [] };
}

/**
 * A refund of `returns` after `previous` (SPEC-13 "Returns", Amendments 1 and 2): the returned units' refunds, then
 * the outstanding amount passed in is deducted first (at most down to 0), then each recovery's due from what is
 * left (at most down to 0); what neither could deduct is `outstanding` after this refund, and `next` is the
 * `previous` to pass to the next return.
 */
export function refundReference(
  rules: RefRules,
  cart: RefCart,
  result: RefResult,
  inputs: SettlementInputs,
  returns: unknown,
  previousArg?: unknown,
  attribution?: unknown,
): RefRefundOutcome {
  const previous = readPrevious(previousArg);
  const before = (id: string) => (Object.hasOwn(previous.units, id) && typeof previous.units[id] === "number" ? previous.units[id]! : 0);
  const lineIndex = new Map(cart.lines.map((l, i) => [l.id, i]));

  // Validation: every problem, each naming its line.
  if (!isRecord(returns)) return { errors: [{ path: "/returns", message: "returns are an object of units per line id" }] };
  const errors: { path: string; message: string }[] = [];
  const now = new Map<number, number>();
  for (const [id, units] of Object.entries(returns)) {
    const i = lineIndex.get(id);
    if (i === undefined) errors.push({ path: pointer(id), message: `unknown line "${id}"` });
    else if (typeof units !== "number" || !Number.isSafeInteger(units) || units < 0)
      errors.push({ path: pointer(id), message: "a whole number of units, 0 or more" });
    else if (before(id) + units > cart.lines[i]!.quantity)
      errors.push({
        path: pointer(id),
        message: `more units than remain: ${units} returned, ${cart.lines[i]!.quantity - before(id)} of ${cart.lines[i]!.quantity} remain`,
      });
    else if (units > 0) now.set(i, units);
  }
  // The outstanding amount carried forward: a decimal string of the currency, 0 or more (default "0").
  const owed = previous.outstanding === undefined ? 0n : typeof previous.outstanding === "string" ? parseMinor(previous.outstanding, cart.digits) : undefined;
  if (owed === undefined || owed < 0n)
    errors.push({
      path: "/previous/outstanding",
      message: `an amount of ${cart.currency}, 0 or more, as a decimal string with at most ${cart.digits} decimals`,
    });
  const affiliate = attribution === undefined ? undefined : readAttribution(attribution, cart);
  if (affiliate && !affiliate.ok) errors.push(...affiliate.errors);
  if (errors.length > 0) return { errors };

  const money = (m: bigint) => formatMinor(m, cart.digits);
  const comps = components(rules, cart, result, inputs);
  const byId = promotionsById(rules);
  const recoveredBefore = new Set(previous.recovered);
  const returnedAfter = (i: number) => before(cart.lines[i]!.id) + (now.get(i) ?? 0);

  // Per returned line: the shares of units q−r−k+1 … q−r.
  const lines: RefRefundLine[] = [];
  const returnedShare = new Map<string, bigint[]>(); // promotion → per line, the returned units' share (this return)
  const returnedCoins = new Map<string, bigint[]>();
  let refundTotal = 0n;
  let coinsReturned = 0n;
  let commissionReversed = 0n;
  let affiliateReversed = 0n;
  const funders = { platform: 0n, seller: 0n };
  const ordered = [...now.keys()].sort((a, b) => cart.lines[a]!.position - cart.lines[b]!.position);
  for (const i of ordered) {
    const c = comps[i]!;
    const q = c.line.quantity;
    const k = now.get(i)!;
    const r = before(c.line.id);
    const shares = unitsShares(c, q - r - k + 1, q - r);
    // A promotion recovered earlier was paid back on the kept units: its shares are not deducted again. Its budget
    // still gets the returned units' shares back ("budget limits the returned units' discount shares").
    const discounts = shares.discounts.filter((d) => !recoveredBefore.has(d.promotion));
    for (const d of shares.discounts) {
      if (!returnedShare.has(d.promotion))
        returnedShare.set(
          d.promotion,
          cart.lines.map(() => 0n),
        );
      returnedShare.get(d.promotion)![i] = d.amount;
    }
    const coinValue = sum(shares.coins.map((x) => x.amount));
    const coins = sum(shares.coins.map((x) => x.coins));
    for (const x of shares.coins) {
      if (!returnedCoins.has(x.promotion))
        returnedCoins.set(
          x.promotion,
          cart.lines.map(() => 0n),
        );
      returnedCoins.get(x.promotion)![i] = x.amount;
    }
    const refund = c.line.unitPrice * BigInt(k) - sum(discounts.map((d) => d.amount)) - coinValue;
    const reversed = shares.commission;
    refundTotal += refund;
    coinsReturned += coins;
    commissionReversed += reversed;
    for (const d of discounts) {
      funders.platform += d.platform;
      funders.seller += d.seller;
    }
    const out: RefRefundLine = {
      line: c.line.id,
      units: k,
      refund: money(refund),
      discounts: discounts.map((d) => ({ promotion: d.promotion, amount: money(d.amount), platform: money(d.platform), seller: money(d.seller) })),
      coins: { amount: money(coinValue), coins: Number(coins) },
      commissionReversed: money(reversed),
    };
    if (affiliate?.ok) {
      // Units q−r−k+1 … q−r, unit u at index u − 1: exactly the units this return takes.
      const perUnit = affiliate.lines.get(i)?.perUnit ?? [];
      const taken = sum(perUnit.slice(q - r - k, q - r));
      affiliateReversed += taken;
      out.affiliateCommissionReversed = money(taken);
    }
    lines.push(out);
  }

  // `on return recover discount`: the promotion's `when` on the kept order; if it fails, the kept units' shares.
  const recovered: RefRefund["recovered"] = [];
  // Amendment 2: the outstanding amount comes off first, at most down to 0; what is left of it stays owed.
  const paidOff = owed! < refundTotal ? owed! : refundTotal;
  let left = refundTotal - paidOff;
  let outstanding = owed! - paidOff;
  if (now.size > 0) {
    const kept = keptCart(cart, returnedAfter);
    const itemSteps = result.allocations.filter((a) => byId.get(a.id)!.kind !== "coins");
    for (const [n, a] of itemSteps.entries()) {
      const p = byId.get(a.id)!;
      if (inputs.onReturn[p.id] !== "recover" || recoveredBefore.has(p.id) || !p.condition) continue;
      if (a.lines.every((x) => x === 0n)) continue;
      // What is left of each kept line after the promotions applied before this one (kept units' shares).
      const keptShare = (b: { id: string }, i: number) =>
        sumShares(unitsShares(comps[i]!, 1, cart.lines[i]!.quantity - returnedAfter(i)).discounts.filter((d) => d.promotion === b.id));
      const remaining = kept.map.map((i, j) => kept.cart.lines[j]!.subtotal - sum(itemSteps.slice(0, n).map((b) => keptShare(b, i))));
      const coupon = p.code === null ? null : (cart.coupons.get(p.code) ?? null);
      const ctx: Context = { cart: kept.cart, coupon, scopes: rules.scopes, remaining, digits: p.digits };
      const holds = !readsMissingData(p.condition, ctx) && truthy(p.condition, ctx, null);
      if (holds) continue;
      const due = sum(cart.lines.map((_, i) => keptShare(a, i)));
      if (due === 0n) continue;
      const collected = due < left ? due : left;
      left -= collected;
      outstanding += due - collected;
      recovered.push({ promotion: p.id, amount: money(collected), uncollected: money(due - collected) });
    }
  }

  return {
    lines,
    refund: money(left),
    coinsReturned: Number(coinsReturned),
    commissionReversed: money(commissionReversed),
    ...(affiliate?.ok ? { affiliateCommissionReversed: money(affiliateReversed) } : {}),
    funders: { platform: money(funders.platform), seller: money(funders.seller) },
    recovered,
    outstanding: money(outstanding),
    release: release(rules, cart, result, inputs, comps, now, before, returnedShare, returnedCoins),
    next: {
      // One key per line with a unit returned so far (earlier returns and this one).
      units: Object.fromEntries(cart.lines.flatMap((l, i) => (returnedAfter(i) > 0 ? [[l.id, returnedAfter(i)] as const] : []))),
      recovered: [...previous.recovered, ...recovered.map((r) => r.promotion)],
      outstanding: money(outstanding),
    },
  };
}

const sumShares = (xs: readonly { amount: bigint }[]) => sum(xs.map((x) => x.amount));

/** Units first..last's share of one promotion's component on a line (a discount or a coins deduction; 0 if none). */
function componentShare(c: LineComponents, promotion: string, first: number, last: number): bigint {
  const shares = unitsShares(c, first, last);
  return sumShares([...shares.discounts, ...shares.coins].filter((x) => x.promotion === promotion));
}

/** The cart without the returned units: lines with no unit kept are gone. `map[j]` is the original index of kept line j. */
function keptCart(cart: RefCart, returnedAfter: (i: number) => number): { cart: RefCart; map: number[] } {
  const map: number[] = [];
  const lines: RefLine[] = [];
  cart.lines.forEach((l, i) => {
    const q = l.quantity - returnedAfter(i);
    if (q <= 0) return;
    map.push(i);
    lines.push({ ...l, quantity: q, subtotal: l.unitPrice * BigInt(q) });
  });
  return { cart: { ...cart, lines }, map };
}

/** Ledger release for promotions with `on cancel return use`, per limit key. */
function release(
  rules: RefRules,
  cart: RefCart,
  result: RefResult,
  inputs: SettlementInputs,
  comps: LineComponents[],
  now: Map<number, number>,
  before: (id: string) => number,
  returnedShare: Map<string, bigint[]>,
  returnedCoins: Map<string, bigint[]>,
): RefRelease[] {
  const out: RefRelease[] = [];
  if (now.size === 0) return out;
  const byId = promotionsById(rules);
  const storeOrder = storesOf(cart).map((s) => s.store);
  for (const a of result.allocations) {
    const p = byId.get(a.id)!;
    if (inputs.onCancel[p.id] === "keep" || p.limits.length === 0) continue;
    const period = (l: RefRules["promotions"][number]["limits"][number]) => (l.period ? `|${periodBucket(l.period, cart.at, p.zone)}` : "");
    const ctx: Context = { cart, coupon: null, scopes: rules.scopes, remaining: cart.lines.map((l) => l.subtotal), digits: p.digits };
    // Discounted units: unit i of a line whose share of the promotion is more than 0. All returned, now and not before?
    const discountedUnits = (returned: (i: number) => number) =>
      cart.lines.every((l, i) => {
        const amount = a.lines[i]!;
        if (amount === 0n) return true;
        const q = l.quantity;
        for (let u = 1; u <= q - returned(i); u++) if (componentShare(comps[i]!, p.id, u, u) > 0n) return false;
        return true;
      });
    const hasLines = a.lines.some((x) => x > 0n);
    const allNow = hasLines && discountedUnits((i) => before(cart.lines[i]!.id) + (now.get(i) ?? 0));
    const allBefore = hasLines && discountedUnits((i) => before(cart.lines[i]!.id));
    const shares = (p.kind === "coins" ? returnedCoins : returnedShare).get(p.id) ?? cart.lines.map(() => 0n);
    p.limits.forEach((limit, j) => {
      if (limit.per === "order") return;
      const unit = inputs.limitUnits[p.id]?.[j] ?? null;
      const kind = limit.kind === "count" && unit === "units" ? "units" : limit.kind;
      const base = `${escapeKey(p.id)}|${kind}`;
      // The amount per entity value ("" when the limit is not per store).
      const amounts = new Map<string, bigint>();
      const add = (store: string, x: bigint) => amounts.set(store, (amounts.get(store) ?? 0n) + x);
      cart.lines.forEach((l, i) => {
        const store = limit.per === "store" ? l.store : "";
        const k = now.get(i) ?? 0;
        if (kind === "budget") add(store, shares[i]!);
        else if (kind === "units") {
          if (touchable(p.benefit, l, ctx)) add(store, BigInt(k));
        } else if (kind === "coins") {
          const first = l.quantity - before(l.id) - k + 1;
          const c = k > 0 ? unitsShares(comps[i]!, first, first + k - 1).coins.find((x) => x.promotion === p.id) : undefined;
          if (c) add(store, c.coins);
        } else if (allNow && !allBefore && (limit.per !== "store" || touchable(p.benefit, l, ctx))) amounts.set(store, 1n);
      });
      const entity = (store: string) =>
        limit.per === "store" ? `|store:${escapeKey(store)}` : limit.per === "customer" ? `|customer:${escapeKey(cart.customer.id ?? "")}` : "";
      const keys = [...amounts.keys()].sort((x, y) => storeOrder.indexOf(x) - storeOrder.indexOf(y) || codePointCompare(x, y));
      for (const store of keys) {
        const amount = amounts.get(store)!;
        if (amount > 0n)
          out.push({
            promotion: p.id,
            limit: j,
            key: `${base}${entity(store)}${period(limit)}`,
            amount: kind === "budget" ? formatMinor(amount, cart.digits) : Number(amount),
          });
      }
    });
  }
  return out;
}
