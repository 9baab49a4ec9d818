import { KINDS, type PromotionKind } from "@promo/dsl";

/**
 * One line of documentation per keyword of the language (docs/language.md is the reference). Keyed by the
 * keyword's text; every entry of the dsl's KEYWORD_TEXTS has one (a test holds the two together).
 */
export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  import:
    '`import "path.promo"`: adds another rule file (relative to this one) to the project; its scopes, windows, groups and promotions share this namespace.',
  currency: "`currency CODE`: the ISO 4217 currency of every amount in the file; the file's promotions apply only to carts in that currency.",
  attribute: "`attribute customer.NAME: TYPE` or `attribute line.NAME: TYPE`: declares a custom cart attribute so rules can use it.",
  scope: "`scope NAME = CONDITION`: a named set of cart lines, given by a condition on one line.",
  window: "`window NAME = from START to END in ZONE`: a named period of wall-clock time in an IANA zone; the end is inclusive to the second.",
  group: "`group NAME = [ … ]`: a named selector of promotion ids, kinds, `any`, `coupons` or other groups, for stacking rules.",
  stacking: "`stacking { … }`: rules that decide which qualified promotions may apply together (`at most …`, `select …`).",
  commission:
    '`commission { category "NAME" P% … default P% }`: the platform\'s commission rate per product category on what sellers sell; at most one per project.',
  funded: "`funded by platform` | `funded by seller` | `funded by platform 70%, seller 30%`: who pays for the promotion's discount (default by kind).",
  by: "`funded by …`: the parties who pay for the promotion and their shares, summing to 100%.",
  promotion: "`promotion ID { … }`: a promotion: `title`, `kind` and `give` are required; the id is unique in the project.",
  example: "`example NAME { cart { … } expect { … } }`: a test: a cart and what pricing it must give.",
  earn: "`earn C coins per AMOUNT|purchase [on SCOPE] [limit …]`: coins the buyer earns on what they pay for items (several rules add up).",
  title: '`title "…"`: required; the promotion\'s name shown to buyers, not empty.',
  description: '`description "…"`: free text for people; no effect on pricing.',
  kind: "`kind K`: required; the kind of promotion, which fixes its stage in the application order and the benefits it may give.",
  code: '`code "…"`: the code that triggers the promotion (a coupon); 1 to 64 characters without spaces, compared case-insensitively.',
  valid: "`valid W`: the promotion applies only while `cart.at` lies inside window W; outside it it is rejected as `window`.",
  collect: "`collect W` (coupons only): the coupon must have been collected (`activatedAt`) inside window W, else it is rejected as `not-collected`.",
  expires: "`expires N UNIT after activation` (coupons only): the coupon expires N units after it was collected.",
  locked: "`locked N UNIT after failed payment` (coupons only): the coupon is blocked for that long after a failed payment.",
  transferable: "`not transferable` (coupons only): only the coupon's owner may use it.",
  when: "`when CONDITION`: the promotion applies only when the condition holds for the cart; otherwise it is rejected as `condition`.",
  give: "`give BENEFIT`: required; exactly one benefit: an amount or percentage off, a fixed price, a pack, cheapest free, free shipping or coins.",
  priority: "`priority N`: the promotion's place within its stage of the application order; lower numbers apply first.",
  exclusive: "`exclusive` / `exclusive with S`: the promotion combines with no other promotion / with none selected by S.",
  combines: "`combines with S`: may combine with the promotions selected by S despite `exclusive` and `at most 1` rules.",
  limit: "`limit N [redemptions|uses|coins|units] [per ENTITY] [per PERIOD]` or `limit budget AMOUNT …`: a usage limit; may be repeated.",
  from: "`from START to END in ZONE`: a window of wall-clock time; the start is inclusive.",
  to: "`to END`: the window's last second (inclusive: `04:59:59` includes `04:59:59.999`).",
  in: "`in ZONE` names the IANA time zone of a date-time; `a in [x, y]` holds when a is one of the listed values.",
  after: "`after discounts`: the amount left after the discounts of earlier promotions; `after activation` / `after failed payment` in durations.",
  before: "`before discounts`: the amount before any discount (the default base).",
  activation: "`expires N UNIT after activation`: counted from the coupon's `activatedAt`.",
  failed: "`locked N UNIT after failed payment`: counted from the coupon's `lastFailedPaymentAt`.",
  payment: "`locked N UNIT after failed payment`: counted from the coupon's `lastFailedPaymentAt`.",
  off: "`give AMOUNT off TARGET` / `give P% off TARGET`: a discount on the order, shipping or a scope's lines.",
  each: "`off each unit of S`: the amount comes off every unit of the scope's lines.",
  unit: "`each unit of S` / `max N unit(s)`: counts units (not lines).",
  of: "`subtotal of S`, `quantity of S`, `count of S`: an aggregate over the scope's lines; `at most N of S`: a stacking selector.",
  up: "`up to AMOUNT` caps a percentage discount; `up to P% of order` caps a coins deduction.",
  max: "`max N units`: at most N units per order get the discount or the fixed price, most expensive first.",
  price: "`give price AMOUNT on S [max N units]`: each chosen unit of the scope costs AMOUNT.",
  pack: '`give pack ["SKU", …] for AMOUNT`: one unit of each listed SKU together cost AMOUNT; repeats for every complete pack.',
  for: "`pack [...] for AMOUNT`; `cheapest M free for every N of S`.",
  free: "`give free shipping` sets shipping to 0; `cheapest M free for every N of S` makes the cheapest units free.",
  cheapest: "`give cheapest M free for every N of S`: with n units in the scope, floor(n / N) × M of the cheapest units are free.",
  every: "`cheapest M free for every N of S`: the group size N.",
  on: "`price AMOUNT on S`: the scope whose units get the fixed price; `coins at … on S`: the lines coins may pay for; `on cancel return use` / `on cancel keep use`: whether a cancelled order gives its use of the limits back; `on return keep discount` / `on return recover discount`: whether a return that breaks the condition takes the kept units' discount back.",
  order: "`off order`: the whole order's items (shipping excluded); `per order` in stacking rules and limits.",
  shipping: "`shipping.country`, `shipping.price`: the cart's shipping; `off shipping` / `free shipping`: a shipping discount (kind `shipping` only).",
  coins: "`give coins at C per AMOUNT …`: pay part of the order with coins (kind `coins` only); `N coins` in limits and `earn`.",
  coin: "`earn 1 coin per AMOUNT`: the singular of `coins`.",
  budget: "`limit budget AMOUNT`: the promotion grants at most AMOUNT of savings in total.",
  per: "`per ENTITY` / `per PERIOD`: counts a limit or stacking rule separately per customer, store, order, line, day, week, month or year.",
  with: "`exclusive with S`, `combines with S`: the promotions selected by S.",
  select: "`select best-for-buyer | first-by-priority`: how stacking chooses among qualified promotions.",
  discounts: "`before discounts` / `after discounts`: the base of a subtotal or percentage.",
  and: "`a and b`: both hold (binds tighter than `or`).",
  or: "`a or b`: either holds (binds looser than `and`).",
  not: "`not a`: a does not hold (binds tightest); also `is not`, `not in`, `not transferable`.",
  is: "`a is b`: a equals b; `a is not b`: a differs from b.",
  exceeds: "`a exceeds b`: a > b (strictly greater).",
  at: "`a at least b`: a ≥ b; `a at most b`: a ≤ b; `at most N S per ENTITY` in stacking.",
  least: "`a at least b`: a ≥ b.",
  most: "`a at most b`: a ≤ b; `at most N S per ENTITY`: a stacking limit.",
  below: "`a below b`: a < b (strictly less).",
  contains: "`s contains x`: the set s (e.g. `customer.segments`, `line.tags`) holds x.",
  subtotal: "`subtotal [of S] [before|after discounts]`: Money, the sum of unitPrice × quantity over the (scope's) lines.",
  quantity: "`quantity [of S]`: Int, the number of units over the (scope's) lines.",
  count: "`count [of S]`: Int, the number of lines (of the scope).",
  true: "`true`: the Bool value.",
  false: "`false`: the Bool value.",
  null: "`null`: no value (in example carts, e.g. `lastFailedPaymentAt: null`).",
  cart: "`cart { … }` / `cart from \"file.json\"`: an example's cart; `cart.currency`, `cart.at`, … are the cart's fields.",
  expect: "`expect { … }`: what pricing the example's cart must give; only the keys given are compared.",
  campaign:
    "`campaign NAME { … }`: a platform campaign: its calendar (`registration opens`, `registration closes`, `review`, `warm-up`, `sale`, `ends`), its `require` rules and its `allow` edits.",
  require:
    "`require REASON: FACT COMPARATOR VALUE [and FACT exceeds 0]`: a campaign requirement on `product.*` or `store.*` facts; a product that fails it is refused with REASON.",
  allow: "`allow discount|units increase [until N days before registration closes|sale starts]`: an edit sellers may make to a registration.",
  attribution:
    "`attribution NAME { … }`: which webmaster earns the commission on each line: `priority coupon > cart > click`, `first-cookie during W`, `last-cookie otherwise`, `lookback N UNIT`, `per goods`, `payment during W`, `exclude coupon-via-another-webmaster`.",
  affiliate: "`affiliate program NAME { … }`: commission rates: `minimum 3%` store-wide, `featured [GOODS] P%`, `premium [WEBMASTERS] P% during W`.",
  during: "`MODEL during W` / `payment during W` / `premium … during W`: inside window W (an attribution or affiliate program clause).",
  otherwise: "`MODEL otherwise`: the attribution model outside every listed window.",
};

/** The application order: every applied promotion takes effect by the stage of its kind first. */
export const STAGES: readonly PromotionKind[] = ["automatic", "selected-coupon", "store-coupon", "platform-coupon", "promo-code", "shipping", "coins"];

export const KIND_DOCS: Readonly<Record<PromotionKind, { meaning: string; code: string }>> = {
  automatic: { meaning: "A discount that applies by itself (limited-time discounts, packs, buy-3).", code: "no code allowed" },
  "selected-coupon": { meaning: "A platform discount on selected items that applies by itself.", code: "no code allowed" },
  "store-coupon": { meaning: "A seller's coupon.", code: "a code is required" },
  "platform-coupon": { meaning: "A marketplace-wide coupon.", code: "a code is required" },
  "promo-code": { meaning: "A promotional code typed at checkout.", code: "a code is required" },
  shipping: { meaning: "A shipping discount: `give free shipping` or an amount or percentage `off shipping`.", code: "a code is optional" },
  coins: { meaning: "Paying part of the order with coins: `give coins at …`.", code: "a code is optional" },
};

export function kindDoc(kind: string): string | undefined {
  if (!(KINDS as readonly string[]).includes(kind)) return undefined;
  const k = kind as PromotionKind;
  const stage = STAGES.indexOf(k) + 1;
  const order = STAGES.map((s) => (s === k ? `**${s}**` : s)).join(" → ");
  return [`${KIND_DOCS[k].meaning} (${KIND_DOCS[k].code})`, "", `Stage ${stage} of ${STAGES.length} in the application order: ${order}.`].join("\n");
}

export const BUILTIN_GROUP_DOCS: Readonly<Record<string, string>> = {
  any: "`any`: every promotion (a built-in selector).",
  coupons: "`coupons`: every promotion with a `code` (a built-in selector).",
};

/** The stable rejection reasons (docs/language.md, "Candidates and rejection reasons"). */
export const REASON_DOCS: Readonly<Record<string, string>> = {
  currency: "the cart is not in the file's currency",
  window: "`cart.at` is outside the `valid` window",
  "not-collected": "the coupon's `activatedAt` is missing or outside the `collect` window",
  expired: "the coupon expired (`expires`)",
  locked: "the coupon is locked after a failed payment (`locked`)",
  owner: "the coupon belongs to another customer (`not transferable`)",
  limit: "a usage limit is exhausted",
  "missing-data": "the `when` condition reads a customer, cart or shipping field the cart does not give",
  condition: "the `when` condition does not hold",
  "no-eligible-lines": "it qualified but had nothing to discount",
  "not-combinable": "it qualified, but the stacking rules exclude it in favour of the chosen combination",
  "not-best": "it lost a per-line choice (an `at most … per line` rule) to a better discount for that line",
};

/**
 * `record[key]` for a key that comes from the document: own entries only, so `constructor` or `toString` typed in
 * a rule file never reaches Object.prototype.
 */
export function entryOf<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
