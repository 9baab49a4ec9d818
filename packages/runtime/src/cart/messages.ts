import type { ErrorObject } from "ajv";
import { editDistance } from "../text/similar.js";
import { quoteExcerpt } from "../excerpt.js";
import { cartError, escapePointerSegment } from "./errors.js";
import type { CartError } from "./types.js";

/** A JSON value as an error message shows it: `the number 19.99`, `the string "M"`, `an array`. */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "number":
      return `the number ${String(value)}`;
    case "string":
      return `the string ${quoteExcerpt(value)}`;
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function quoted(value: unknown): string {
  return typeof value === "string" ? quoteExcerpt(value) : describeJson(value);
}

/** What a value of each schema definition looks like, for "must be …" messages. */
const EXPECTED_BY_DEFINITION: Readonly<Record<string, string>> = {
  amount: 'a decimal string such as "19.99"',
  decimal: 'a decimal string such as "2.5"',
  percent: 'a percentage as a decimal string such as "12.5"',
  instant: 'an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z"',
  nullableInstant: 'null or an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z"',
  date: 'a date written YYYY-MM-DD, such as "2026-11-10"',
  region: 'a two-letter ISO 3166 region code in capitals, such as "US"',
  nullableRegion: 'null or a two-letter ISO 3166 region code in capitals, such as "US"',
  currency: 'a three-letter ISO 4217 currency code in capitals, such as "USD"',
};

const NON_NULL: Readonly<Record<string, string>> = { nullableInstant: "instant", nullableRegion: "region" };

const EXPECTED_BY_TYPE: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

/**
 * Names the schema definitions by their JSON text: ajv's `parentSchema` is a copy of the definition when the
 * schema was compiled separately or ahead of time (standalone code in bundles), so identity cannot be relied on.
 */
export type DefinitionNames = ReadonlyMap<string, string>;

/**
 * The definition an error came from. By content first; ajv's `schemaPath` is only a fallback, as it
 * is relative to whichever schema ajv compiled as a separate function (`#/additionalProperties`).
 */
function definitionOf(error: ErrorObject, names: DefinitionNames): string | undefined {
  const parent: unknown = error.parentSchema;
  if (typeof parent === "object" && parent !== null) {
    const name = names.get(JSON.stringify(parent));
    if (name !== undefined) return name;
  }
  return /^#\/definitions\/([^/]+)\//.exec(error.schemaPath)?.[1];
}

function expectedTypes(types: unknown): string {
  const list = Array.isArray(types) ? types : [types];
  const words = list.map((t) => EXPECTED_BY_TYPE[String(t)] ?? String(t));
  // "null" reads better last: "a string or null".
  words.sort((a, b) => (a === "null" ? 1 : 0) - (b === "null" ? 1 : 0));
  return words.join(" or ");
}

/** The closest known name to a misspelt one, when it is close enough to be a likely typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  if (name.length > 64) return undefined;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase(), 2);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(2, Math.floor(name.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

function knownProperties(error: ErrorObject): string[] {
  const properties: unknown = (error.parentSchema as { properties?: unknown } | undefined)?.properties;
  return typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
}

function unknownProperty(error: ErrorObject, definition: string | undefined): string {
  const name = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const known = knownProperties(error);
  const guess = closestName(name, known);
  const hint = guess === undefined ? "" : `; did you mean ${JSON.stringify(guess)}?`;
  if (definition === "customerAttributes" || definition === "lineAttributes") {
    const owner = definition === "customerAttributes" ? "customer" : "line";
    if (hint !== "") return `unknown attribute ${quoteExcerpt(name)}${hint}`;
    if (known.length === 0) return `unknown attribute ${quoteExcerpt(name)} (no ${owner} attributes are declared)`;
    const listed = known.length <= 10 ? known.join(", ") : `${known.slice(0, 10).join(", ")}, …`;
    return `unknown attribute ${quoteExcerpt(name)} (declared ${owner} attributes: ${listed})`;
  }
  return `unknown property ${quoteExcerpt(name)}${hint}`;
}

/** One ajv error as a cart error: the pointer of the offending value and a plain-English message naming it. */
export function fromAjvError(error: ErrorObject, names: DefinitionNames): CartError {
  const path = error.instancePath;
  const data: unknown = error.data;
  const definition = definitionOf(error, names);
  const expected = definition === undefined ? undefined : EXPECTED_BY_DEFINITION[definition];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return cartError(`${path}/${escapePointerSegment(String(params["missingProperty"]))}`, "required");
    case "additionalProperties":
      return cartError(path, unknownProperty(error, definition));
    case "type":
      return cartError(path, `must be ${expected ?? expectedTypes(params["type"])}, not ${describeJson(data)}`);
    case "pattern": {
      // The value is a string here, so "null or …" would only distract.
      const text = definition === undefined ? undefined : EXPECTED_BY_DEFINITION[NON_NULL[definition] ?? definition];
      return cartError(path, `must be ${text ?? `a string matching ${String(params["pattern"])}`}, not ${quoted(data)}`);
    }
    case "minimum":
      return cartError(path, `must be at least ${String(params["limit"])}, not ${String(data)}`);
    case "maximum":
      return cartError(path, `must be at most ${String(params["limit"])}, not ${String(data)}`);
    case "minLength":
      return params["limit"] === 1 ? cartError(path, "must not be empty") : cartError(path, `must be at least ${String(params["limit"])} characters long`);
    case "maxLength": {
      const length = typeof data === "string" ? [...data].length : undefined;
      return cartError(path, `must be at most ${String(params["limit"])} characters long${length === undefined ? "" : `, not ${length}`}`);
    }
    case "maxItems": {
      const length = Array.isArray(data) ? data.length : undefined;
      return cartError(path, `must have at most ${String(params["limit"])} items${length === undefined ? "" : `, not ${length}`}`);
    }
    case "uniqueItems": {
      const later = Math.max(Number(params["i"]), Number(params["j"]));
      const earlier = Math.min(Number(params["i"]), Number(params["j"]));
      const item: unknown = Array.isArray(data) ? data[later] : undefined;
      return cartError(`${path}/${later}`, `${quoted(item)} is listed twice (also at ${path}/${earlier}); a set lists each value once`);
    }
    default:
      return cartError(path, error.message ?? `fails the ${error.keyword} check`);
  }
}
