import { cartError, escapePointerSegment } from "./errors.js";
import type { CartError } from "./types.js";

/**
 * Copies an arbitrary JavaScript value into a tree of JSON data the validator can walk without
 * surprises: objects become null-prototype objects holding only their own enumerable string-keyed
 * properties, each read once as `JSON.stringify` reads it, so a `"__proto__"` key stays an ordinary key,
 * nothing inherited is ever read, and a getter's value cannot change between checking and pricing.
 *
 * Anything JSON cannot hold (a Date, a Map, a class instance, a bigint, a function, NaN) is reported
 * at its path and replaced by null; so is a property whose getter throws. `undefined` as a property value counts as
 * absent, as `JSON.stringify` would treat it.
 *
 * Containers deeper than {@link MAX_CONTAINER_DEPTH} are replaced by empty ones. No valid cart
 * nests that deep (the deepest container is the set inside a line attribute, at depth 4), so
 * the schema rejects an ancestor of every truncated value whatever it held; the cut only bounds
 * the work, and makes cycles harmless.
 */
export const MAX_CONTAINER_DEPTH = 6;

/**
 * No array in a valid cart is longer than 10,000 items; a longer one is reported without walking it,
 * so a sparse array with a length in the billions cannot stall the validator.
 */
export const MAX_ARRAY_LENGTH = 100_000;

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Object.prototype.toString's tag, for "not a Date"-style messages; never throws. */
function tagOf(value: object): string {
  try {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    return tag === "Object" ? "non-plain object" : tag;
  } catch {
    return "unreadable object";
  }
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** JSON pointer of a child: built only when a problem is reported (or once per container), never per leaf. */
/** A UTF-16 surrogate not part of a pair (in `u` mode a pair is one code point, which the class does not match). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function childPath(parent: string, key: string | number | undefined): string {
  return key === undefined ? parent : `${parent}/${typeof key === "number" ? key : escapePointerSegment(key)}`;
}

class Copier {
  readonly errors: CartError[] = [];

  private fail(parent: string, key: string | number | undefined, message: string): null {
    this.errors.push(cartError(childPath(parent, key), message));
    return null;
  }

  copy(value: unknown, parent: string, key: string | number | undefined, depth: number): JsonValue {
    switch (typeof value) {
      case "string":
        // Not Unicode text: it cannot be printed, compared or stored faithfully, so it is refused wherever it is.
        return LONE_SURROGATE.test(value) ? this.fail(parent, key, "contains a lone UTF-16 surrogate; strings must be valid Unicode text") : value;
      case "boolean":
        return value;
      case "number":
        return Number.isFinite(value) ? value : this.fail(parent, key, `must be a JSON value, not ${String(value)}`);
      case "undefined":
        return this.fail(parent, key, "must be a JSON value, not undefined");
      case "object":
        break;
      default:
        return this.fail(parent, key, `must be a JSON value, not ${article(typeof value)}`);
    }
    if (value === null) return null;
    try {
      if (Array.isArray(value)) return this.copyArray(value, childPath(parent, key), depth);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return this.fail(parent, key, `must be a plain JSON object, not ${article(tagOf(value))}`);
      return this.copyObject(value, childPath(parent, key), depth);
    } catch (error) {
      return this.fail(parent, key, `could not be read (${describeThrown(error)})`);
    }
  }

  private copyArray(value: readonly unknown[], path: string, depth: number): JsonValue[] | null {
    if (depth >= MAX_CONTAINER_DEPTH) return [];
    const length = value.length;
    if (length > MAX_ARRAY_LENGTH) return this.fail(path, undefined, `has ${length} items, far more than any list in a cart may hold`);
    const out: JsonValue[] = new Array<JsonValue>(length);
    for (let i = 0; i < length; i++) out[i] = this.copy(value[i], path, i, depth + 1);
    return out;
  }

  private copyObject(value: object, path: string, depth: number): JsonObject {
    const out = Object.create(null) as JsonObject;
    if (depth >= MAX_CONTAINER_DEPTH) return out;
    for (const key of Object.keys(value)) {
      if (LONE_SURROGATE.test(key)) {
        this.fail(path, undefined, "has a property name with a lone UTF-16 surrogate; strings must be valid Unicode text");
        continue;
      }
      // Read once, as JSON.stringify reads it (a getter runs once; what it returns is what is checked).
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch (error) {
        this.fail(path, key, `could not be read (${describeThrown(error)})`);
        continue;
      }
      if (item === undefined) continue;
      // `out` has no prototype, so even "__proto__" is assigned as an ordinary own key.
      out[key] = this.copy(item, path, key, depth + 1);
    }
    return out;
  }
}

export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return String(error);
  } catch {
    return "unknown error";
  }
}

/** The JSON copy of `input` and the problems met on the way (already formatted as cart errors). */
export function toJsonTree(input: unknown): { value: JsonValue; errors: CartError[] } {
  const copier = new Copier();
  const value = copier.copy(input, "", undefined, 0);
  return { value, errors: copier.errors };
}
