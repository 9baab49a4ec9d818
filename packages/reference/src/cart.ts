import { codePointCompare, currencyDigits, parseMinor, parseRational, type Rational } from "./money.js";
import { isDate, parseInstant } from "./time.js";

/**
 * The cart for the reference model, read from the JSON contract with a validation of its own: deliberately
 * simple (it names the first problem by its JSON path and nothing more), because the model's job is pricing.
 */

export type Value =
  | { t: "num"; r: Rational }
  | { t: "money"; m: bigint }
  | { t: "str"; s: string }
  | { t: "bool"; b: boolean }
  | { t: "date"; s: string }
  | { t: "instant"; ms: number }
  | { t: "set"; items: Value[] }
  | { t: "null" };

export interface RefLine {
  id: string;
  /** The line's place in the cart as given (lines are held sorted by id; settlements list them in cart order). */
  position: number;
  sku: string;
  product: string;
  store: string;
  category: string;
  tags: Set<string>;
  unitPrice: bigint;
  quantity: number;
  subtotal: bigint;
  attributes: Map<string, Value>;
}

export interface RefCoupon {
  code: string;
  activatedAt: number | null;
  owner: string | null;
  lastFailedPaymentAt: number | null;
}

export interface RefCart {
  currency: string;
  digits: number;
  at: number;
  customer: {
    id: string | null;
    region: string | null;
    /** Null when the cart does not say: a condition that reads it is rejected with `missing-data`. */
    previousOrders: number | null;
    segments: Set<string>;
    riskFlags: Set<string>;
    coins: bigint;
    coinsEarnedToday: bigint;
    attributes: Map<string, Value>;
  };
  /** Sorted by id, so the order lines come in never matters. */
  lines: RefLine[];
  shipping: { country: string | null; price: bigint };
  /** By code, trimmed and upper-cased. */
  coupons: Map<string, RefCoupon>;
  useCoins: boolean;
  paymentMethod: string | null;
}

export type CartReading = { ok: true; cart: RefCart } | { ok: false; path: string; message: string };

class Invalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `attributes` maps "customer.x"/"line.x" to the declared type ("int", "set:string", …). */
export function readCart(json: unknown, attributes: ReadonlyMap<string, string>): CartReading {
  try {
    return { ok: true, cart: read(json, attributes) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, path: error.path, message: error.message };
    throw error;
  }
}

function read(json: unknown, attributes: ReadonlyMap<string, string>): RefCart {
  if (!isRecord(json)) throw new Invalid("", "a cart is an object");
  const currency = json["currency"];
  if (typeof currency !== "string" || currencyDigits(currency) === undefined) throw new Invalid("/currency", "an ISO 4217 currency");
  const digits = currencyDigits(currency)!;
  const amount = (v: unknown, path: string): bigint => {
    const minor = typeof v === "string" ? parseMinor(v, digits) : undefined;
    if (minor === undefined || minor < 0n) throw new Invalid(path, "an amount");
    return minor;
  };
  const text = (v: unknown, path: string, optional = true): string | null => {
    if (v === undefined || (optional && v === null)) return null;
    if (typeof v !== "string") throw new Invalid(path, "a string");
    return v;
  };
  const count = (v: unknown, path: string): number => {
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new Invalid(path, "a whole number");
    return v;
  };
  const strings = (v: unknown, path: string): Set<string> => {
    if (v === undefined) return new Set();
    if (!Array.isArray(v)) throw new Invalid(path, "a list");
    return new Set(v.map((s, i) => text(s, `${path}/${i}`, false)!));
  };
  const instant = (v: unknown, path: string): number | null => {
    if (v === undefined || v === null) return null;
    const ms = typeof v === "string" ? parseInstant(v) : undefined;
    if (ms === undefined) throw new Invalid(path, "an instant");
    return ms;
  };
  const attributeValue = (type: string, v: unknown, path: string): Value => {
    if (type.startsWith("set:")) {
      if (!Array.isArray(v)) throw new Invalid(path, "a list");
      return { t: "set", items: v.map((x, i) => attributeValue(type.slice(4), x, `${path}/${i}`)) };
    }
    switch (type) {
      case "int":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new Invalid(path, "an integer");
        return { t: "num", r: { num: BigInt(v), den: 1n } };
      case "decimal":
      case "percent": {
        const r = typeof v === "string" ? parseRational(v) : undefined;
        if (!r) throw new Invalid(path, "a decimal");
        return { t: "num", r };
      }
      case "string":
      case "region":
      case "currency":
        return { t: "str", s: text(v, path, false)! };
      case "bool":
        if (typeof v !== "boolean") throw new Invalid(path, "a boolean");
        return { t: "bool", b: v };
      case "date":
        if (typeof v !== "string" || !isDate(v)) throw new Invalid(path, "a date");
        return { t: "date", s: v };
      case "datetime":
        return { t: "instant", ms: instant(v, path)! };
      case "money":
        return { t: "money", m: amount(v, path) };
      default:
        throw new Invalid(path, `unknown type ${type}`);
    }
  };
  const attrs = (owner: string, v: unknown, path: string): Map<string, Value> => {
    const out = new Map<string, Value>();
    if (v === undefined) return out;
    if (!isRecord(v)) throw new Invalid(path, "an object");
    for (const [name, value] of Object.entries(v)) {
      const type = attributes.get(`${owner}.${name}`);
      if (type === undefined) throw new Invalid(`${path}/${name}`, "not a declared attribute");
      if (value === null) continue;
      out.set(name, attributeValue(type, value, `${path}/${name}`));
    }
    return out;
  };

  const at = instant(json["at"], "/at");
  if (at === null) throw new Invalid("/at", "required");
  const c = json["customer"] === undefined ? {} : json["customer"];
  if (!isRecord(c)) throw new Invalid("/customer", "an object");
  const customer = {
    id: text(c["id"], "/customer/id"),
    region: text(c["region"], "/customer/region"),
    previousOrders: c["previousOrders"] === undefined || c["previousOrders"] === null ? null : count(c["previousOrders"], "/customer/previousOrders"),
    segments: strings(c["segments"], "/customer/segments"),
    riskFlags: strings(c["riskFlags"], "/customer/riskFlags"),
    coins: BigInt(count(c["coins"], "/customer/coins")),
    coinsEarnedToday: BigInt(count(c["coinsEarnedToday"], "/customer/coinsEarnedToday")),
    attributes: attrs("customer", c["attributes"], "/customer/attributes"),
  };
  if (!Array.isArray(json["lines"])) throw new Invalid("/lines", "a list");
  const seen = new Set<string>();
  const lines = (json["lines"] as unknown[]).map((l, i): RefLine => {
    const path = `/lines/${i}`;
    if (!isRecord(l)) throw new Invalid(path, "an object");
    const id = text(l["id"], `${path}/id`, false);
    if (!id) throw new Invalid(`${path}/id`, "required");
    if (seen.has(id)) throw new Invalid(`${path}/id`, "duplicate line id");
    seen.add(id);
    const unitPrice = amount(l["unitPrice"], `${path}/unitPrice`);
    const quantity = l["quantity"];
    if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity < 1) throw new Invalid(`${path}/quantity`, "a whole number of at least 1");
    return {
      id,
      position: i,
      sku: text(l["sku"], `${path}/sku`) ?? "",
      product: text(l["product"], `${path}/product`) ?? "",
      store: text(l["store"], `${path}/store`) ?? "",
      category: text(l["category"], `${path}/category`) ?? "",
      tags: strings(l["tags"], `${path}/tags`),
      unitPrice,
      quantity,
      subtotal: unitPrice * BigInt(quantity),
      attributes: attrs("line", l["attributes"], `${path}/attributes`),
    };
  });
  lines.sort((a, b) => codePointCompare(a.id, b.id));
  const s = json["shipping"] === undefined ? {} : json["shipping"];
  if (!isRecord(s)) throw new Invalid("/shipping", "an object");
  const shipping = { country: text(s["country"], "/shipping/country"), price: s["price"] === undefined ? 0n : amount(s["price"], "/shipping/price") };
  const coupons = new Map<string, RefCoupon>();
  const cs = json["coupons"] === undefined ? [] : json["coupons"];
  if (!Array.isArray(cs)) throw new Invalid("/coupons", "a list");
  cs.forEach((x, i) => {
    if (!isRecord(x)) throw new Invalid(`/coupons/${i}`, "an object");
    const code = text(x["code"], `/coupons/${i}/code`, false)!;
    const key = code.trim().toUpperCase();
    if (!coupons.has(key)) {
      coupons.set(key, {
        code,
        activatedAt: instant(x["activatedAt"], `/coupons/${i}/activatedAt`),
        owner: text(x["owner"], `/coupons/${i}/owner`),
        lastFailedPaymentAt: instant(x["lastFailedPaymentAt"], `/coupons/${i}/lastFailedPaymentAt`),
      });
    }
  });
  const useCoins = json["useCoins"] ?? false;
  if (typeof useCoins !== "boolean") throw new Invalid("/useCoins", "a boolean");
  return { currency, digits, at, customer, lines, shipping, coupons, useCoins, paymentMethod: text(json["paymentMethod"], "/paymentMethod") };
}
