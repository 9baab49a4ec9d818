import { KINDS } from "@promo/dsl";

/** Words of the language that are names rather than keywords, with what they mean (from docs/language.md). */

export const KIND_DOCS: Record<(typeof KINDS)[number], string> = {
  automatic: "A discount that applies by itself (limited-time discounts, packs, buy-3). No code.",
  "selected-coupon": "A platform discount on selected items that applies by itself. No code.",
  "store-coupon": "A seller's coupon. Needs a `code`.",
  "platform-coupon": "A marketplace-wide coupon. Needs a `code`.",
  "promo-code": "A promotional code typed at checkout. Needs a `code`.",
  shipping: "A shipping discount: `give free shipping` or an amount or percentage `off shipping`. Code optional.",
  coins: "Paying part of the order with coins: `give coins at …`. Code optional.",
};

export const BUILTIN_GROUP_DOCS: Record<string, string> = {
  any: "Every promotion.",
  coupons: "Every promotion with a code.",
};

export const ROOT_DOCS: Record<string, string> = {
  customer: "The customer: `customer.region`, `customer.segments`, … (in `when` conditions).",
  cart: "The cart: `cart.at`, `cart.currency`, … (in `when` conditions).",
  shipping: "Shipping: `shipping.country`, `shipping.price` (in `when` conditions).",
  coupon: "The buyer's coupon with this promotion's code: `coupon.activatedAt`, … (only in promotions with a code).",
  line: "One cart line: `line.sku`, `line.tags`, … (inside scopes).",
};

/** `at most N … per ENTITY` in stacking rules. */
export const STACKING_ENTITIES: Record<string, string> = {
  order: "At most N of the selected promotions are in the applied set.",
  store: "At most N of them touch any one store.",
  line: "At most N of them discount any one line.",
  customer: "The same as `per order`.",
};

/** `limit … per ENTITY` and `per PERIOD`. */
export const LIMIT_ENTITIES: Record<string, string> = {
  customer: "The limit counts separately for each customer.",
  store: "The limit counts separately for each store.",
  order: "The limit counts separately for each order.",
};
export const LIMIT_PERIODS: Record<string, string> = {
  day: "The limit counts separately for each day.",
  week: "The limit counts separately for each week.",
  month: "The limit counts separately for each month.",
  year: "The limit counts separately for each year.",
};

export const LIMIT_UNITS: Record<string, string> = {
  redemptions: "The promotion applies at most N times.",
  uses: "The same as `redemptions`.",
};

export const DURATION_UNITS = ["seconds", "minutes", "hours", "days", "weeks", "months", "years"] as const;
/** `locked` durations stop at weeks. */
export const LOCK_UNITS = ["seconds", "minutes", "hours", "days", "weeks"] as const;

export const SELECTION_MODES: Record<string, string> = {
  "best-for-buyer": "The default: the admissible combination with the largest total saving for the buyer.",
  "first-by-priority": "Qualifying promotions in application order, skipping any that conflicts with those already taken.",
};

export const ATTRIBUTE_TYPES: Record<string, string> = {
  string: "Text.",
  int: "A whole number.",
  decimal: "A number with a fraction.",
  bool: "true or false.",
  percent: "A percentage, 0% to 100%.",
  money: "An amount in the file's currency.",
  date: "A calendar date.",
  datetime: "An instant or wall-clock time.",
  region: "An ISO 3166-1 alpha-2 code.",
  currency: "An ISO 4217 code.",
  set: "A set of values: `set of string`.",
};

/** Short descriptions of keywords, shown next to keyword completions. */
export const KEYWORD_DOCS: Record<string, string> = {
  import: 'import "other.promo": share its declarations.',
  currency: "currency USD: the file's currency (ISO 4217).",
  attribute: "attribute customer.NAME: TYPE, a custom field.",
  scope: "scope NAME = CONDITION: a set of cart lines.",
  window: "window NAME = from START to END in ZONE.",
  group: "group NAME = [ … ]: a selector for stacking rules.",
  stacking: "stacking { … }: which promotions may apply together.",
  promotion: "promotion ID { … }",
  earn: "earn C coins per AMOUNT|purchase [on SCOPE]: coins earned on the amount paid, or per purchase.",
  example: "example NAME { cart { … } expect { … } }: a priced test cart.",
  attribution: "attribution NAME { … }: how affiliate touchpoints win a line's commission.",
  affiliate: "affiliate program NAME { minimum 3% … }: affiliate commission rates.",
  title: "Required. The name shown to buyers.",
  description: "Free text for people; no effect on pricing.",
  kind: "Required. The kind of promotion.",
  code: "The code that triggers the promotion (a coupon).",
  valid: "The promotion applies only while cart.at is inside the window.",
  collect: "Coupons only: the coupon must have been collected inside the window.",
  expires: "Coupons only: the coupon expires some time after it was collected.",
  locked: "Coupons only: blocked for a while after a failed payment.",
  "not transferable": "Coupons only: only its owner may use the coupon.",
  when: "The promotion applies only when the condition holds.",
  give: "Required. What the promotion gives (exactly one benefit).",
  priority: "Its place in the application order (lower first).",
  exclusive: "Combines with no other promotion (or with none selected by `with S`).",
  "combines with": "May combine with the promotions selected by S despite exclusive and at-most-1 rules.",
  limit: "A usage limit; may be repeated.",
  "on cancel": "on cancel return use | on cancel keep use: whether a cancelled order gives its use of the limits back (default: return).",
  "on return":
    "on return keep discount | on return recover discount: whether a return that breaks the condition takes the kept units' discount back (default: keep).",
  "funded by": "funded by platform | seller | platform 70%, seller 30%: who pays for the discount (default by kind).",
  commission: 'commission { category "NAME" P% … default P% }: the commission rate per category.',
  "at most": "at most N [of] S per ENTITY",
  select: "select best-for-buyer | first-by-priority",
  subtotal: "The sum of unitPrice × quantity over the lines (or a scope's lines with `of`).",
  quantity: "The number of units (of a scope with `of`).",
  count: "The number of lines (of a scope with `of`).",
  "before discounts": "Before any discount (the default).",
  "after discounts": "After the discounts of the promotions applied earlier.",
  "free shipping": "Sets shipping to 0 (kind shipping only).",
  "each unit of": "That amount off every unit of the scope's lines.",
  "up to": "A cap.",
  campaign: "campaign NAME { … }: a platform campaign's calendar, requirements and allowed edits.",
  require: "require REASON: FACT COMPARATOR VALUE, a campaign requirement.",
  allow: "allow discount|units increase [until N days before …]: an allowed registration edit.",
};
