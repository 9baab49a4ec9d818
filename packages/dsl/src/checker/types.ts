/** Types of the language. Money carries its currency; `unknown` marks an expression already reported as wrong. */
export type Type =
  | { t: "money"; currency: string | undefined }
  | { t: "percent" }
  | { t: "int" }
  | { t: "decimal" }
  | { t: "bool" }
  | { t: "string" }
  | { t: "date" }
  | { t: "datetime" }
  | { t: "duration" }
  | { t: "region" }
  | { t: "currency" }
  | { t: "set"; element: Type }
  | { t: "unknown" };

export const T = {
  int: { t: "int" } as Type,
  decimal: { t: "decimal" } as Type,
  bool: { t: "bool" } as Type,
  string: { t: "string" } as Type,
  percent: { t: "percent" } as Type,
  date: { t: "date" } as Type,
  datetime: { t: "datetime" } as Type,
  duration: { t: "duration" } as Type,
  region: { t: "region" } as Type,
  currency: { t: "currency" } as Type,
  unknown: { t: "unknown" } as Type,
  money: (currency: string | undefined): Type => ({ t: "money", currency }),
  set: (element: Type): Type => ({ t: "set", element }),
};

export function typeName(type: Type): string {
  switch (type.t) {
    case "money":
      return type.currency ? `Money(${type.currency})` : "Money";
    case "set":
      return `Set<${typeName(type.element)}>`;
    case "datetime":
      return "DateTime";
    default:
      return type.t.charAt(0).toUpperCase() + type.t.slice(1);
  }
}

export function isNumeric(type: Type): boolean {
  return type.t === "int" || type.t === "decimal";
}

/** Whether a value of type `b` may stand where `a` is expected, ignoring money currencies (checked separately). */
export function compatible(a: Type, b: Type): boolean {
  if (a.t === "unknown" || b.t === "unknown") return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a.t === "set" && b.t === "set") return compatible(a.element, b.element);
  return a.t === b.t;
}

/** Type names accepted in `attribute customer.x: <type>` declarations. */
export const DECLARABLE_TYPES: Record<string, Type> = {
  int: T.int,
  decimal: T.decimal,
  string: T.string,
  bool: T.bool,
  percent: T.percent,
  date: T.date,
  datetime: T.datetime,
  region: T.region,
  currency: T.currency,
};

/** Fields the cart contract provides, per root. `money` fields take the rule file's currency. */
export const BUILTIN_FIELDS: Record<string, Record<string, Type | "money">> = {
  customer: {
    id: T.string,
    region: T.region,
    previousOrders: T.int,
    firstOrder: T.bool,
    segments: T.set(T.string),
    riskFlags: T.set(T.string),
    coins: T.int,
    coinsEarnedToday: T.int,
  },
  cart: {
    currency: T.currency,
    at: T.datetime,
    paymentMethod: T.string,
    useCoins: T.bool,
  },
  shipping: {
    country: T.region,
    price: "money",
  },
  coupon: {
    code: T.string,
    owner: T.string,
    activatedAt: T.datetime,
  },
  line: {
    id: T.string,
    sku: T.string,
    product: T.string,
    store: T.string,
    category: T.string,
    tags: T.set(T.string),
    unitPrice: "money",
    quantity: T.int,
    subtotal: "money",
  },
};

/** Roots whose custom attributes may be declared (`attribute customer.vipTier: int`). */
export const ATTRIBUTE_ROOTS = ["customer", "line"] as const;

export const FIELD_DOCS: Record<string, string> = {
  "customer.id": "The customer's id; compared with a coupon's owner for non-transferable coupons.",
  "customer.region": "The customer's region, an ISO 3166-1 alpha-2 code such as US.",
  "customer.previousOrders": "How many orders the customer placed before this one.",
  "customer.firstOrder": "True when the customer has no previous orders (previousOrders is 0).",
  "customer.segments": 'Marketing segments the customer belongs to, e.g. "vip".',
  "customer.riskFlags": 'Risk flags raised for the customer, e.g. "chargeback".',
  "customer.coins": "The customer's coin balance.",
  "customer.coinsEarnedToday": "Coins the customer already earned today (for the daily earning cap).",
  "cart.currency": "The cart's ISO 4217 currency.",
  "cart.at": "The instant the cart is priced at.",
  "cart.paymentMethod": 'The payment method chosen, e.g. "card".',
  "cart.useCoins": "True when the buyer asks to pay partly with coins.",
  "shipping.country": "The destination country, an ISO 3166-1 alpha-2 code.",
  "shipping.price": "The shipping price before shipping discounts.",
  "coupon.code": "The code the customer entered or collected.",
  "coupon.owner": "The customer id the coupon belongs to, if any.",
  "coupon.activatedAt": "When the coupon was collected (activated).",
  "line.id": "The line's id.",
  "line.sku": "The stock-keeping unit.",
  "line.product": "The product (a product has variants, each a SKU).",
  "line.store": "The store (seller) the line is bought from.",
  "line.category": "The line's category.",
  "line.tags": 'Tags on the line, e.g. "selected", "welcome", "coins".',
  "line.unitPrice": "The price of one unit before discounts.",
  "line.quantity": "The number of units.",
  "line.subtotal": "unitPrice × quantity.",
};

/** The built-in fields of a root (`customer`, `line`, …), or undefined: an own-property lookup, so names such as
 * `constructor` or `toString` written in a rule file are never mistaken for a root. */
export function builtinFieldsOf(root: string): Record<string, Type | "money"> | undefined {
  return Object.hasOwn(BUILTIN_FIELDS, root) ? BUILTIN_FIELDS[root] : undefined;
}
