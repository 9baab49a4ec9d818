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
  { weight: 4, arbitrary: fc.record({ t: fc.constant("subtotal" as const), scope: fc.option(scopeRefArb, { nil: null }), after: fc.boolean(), op: fc.constantFrom("exceeds" as const, "at least" as const, "below" as const), cents: fc.integer({ min: 0, max: 8000 }) }) },
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
const conditionArb: fc.Arbitrary<Condition> = fc.option(fc.record({ atoms: fc.array(atomArb, { minLength: 1, maxLength: 3 }), joiner: fc.constantFrom("and" as const, "or" as const) }), { nil: null, freq: 3 });

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
  { weight: 3, arbitrary: fc.record({ b: fc.constant("percent" as const), pct: percentArb.map(Number), target: targetArb, after: fc.boolean(), cap: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ b: fc.constant("each" as const), cents: fc.integer({ min: 1, max: 500 }), scope: scopeRefArb, max: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ b: fc.constant("price" as const), cents: fc.integer({ min: 0, max: 1500 }), scope: scopeRefArb, max: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ b: fc.constant("pack" as const), skus: fc.array(fc.constantFrom("A", "B", "C", "D"), { minLength: 1, maxLength: 3 }), cents: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }).chain((every) => fc.record({ b: fc.constant("cheapest" as const), free: fc.integer({ min: 1, max: every - 1 }), every: fc.constant(every), scope: scopeRefArb })) },
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
  kind: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...ITEM_KINDS) }, { weight: 2, arbitrary: fc.constant("shipping" as const) }, { weight: 1, arbitrary: fc.constant("coins" as const) }),
  hasCode: fc.boolean(),
  priority: fc.boolean(),
  condition: conditionArb,
  item: itemBenefitArb,
  shipping: shippingBenefitArb,
  coins: coinsBenefitArb,
  windowed: fc.boolean(),
  exclusive: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant("all" as const) }, { weight: 2, arbitrary: fc.constantFrom(...SELECTOR_WORDS).map((w) => ({ with: w })) }),
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
  currency: fc.oneof({ weight: 4, arbitrary: fc.constant("USD" as const) }, { weight: 1, arbitrary: fc.constantFrom("JPY" as const, "KWD" as const, "EUR" as const) }),
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
      lines.push(`  give ${s.b === "free" ? "free shipping" : s.b === "amount" ? `${money(scaled(s.cents, currency), currency)} ${currency} off shipping` : `${s.pct}% off shipping`}`);
    } else if (kind === "coins") {
      const c = p.coins;
      const per = Math.max(1, scaled(c.perCents, currency));
      lines.push(`  give coins at ${c.coins} per ${money(per, currency)} ${currency}${c.capPct === null ? "" : ` up to ${c.capPct}% of order`}${c.scope ? ` on ${renderScope(c.scope)}` : ""}`);
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
  lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }).chain((lines) =>
    fc.shuffledSubarray(LINE_IDS, { minLength: lines.length, maxLength: lines.length }).map((ids) => lines.map((l, i) => ({ ...l, id: ids[i]! }))),
  ),
  otherCurrency: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  day: fc.integer({ min: 9, max: 12 }),
  hour: fc.integer({ min: 0, max: 23 }),
  firstOrder: fc.boolean(),
  vip: fc.boolean(),
  country: fc.constantFrom("US" as const, "FR" as const),
  shippingCents: fc.integer({ min: 0, max: 1200 }),
  coupons: fc.uniqueArray(fc.record({ code: fc.constantFrom(...CODE_POOL), spelling: fc.constantFrom(0 as const, 1 as const, 2 as const) }), { maxLength: 4, selector: (c) => c.code }),
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
