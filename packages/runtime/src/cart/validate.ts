import type { ErrorObject } from "ajv";
import { excerpt, quoteExcerpt } from "../excerpt.js";
import { formatMinor, parseAmount } from "../money/amount.js";
import { isCurrencyCode } from "../money/currencies.js";
import { isRegionCode } from "../regions.js";
import { cartError, escapePointerSegment } from "./errors.js";
import { checkDate, parseInstant } from "./instant.js";
import { describeThrown, isJsonObject, toJsonTree } from "./json-tree.js";
import type { JsonValue } from "./json-tree.js";
import { fastNormalise } from "./fast-path.js";
import { NO_LABELS } from "./labels.js";
import { findJsonSyntaxProblem } from "./json-syntax.js";
import { sortLinesById } from "./order.js";
import { fromAjvError } from "./messages.js";
import type { DefinitionNames } from "./messages.js";
import { AMOUNT_PATTERN, attributeShapes, cartSchema, MAX_NUMBER_TEXT_LENGTH } from "./schema.js";
import type { AttributeShape } from "./schema.js";
import type { AttributeSpec, CartError, CartResult, NormalizedCart, NormalizedCoupon, NormalizedLine } from "./types.js";

/**
 * The schema check: an ajv validate function, compiled at run time (ajv.ts, for Node) or ahead of time into
 * standalone code (compiled bundles, which must not compile code at run time).
 */
export type SchemaCheck = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Validates and normalises one cart; never throws. */
export type CartValidator = (input: unknown) => CartResult;

/** More errors than this are summarised in one last error, so a garbage input cannot flood a report. */
export const MAX_REPORTED_ERRORS = 1_000;

const AMOUNT = new RegExp(AMOUNT_PATTERN);

/** Common misspellings of region codes that are not ISO 3166 codes. */
const REGION_HINTS: Readonly<Record<string, string>> = { UK: "GB", EL: "GR" };

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function get(object: JsonValue | undefined, key: string): JsonValue | undefined {
  return isJsonObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;
}

function stringOr<T>(value: JsonValue | undefined, fallback: T): string | T {
  return typeof value === "string" ? value : fallback;
}

function safeIntegerOr<F extends number | null>(value: JsonValue | undefined, fallback: F): number | F {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : fallback;
}

function stringSet(value: JsonValue | undefined): ReadonlySet<string> {
  if (!Array.isArray(value) || value.length === 0) return NO_LABELS;
  const set = new Set<string>();
  for (const item of value) if (typeof item === "string") set.add(item);
  return set.size === 0 ? NO_LABELS : set;
}

function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not assignment: a declared attribute called "__proto__" must stay a plain key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The checks a pattern cannot express, and the conversion into a NormalizedCart, in one guarded walk. */
class Normaliser {
  readonly errors: CartError[] = [];
  /** The cart's currency when it is a known ISO 4217 code; amounts are only checked against a known one. */
  private currency: string | undefined;

  constructor(
    private readonly customerAttributes: ReadonlyMap<string, AttributeShape>,
    private readonly lineAttributes: ReadonlyMap<string, AttributeShape>,
  ) {}

  private fail(path: string, message: string): undefined {
    this.errors.push(cartError(path, message));
    return undefined;
  }

  private maxAmount(): string {
    return this.currency === undefined ? `${Number.MAX_SAFE_INTEGER} minor units` : `${formatMinor(Number.MAX_SAFE_INTEGER, this.currency)} ${this.currency}`;
  }

  /** A decimal-string amount → minor units of the cart's currency. */
  amount(value: JsonValue | undefined, path: string): number | undefined {
    // Over-long or malformed: the schema reported it (the length before any pattern scans the text).
    if (typeof value !== "string" || value.length > MAX_NUMBER_TEXT_LENGTH || !AMOUNT.test(value)) return undefined;
    if (value.startsWith("-") && /[1-9]/.test(value)) return this.fail(path, `must not be negative, not ${excerpt(value)}`);
    if (this.currency === undefined) return undefined;
    const parsed = parseAmount(value, this.currency);
    if (!parsed.ok) return this.fail(path, parsed.message);
    return parsed.minor;
  }

  instant(value: JsonValue | undefined, path: string): number | undefined {
    if (typeof value !== "string") return undefined;
    const parsed = parseInstant(value);
    if (parsed === undefined) return undefined;
    if (!parsed.ok) return this.fail(path, parsed.message);
    return parsed.value;
  }

  region(value: JsonValue | undefined, path: string): string | undefined {
    if (typeof value !== "string" || !/^[A-Z]{2}$/.test(value)) return undefined;
    if (isRegionCode(value)) return value;
    const hint = REGION_HINTS[value];
    return this.fail(path, `${JSON.stringify(value)} is not an ISO 3166 region code${hint === undefined ? "" : `; did you mean ${JSON.stringify(hint)}?`}`);
  }

  currencyCode(value: JsonValue | undefined, path: string): string | undefined {
    if (typeof value !== "string" || !/^[A-Z]{3}$/.test(value)) return undefined;
    if (isCurrencyCode(value)) return value;
    return this.fail(path, `${JSON.stringify(value)} is not an ISO 4217 currency code`);
  }

  cart(root: JsonValue): NormalizedCart | undefined {
    this.currency = this.currencyCode(get(root, "currency"), "/currency");
    const at = this.instant(get(root, "at"), "/at");
    const customer = this.customer(get(root, "customer"));
    const lines = this.lines(get(root, "lines"));
    const shipping = this.shipping(get(root, "shipping"), lines);
    const coupons = this.coupons(get(root, "coupons"));
    if (this.errors.length > 0 || this.currency === undefined || at === undefined || lines === undefined) return undefined;
    const useCoins = get(root, "useCoins");
    return {
      currency: this.currency,
      at,
      customer,
      lines: lines.lines,
      shipping,
      coupons,
      useCoins: useCoins === true,
      paymentMethod: stringOr(get(root, "paymentMethod"), null),
    };
  }

  private customer(raw: JsonValue | undefined): NormalizedCart["customer"] {
    const region = get(raw, "region");
    return {
      id: stringOr(get(raw, "id"), null),
      region: typeof region === "string" ? (this.region(region, "/customer/region") ?? null) : null,
      previousOrders: safeIntegerOr(get(raw, "previousOrders"), null),
      segments: stringSet(get(raw, "segments")),
      riskFlags: stringSet(get(raw, "riskFlags")),
      coins: safeIntegerOr(get(raw, "coins"), 0),
      coinsEarnedToday: safeIntegerOr(get(raw, "coinsEarnedToday"), 0),
      attributes: this.attributes(get(raw, "attributes"), this.customerAttributes, "/customer/attributes"),
    };
  }

  private lines(raw: JsonValue | undefined): { lines: NormalizedLine[]; total: number } | undefined {
    if (!Array.isArray(raw)) return undefined;
    const lines: NormalizedLine[] = [];
    const firstIndexById = new Map<string, number>();
    let total = 0;
    let totalOverflow = false;
    raw.forEach((line, index) => {
      const path = `/lines/${index}`;
      const id = get(line, "id");
      if (typeof id === "string") {
        // Ids that are the same text in Unicode's eyes ("é" precomposed or as e + accent) name the same line; ids
        // are otherwise compared exactly (case matters: "A1" and "a1" are two lines).
        const key = id.normalize("NFC");
        const first = firstIndexById.get(key);
        if (first === undefined) firstIndexById.set(key, index);
        else if (id === key && get(raw[first], "id") === id) this.fail(`${path}/id`, `duplicate line id ${quoteExcerpt(id)}`);
        else this.fail(`${path}/id`, `duplicate line id ${quoteExcerpt(id)}: the same as /lines/${first}/id after Unicode NFC normalisation`);
      }
      const unitPrice = this.amount(get(line, "unitPrice"), `${path}/unitPrice`);
      const quantity = get(line, "quantity");
      const attributes = this.attributes(get(line, "attributes"), this.lineAttributes, `${path}/attributes`);
      if (unitPrice === undefined || typeof quantity !== "number" || !Number.isSafeInteger(quantity)) return;
      const subtotal = unitPrice * quantity;
      if (!Number.isSafeInteger(subtotal)) {
        this.fail(path, `unitPrice × quantity is more than the largest supported amount, ${this.maxAmount()}`);
        return;
      }
      total += subtotal;
      if (!totalOverflow && !Number.isSafeInteger(total)) {
        totalOverflow = true;
        this.fail("/lines", `the line subtotals add up to more than the largest supported amount, ${this.maxAmount()}`);
      }
      if (typeof id !== "string") return;
      const tags = get(line, "tags");
      lines.push({
        id,
        sku: stringOr(get(line, "sku"), ""),
        product: stringOr(get(line, "product"), ""),
        store: stringOr(get(line, "store"), ""),
        category: stringOr(get(line, "category"), ""),
        tags: stringSet(tags),
        unitPrice,
        quantity,
        subtotal,
        attributes,
      });
    });
    sortLinesById(lines);
    return { lines, total: totalOverflow ? Number.MAX_SAFE_INTEGER : total };
  }

  private shipping(raw: JsonValue | undefined, lines: { total: number } | undefined): NormalizedCart["shipping"] {
    const country = get(raw, "country");
    const price = this.amount(get(raw, "price"), "/shipping/price") ?? 0;
    if (lines !== undefined && Number.isSafeInteger(lines.total) && !Number.isSafeInteger(lines.total + price)) {
      this.fail("/shipping/price", `the line subtotals plus shipping add up to more than the largest supported amount, ${this.maxAmount()}`);
    }
    return {
      country: typeof country === "string" ? (this.region(country, "/shipping/country") ?? null) : null,
      price,
    };
  }

  private coupons(raw: JsonValue | undefined): Map<string, NormalizedCoupon> {
    const coupons = new Map<string, NormalizedCoupon>();
    if (!Array.isArray(raw)) return coupons;
    const firstIndexByKey = new Map<string, number>();
    raw.forEach((coupon, index) => {
      const path = `/coupons/${index}`;
      const code = get(coupon, "code");
      const activatedAt = this.instant(get(coupon, "activatedAt"), `${path}/activatedAt`) ?? null;
      const lastFailedPaymentAt = this.instant(get(coupon, "lastFailedPaymentAt"), `${path}/lastFailedPaymentAt`) ?? null;
      if (typeof code !== "string" || code === "") return;
      const key = code.trim().toUpperCase();
      if (key === "") {
        this.fail(`${path}/code`, "must not be blank");
        return;
      }
      const first = firstIndexByKey.get(key);
      if (first !== undefined) {
        this.fail(`${path}/code`, `duplicate coupon code ${quoteExcerpt(code)} (same as /coupons/${first}/code; codes compare case-insensitively)`);
        return;
      }
      firstIndexByKey.set(key, index);
      coupons.set(key, { code, activatedAt, owner: stringOr(get(coupon, "owner"), null), lastFailedPaymentAt });
    });
    return coupons;
  }

  private attributes(raw: JsonValue | undefined, shapes: ReadonlyMap<string, AttributeShape>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (!isJsonObject(raw)) return out;
    // Declaration order (sorted by name), so key order never depends on how the cart was written.
    for (const [name, shape] of shapes) {
      if (!Object.hasOwn(raw, name)) continue;
      const value = raw[name];
      const valuePath = `${path}/${escapePointerSegment(name)}`;
      if (shape.set) {
        if (!Array.isArray(value)) continue;
        const items: unknown[] = [];
        const seen = new Set<unknown>();
        value.forEach((item, index) => {
          const converted = this.attributeValue(item, shape, `${valuePath}/${index}`);
          if (converted !== undefined && !seen.has(converted)) {
            seen.add(converted);
            items.push(converted);
          }
        });
        setProperty(out, name, items);
      } else {
        const converted = this.attributeValue(value, shape, valuePath);
        if (converted !== undefined) setProperty(out, name, converted);
      }
    }
    return out;
  }

  /** One attribute value in its runtime form, or undefined when it is wrong (reported here or by the schema). */
  private attributeValue(value: JsonValue | undefined, shape: AttributeShape, path: string): unknown {
    switch (shape.element) {
      case "int":
        return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
      case "bool":
        return typeof value === "boolean" ? value : undefined;
      case "string":
        return typeof value === "string" ? value : undefined;
      case "decimal":
      case "percent": {
        if (typeof value !== "string" || value.length > MAX_NUMBER_TEXT_LENGTH || !AMOUNT.test(value)) return undefined;
        const number = Number(value);
        if (!Number.isFinite(number)) return this.fail(path, `${excerpt(value)} is too large`);
        if (shape.element === "percent" && number > 100) return this.fail(path, `${excerpt(value)} is more than 100 percent`);
        return number;
      }
      case "date": {
        if (typeof value !== "string") return undefined;
        const checked = checkDate(value);
        if (checked === undefined) return undefined;
        return checked.ok ? value : this.fail(path, checked.message);
      }
      case "datetime":
        return this.instant(value, path);
      case "region":
        return this.region(value, path);
      case "currency":
        return this.currencyCode(value, path);
      case "money":
        return this.amount(value, path);
    }
  }
}

/** Orders errors by path, numeric segments by number (`/lines/2` before `/lines/10`); stable otherwise. */
function comparePaths(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    if (/^[0-9]+$/.test(x) && /^[0-9]+$/.test(y)) return Number(x) - Number(y);
    return compareCodeUnits(x, y);
  }
  return left.length - right.length;
}

function finishErrors(errors: CartError[]): CartError[] {
  const seen = new Set<string>();
  const unique = errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => comparePaths(a.path, b.path));
  if (unique.length <= MAX_REPORTED_ERRORS) return unique;
  const shown = unique.slice(0, MAX_REPORTED_ERRORS);
  shown.push(cartError("", `${unique.length - MAX_REPORTED_ERRORS} more errors not shown`));
  return shown;
}

function runValidator(
  input: unknown,
  validateShape: SchemaCheck,
  names: DefinitionNames,
  customerAttributes: ReadonlyMap<string, AttributeShape>,
  lineAttributes: ReadonlyMap<string, AttributeShape>,
): CartResult {
  const tree = toJsonTree(input);
  const errors: CartError[] = [...tree.errors];
  // A value the copy already rejected was replaced by null; ajv's complaint about that null would only repeat it.
  const replaced = new Set(tree.errors.map((error) => error.path));
  if (!validateShape(tree.value)) {
    const ajvErrors = (validateShape.errors ?? []) as ErrorObject[];
    // A string over its length limit is reported as such; whether it also matches the pattern does not matter.
    const tooLong = new Set(ajvErrors.filter((error) => error.keyword === "maxLength").map((error) => error.instancePath));
    for (const error of ajvErrors) {
      if (replaced.has(error.instancePath) || (error.keyword === "pattern" && tooLong.has(error.instancePath))) continue;
      errors.push(fromAjvError(error, names));
    }
  }
  const normaliser = new Normaliser(customerAttributes, lineAttributes);
  const cart = normaliser.cart(tree.value);
  for (const error of normaliser.errors) errors.push(error); // not push(...): a hostile cart can have many
  if (errors.length > 0 || cart === undefined) {
    if (errors.length === 0) errors.push(cartError("", "is not a valid cart"));
    return { ok: false, errors: finishErrors(errors) };
  }
  return { ok: true, cart };
}

function definitionNames(schema: object): DefinitionNames {
  const names = new Map<string, string>();
  const definitions: unknown = (schema as { definitions?: unknown }).definitions;
  if (typeof definitions === "object" && definitions !== null) {
    for (const [name, definition] of Object.entries(definitions)) {
      if (typeof definition === "object" && definition !== null) names.set(JSON.stringify(definition), name);
    }
  }
  return names;
}

/**
 * A validator for carts of a project with these declared attributes: the JSON Schema check
 * (compiled once, here), then the checks a schema cannot express, then normalisation (`fastPath: false`
 * leaves out the one-walk fast path, for tests that hold the two to the same answers). Every
 * problem is reported, each named by its JSON pointer. Throws RangeError only for a malformed
 * attribute list; the returned function never throws.
 */
export function createCartValidatorWith(
  attributes: readonly AttributeSpec[],
  validateShape: SchemaCheck,
  { fastPath = true }: { fastPath?: boolean } = {},
): CartValidator {
  const schema = cartSchema(attributes);
  const customerAttributes = attributeShapes(attributes, "customer");
  const lineAttributes = attributeShapes(attributes, "line");
  const names = definitionNames(schema);
  return (input: unknown): CartResult => {
    // A valid cart of the ordinary kind is checked and normalised in one walk; anything else (every invalid
    // cart among them) goes through the copy, the schema and the normaliser, which name every problem.
    const cart = fastPath ? fastNormalise(input, customerAttributes, lineAttributes) : undefined;
    if (cart !== undefined) return { ok: true, cart };
    try {
      return runValidator(input, validateShape, names, customerAttributes, lineAttributes);
    } catch (error) {
      return { ok: false, errors: [cartError("", `could not be validated (${describeThrown(error)})`)] };
    }
  };
}

/** JSON text → validated cart. A syntax error becomes one error at path "" giving its position. */
export function parseCartJson(text: string, validator: CartValidator): CartResult {
  if (typeof text !== "string") return { ok: false, errors: [cartError("", "the cart must be given as JSON text")] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const problem = findJsonSyntaxProblem(text);
    const message =
      problem === undefined
        ? `is not valid JSON (${describeThrown(error)})`
        : `invalid JSON at position ${problem.position} (line ${problem.line}, column ${problem.column}): ${problem.message}`;
    return { ok: false, errors: [cartError("", message)] };
  }
  return validator(parsed);
}
