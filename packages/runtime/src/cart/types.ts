/**
 * The cart after validation and normalisation: amounts in integer minor units, sets for tags and segments,
 * lines sorted by id (so the order lines are given in never changes a result), coupons keyed by upper-cased code.
 */
export interface NormalizedLine {
  id: string;
  sku: string;
  product: string;
  store: string;
  category: string;
  tags: ReadonlySet<string>;
  unitPrice: number;
  quantity: number;
  /** unitPrice × quantity, minor units. */
  subtotal: number;
  attributes: Readonly<Record<string, unknown>>;
}

export interface NormalizedCoupon {
  /** As given by the cart. */
  code: string;
  activatedAt: number | null;
  owner: string | null;
  lastFailedPaymentAt: number | null;
}

export interface NormalizedCart {
  currency: string;
  /** Epoch milliseconds. */
  at: number;
  customer: {
    id: string | null;
    region: string | null;
    /** Null when the cart does not say (a condition reading it is then rejected with `missing-data`). */
    previousOrders: number | null;
    segments: ReadonlySet<string>;
    riskFlags: ReadonlySet<string>;
    coins: number;
    coinsEarnedToday: number;
    attributes: Readonly<Record<string, unknown>>;
  };
  lines: readonly NormalizedLine[];
  shipping: { country: string | null; price: number };
  /** Keyed by the code trimmed and upper-cased (codes compare case-insensitively). */
  coupons: ReadonlyMap<string, NormalizedCoupon>;
  useCoins: boolean;
  paymentMethod: string | null;
}

/** One problem with the input, named by its JSON path (RFC 6901 pointer, e.g. `/lines/0/unitPrice`). */
export interface CartError {
  path: string;
  message: string;
}

export type CartResult = { ok: true; cart: NormalizedCart } | { ok: false; errors: CartError[] };

/** Custom attributes declared in rule files (`attribute customer.vipTier: int`), for the schema. */
export interface AttributeSpec {
  owner: "customer" | "line";
  name: string;
  type: "int" | "decimal" | "string" | "bool" | "percent" | "date" | "datetime" | "region" | "currency" | "money" | `set:${string}`;
}
