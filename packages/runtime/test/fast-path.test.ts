import { describe, expect, it } from "vitest";
import { prng } from "../../../test/helpers/prng.js";
import { fastNormalise } from "../src/cart/fast-path.js";
import { parseInstant } from "../src/cart/instant.js";
import { attributeShapes } from "../src/cart/schema.js";
import { compileCartSchema, createCartValidatorWith, parseAmount } from "../src/node.js";
import type { AttributeSpec } from "../src/index.js";

/**
 * The validator's fast path must answer exactly as the full validator does: the same normalised cart for every
 * cart it accepts, and nothing for anything else (then the full validator's answer is the answer).
 */
const ATTRIBUTES: AttributeSpec[] = [
  { owner: "line", name: "size", type: "string" },
  { owner: "line", name: "weight", type: "decimal" },
  { owner: "line", name: "deposit", type: "money" },
  { owner: "line", name: "colours", type: "set:string" },
  { owner: "line", name: "__proto__", type: "int" },
  { owner: "customer", name: "vipTier", type: "int" },
  { owner: "customer", name: "birthday", type: "date" },
  { owner: "customer", name: "since", type: "datetime" },
  { owner: "customer", name: "home", type: "region" },
  { owner: "customer", name: "wallet", type: "currency" },
  { owner: "customer", name: "discountRate", type: "percent" },
  { owner: "customer", name: "member", type: "bool" },
  { owner: "customer", name: "visits", type: "set:datetime" },
  { owner: "customer", name: "toString", type: "string" },
];

const schemaCheck = compileCartSchema(ATTRIBUTES);
const withFastPath = createCartValidatorWith(ATTRIBUTES, schemaCheck);
const fullOnly = createCartValidatorWith(ATTRIBUTES, schemaCheck, { fastPath: false });
const customerShapes = attributeShapes(ATTRIBUTES, "customer");
const lineShapes = attributeShapes(ATTRIBUTES, "line");

function generator(seed: number) {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const maybe = (p: number) => random() < p;
  const amount = (currency: string) => {
    const exponent = currency === "JPY" ? 0 : currency === "KWD" ? 3 : 2;
    const units = String(int(5000));
    if (exponent === 0 || maybe(0.2)) return units;
    const decimals = 1 + int(exponent);
    return `${units}.${String(int(10 ** decimals)).padStart(decimals, "0")}`;
  };
  const instant = () => {
    const day = String(1 + int(28)).padStart(2, "0");
    const offset = pick(["Z", "+08:00", "-05:30", ".123Z", ".5+01:00"]);
    return `2026-11-${day}T${String(int(24)).padStart(2, "0")}:${String(int(60)).padStart(2, "0")}:00${offset}`;
  };
  const cart = () => {
    const currency = pick(["USD", "EUR", "JPY", "KWD"]);
    const lines = Array.from({ length: int(12) }, (_, i) => {
      const line: Record<string, unknown> = { id: `l${int(1000)}-${i}`, sku: `S-${int(50)}`, unitPrice: amount(currency), quantity: 1 + int(5) };
      if (maybe(0.7)) line["store"] = pick(["", "acme", "zeta"]);
      if (maybe(0.5)) line["category"] = pick(["toys", "shoes"]);
      if (maybe(0.5)) line["product"] = `P-${int(9)}`;
      if (maybe(0.5)) line["tags"] = Array.from({ length: int(4) }, () => pick(["a", "b", "selected", "sale"]));
      if (maybe(0.5)) {
        const attributes: Record<string, unknown> = {};
        if (maybe(0.5)) attributes["size"] = pick(["S", "M", "L"]);
        if (maybe(0.3)) attributes["weight"] = pick(["0.5", "2", "10.25"]);
        if (maybe(0.3)) attributes["deposit"] = amount(currency);
        if (maybe(0.3)) attributes["colours"] = [...new Set(Array.from({ length: int(3) }, () => pick(["red", "blue", "green"])))];
        if (maybe(0.1)) Object.defineProperty(attributes, "__proto__", { value: int(9), enumerable: true, writable: true, configurable: true });
        line["attributes"] = attributes;
      }
      return line;
    });
    const out: Record<string, unknown> = { currency, at: instant(), lines };
    if (maybe(0.8)) {
      const customer: Record<string, unknown> = {};
      if (maybe(0.8)) customer["id"] = maybe(0.1) ? null : `c${int(9)}`;
      if (maybe(0.5)) customer["region"] = maybe(0.1) ? null : pick(["US", "FR", "GB"]);
      if (maybe(0.5)) customer["previousOrders"] = int(4);
      if (maybe(0.3)) customer["segments"] = [pick(["vip", "new"])];
      if (maybe(0.3)) customer["riskFlags"] = [];
      if (maybe(0.5)) customer["coins"] = int(5000);
      if (maybe(0.3)) customer["coinsEarnedToday"] = int(60);
      if (maybe(0.5)) {
        const attributes: Record<string, unknown> = {};
        if (maybe(0.5)) attributes["vipTier"] = int(5) - 2;
        if (maybe(0.3)) attributes["birthday"] = `1990-0${1 + int(9)}-1${int(9)}`;
        if (maybe(0.3)) attributes["since"] = instant();
        if (maybe(0.3)) attributes["home"] = pick(["US", "DE"]);
        if (maybe(0.3)) attributes["wallet"] = pick(["USD", "EUR"]);
        if (maybe(0.3)) attributes["discountRate"] = pick(["0", "12.5", "100"]);
        if (maybe(0.3)) attributes["member"] = maybe(0.5);
        if (maybe(0.3)) attributes["visits"] = ["2026-11-01T00:00:00Z", "2026-11-01T08:00:00+08:00", "2026-11-02T00:00:00Z"];
        if (maybe(0.2)) attributes["toString"] = "x";
        customer["attributes"] = attributes;
      }
      out["customer"] = customer;
    }
    if (maybe(0.6)) out["shipping"] = { ...(maybe(0.7) ? { country: pick(["US", null]) } : {}), ...(maybe(0.8) ? { price: amount(currency) } : {}) };
    if (maybe(0.5)) {
      out["coupons"] = Array.from({ length: int(3) }, (_, i) => ({
        code: `${pick(["save", " Save", "SHIP"])}${i}`,
        ...(maybe(0.5) ? { activatedAt: maybe(0.2) ? null : instant() } : {}),
        ...(maybe(0.3) ? { owner: "c1" } : {}),
        ...(maybe(0.2) ? { lastFailedPaymentAt: null } : {}),
      }));
    }
    if (maybe(0.5)) out["useCoins"] = maybe(0.5);
    if (maybe(0.3)) out["paymentMethod"] = maybe(0.2) ? null : "card";
    return out;
  };

  const oddValues: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    1e21,
    NaN,
    "",
    " ",
    "x".repeat(257),
    "-1.00",
    "-0.00",
    "1.001",
    "1e3",
    "01.00",
    "0.5",
    "12345678901234567890.12",
    "USD",
    "XXX",
    "UK",
    "2026-02-30T00:00:00Z",
    "2026-11-01T00:00:00",
    "2026-02-29",
    true,
    [],
    [null],
    {},
    { x: 1 },
    new Date(0),
    10 ** 12,
  ];
  /** The cart with one value somewhere replaced, a key added or a line duplicated. */
  const mutate = (value: Record<string, unknown>): unknown => {
    const copy = structuredClone(value) as Record<string, unknown>;
    const containers: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach((item, i) => (containers.push([node, i]), walk(item)));
      else if (typeof node === "object" && node !== null) {
        for (const key of Object.keys(node)) {
          containers.push([node as Record<string, unknown>, key]);
          walk((node as Record<string, unknown>)[key]);
        }
      }
    };
    walk(copy);
    const choice = int(4);
    if (choice === 0 && containers.length > 0) {
      const [holder, key] = pick(containers);
      (holder as Record<string | number, unknown>)[key] = pick(oddValues);
    } else if (choice === 1 && containers.length > 0) {
      const [holder] = pick(containers);
      if (!Array.isArray(holder))
        Object.defineProperty(holder, pick(["extra", "__proto__", "constructor"]), { value: 1, enumerable: true, writable: true, configurable: true });
    } else if (choice === 2) {
      const lines = copy["lines"] as unknown[];
      if (lines.length > 0) lines.push(structuredClone(lines[0]));
    } else if (containers.length > 0) {
      const [holder, key] = pick(containers);
      if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete holder[key as string];
    }
    return copy;
  };
  return { cart, mutate, random };
}

describe("the validator's fast path", () => {
  it("accepts the valid carts and normalises them exactly as the full validator does", () => {
    const { cart } = generator(11);
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const input = cart();
      const full = fullOnly(input);
      expect(full.ok, JSON.stringify(full.ok ? null : full.errors)).toBe(true);
      const fast = fastNormalise(input, customerShapes, lineShapes);
      if (fast !== undefined) {
        accepted++;
        expect(fast).toStrictEqual(full.ok ? full.cart : undefined);
      }
      expect(withFastPath(input)).toStrictEqual(full);
    }
    // Only carts with something unusual (a `__proto__` attribute, duplicate set items after conversion) leave it.
    expect(accepted).toBeGreaterThan(1200);
  });

  it("gives every mutated cart the full validator's answer", () => {
    const { cart, mutate } = generator(23);
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const input = mutate(cart());
      const full = fullOnly(input);
      if (!full.ok) {
        invalid++;
        expect(fastNormalise(input, customerShapes, lineShapes)).toBeUndefined();
      }
      expect(withFastPath(input)).toStrictEqual(full);
    }
    expect(invalid).toBeGreaterThan(1000);
  });

  it("leaves carts to the full validator when Object.prototype has an enumerable key", () => {
    const input = { currency: "USD", at: "2026-11-10T13:00:00Z", lines: [] };
    expect(fastNormalise(input, customerShapes, lineShapes)).toBeDefined();
    (Object.prototype as Record<string, unknown>)["currency"] = "EUR";
    try {
      expect(fastNormalise(input, customerShapes, lineShapes)).toBeUndefined();
      expect(withFastPath(input)).toStrictEqual(fullOnly(input));
    } finally {
      delete (Object.prototype as Record<string, unknown>)["currency"];
    }
  });

  it("reads a getter's value once per walk and checks what it returns", () => {
    let reads = 0;
    const input = { at: "2026-11-10T13:00:00Z", lines: [] } as Record<string, unknown>;
    Object.defineProperty(input, "currency", { enumerable: true, get: () => (reads++, "USD") });
    const result = withFastPath(input);
    expect(result.ok && result.cart.currency).toBe("USD");
    expect(reads).toBe(1);
  });
});

describe("parseAmount's quick path", () => {
  it("agrees with the general path on random plain decimals", () => {
    const random = prng(5);
    for (let i = 0; i < 20_000; i++) {
      const digits = Array.from({ length: 1 + Math.floor(random() * 18) }, () => String(Math.floor(random() * 10))).join("");
      const point = Math.floor(random() * (digits.length + 1));
      const text = random() < 0.7 && point > 0 && point < digits.length ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits;
      for (const currency of ["USD", "JPY", "KWD"]) {
        const result = parseAmount(text, currency);
        const exponent = currency === "JPY" ? 0 : currency === "KWD" ? 3 : 2;
        const [whole = "", fraction = ""] = text.split(".");
        const wellFormed = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(text);
        if (!wellFormed || fraction.length > exponent) {
          expect(result.ok, text).toBe(false);
          continue;
        }
        const minor = BigInt(whole + fraction.padEnd(exponent, "0"));
        if (minor > BigInt(Number.MAX_SAFE_INTEGER)) expect(result.ok, text).toBe(false);
        else expect(result, text).toEqual({ ok: true, minor: Number(minor) });
      }
    }
  });
});

describe("parseInstant's quick path", () => {
  it("agrees with a calendar computed independently, on real and impossible instants", () => {
    const random = prng(9);
    const two = (n: number) => String(n).padStart(2, "0");
    for (let i = 0; i < 20_000; i++) {
      const [year, month, day] = [1900 + Math.floor(random() * 300), 1 + Math.floor(random() * 13), 1 + Math.floor(random() * 32)];
      const [hour, minute, second] = [Math.floor(random() * 25), Math.floor(random() * 61), Math.floor(random() * 61)];
      const offsetMinutes = Math.floor(random() * 60 * 25) * (random() < 0.5 ? -1 : 1);
      const offset =
        random() < 0.3 ? "Z" : `${offsetMinutes < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offsetMinutes) / 60))}:${two(Math.abs(offsetMinutes) % 60)}`;
      const text = `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offset}`;
      const utc = Date.UTC(year, month - 1, day, hour, minute, second);
      const real = month <= 12 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && hour <= 23 && minute <= 59 && second <= 59;
      const offsetOk = offset === "Z" || Math.abs(offsetMinutes) < 24 * 60;
      const result = parseInstant(text);
      if (real && offsetOk) expect(result, text).toEqual({ ok: true, value: utc - (offset === "Z" ? 0 : offsetMinutes * 60_000) });
      else expect(result === undefined || !result.ok, text).toBe(true);
    }
  });
});
