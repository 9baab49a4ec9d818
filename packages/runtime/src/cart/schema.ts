import type { AttributeSpec } from "./types.js";

/**
 * The JSON Schema (draft-07, ajv's default dialect) of the cart contract v1.
 *
 * The schema is written beside compiled bundles as `promotions.schema.json`, so it must be
 * byte-for-byte reproducible: every object below is built in a fixed key order and declared
 * attributes are listed sorted by name, whatever order the rule files declared them in.
 *
 * It checks the shape only. What a pattern cannot say (a currency that ISO 4217 actually lists,
 * the decimals that currency allows, 30 February, duplicate line ids, …) is checked after it,
 * in `validate.ts`.
 */

export const CART_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#";

/** Plain decimal notation, the spelling `parseAmount` accepts: no exponent, no "+", no ".5" or "5.". */
export const AMOUNT_PATTERN = "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$";
/** A non-negative plain decimal (percent attributes). */
export const PERCENT_PATTERN = "^(0|[1-9][0-9]*)(\\.[0-9]+)?$";
/** `YYYY-MM-DD`; whether the day exists in that month is checked after the schema. */
export const DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/**
 * An RFC 3339 date-time that names its offset: `Z` or `±hh:mm`, optional fraction of a second.
 * A time without an offset is not an instant, so it is rejected. Leap seconds (`:60`) are
 * rejected too: epoch milliseconds cannot represent them.
 */
export const INSTANT_PATTERN =
  "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
export const REGION_PATTERN = "^[A-Z]{2}$";
export const CURRENCY_PATTERN = "^[A-Z]{3}$";

export const MAX_LINES = 10_000;
export const MAX_COUPONS = 100;
export const MAX_QUANTITY = 1_000_000;
export const MAX_STRING_LENGTH = 256;
/**
 * Amounts, decimals and percentages are at most this many characters: the largest amount (2^53 - 1 minor units)
 * has 18 with its sign and point, so a longer one is hostile or a mistake, and is rejected before any pattern
 * scans it.
 */
export const MAX_NUMBER_TEXT_LENGTH = 64;
/** Tags, segments, risk flags and set attributes. */
export const MAX_SET_ITEMS = 1_000;

export type AttributeElementType = "int" | "decimal" | "string" | "bool" | "percent" | "date" | "datetime" | "region" | "currency" | "money";

const ELEMENT_TYPES: readonly AttributeElementType[] = ["int", "decimal", "string", "bool", "percent", "date", "datetime", "region", "currency", "money"];

/** A declared attribute's type split into its element type and whether it is a set. */
export interface AttributeShape {
  name: string;
  element: AttributeElementType;
  set: boolean;
}

function isElementType(text: string): text is AttributeElementType {
  return (ELEMENT_TYPES as readonly string[]).includes(text);
}

/** `"set:region"` → `{ element: "region", set: true }`. Throws for a type the contract does not know. */
export function attributeShape(spec: AttributeSpec): AttributeShape {
  const type: string = spec.type;
  const set = type.startsWith("set:");
  const element = set ? type.slice(4) : type;
  if (!isElementType(element)) {
    throw new RangeError(`attribute ${spec.owner}.${spec.name}: unknown type ${JSON.stringify(type)}`);
  }
  return { name: spec.name, element, set };
}

/**
 * The declared attributes of one owner, sorted by name (code-unit order), keyed by name.
 * Throws for a duplicate declaration or an unknown owner or type: those are compiler bugs, not cart errors.
 */
export function attributeShapes(attributes: readonly AttributeSpec[], owner: AttributeSpec["owner"]): ReadonlyMap<string, AttributeShape> {
  const shapes: AttributeShape[] = [];
  const seen = new Set<string>();
  for (const spec of attributes) {
    if (spec.owner !== "customer" && spec.owner !== "line") {
      throw new RangeError(`attribute ${String(spec.name)}: unknown owner ${JSON.stringify(spec.owner)}`);
    }
    if (typeof spec.name !== "string" || spec.name === "") {
      throw new RangeError(`attribute of ${spec.owner}: the name must be a non-empty string`);
    }
    if (spec.owner !== owner) continue;
    if (seen.has(spec.name)) throw new RangeError(`attribute ${owner}.${spec.name} is declared twice`);
    seen.add(spec.name);
    shapes.push(attributeShape(spec));
  }
  shapes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return new Map(shapes.map((shape) => [shape.name, shape]));
}

/** Definition names double as error kinds: ajv reports `#/definitions/<name>/<keyword>` as the schema path. */
export const DEFINITION = {
  amount: "amount",
  decimal: "decimal",
  percent: "percent",
  instant: "instant",
  nullableInstant: "nullableInstant",
  date: "date",
  region: "region",
  nullableRegion: "nullableRegion",
  currency: "currency",
  id: "id",
  nullableId: "nullableId",
  text: "text",
  nullableText: "nullableText",
  label: "label",
  labels: "labels",
  count: "count",
  int: "int",
  customer: "customer",
  customerAttributes: "customerAttributes",
  line: "line",
  lineAttributes: "lineAttributes",
  shipping: "shipping",
  coupon: "coupon",
} as const;

function ref(name: keyof typeof DEFINITION): { $ref: string } {
  return { $ref: `#/definitions/${DEFINITION[name]}` };
}

const ELEMENT_DEFINITION: Record<AttributeElementType, keyof typeof DEFINITION | { type: string }> = {
  int: "int",
  decimal: "decimal",
  string: "text",
  bool: { type: "boolean" },
  percent: "percent",
  date: "date",
  datetime: "instant",
  region: "region",
  currency: "currency",
  money: "amount",
};

function elementSchema(element: AttributeElementType): object {
  const target = ELEMENT_DEFINITION[element];
  return typeof target === "string" ? ref(target) : { ...target };
}

function attributeSchema(shape: AttributeShape): object {
  if (!shape.set) return elementSchema(shape.element);
  return { type: "array", maxItems: MAX_SET_ITEMS, uniqueItems: true, items: elementSchema(shape.element) };
}

/**
 * ajv deliberately ignores a `__proto__` entry in `properties`, so an attribute of that name (a legal
 * identifier in rule files) is declared through an anchored `patternProperties` entry instead.
 */
const PROTO = "__proto__";

function attributesSchema(shapes: ReadonlyMap<string, AttributeShape>, owner: string): object {
  const properties: Record<string, object> = {};
  let proto: object | undefined;
  for (const [name, shape] of shapes) {
    if (name === PROTO) proto = attributeSchema(shape);
    else properties[name] = attributeSchema(shape);
  }
  return {
    description: `The declared ${owner} attributes, by name; an undeclared name is an error.`,
    type: "object",
    additionalProperties: false,
    properties,
    ...(proto === undefined ? {} : { patternProperties: { [`^${PROTO}$`]: proto } }),
  };
}

function nullable(base: Record<string, unknown>): object {
  const type = base["type"];
  return { ...base, type: [type, "null"] };
}

function stringDefinitions(): Record<string, object> {
  const amount = {
    description: 'An amount in major units as a decimal string, e.g. "19.99"; never a JSON number.',
    type: "string",
    maxLength: MAX_NUMBER_TEXT_LENGTH,
    pattern: AMOUNT_PATTERN,
  };
  const instant = {
    description: 'An RFC 3339 date-time with "Z" or an offset, e.g. "2026-11-10T13:00:00Z".',
    type: "string",
    pattern: INSTANT_PATTERN,
  };
  const region = { description: 'An ISO 3166-1 alpha-2 region code, e.g. "US".', type: "string", pattern: REGION_PATTERN };
  const id = { type: "string", minLength: 1, maxLength: MAX_STRING_LENGTH };
  const text = { type: "string", maxLength: MAX_STRING_LENGTH };
  return {
    [DEFINITION.amount]: amount,
    [DEFINITION.decimal]: { description: 'A decimal string, e.g. "2.5".', type: "string", maxLength: MAX_NUMBER_TEXT_LENGTH, pattern: AMOUNT_PATTERN },
    [DEFINITION.percent]: {
      description: 'A percentage as a decimal string from "0" to "100", e.g. "12.5".',
      type: "string",
      maxLength: MAX_NUMBER_TEXT_LENGTH,
      pattern: PERCENT_PATTERN,
    },
    [DEFINITION.instant]: instant,
    [DEFINITION.nullableInstant]: nullable(instant),
    [DEFINITION.date]: { description: 'A calendar date, e.g. "2026-11-10".', type: "string", pattern: DATE_PATTERN },
    [DEFINITION.region]: region,
    [DEFINITION.nullableRegion]: nullable(region),
    [DEFINITION.currency]: { description: 'An ISO 4217 currency code, e.g. "USD".', type: "string", pattern: CURRENCY_PATTERN },
    [DEFINITION.id]: id,
    [DEFINITION.nullableId]: nullable(id),
    [DEFINITION.text]: text,
    [DEFINITION.nullableText]: nullable(text),
    [DEFINITION.label]: { type: "string", minLength: 1, maxLength: MAX_STRING_LENGTH },
    [DEFINITION.labels]: { type: "array", maxItems: MAX_SET_ITEMS, items: ref("label") },
    [DEFINITION.count]: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    [DEFINITION.int]: { type: "integer", minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  };
}

/**
 * The JSON Schema for a cart given the attributes the rule files declare. Deterministic: the same
 * attributes (in any order) give a deep-equal, `JSON.stringify`-equal schema. Throws RangeError for a
 * malformed attribute list (duplicate name, unknown owner or type).
 */
export function cartSchema(attributes: readonly AttributeSpec[]): object {
  const customerAttributes = attributeShapes(attributes, "customer");
  const lineAttributes = attributeShapes(attributes, "line");
  return {
    $schema: CART_SCHEMA_DIALECT,
    title: "Cart (promotion cart contract v1)",
    type: "object",
    additionalProperties: false,
    required: ["currency", "at", "lines"],
    properties: {
      currency: ref("currency"),
      at: ref("instant"),
      customer: ref("customer"),
      lines: { type: "array", maxItems: MAX_LINES, items: ref("line") },
      shipping: ref("shipping"),
      coupons: { type: "array", maxItems: MAX_COUPONS, items: ref("coupon") },
      useCoins: { type: "boolean" },
      paymentMethod: ref("nullableText"),
    },
    definitions: {
      ...stringDefinitions(),
      [DEFINITION.customer]: {
        type: "object",
        additionalProperties: false,
        properties: {
          id: ref("nullableId"),
          region: ref("nullableRegion"),
          previousOrders: ref("count"),
          segments: ref("labels"),
          riskFlags: ref("labels"),
          coins: ref("count"),
          coinsEarnedToday: ref("count"),
          attributes: ref("customerAttributes"),
        },
      },
      [DEFINITION.customerAttributes]: attributesSchema(customerAttributes, "customer"),
      [DEFINITION.line]: {
        type: "object",
        additionalProperties: false,
        required: ["id", "sku", "unitPrice", "quantity"],
        properties: {
          id: ref("id"),
          sku: ref("id"),
          product: ref("text"),
          store: ref("text"),
          category: ref("text"),
          unitPrice: ref("amount"),
          quantity: { type: "integer", minimum: 1, maximum: MAX_QUANTITY },
          tags: ref("labels"),
          attributes: ref("lineAttributes"),
        },
      },
      [DEFINITION.lineAttributes]: attributesSchema(lineAttributes, "line"),
      [DEFINITION.shipping]: {
        type: "object",
        additionalProperties: false,
        properties: {
          country: ref("nullableRegion"),
          price: ref("amount"),
        },
      },
      [DEFINITION.coupon]: {
        type: "object",
        additionalProperties: false,
        required: ["code"],
        properties: {
          code: ref("id"),
          activatedAt: ref("nullableInstant"),
          owner: ref("nullableId"),
          lastFailedPaymentAt: ref("nullableInstant"),
        },
      },
    },
  };
}
