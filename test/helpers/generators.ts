import fc from "fast-check";

/**
 * Generators for the property tests: rule files (as a small model rendered to `.promo` text, always valid) and
 * carts (a model independent of the rules, rendered in the rules' currency). Both shrink well: fast-check shrinks
 * the models, and a failure prints the rendered rule file and cart.
 */

export const CURRENCIES = { USD: 2, JPY: 0, KWD: 3, EUR: 2 } as const;
export type Currency = keyof typeof CURRENCIES;

/** Minor units → a decimal string in the currency's exponent (exact, no floating point). */
export function money(minor: number, currency: Currency): string {
  const exp = CURRENCIES[currency];
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  const text = exp === 0 ? digits : `${digits.slice(0, digits.length - exp)}.${digits.slice(digits.length - exp)}`;
  return minor < 0 ? `-${text}` : text;
}

/** Amounts in the generators are in "cents"; scaled to the currency (JPY has no minor unit, KWD three digits). */
function scaled(cents: number, currency: Currency): number {
  const exp = CURRENCIES[currency];
  return exp === 3 ? cents * 10 + (cents % 7) : cents;
}

export const SCOPES: Record<string, string> = {
  sa: 'line.tags contains "a"',
  sb: 'line.tags contains "b"',
  sx: 'line.store is "x"',
  sab: "sa or sb",
  skuab: 'line.sku in ["A", "B"]',
  multi: "line.quantity at least 2",
  xa: "sx and not sa",
};
const SCOPE_NAMES = Object.keys(SCOPES);
export const CODE_POOL = ["C0", "C1", "C2", "C3", "C4", "C5"];

type ScopeRef = { named: string } | { inline: "store-y" | "sku-c" };
const scopeRefArb: fc.Arbitrary<ScopeRef> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SCOPE_NAMES).map((named) => ({ named })) },
  { weight: 1, arbitrary: fc.constantFrom("store-y" as const, "sku-c" as const).map((inline) => ({ inline })) },
);
const targetArb: fc.Arbitrary<ScopeRef | "order"> = fc.oneof(fc.constant("order" as const), scopeRefArb);

function renderScope(ref: ScopeRef): string {
  if ("named" in ref) return ref.named;
  return ref.inline === "store-y" ? '(line.store is "y")' : '(line.sku is "C")';
}

type Atom =
  | { t: "subtotal"; scope: ScopeRef | null; after: boolean; op: "exceeds" | "at least" | "below"; cents: number }
  | { t: "quantity"; scope: ScopeRef | null; n: number }
  | { t: "count"; scope: ScopeRef | null; n: number }
  | { t: "first-order" }
  | { t: "country" }
  | { t: "not-vip" };

const atomArb: fc.Arbitrary<Atom> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("subtotal" as const),
      scope: fc.option(scopeRefArb, { nil: null }),
      after: fc.boolean(),
      op: fc.constantFrom("exceeds" as const, "at least" as const, "below" as const),
      cents: fc.integer({ min: 0, max: 8000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("quantity" as const), scope: fc.option(scopeRefArb, { nil: null }), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("count" as const), scope: fc.option(scopeRefArb, { nil: null }), n: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: "first-order" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "country" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "not-vip" as const }) },
);

function renderAtom(a: Atom, currency: Currency): string {
  const of = (s: ScopeRef | null) => (s ? ` of ${renderScope(s)}` : "");
  switch (a.t) {
    case "subtotal":
      return `subtotal${of(a.scope)}${a.after ? " after discounts" : ""} ${a.op} ${money(scaled(a.cents, currency), currency)} ${currency}`;
    case "quantity":
      return `quantity${of(a.scope)} at least ${a.n}`;
    case "count":
      return `count${of(a.scope)} at most ${a.n}`;
    case "first-order":
      return "customer.firstOrder";
    case "country":
      return "shipping.country is US";
    case "not-vip":
      return 'not (customer.segments contains "vip")';
  }
}

type Condition = { atoms: Atom[]; joiner: "and" | "or" } | null;
const conditionArb: fc.Arbitrary<Condition> = fc.option(
  fc.record({ atoms: fc.array(atomArb, { minLength: 1, maxLength: 3 }), joiner: fc.constantFrom("and" as const, "or" as const) }),
  { nil: null, freq: 3 },
);

type ItemBenefit =
  | { b: "amount"; cents: number; target: ScopeRef | "order" }
  | { b: "percent"; pct: number; target: ScopeRef | "order"; after: boolean; cap: number | null }
  | { b: "each"; cents: number; scope: ScopeRef; max: number | null }
  | { b: "price"; cents: number; scope: ScopeRef; max: number | null }
  | { b: "pack"; skus: string[]; cents: number }
  | { b: "cheapest"; free: number; every: number; scope: ScopeRef };

const percentArb = fc.oneof(fc.integer({ min: 1, max: 100 }).map(String), fc.constantFrom("12.5", "33.3", "0.5", "66.67", "99.9"));
const itemBenefitArb: fc.Arbitrary<ItemBenefit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ b: fc.constant("amount" as const), cents: fc.integer({ min: 1, max: 3000 }), target: targetArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      b: fc.constant("percent" as const),
      pct: percentArb.map(Number),
      target: targetArb,
      after: fc.boolean(),
      cap: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      b: fc.constant("each" as const),
      cents: fc.integer({ min: 1, max: 500 }),
      scope: scopeRefArb,
      max: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      b: fc.constant("price" as const),
      cents: fc.integer({ min: 0, max: 1500 }),
      scope: scopeRefArb,
      max: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      b: fc.constant("pack" as const),
      skus: fc.array(fc.constantFrom("A", "B", "C", "D"), { minLength: 1, maxLength: 3 }),
      cents: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2, max: 4 })
      .chain((every) =>
        fc.record({ b: fc.constant("cheapest" as const), free: fc.integer({ min: 1, max: every - 1 }), every: fc.constant(every), scope: scopeRefArb }),
      ),
  },
);

function renderItemBenefit(b: ItemBenefit, currency: Currency): string {
  const m = (cents: number) => `${money(scaled(cents, currency), currency)} ${currency}`;
  const target = (t: ScopeRef | "order") => (t === "order" ? "order" : renderScope(t));
  switch (b.b) {
    case "amount":
      return `${m(b.cents)} off ${target(b.target)}`;
    case "percent":
      return `${b.pct}% off ${target(b.target)}${b.after ? " after discounts" : ""}${b.cap === null ? "" : ` up to ${m(b.cap)}`}`;
    case "each":
      return `${m(b.cents)} off each unit of ${renderScope(b.scope)}${b.max === null ? "" : ` max ${b.max} ${b.max === 1 ? "unit" : "units"}`}`;
    case "price":
      return `price ${m(b.cents)} on ${renderScope(b.scope)}${b.max === null ? "" : ` max ${b.max} ${b.max === 1 ? "unit" : "units"}`}`;
    case "pack":
      return `pack [${b.skus.map((s) => JSON.stringify(s)).join(", ")}] for ${m(b.cents)}`;
    case "cheapest":
      return `cheapest ${b.free} free for every ${b.every} of ${renderScope(b.scope)}`;
  }
}

type ShippingBenefit = { b: "free" } | { b: "amount"; cents: number } | { b: "percent"; pct: number };
const shippingBenefitArb: fc.Arbitrary<ShippingBenefit> = fc.oneof(
  fc.constant({ b: "free" as const }),
  fc.record({ b: fc.constant("amount" as const), cents: fc.integer({ min: 1, max: 800 }) }),
  fc.record({ b: fc.constant("percent" as const), pct: percentArb.map(Number) }),
);

type CoinsBenefit = { coins: number; perCents: number; capPct: number | null; scope: ScopeRef | null };
const coinsBenefitArb: fc.Arbitrary<CoinsBenefit> = fc.record({
  coins: fc.constantFrom(1, 3, 100, 7),
  perCents: fc.constantFrom(1, 100, 3, 50),
  capPct: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
  scope: fc.option(scopeRefArb, { nil: null }),
});

const ITEM_KINDS = ["automatic", "selected-coupon", "store-coupon", "platform-coupon", "promo-code"] as const;
const CODED = new Set(["store-coupon", "platform-coupon", "promo-code"]);

export interface PromotionModel {
  kind: (typeof ITEM_KINDS)[number] | "shipping" | "coins";
  hasCode: boolean;
  priority: boolean;
  condition: Condition;
  item: ItemBenefit;
  shipping: ShippingBenefit;
  coins: CoinsBenefit;
  windowed: boolean;
  exclusive: null | "all" | { with: string };
  combines: string | null;
}

const SELECTOR_WORDS = ["automatic", "store-coupon", "platform-coupon", "promo-code", "shipping", "coupons", "any", "p0", "p1", "p2", "[p0, p3]"];

const promotionArb: fc.Arbitrary<PromotionModel> = fc.record({
  kind: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...ITEM_KINDS) },
    { weight: 2, arbitrary: fc.constant("shipping" as const) },
    { weight: 1, arbitrary: fc.constant("coins" as const) },
  ),
  hasCode: fc.boolean(),
  priority: fc.boolean(),
  condition: conditionArb,
  item: itemBenefitArb,
  shipping: shippingBenefitArb,
  coins: coinsBenefitArb,
  windowed: fc.boolean(),
  exclusive: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant("all" as const) },
    { weight: 2, arbitrary: fc.constantFrom(...SELECTOR_WORDS).map((w) => ({ with: w })) },
  ),
  combines: fc.option(fc.constantFrom(...SELECTOR_WORDS), { nil: null, freq: 4 }),
});

export interface StackingModel {
  max: number;
  selector: string;
  per: "order" | "store" | "line" | "customer";
}

const stackingArb: fc.Arbitrary<StackingModel> = fc.record({
  max: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
  selector: fc.constantFrom(...SELECTOR_WORDS, "selected-coupon"),
  per: fc.constantFrom("order" as const, "store" as const, "line" as const, "customer" as const),
});

export interface RulesModel {
  currency: Currency;
  promotions: PromotionModel[];
  stacking: StackingModel[];
  select: null | "best-for-buyer" | "first-by-priority";
  /** A permutation seed for the declaration order (the order must not matter). */
  order: number[];
}

export const rulesArb: fc.Arbitrary<RulesModel> = fc.record({
  currency: fc.oneof(
    { weight: 4, arbitrary: fc.constant("USD" as const) },
    { weight: 1, arbitrary: fc.constantFrom("JPY" as const, "KWD" as const, "EUR" as const) },
  ),
  promotions: fc.array(promotionArb, { minLength: 1, maxLength: 6 }),
  stacking: fc.array(stackingArb, { maxLength: 3 }),
  select: fc.constantFrom(null, "best-for-buyer" as const, "first-by-priority" as const),
  order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
});

/** Renders a rule model; `permute` re-orders the declarations (semantics must not change). */
export function renderRules(model: RulesModel, permute = false): string {
  const { currency } = model;
  const coinsSeen = { taken: false };
  const blocks: string[] = [];
  model.promotions.forEach((p, i) => {
    let kind = p.kind;
    if (kind === "coins") {
      if (coinsSeen.taken) kind = "automatic";
      coinsSeen.taken = true;
    }
    const lines = [`promotion p${i} {`, `  title ${JSON.stringify(`promotion ${i}`)}`, `  kind ${kind}`];
    const coded = CODED.has(kind) || ((kind === "shipping" || kind === "coins") && p.hasCode);
    if (coded) lines.push(`  code ${JSON.stringify(CODE_POOL[i % CODE_POOL.length])}`);
    if (p.windowed) lines.push("  valid from 2026-11-10 00:00:00 to 2026-11-11 23:59:59 in America/Los_Angeles");
    if (p.condition) lines.push(`  when ${p.condition.atoms.map((a) => renderAtom(a, currency)).join(` ${p.condition.joiner} `)}`);
    if (kind === "shipping") {
      const s = p.shipping;
      lines.push(
        `  give ${s.b === "free" ? "free shipping" : s.b === "amount" ? `${money(scaled(s.cents, currency), currency)} ${currency} off shipping` : `${s.pct}% off shipping`}`,
      );
    } else if (kind === "coins") {
      const c = p.coins;
      const per = Math.max(1, scaled(c.perCents, currency));
      lines.push(
        `  give coins at ${c.coins} per ${money(per, currency)} ${currency}${c.capPct === null ? "" : ` up to ${c.capPct}% of order`}${c.scope ? ` on ${renderScope(c.scope)}` : ""}`,
      );
    } else {
      lines.push(`  give ${renderItemBenefit(p.item, currency)}`);
    }
    if (p.priority) lines.push(`  priority ${10 + i}`);
    if (p.exclusive === "all") lines.push("  exclusive");
    else if (p.exclusive) lines.push(`  exclusive with ${selector(p.exclusive.with, model)}`);
    if (p.combines) lines.push(`  combines with ${selector(p.combines, model)}`);
    lines.push("}");
    blocks.push(lines.join("\n"));
  });
  if (model.stacking.length > 0 || model.select) {
    const rules = model.stacking.map((s) => `  at most ${s.max} of ${selector(s.selector, model)} per ${s.per}`);
    if (model.select) rules.push(`  select ${model.select}`);
    blocks.push(["stacking {", ...rules, "}"].join("\n"));
  }
  const scopes = Object.entries(SCOPES).map(([name, pred]) => `scope ${name} = ${pred}`);
  const declarations = [...scopes, ...blocks];
  if (permute) {
    const keys = declarations.map((_, i) => (model.order[i % model.order.length]! * 31 + i * 17) % 101);
    const idx = declarations.map((_, i) => i).sort((a, b) => keys[b]! - keys[a]! || b - a);
    return `currency ${currency}\n\n${idx.map((i) => declarations[i]).join("\n\n")}\n`;
  }
  return `currency ${currency}\n\n${declarations.join("\n\n")}\n`;
}

/** Selectors name only promotions that exist. */
function selector(word: string, model: RulesModel): string {
  const n = model.promotions.length;
  if (word === "[p0, p3]") return n > 3 ? "[p0, p3]" : "[p0, automatic]";
  if (/^p\d$/.test(word)) return Number(word.slice(1)) < n ? word : "p0";
  return word;
}

// ---------------------------------------------------------------------------------------------------------------
// Carts

export interface LineModel {
  id: string;
  sku: string;
  store: string;
  tags: string[];
  cents: number;
  quantity: number;
}

export interface CartModel {
  lines: LineModel[];
  otherCurrency: boolean;
  day: number;
  hour: number;
  firstOrder: boolean;
  vip: boolean;
  country: "US" | "FR";
  shippingCents: number;
  coupons: { code: string; spelling: 0 | 1 | 2 }[];
  useCoins: boolean;
  coins: number;
}

const lineArb: fc.Arbitrary<Omit<LineModel, "id">> = fc.record({
  sku: fc.constantFrom("A", "B", "C", "D"),
  store: fc.constantFrom("x", "y", "z"),
  tags: fc.subarray(["a", "b", "c"]),
  cents: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }) }, { weight: 1, arbitrary: fc.constantFrom(1, 3, 99, 333, 100000) }),
  quantity: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) }),
});

const LINE_IDS = ["l0", "l1", "l2", "l3", "a", "B", "l10", "z9"];

export const cartArb: fc.Arbitrary<CartModel> = fc.record({
  lines: fc
    .array(lineArb, { minLength: 1, maxLength: 6 })
    .chain((lines) =>
      fc.shuffledSubarray(LINE_IDS, { minLength: lines.length, maxLength: lines.length }).map((ids) => lines.map((l, i) => ({ ...l, id: ids[i]! }))),
    ),
  otherCurrency: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  day: fc.integer({ min: 9, max: 12 }),
  hour: fc.integer({ min: 0, max: 23 }),
  firstOrder: fc.boolean(),
  vip: fc.boolean(),
  country: fc.constantFrom("US" as const, "FR" as const),
  shippingCents: fc.integer({ min: 0, max: 1200 }),
  coupons: fc.uniqueArray(fc.record({ code: fc.constantFrom(...CODE_POOL), spelling: fc.constantFrom(0 as const, 1 as const, 2 as const) }), {
    maxLength: 4,
    selector: (c) => c.code,
  }),
  useCoins: fc.boolean(),
  coins: fc.integer({ min: 0, max: 5000 }),
});

/** A cart model as the JSON contract, in the rules' currency (or another one, to test `currency` rejections). */
export function renderCart(cart: CartModel, currency: Currency): Record<string, unknown> {
  const cur: Currency = cart.otherCurrency ? (currency === "USD" ? "EUR" : "USD") : currency;
  return {
    currency: cur,
    at: `2026-11-${String(cart.day).padStart(2, "0")}T${String(cart.hour).padStart(2, "0")}:30:00Z`,
    customer: { id: "c1", region: "US", previousOrders: cart.firstOrder ? 0 : 2, segments: cart.vip ? ["vip"] : [], coins: cart.coins },
    lines: cart.lines.map((l) => ({ id: l.id, sku: l.sku, store: l.store, unitPrice: money(scaled(l.cents, cur), cur), quantity: l.quantity, tags: l.tags })),
    shipping: { country: cart.country, price: money(scaled(cart.shippingCents, cur), cur) },
    coupons: cart.coupons.map((c) => ({ code: c.spelling === 0 ? c.code : c.spelling === 1 ? c.code.toLowerCase() : ` ${c.code} ` })),
    useCoins: cart.useCoins,
  };
}

/** Deterministic shuffle by a seed (Fisher–Yates over a small LCG). */
export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = (seed >>> 0) + 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Wide models: rule files and carts as users write them, for the differential test against the reference model
// (test/reference-properties.test.ts): up to 30 promotions, up to 200 lines, quantities to 10^6, amounts near the
// supported maximum, every benefit kind and stacking clause, usage limits (budgets, per store, per customer, per
// period) with usage, declared attributes of every type, coins, JPY/KWD/BHD, windows across DST changes.

export const WIDE_CURRENCIES = { USD: 2, JPY: 0, KWD: 3, BHD: 3, EUR: 2 } as const;
export type WideCurrency = keyof typeof WIDE_CURRENCIES;

/** Minor units (a bigint-safe integer) as a decimal string in a currency of the wide set. */
export function wideMoney(minor: number, currency: WideCurrency): string {
  const exp = WIDE_CURRENCIES[currency];
  const digits = String(minor).padStart(exp + 1, "0");
  return exp === 0 ? digits : `${digits.slice(0, digits.length - exp)}.${digits.slice(digits.length - exp)}`;
}

function wideScaled(cents: number, currency: WideCurrency): number {
  return WIDE_CURRENCIES[currency] === 3 ? cents * 10 + (cents % 7) : cents;
}

/** Declared attributes, one of every type (customer and line). */
export const WIDE_ATTRIBUTES = [
  "attribute customer.tier: int",
  "attribute customer.score: decimal",
  "attribute customer.nick: string",
  "attribute customer.vipFlag: bool",
  "attribute customer.rate: percent",
  "attribute customer.since: date",
  "attribute customer.seen: datetime",
  "attribute customer.home: region",
  "attribute customer.cur: currency",
  "attribute customer.credit: money",
  "attribute customer.labels: set of string",
  "attribute customer.regions: set of region",
  "attribute line.size: string",
  "attribute line.colours: set of string",
  "attribute line.weight: decimal",
  "attribute line.fragile: bool",
  "attribute line.pieces: int",
];

function wideScopes(currency: WideCurrency): Record<string, string> {
  return {
    ...SCOPES,
    sized: 'line.size in ["S", "M"]',
    red: 'line.colours contains "red"',
    heavy: "line.weight at least 2.5",
    fragile: "line.fragile",
    cheap: `line.unitPrice below ${wideMoney(wideScaled(500, currency), currency)} ${currency}`,
    bundle: "line.pieces exceeds 1 and not fragile",
  };
}
const WIDE_SCOPE_NAMES = [...Object.keys(SCOPES), "sized", "red", "heavy", "fragile", "cheap", "bundle"];

const ATTRIBUTE_ATOMS = [
  "customer.tier at least 2",
  "customer.score exceeds 1.5",
  'customer.nick is "bob"',
  "customer.vipFlag",
  "customer.rate at most 12.5%",
  "customer.since below 2025-01-01",
  "customer.seen at least 2026-11-01 00:00:00 in UTC",
  "customer.home in [US, CA]",
  "customer.cur is EUR",
  "customer.credit at least {10}",
  'customer.labels contains "gold"',
  "customer.regions contains FR",
  'customer.nick is not "eve"',
  "cart.at at least 2026-11-10 12:00:00 in Asia/Shanghai",
  'cart.paymentMethod is "card"',
  "customer.previousOrders at most 3",
  "customer.region not in [FR, DE]",
];

type WideAtom = { attr: number } | { base: Atom };
const wideAtomArb: fc.Arbitrary<WideAtom> = fc.oneof(
  { weight: 3, arbitrary: atomArb.map((base) => ({ base })) },
  { weight: 2, arbitrary: fc.nat({ max: ATTRIBUTE_ATOMS.length - 1 }).map((attr) => ({ attr })) },
);

type WideScopeRef = { named: string } | { inline: "store-y" | "sku-c" };
const wideScopeRefArb: fc.Arbitrary<WideScopeRef> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WIDE_SCOPE_NAMES).map((named) => ({ named })) },
  { weight: 1, arbitrary: fc.constantFrom("store-y" as const, "sku-c" as const).map((inline) => ({ inline })) },
);

export interface WideLimit {
  kind: "count" | "budget" | "coins";
  n: number;
  per: null | "customer" | "store" | "order";
  period: null | "day" | "week" | "month" | "year";
}
const wideLimitArb: fc.Arbitrary<WideLimit> = fc.record({
  kind: fc.constantFrom("count" as const, "budget" as const, "coins" as const),
  n: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 5000 })),
  per: fc.constantFrom(null, "customer" as const, "store" as const, "order" as const),
  period: fc.constantFrom(null, "day" as const, "week" as const, "month" as const, "year" as const),
});

export type WideWindow = "none" | "sale" | "dst-spring" | "dst-fall" | "dst-day";
const WINDOWS: Record<Exclude<WideWindow, "none">, string> = {
  sale: "from 2026-11-10 00:00:00 to 2026-11-11 23:59:59 in America/Los_Angeles",
  "dst-spring": "from 2026-03-08 02:30:00 to 2026-03-08 03:30:00 in America/New_York",
  "dst-fall": "from 2026-11-01 01:30:00 to 2026-11-01 01:45:00 in America/New_York",
  "dst-day": "from 2026-10-31 12:00:00 to 2026-11-01 01:00:00 in America/New_York",
};

export interface WidePromotion {
  base: PromotionModel;
  atoms: WideAtom[];
  joiner: "and" | "or";
  scope: WideScopeRef;
  window: WideWindow;
  limits: WideLimit[];
  expires: null | "2 days" | "1 month" | "36 hours";
  locked: boolean;
  transferable: boolean;
}

const widePromotionArb: fc.Arbitrary<WidePromotion> = fc.record({
  base: promotionArb,
  atoms: fc.array(wideAtomArb, { maxLength: 3 }),
  joiner: fc.constantFrom("and" as const, "or" as const),
  scope: wideScopeRefArb,
  window: fc.oneof(
    { weight: 6, arbitrary: fc.constant("none" as const) },
    { weight: 3, arbitrary: fc.constantFrom("sale" as const, "dst-spring" as const, "dst-fall" as const, "dst-day" as const) },
  ),
  limits: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(wideLimitArb, { minLength: 1, maxLength: 3 }) }),
  expires: fc.constantFrom(null, null, "2 days" as const, "1 month" as const, "36 hours" as const),
  locked: fc.boolean(),
  transferable: fc.boolean(),
});

export interface WideRules {
  currency: WideCurrency;
  promotions: WidePromotion[];
  stacking: StackingModel[];
  select: null | "best-for-buyer" | "first-by-priority";
  /** `earn` rules: per an amount (perCents) or per purchase (null), on every line or on a scope, with a daily cap. */
  earn: { coins: number; perCents: number | null; daily: number | null; scope: string | null }[];
  /**
   * Many promotions that all qualify and contend for the same lines: automatic, no condition, window or limit,
   * at most one per line. Such files make the best-for-buyer search large (the engine's step bound, `optimal: false`).
   */
  stress: boolean;
}

export const wideRulesArb: fc.Arbitrary<WideRules> = fc.record({
  currency: fc.constantFrom("USD" as const, "USD" as const, "JPY" as const, "KWD" as const, "BHD" as const, "EUR" as const),
  promotions: fc.oneof(
    { weight: 6, arbitrary: fc.array(widePromotionArb, { minLength: 1, maxLength: 6 }) },
    { weight: 3, arbitrary: fc.array(widePromotionArb, { minLength: 7, maxLength: 14 }) },
    { weight: 1, arbitrary: fc.array(widePromotionArb, { minLength: 15, maxLength: 30, size: "max" }) },
  ),
  stacking: fc.array(stackingArb, { maxLength: 4 }),
  select: fc.constantFrom(null, "best-for-buyer" as const, "first-by-priority" as const),
  earn: fc.array(
    fc.record({
      coins: fc.constantFrom(1, 5, 20),
      perCents: fc.constantFrom(100, 250, null),
      daily: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }),
      scope: fc.option(fc.constantFrom(...WIDE_SCOPE_NAMES), { nil: null }),
    }),
    { maxLength: 3 },
  ),
  stress: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

/** The model as rendered: a stress model's promotions lose what would keep them from qualifying. */
function effective(model: WideRules): WideRules {
  if (!model.stress) return model;
  return {
    ...model,
    promotions: model.promotions.map((p) => ({
      ...p,
      base: { ...p.base, kind: "automatic", condition: null, exclusive: null, combines: null },
      atoms: [],
      window: "none",
      limits: [],
    })),
    stacking: [{ max: 1, selector: "any", per: "line" }, ...model.stacking.filter((r) => r.per !== "order" && r.per !== "customer")],
  };
}

function wideSelector(word: string, n: number): string {
  if (word === "[p0, p3]") return n > 3 ? "[p0, p3]" : "[p0, automatic]";
  if (/^p\d+$/.test(word)) return Number(word.slice(1)) < n ? word : "p0";
  return word;
}

/** The promotion's kind as rendered: at most one coins promotion per file, the others become automatic. */
export function wideKinds(model: WideRules): PromotionModel["kind"][] {
  let coins = false;
  return effective(model).promotions.map((p) => {
    if (p.base.kind !== "coins") return p.base.kind;
    if (coins) return "automatic";
    coins = true;
    return "coins";
  });
}

export function wideCode(i: number): string {
  return `C${i}`;
}

export function renderWideRules(wide: WideRules): string {
  const model = effective(wide);
  const { currency } = model;
  const m = (cents: number) => `${wideMoney(wideScaled(cents, currency), currency)} ${currency}`;
  const n = model.promotions.length;
  const kinds = wideKinds(model);
  const scopeText = (s: WideScopeRef) => ("named" in s ? s.named : s.inline === "store-y" ? '(line.store is "y")' : '(line.sku is "C")');
  const blocks = model.promotions.map((p, i) => {
    const kind = kinds[i]!;
    const base = p.base;
    const lines = [`promotion p${i} {`, `  title "promotion ${i}"`, `  kind ${kind}`];
    const coded = CODED.has(kind) || ((kind === "shipping" || kind === "coins") && base.hasCode);
    if (coded) lines.push(`  code "${wideCode(i)}"`);
    if (p.window !== "none") lines.push(`  valid ${WINDOWS[p.window]}`);
    if (coded && p.expires) lines.push(`  expires ${p.expires} after activation`);
    if (coded && p.locked) lines.push("  locked 30 minutes after failed payment");
    if (coded && !p.transferable) lines.push("  not transferable");
    const atoms = [...(base.condition ? base.condition.atoms.map((a) => ({ base: a }) as WideAtom) : []), ...p.atoms].map((a) =>
      ("base" in a ? renderAtom(a.base, currency === "BHD" ? "KWD" : (currency as Currency)) : ATTRIBUTE_ATOMS[a.attr]!.replace("{10}", m(1000))).replace(
        / (KWD)$/,
        ` ${currency}`,
      ),
    );
    if (atoms.length > 0) lines.push(`  when ${atoms.join(` ${p.joiner} `)}`);
    if (kind === "shipping") {
      const s = base.shipping;
      lines.push(`  give ${s.b === "free" ? "free shipping" : s.b === "amount" ? `${m(s.cents)} off shipping` : `${s.pct}% off shipping`}`);
    } else if (kind === "coins") {
      const c = base.coins;
      const per = Math.max(1, wideScaled(c.perCents, currency));
      lines.push(
        `  give coins at ${c.coins} per ${wideMoney(per, currency)} ${currency}${c.capPct === null ? "" : ` up to ${c.capPct}% of order`}${c.scope ? ` on ${scopeText(p.scope)}` : ""}`,
      );
    } else {
      // The item benefit of the base model, its scope widened to the wide scopes.
      const b = base.item;
      const target = "target" in b && b.target === "order" ? "order" : scopeText(p.scope);
      switch (b.b) {
        case "amount":
          lines.push(`  give ${m(b.cents)} off ${target}`);
          break;
        case "percent":
          lines.push(`  give ${b.pct}% off ${target}${b.after ? " after discounts" : ""}${b.cap === null ? "" : ` up to ${m(b.cap)}`}`);
          break;
        case "each":
          lines.push(`  give ${m(b.cents)} off each unit of ${scopeText(p.scope)}${b.max === null ? "" : ` max ${b.max} ${b.max === 1 ? "unit" : "units"}`}`);
          break;
        case "price":
          lines.push(`  give price ${m(b.cents)} on ${scopeText(p.scope)}${b.max === null ? "" : ` max ${b.max} ${b.max === 1 ? "unit" : "units"}`}`);
          break;
        case "pack":
          lines.push(`  give pack [${b.skus.map((s) => JSON.stringify(s)).join(", ")}] for ${m(b.cents)}`);
          break;
        case "cheapest":
          lines.push(`  give cheapest ${b.free} free for every ${b.every} of ${scopeText(p.scope)}`);
          break;
      }
    }
    if (base.priority) lines.push(`  priority ${10 + i}`);
    if (base.exclusive === "all") lines.push("  exclusive");
    else if (base.exclusive) lines.push(`  exclusive with ${wideSelector(base.exclusive.with, n)}`);
    if (base.combines) lines.push(`  combines with ${wideSelector(base.combines, n)}`);
    for (const l of p.limits) {
      if (l.kind === "coins" && kind !== "coins") continue;
      const amount = l.kind === "budget" ? `budget ${m(l.n)}` : l.kind === "coins" ? `${l.n} coins` : `${l.n} redemptions`;
      lines.push(`  limit ${amount}${l.per ? ` per ${l.per}` : ""}${l.period ? ` per ${l.period}` : ""}`);
    }
    lines.push("}");
    return lines.join("\n");
  });
  if (model.stacking.length > 0 || model.select) {
    const rules = model.stacking.map((s) => `  at most ${s.max} of ${wideSelector(s.selector === "selected-coupon" ? "g" : s.selector, n)} per ${s.per}`);
    if (model.select) rules.push(`  select ${model.select}`);
    blocks.push(["stacking {", ...rules, "}"].join("\n"));
  }
  for (const e of model.earn)
    blocks.push(
      `earn ${e.coins} coins per ${e.perCents === null ? "purchase" : m(e.perCents)}${e.scope === null ? "" : ` on ${e.scope}`}${e.daily === null ? "" : ` limit ${e.daily} coins per customer per day`}`,
    );
  const scopes = Object.entries(wideScopes(currency)).map(([name, pred]) => `scope ${name} = ${pred}`);
  return [`currency ${currency}`, ...WIDE_ATTRIBUTES, "group g = [p0, platform-coupon]", ...scopes, ...blocks].join("\n\n") + "\n";
}

export interface WideCart {
  lines: (Omit<LineModel, "id"> & { size: string | null; colours: string[]; weight: string | null; fragile: boolean | null; pieces: number | null })[];
  /** normal: cents; big: quantities to 10^6; max: amounts near the supported maximum (the cart total stays valid). */
  scale: "normal" | "big" | "max";
  ids: number;
  at: number;
  customerId: boolean;
  firstOrder: boolean;
  vip: boolean;
  country: "US" | "FR";
  shippingCents: number;
  coupons: { code: number; spelling: 0 | 1 | 2; activated: number; owner: boolean; failed: boolean }[];
  useCoins: boolean;
  coins: number;
  attributes: boolean;
  usage: number[];
  otherCurrency: boolean;
}

/** Instants around the windows above: the 11.11 sale, and both DST changes in New York. */
export const WIDE_INSTANTS = [
  "2026-11-09T23:30:00Z",
  "2026-11-10T08:00:00Z",
  "2026-11-10T12:30:00Z",
  "2026-11-11T07:59:59Z",
  "2026-11-12T07:59:59.999Z",
  "2026-11-12T08:00:00Z",
  "2026-11-12T20:00:00Z",
  "2026-03-08T06:59:59Z",
  "2026-03-08T07:00:00Z",
  "2026-03-08T07:30:00Z",
  "2026-03-08T07:30:00.999Z",
  "2026-03-08T07:30:01Z",
  "2026-03-08T08:30:00Z",
  "2026-11-01T05:29:59Z",
  "2026-11-01T05:30:00Z",
  "2026-11-01T05:45:59.999Z",
  "2026-11-01T05:46:00Z",
  "2026-11-01T06:30:00Z",
  "2026-11-01T04:59:59Z",
  "2026-10-31T16:00:00Z",
];
const ACTIVATIONS = [null, "2026-10-30T12:00:00Z", "2026-11-09T12:00:00Z", "2026-03-06T07:30:00Z", "2026-10-01T00:00:00Z", "2026-11-01T05:30:00Z"];

const wideLineArb = fc.record({
  sku: fc.constantFrom("A", "B", "C", "D"),
  store: fc.constantFrom("x", "y", "z"),
  tags: fc.subarray(["a", "b", "c"]),
  cents: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }) }, { weight: 1, arbitrary: fc.constantFrom(1, 3, 99, 333, 100000) }),
  quantity: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) }),
  size: fc.constantFrom(null, "S", "M", "L"),
  colours: fc.subarray(["red", "blue"]),
  weight: fc.constantFrom(null, "1", "2.5", "2.49", "10.125"),
  fragile: fc.constantFrom(null, true, false),
  pieces: fc.constantFrom(null, 1, 2, 6),
});

export const wideCartArb: fc.Arbitrary<WideCart> = fc.record({
  lines: fc.oneof(
    { weight: 12, arbitrary: fc.array(wideLineArb, { minLength: 1, maxLength: 8 }) },
    { weight: 3, arbitrary: fc.array(wideLineArb, { minLength: 9, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.array(wideLineArb, { minLength: 41, maxLength: 200 }) },
  ),
  scale: fc.constantFrom("normal" as const, "normal" as const, "normal" as const, "normal" as const, "big" as const, "max" as const),
  ids: fc.nat({ max: 3 }),
  at: fc.nat({ max: WIDE_INSTANTS.length - 1 }),
  customerId: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  firstOrder: fc.boolean(),
  vip: fc.boolean(),
  country: fc.constantFrom("US" as const, "FR" as const),
  shippingCents: fc.integer({ min: 0, max: 1200 }),
  coupons: fc.uniqueArray(
    fc.record({
      code: fc.nat({ max: 29 }),
      spelling: fc.constantFrom(0 as const, 1 as const, 2 as const),
      activated: fc.nat({ max: ACTIVATIONS.length - 1 }),
      owner: fc.boolean(),
      failed: fc.boolean(),
    }),
    { maxLength: 12, selector: (c) => c.code },
  ),
  useCoins: fc.boolean(),
  coins: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1_000_000_000 })),
  attributes: fc.boolean(),
  usage: fc.array(fc.nat({ max: 5 }), { minLength: 8, maxLength: 8 }),
  otherCurrency: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

/** The largest supported amount (lines plus shipping), less room for the shipping price. */
const MAX_MINOR = Number.MAX_SAFE_INTEGER - 1_000_000;

/** The cart as the JSON contract. Amounts at scale "max" keep the cart's total within the supported range. */
export function renderWideCart(cart: WideCart, currency: WideCurrency): Record<string, unknown> {
  const cur: WideCurrency = cart.otherCurrency ? (currency === "USD" ? "BHD" : "USD") : currency;
  const count = cart.lines.length;
  const lines = cart.lines.map((l, i) => {
    let quantity = l.quantity;
    let minor = wideScaled(l.cents, cur);
    if (cart.scale === "big") quantity = [1, 999_999, 1_000_000, 12_345][(i + l.cents) % 4]!;
    if (cart.scale === "big") minor = Math.min(minor, Math.floor(MAX_MINOR / count / quantity / 2));
    if (cart.scale === "max") minor = Math.floor(MAX_MINOR / count / quantity) - (l.cents % 3);
    const id = [`l${i}`, `line-${count - i}`, `${String.fromCharCode(97 + (i % 26))}${i}`, `Z${i * 7}`][cart.ids]!;
    const line: Record<string, unknown> = { id, sku: l.sku, store: l.store, unitPrice: wideMoney(Math.max(0, minor), cur), quantity, tags: l.tags };
    if (cart.attributes) {
      const attributes: Record<string, unknown> = {};
      if (l.size !== null) attributes["size"] = l.size;
      attributes["colours"] = l.colours;
      if (l.weight !== null) attributes["weight"] = l.weight;
      if (l.fragile !== null) attributes["fragile"] = l.fragile;
      if (l.pieces !== null) attributes["pieces"] = l.pieces;
      line["attributes"] = attributes;
    }
    return line;
  });
  const customer: Record<string, unknown> = {
    region: cart.vip ? "CA" : "US",
    previousOrders: cart.firstOrder ? 0 : 2,
    segments: cart.vip ? ["vip"] : [],
    coins: cart.coins,
    coinsEarnedToday: cart.coins % 50,
  };
  if (cart.customerId) customer["id"] = "c1";
  if (cart.attributes) {
    customer["attributes"] = {
      tier: cart.coins % 4,
      score: cart.vip ? "1.75" : "1.5",
      nick: cart.vip ? "bob" : "eve",
      vipFlag: cart.vip,
      rate: cart.firstOrder ? "12.5" : "20",
      since: cart.firstOrder ? "2026-01-01" : "2024-12-31",
      seen: cart.vip ? "2026-11-01T00:00:00Z" : "2026-10-31T23:59:59Z",
      home: cart.vip ? "CA" : "FR",
      cur: cart.vip ? "EUR" : "USD",
      credit: wideMoney(wideScaled(cart.coins % 2000, cur), cur),
      labels: cart.vip ? ["gold"] : [],
      regions: cart.firstOrder ? ["FR", "US"] : [],
    };
  }
  return {
    currency: cur,
    at: WIDE_INSTANTS[cart.at]!,
    customer,
    lines,
    shipping: { country: cart.country, price: wideMoney(wideScaled(cart.shippingCents, cur), cur) },
    coupons: cart.coupons.map((c) => {
      const code = wideCode(c.code);
      const coupon: Record<string, unknown> = { code: c.spelling === 0 ? code : c.spelling === 1 ? code.toLowerCase() : ` ${code} ` };
      if (ACTIVATIONS[c.activated]) coupon["activatedAt"] = ACTIVATIONS[c.activated];
      if (c.owner) coupon["owner"] = c.activated % 2 === 0 ? "c1" : "c2";
      if (c.failed) coupon["lastFailedPaymentAt"] = WIDE_INSTANTS[(cart.at + c.code) % WIDE_INSTANTS.length];
      return coupon;
    }),
    useCoins: cart.useCoins,
    paymentMethod: cart.vip ? "card" : "wallet",
  };
}
