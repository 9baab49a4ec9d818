import { parseAmount, plainMinorUnits } from "../money/amount.js";
import { currencyExponent, isCurrencyCode } from "../money/currencies.js";
import { isRegionCode } from "../regions.js";
import { checkDate, parseInstant } from "./instant.js";
import { NO_LABELS } from "./labels.js";
import { sortLinesById } from "./order.js";
import { AMOUNT_PATTERN, MAX_COUPONS, MAX_LINES, MAX_QUANTITY, MAX_NUMBER_TEXT_LENGTH, MAX_SET_ITEMS, MAX_STRING_LENGTH, PERCENT_PATTERN } from "./schema.js";
import type { AttributeShape } from "./schema.js";
import type { NormalizedCart, NormalizedCoupon, NormalizedLine } from "./types.js";

/*
 * The validator's fast path: one walk over the input that checks the whole contract and builds the normalised
 * cart at once, without the defensive copy, the schema check or error paths. It gives up (returns undefined) at
 * the first thing it does not like — anything invalid, and anything merely unusual (a getter, an `undefined`
 * value, a duplicate in a set) — and the full validator (validate.ts) then runs from scratch and reports every
 * problem by path. So it only ever accepts carts the full validator accepts, and builds the same normalised
 * cart from them (a differential test holds it to that); it never reports anything itself.
 *
 * Properties are read as `JSON.stringify` reads them, once each: own enumerable string keys (a getter runs once and
 * its value is what is checked, as in the full validator's copy).
 */

const AMOUNT = new RegExp(AMOUNT_PATTERN);
const PERCENT = new RegExp(PERCENT_PATTERN);
const CODE_3 = /^[A-Z]{3}$/;
const CODE_2 = /^[A-Z]{2}$/;
const NOT_ZERO_DIGIT = /[1-9]/;

type Raw = unknown;

/** Thrown (and caught in fastNormalise) to give the cart to the full validator; one value, never allocated anew. */
const GIVE_UP = Symbol("give up");

/** A UTF-16 surrogate not part of a pair (in `u` mode a pair is one code point, which the class does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether a text has no lone surrogate: `String.prototype.isWellFormed` where it exists (Node 20, current
 * browsers; a builtin that answers a one-byte string at once, several times faster than the regular expression
 * on the short texts of a cart), else the regular expression. The two give the same answer on every string.
 */
const wellFormed: (value: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (value) => (value as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (value) => !LONE_SURROGATE.test(value);

function fail(): never {
  throw GIVE_UP;
}

/** Whether every code unit of the text is ASCII (then it is its own NFC form). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Gives up unless `value` is a plain object (not an array, no prototype but Object's or none). */
function plainObject(value: Raw): object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail();
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail();
  return value;
}

/**
 * The value under a key met by `for … in` over a plain object. Inherited keys cannot be met: fastNormalise gives
 * up at once when Object.prototype has an enumerable key. `undefined` counts as absent in JSON; to keep one rule
 * in one place the fast path gives up on it and leaves it to the full validator.
 */
function property(object: object, key: string): Raw {
  const value: unknown = (object as Record<string, unknown>)[key];
  if (value === undefined) fail();
  return value;
}

/** The items of a plain array, each read once; gives up on a hole or an `undefined` item. */
function items(value: Raw, max: number): Raw[] {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) fail();
  const length = value.length;
  if (length > max) fail();
  const out = new Array<Raw>(length);
  for (let i = 0; i < length; i++) {
    const item: unknown = value[i];
    if (item === undefined) fail();
    out[i] = item;
  }
  return out;
}

function text(value: Raw, min: number): string {
  if (typeof value !== "string" || value.length < min || value.length > MAX_STRING_LENGTH || !wellFormed(value)) fail();
  return value;
}

function nullableText(value: Raw, min: number): string | null {
  return value === null ? null : text(value, min);
}

function count(value: Raw, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) fail();
  return value;
}

function labels(value: Raw): ReadonlySet<string> {
  const list = items(value, MAX_SET_ITEMS);
  if (list.length === 0) return NO_LABELS;
  const set = new Set<string>();
  for (const item of list) set.add(text(item, 1));
  return set;
}

function instant(value: Raw): number {
  if (typeof value !== "string") fail();
  const parsed = parseInstant(value);
  if (parsed === undefined || !parsed.ok) fail();
  return parsed.value;
}

function nullableInstant(value: Raw): number | null {
  return value === null ? null : instant(value);
}

function region(value: Raw): string {
  if (typeof value !== "string" || !CODE_2.test(value) || !isRegionCode(value)) fail();
  return value;
}

function nullableRegion(value: Raw): string | null {
  return value === null ? null : region(value);
}

function currencyCode(value: Raw): string {
  if (typeof value !== "string" || !CODE_3.test(value) || !isCurrencyCode(value)) fail();
  return value;
}

/** A non-negative amount in minor units of `currency`. */
function amount(value: Raw, currency: string): number {
  if (typeof value !== "string" || value.length > MAX_NUMBER_TEXT_LENGTH) fail();
  const quick = plainMinorUnits(value, currencyExponent(currency)!);
  if (quick >= 0) return quick;
  if (!AMOUNT.test(value)) fail();
  if (value.charCodeAt(0) === 45 /* - */ && NOT_ZERO_DIGIT.test(value)) fail();
  const parsed = parseAmount(value, currency);
  if (!parsed.ok) fail();
  return parsed.minor;
}

function defineAttribute(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment would reach a setter or `__proto__` on Object.prototype; only those names need defineProperty.
  if (key in Object.prototype) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

class FastNormaliser {
  constructor(
    private readonly customerShapes: ReadonlyMap<string, AttributeShape>,
    private readonly lineShapes: ReadonlyMap<string, AttributeShape>,
  ) {}

  cart(input: Raw): NormalizedCart {
    let currencyRaw: Raw;
    let atRaw: Raw;
    let customerRaw: Raw;
    let linesRaw: Raw;
    let shippingRaw: Raw;
    let couponsRaw: Raw;
    let useCoins = false;
    let paymentMethod: string | null = null;
    const cart = plainObject(input);
    for (const key in cart) {
      const value = property(cart, key);
      switch (key) {
        case "currency":
          currencyRaw = value;
          break;
        case "at":
          atRaw = value;
          break;
        case "customer":
          customerRaw = value;
          break;
        case "lines":
          linesRaw = value;
          break;
        case "shipping":
          shippingRaw = value;
          break;
        case "coupons":
          couponsRaw = value;
          break;
        case "useCoins":
          if (typeof value !== "boolean") fail();
          useCoins = value;
          break;
        case "paymentMethod":
          paymentMethod = nullableText(value, 0);
          break;
        default:
          fail();
      }
    }
    const currency = currencyCode(currencyRaw);
    const at = instant(atRaw);
    const customer = this.customer(customerRaw, currency);
    const { lines, total } = this.lines(linesRaw, currency);
    const shipping = this.shipping(shippingRaw, currency);
    if (!Number.isSafeInteger(total + shipping.price)) fail();
    const coupons = this.coupons(couponsRaw);
    return { currency, at, customer, lines, shipping, coupons, useCoins, paymentMethod };
  }

  private customer(raw: Raw, currency: string): NormalizedCart["customer"] {
    const customer = {
      id: null as string | null,
      region: null as string | null,
      previousOrders: null as number | null,
      segments: NO_LABELS,
      riskFlags: NO_LABELS,
      coins: 0,
      coinsEarnedToday: 0,
      attributes: {} as Record<string, unknown>,
    };
    if (raw === undefined) return customer;
    const object = plainObject(raw);
    for (const key in object) {
      const value = property(object, key);
      switch (key) {
        case "id":
          customer.id = nullableText(value, 1);
          break;
        case "region":
          customer.region = nullableRegion(value);
          break;
        case "previousOrders":
          customer.previousOrders = count(value, 0, Number.MAX_SAFE_INTEGER);
          break;
        case "segments":
          customer.segments = labels(value);
          break;
        case "riskFlags":
          customer.riskFlags = labels(value);
          break;
        case "coins":
          customer.coins = count(value, 0, Number.MAX_SAFE_INTEGER);
          break;
        case "coinsEarnedToday":
          customer.coinsEarnedToday = count(value, 0, Number.MAX_SAFE_INTEGER);
          break;
        case "attributes":
          customer.attributes = this.attributes(value, this.customerShapes, currency);
          break;
        default:
          fail();
      }
    }
    return customer;
  }

  private lines(raw: Raw, currency: string): { lines: NormalizedLine[]; total: number } {
    const list = items(raw, MAX_LINES);
    const lines = new Array<NormalizedLine>(list.length);
    let total = 0;
    let sorted = true;
    let ascii = true;
    for (let i = 0; i < list.length; i++) {
      const line = this.line(list[i], currency);
      if (ascii && !isAscii(line.id)) ascii = false;
      total += line.subtotal;
      if (i > 0 && lines[i - 1]!.id > line.id) sorted = false;
      lines[i] = line;
    }
    if (!Number.isSafeInteger(total)) fail();
    // Ids are code-unit sorted, as the full validator sorts; the cart's own order is kept for settlement (order.ts).
    // Ids equal under Unicode NFC normalisation are duplicates (see validate.ts); an ASCII text is its own normal
    // form, so when every id is ASCII a duplicate is an equal neighbour once sorted, and no Set of ids is needed.
    if (!sorted) sortLinesById(lines);
    if (ascii) {
      for (let i = 1; i < lines.length; i++) if (lines[i - 1]!.id === lines[i]!.id) fail();
    } else {
      const ids = new Set<string>();
      for (const line of lines) {
        const id = line.id.normalize("NFC");
        if (ids.has(id)) fail();
        ids.add(id);
      }
    }
    return { lines, total };
  }

  private line(raw: Raw, currency: string): NormalizedLine {
    let id: string | undefined;
    let sku: string | undefined;
    let product = "";
    let store = "";
    let category = "";
    let unitPrice: number | undefined;
    let quantity: number | undefined;
    let tags: ReadonlySet<string> = NO_LABELS;
    let attributes: Record<string, unknown> = {};
    const object = plainObject(raw);
    for (const key in object) {
      const value = property(object, key);
      switch (key) {
        case "id":
          id = text(value, 1);
          break;
        case "sku":
          sku = text(value, 1);
          break;
        case "product":
          product = text(value, 0);
          break;
        case "store":
          store = text(value, 0);
          break;
        case "category":
          category = text(value, 0);
          break;
        case "unitPrice":
          unitPrice = amount(value, currency);
          break;
        case "quantity":
          quantity = count(value, 1, MAX_QUANTITY);
          break;
        case "tags":
          tags = labels(value);
          break;
        case "attributes":
          attributes = this.attributes(value, this.lineShapes, currency);
          break;
        default:
          fail();
      }
    }
    if (id === undefined || sku === undefined || unitPrice === undefined || quantity === undefined) fail();
    const subtotal = unitPrice * quantity;
    if (!Number.isSafeInteger(subtotal)) fail();
    return { id, sku, product, store, category, tags, unitPrice, quantity, subtotal, attributes };
  }

  private shipping(raw: Raw, currency: string): NormalizedCart["shipping"] {
    const shipping = { country: null as string | null, price: 0 };
    if (raw === undefined) return shipping;
    const object = plainObject(raw);
    for (const key in object) {
      const value = property(object, key);
      switch (key) {
        case "country":
          shipping.country = nullableRegion(value);
          break;
        case "price":
          shipping.price = amount(value, currency);
          break;
        default:
          fail();
      }
    }
    return shipping;
  }

  private coupons(raw: Raw): Map<string, NormalizedCoupon> {
    const coupons = new Map<string, NormalizedCoupon>();
    if (raw === undefined) return coupons;
    for (const item of items(raw, MAX_COUPONS)) {
      let code: string | undefined;
      let activatedAt: number | null = null;
      let owner: string | null = null;
      let lastFailedPaymentAt: number | null = null;
      const object = plainObject(item);
      for (const key in object) {
        const value = property(object, key);
        switch (key) {
          case "code":
            code = text(value, 1);
            break;
          case "activatedAt":
            activatedAt = nullableInstant(value);
            break;
          case "owner":
            owner = nullableText(value, 1);
            break;
          case "lastFailedPaymentAt":
            lastFailedPaymentAt = nullableInstant(value);
            break;
          default:
            fail();
        }
      }
      if (code === undefined) fail();
      const key = code.trim().toUpperCase();
      if (key === "" || coupons.has(key)) fail();
      coupons.set(key, { code, activatedAt, owner, lastFailedPaymentAt });
    }
    return coupons;
  }

  private attributes(raw: Raw, shapes: ReadonlyMap<string, AttributeShape>, currency: string): Record<string, unknown> {
    const object = plainObject(raw);
    let given = 0;
    for (const key in object) {
      if (!shapes.has(key)) fail();
      given++;
    }
    const out: Record<string, unknown> = {};
    if (given === 0) return out;
    // Declaration order (sorted by name), as the full validator builds it.
    const list = shapeList(shapes);
    for (let k = 0; k < list.length; k++) {
      const { name, shape } = list[k]!;
      if (!Object.hasOwn(object, name)) continue;
      const value = property(object, name);
      if (!shape.set) {
        defineAttribute(out, name, attributeValue(value, shape, currency));
        continue;
      }
      const raws = items(value, MAX_SET_ITEMS);
      const converted: unknown[] = [];
      const seenRaw = new Set<unknown>();
      const seen = new Set<unknown>();
      for (const item of raws) {
        // The schema's uniqueItems compares the raw values; equal converted values are merged, as in validate.ts.
        if (seenRaw.has(item)) fail();
        seenRaw.add(item);
        const value = attributeValue(item, shape, currency);
        if (!seen.has(value)) {
          seen.add(value);
          converted.push(value);
        }
      }
      defineAttribute(out, name, converted);
    }
    return out;
  }
}

const shapeLists = new WeakMap<ReadonlyMap<string, AttributeShape>, readonly { name: string; shape: AttributeShape }[]>();

/** A validator's attribute shapes as an array, made once: iterating the Map allocated an entry per attribute per line. */
function shapeList(shapes: ReadonlyMap<string, AttributeShape>): readonly { name: string; shape: AttributeShape }[] {
  let list = shapeLists.get(shapes);
  if (list === undefined) shapeLists.set(shapes, (list = [...shapes].map(([name, shape]) => ({ name, shape }))));
  return list;
}

function attributeValue(value: Raw, shape: AttributeShape, currency: string): unknown {
  switch (shape.element) {
    case "int":
      return count(value, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case "bool":
      if (typeof value !== "boolean") fail();
      return value;
    case "string":
      return text(value, 0);
    case "decimal":
    case "percent": {
      if (typeof value !== "string" || value.length > MAX_NUMBER_TEXT_LENGTH || !(shape.element === "percent" ? PERCENT : AMOUNT).test(value)) fail();
      const number = Number(value);
      if (!Number.isFinite(number) || (shape.element === "percent" && number > 100)) fail();
      return number;
    }
    case "date": {
      if (typeof value !== "string") fail();
      const checked = checkDate(value);
      if (checked === undefined || !checked.ok) fail();
      return value;
    }
    case "datetime":
      return instant(value);
    case "region":
      return region(value);
    case "currency":
      return currencyCode(value);
    case "money":
      return amount(value, currency);
  }
}

/**
 * The normalised cart when `input` is a valid cart of the ordinary kind, else undefined (then the full
 * validator decides and names every problem). Never throws.
 */
export function fastNormalise(
  input: unknown,
  customerShapes: ReadonlyMap<string, AttributeShape>,
  lineShapes: ReadonlyMap<string, AttributeShape>,
): NormalizedCart | undefined {
  try {
    // With an enumerable key on Object.prototype, `for … in` would meet it on every object: not the common case.
    for (const _ in Object.prototype) return undefined;
    return new FastNormaliser(customerShapes, lineShapes).cart(input);
  } catch {
    return undefined;
  }
}
