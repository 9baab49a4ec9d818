import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { cartSchema, createCartValidator, MAX_REPORTED_ERRORS, parseCartJson } from "../src/node.js";
import type { AttributeSpec, CartError, CartResult, NormalizedCart } from "../src/index.js";

const EXAMPLE = {
  currency: "USD",
  at: "2026-11-10T13:00:00Z",
  customer: {
    id: "c1",
    region: "US",
    previousOrders: 0,
    segments: ["vip"],
    riskFlags: [],
    coins: 2500,
    coinsEarnedToday: 0,
    attributes: {},
  },
  lines: [
    {
      id: "l1",
      sku: "A-1",
      product: "P-1",
      store: "acme",
      category: "toys",
      unitPrice: "19.99",
      quantity: 2,
      tags: ["selected"],
      attributes: { size: "M" },
    },
  ],
  shipping: { country: "US", price: "4.00" },
  coupons: [{ code: "ACME3", activatedAt: "2026-11-01T00:00:00Z", owner: "c1", lastFailedPaymentAt: null }],
  useCoins: true,
  paymentMethod: "card",
};

const ATTRIBUTES: AttributeSpec[] = [
  { owner: "line", name: "size", type: "string" },
  { owner: "customer", name: "vipTier", type: "int" },
];

const validate = createCartValidator(ATTRIBUTES);

/** A fresh deep copy of the example, to modify. */
function example(): any {
  return structuredClone(EXAMPLE);
}

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    currency: "USD",
    at: "2026-11-10T13:00:00Z",
    lines: [{ id: "l1", sku: "A-1", unitPrice: "19.99", quantity: 1 }],
    ...overrides,
  };
}

function okCart(result: CartResult): NormalizedCart {
  if (!result.ok) throw new Error(`expected a valid cart, got:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result.cart;
}

function errorsOf(result: CartResult): CartError[] {
  if (result.ok) throw new Error("expected errors, got a valid cart");
  return result.errors;
}

function messages(result: CartResult): string[] {
  return errorsOf(result).map((e) => e.message);
}

function paths(result: CartResult): string[] {
  return errorsOf(result).map((e) => e.path);
}

describe("normalisation", () => {
  it("normalises the contract example: minor units, epoch ms, sets, coupon map", () => {
    const cart = okCart(validate(EXAMPLE));
    expect(cart).toEqual({
      currency: "USD",
      at: Date.parse("2026-11-10T13:00:00Z"),
      customer: {
        id: "c1",
        region: "US",
        previousOrders: 0,
        segments: new Set(["vip"]),
        riskFlags: new Set(),
        coins: 2500,
        coinsEarnedToday: 0,
        attributes: {},
      },
      lines: [
        {
          id: "l1",
          sku: "A-1",
          product: "P-1",
          store: "acme",
          category: "toys",
          tags: new Set(["selected"]),
          unitPrice: 1999,
          quantity: 2,
          subtotal: 3998,
          attributes: { size: "M" },
        },
      ],
      shipping: { country: "US", price: 400 },
      coupons: new Map([["ACME3", { code: "ACME3", activatedAt: Date.parse("2026-11-01T00:00:00Z"), owner: "c1", lastFailedPaymentAt: null }]]),
      useCoins: true,
      paymentMethod: "card",
    });
    expect(cart.customer.segments).toBeInstanceOf(Set);
    expect(cart.lines[0]!.tags).toBeInstanceOf(Set);
    expect(cart.coupons).toBeInstanceOf(Map);
  });

  it("sorts lines by id in code-unit order, not locale order", () => {
    const cart = example();
    cart.lines = ["b", "a10", "B", "a2", "é", "z"].map((id) => ({ id, sku: "S", unitPrice: "1.00", quantity: 1 }));
    // "B" (0x42) sorts before "a" (0x61); "é" (0xE9) after "z" (0x7A); "a10" before "a2".
    expect(okCart(validate(cart)).lines.map((l) => l.id)).toEqual(["B", "a10", "a2", "b", "z", "é"]);
  });

  it("keys coupons by the trimmed, upper-cased code and keeps the code as given", () => {
    const cart = example();
    cart.coupons = [{ code: " welcome10 " }, { code: "Acme3", owner: null }];
    const coupons = okCart(validate(cart)).coupons;
    expect([...coupons.keys()]).toEqual(["WELCOME10", "ACME3"]);
    expect(coupons.get("WELCOME10")).toEqual({ code: " welcome10 ", activatedAt: null, owner: null, lastFailedPaymentAt: null });
  });

  it("fills in every default", () => {
    const cart = okCart(validate(minimal()));
    expect(cart).toEqual({
      currency: "USD",
      at: Date.parse("2026-11-10T13:00:00Z"),
      customer: {
        id: null,
        region: null,
        previousOrders: null,
        segments: new Set(),
        riskFlags: new Set(),
        coins: 0,
        coinsEarnedToday: 0,
        attributes: {},
      },
      lines: [
        {
          id: "l1",
          sku: "A-1",
          product: "",
          store: "",
          category: "",
          tags: new Set(),
          unitPrice: 1999,
          quantity: 1,
          subtotal: 1999,
          attributes: {},
        },
      ],
      shipping: { country: null, price: 0 },
      coupons: new Map(),
      useCoins: false,
      paymentMethod: null,
    });
  });

  it("accepts an empty cart and empty customer / shipping objects", () => {
    const cart = okCart(validate(minimal({ lines: [], customer: {}, shipping: {} })));
    expect(cart.lines).toEqual([]);
    expect(cart.shipping).toEqual({ country: null, price: 0 });
    expect(cart.customer.id).toBeNull();
  });

  it("accepts explicit nulls where the contract allows them", () => {
    const cart = okCart(
      validate(
        minimal({
          customer: { id: null, region: null },
          shipping: { country: null, price: "0" },
          paymentMethod: null,
          coupons: [{ code: "X", activatedAt: null, owner: null, lastFailedPaymentAt: null }],
        }),
      ),
    );
    expect(cart.customer.region).toBeNull();
    expect(cart.paymentMethod).toBeNull();
  });

  it("gives the same cart whatever order the lines come in", () => {
    const lines = [
      { id: "l3", sku: "C", unitPrice: "3.00", quantity: 1, tags: ["x", "y"], attributes: { size: "L" } },
      { id: "l1", sku: "A", unitPrice: "1.00", quantity: 2 },
      { id: "l2", sku: "B", unitPrice: "2.50", quantity: 3, tags: ["y", "x"] },
    ];
    const forward = okCart(validate(minimal({ lines })));
    const backward = okCart(validate(minimal({ lines: [...lines].reverse() })));
    const shuffled = okCart(validate(minimal({ lines: [lines[1], lines[2], lines[0]] })));
    expect(backward).toEqual(forward);
    expect(shuffled).toEqual(forward);
    expect(forward.lines.map((l) => l.id)).toEqual(["l1", "l2", "l3"]);
    expect(forward.lines.map((l) => l.subtotal)).toEqual([200, 750, 300]);
  });

  it("converts instants with offsets and fractions to epoch milliseconds", () => {
    const at = (text: string) => okCart(validate(minimal({ at: text }))).at;
    expect(at("2026-11-10T14:00:00+01:00")).toBe(Date.parse("2026-11-10T13:00:00Z"));
    expect(at("2026-11-10T07:30:00-05:30")).toBe(Date.parse("2026-11-10T13:00:00Z"));
    expect(at("2026-11-10T13:00:00.25Z")).toBe(Date.parse("2026-11-10T13:00:00.250Z"));
    expect(at("2026-11-10T13:00:00.123456789Z")).toBe(Date.parse("2026-11-10T13:00:00.123Z"));
    expect(at("2028-02-29T00:00:00Z")).toBe(Date.parse("2028-02-29T00:00:00Z"));
    expect(at("1969-12-31T23:59:59Z")).toBe(-1000);
    expect(at("0001-01-01T00:00:00Z")).toBe(Date.parse("0001-01-01T00:00:00Z"));
  });

  it("uses each currency's own exponent", () => {
    const priced = (currency: string, unitPrice: string) =>
      validate({ currency, at: "2026-11-10T13:00:00Z", lines: [{ id: "l", sku: "s", unitPrice, quantity: 1 }] });
    expect(okCart(priced("KWD", "1.250")).lines[0]!.unitPrice).toBe(1250);
    expect(okCart(priced("JPY", "500")).lines[0]!.unitPrice).toBe(500);
    expect(okCart(priced("USD", "5")).lines[0]!.unitPrice).toBe(500);
    expect(messages(priced("JPY", "500.5"))).toEqual(["/lines/0/unitPrice: 500.5 has 1 decimal but JPY has 0"]);
    expect(messages(priced("JPY", "500.00"))).toEqual(["/lines/0/unitPrice: 500.00 has 2 decimals but JPY has 0"]);
    expect(messages(priced("KWD", "1.2500"))).toEqual(["/lines/0/unitPrice: 1.2500 has 4 decimals but KWD has 3"]);
  });
});

describe("schema errors", () => {
  it("names a missing required field by its own path", () => {
    const { currency: _c, ...rest } = minimal();
    expect(errorsOf(validate(rest))).toEqual([{ path: "/currency", message: "/currency: required" }]);
    expect(paths(validate(minimal({ lines: [{ id: "l1", quantity: 1 }] })))).toEqual(["/lines/0/sku", "/lines/0/unitPrice"]);
    expect(errorsOf(validate(minimal({ coupons: [{ owner: "c1" }] })))).toEqual([{ path: "/coupons/0/code", message: "/coupons/0/code: required" }]);
    expect(paths(validate({}))).toEqual(["/at", "/currency", "/lines"]);
  });

  it("reports unknown properties at the object that holds them", () => {
    const cart = example();
    cart.lines[0].price = "19.99";
    expect(errorsOf(validate(cart))).toEqual([{ path: "/lines/0", message: '/lines/0: unknown property "price"' }]);

    const typo = example();
    typo.customer.previousOrder = 1;
    typo.shiping = {};
    expect(messages(validate(typo))).toEqual([
      '(root): unknown property "shiping"; did you mean "shipping"?',
      '/customer: unknown property "previousOrder"; did you mean "previousOrders"?',
    ]);
  });

  it("says a JSON number is not an amount, without rounding it", () => {
    const cart = example();
    cart.lines[0].unitPrice = 19.99;
    expect(errorsOf(validate(cart))).toEqual([
      { path: "/lines/0/unitPrice", message: '/lines/0/unitPrice: must be a decimal string such as "19.99", not the number 19.99' },
    ]);
    const shipping = example();
    shipping.shipping.price = 4;
    expect(messages(validate(shipping))).toEqual(['/shipping/price: must be a decimal string such as "19.99", not the number 4']);
  });

  it("rejects amounts in any spelling but plain decimal notation", () => {
    for (const bad of ["19,99", "1e3", "+1", ".5", "5.", "01.00", " 1", "NaN", ""]) {
      const cart = example();
      cart.lines[0].unitPrice = bad;
      expect(messages(validate(cart))).toEqual([`/lines/0/unitPrice: must be a decimal string such as "19.99", not ${JSON.stringify(bad)}`]);
    }
  });

  it("checks types, ranges and lengths", () => {
    const cases: Array<[(c: any) => void, string]> = [
      [(c) => (c.lines[0].quantity = "2"), '/lines/0/quantity: must be a whole number, not the string "2"'],
      [(c) => (c.lines[0].quantity = 1.5), "/lines/0/quantity: must be a whole number, not the number 1.5"],
      [(c) => (c.lines[0].quantity = 0), "/lines/0/quantity: must be at least 1, not 0"],
      [(c) => (c.lines[0].quantity = 1_000_001), "/lines/0/quantity: must be at most 1000000, not 1000001"],
      [(c) => (c.customer.coins = -1), "/customer/coins: must be at least 0, not -1"],
      [(c) => (c.customer.previousOrders = null), "/customer/previousOrders: must be a whole number, not null"],
      [(c) => (c.useCoins = "yes"), '/useCoins: must be true or false, not the string "yes"'],
      [(c) => (c.lines = {}), "/lines: must be an array, not an object"],
      [(c) => (c.customer = []), "/customer: must be an object, not an array"],
      [(c) => (c.customer.id = 7), "/customer/id: must be a string or null, not the number 7"],
      [(c) => (c.lines[0].id = ""), "/lines/0/id: must not be empty"],
      [(c) => (c.lines[0].sku = "x".repeat(257)), "/lines/0/sku: must be at most 256 characters long, not 257"],
      [(c) => (c.customer.segments = ["vip", 3]), "/customer/segments/1: must be a string, not the number 3"],
      [(c) => (c.currency = "usd"), '/currency: must be a three-letter ISO 4217 currency code in capitals, such as "USD", not "usd"'],
      [(c) => (c.customer.region = "us"), '/customer/region: must be a two-letter ISO 3166 region code in capitals, such as "US", not "us"'],
      [(c) => (c.shipping.country = 1), '/shipping/country: must be null or a two-letter ISO 3166 region code in capitals, such as "US", not the number 1'],
      [
        (c) => (c.at = "2026-11-10T13:00:00"),
        '/at: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not "2026-11-10T13:00:00"',
      ],
      [
        (c) => (c.at = "2026-11-10 13:00:00Z"),
        '/at: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not "2026-11-10 13:00:00Z"',
      ],
      [
        (c) => (c.at = "2026-11-10T24:00:00Z"),
        '/at: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not "2026-11-10T24:00:00Z"',
      ],
      [(c) => (c.at = 1794315600000), '/at: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not the number 1794315600000'],
      [
        (c) => (c.coupons[0].activatedAt = "2026-11-01"),
        '/coupons/0/activatedAt: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not "2026-11-01"',
      ],
    ];
    for (const [change, message] of cases) {
      const cart = example();
      change(cart);
      expect(messages(validate(cart))).toEqual([message]);
    }
  });

  it("limits the number of lines and coupons", () => {
    const coupons = Array.from({ length: 101 }, (_, i) => ({ code: `C${i}` }));
    expect(messages(validate(minimal({ coupons })))).toEqual(["/coupons: must have at most 100 items, not 101"]);
    const lines = Array.from({ length: 10_001 }, (_, i) => ({ id: `l${i}`, sku: "s", unitPrice: "1.00", quantity: 1 }));
    expect(messages(validate(minimal({ lines })))).toEqual(["/lines: must have at most 10000 items, not 10001"]);
  });
});

describe("semantic errors", () => {
  it("rejects currencies and regions that ISO does not list", () => {
    expect(errorsOf(validate(minimal({ currency: "XYZ" })))).toEqual([{ path: "/currency", message: '/currency: "XYZ" is not an ISO 4217 currency code' }]);
    const cart = example();
    cart.customer.region = "UK";
    cart.shipping.country = "QQ";
    expect(errorsOf(validate(cart))).toEqual([
      { path: "/customer/region", message: '/customer/region: "UK" is not an ISO 3166 region code; did you mean "GB"?' },
      { path: "/shipping/country", message: '/shipping/country: "QQ" is not an ISO 3166 region code' },
    ]);
  });

  it("rejects too many decimals for the currency", () => {
    const cart = example();
    cart.lines[0].unitPrice = "19.999";
    expect(errorsOf(validate(cart))).toEqual([{ path: "/lines/0/unitPrice", message: "/lines/0/unitPrice: 19.999 has 3 decimals but USD has 2" }]);
  });

  it("rejects negative amounts", () => {
    const cart = example();
    cart.lines[0].unitPrice = "-1.00";
    cart.shipping.price = "-0.01";
    expect(errorsOf(validate(cart))).toEqual([
      { path: "/lines/0/unitPrice", message: "/lines/0/unitPrice: must not be negative, not -1.00" },
      { path: "/shipping/price", message: "/shipping/price: must not be negative, not -0.01" },
    ]);
    const zero = example();
    zero.shipping.price = "-0.00";
    expect(okCart(validate(zero)).shipping.price).toBe(0);
  });

  it("rejects instants that do not exist", () => {
    expect(errorsOf(validate(minimal({ at: "2026-02-30T00:00:00Z" })))).toEqual([
      { path: "/at", message: "/at: 2026-02-30T00:00:00Z is not a real date: February 2026 has 28 days" },
    ]);
    expect(paths(validate(minimal({ at: "2026-02-29T00:00:00Z" })))).toEqual(["/at"]);
    expect(paths(validate(minimal({ at: "2026-04-31T12:00:00+02:00" })))).toEqual(["/at"]);
    const cart = example();
    cart.coupons[0].lastFailedPaymentAt = "2026-06-31T00:00:00Z";
    expect(messages(validate(cart))).toEqual(["/coupons/0/lastFailedPaymentAt: 2026-06-31T00:00:00Z is not a real date: June 2026 has 30 days"]);
  });

  it("rejects duplicate line ids", () => {
    const lines = ["l1", "l2", "l3", "l1"].map((id) => ({ id, sku: "S", unitPrice: "1.00", quantity: 1 }));
    expect(errorsOf(validate(minimal({ lines })))).toEqual([{ path: "/lines/3/id", message: '/lines/3/id: duplicate line id "l1"' }]);
  });

  it("rejects coupon codes that repeat case-insensitively", () => {
    const cart = minimal({ coupons: [{ code: "ACME3" }, { code: "other" }, { code: " acme3" }] });
    expect(errorsOf(validate(cart))).toEqual([
      {
        path: "/coupons/2/code",
        message: '/coupons/2/code: duplicate coupon code " acme3" (same as /coupons/0/code; codes compare case-insensitively)',
      },
    ]);
    expect(messages(validate(minimal({ coupons: [{ code: "   " }] })))).toEqual(["/coupons/0/code: must not be blank"]);
  });

  it("keeps each subtotal and their sum within safe integers", () => {
    const big = [{ id: "l1", sku: "S", unitPrice: "90071992547409.91", quantity: 2 }];
    expect(errorsOf(validate(minimal({ lines: big })))).toEqual([
      {
        path: "/lines/0",
        message: "/lines/0: unitPrice × quantity is more than the largest supported amount, 90071992547409.91 USD",
      },
    ]);
    const each = [
      { id: "l1", sku: "S", unitPrice: "50000000000000.00", quantity: 1 },
      { id: "l2", sku: "S", unitPrice: "50000000000000.00", quantity: 1 },
    ];
    expect(errorsOf(validate(minimal({ lines: each })))).toEqual([
      { path: "/lines", message: "/lines: the line subtotals add up to more than the largest supported amount, 90071992547409.91 USD" },
    ]);
    const exact = [{ id: "l1", sku: "S", unitPrice: "90071992547409.91", quantity: 1 }];
    expect(okCart(validate(minimal({ lines: exact }))).lines[0]!.subtotal).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("reporting", () => {
  it("reports every error at once, schema and semantic alike, in path order", () => {
    const cart = example();
    delete cart.at;
    cart.lines[0].unitPrice = 19.99;
    cart.lines[0].colour = "red";
    cart.customer.region = "UK";
    cart.coupons.push({ code: "acme3" });
    cart.lines.push({ id: "l1", sku: "B", unitPrice: "1.999", quantity: 0 });
    for (let i = 0; i < 9; i++) cart.lines.push({ id: `m${i}`, sku: "B", unitPrice: "1.00", quantity: 1 });
    cart.lines[10].unitPrice = "x";
    expect(paths(validate(cart))).toEqual([
      "/at",
      "/coupons/1/code",
      "/customer/region",
      "/lines/0",
      "/lines/0/unitPrice",
      "/lines/1/id",
      "/lines/1/quantity",
      "/lines/1/unitPrice",
      "/lines/10/unitPrice",
    ]);
  });

  it("caps a flood of errors with a count of the rest", () => {
    const lines = Array.from({ length: 1500 }, (_, i) => ({ id: `l${i}`, sku: "S", unitPrice: 1, quantity: 1 }));
    const errors = errorsOf(validate(minimal({ lines })));
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(errors[0]!.path).toBe("/lines/0/unitPrice");
    expect(errors.at(-1)).toEqual({ path: "", message: "(root): 500 more errors not shown" });
  });
});

describe("attributes", () => {
  const typed = createCartValidator([
    { owner: "customer", name: "vipTier", type: "int" },
    { owner: "customer", name: "score", type: "decimal" },
    { owner: "customer", name: "newsletter", type: "bool" },
    { owner: "customer", name: "discountRate", type: "percent" },
    { owner: "customer", name: "birthday", type: "date" },
    { owner: "customer", name: "memberSince", type: "datetime" },
    { owner: "customer", name: "homeRegion", type: "region" },
    { owner: "customer", name: "wallet", type: "currency" },
    { owner: "customer", name: "credit", type: "money" },
    { owner: "line", name: "size", type: "string" },
    { owner: "line", name: "colours", type: "set:string" },
    { owner: "line", name: "shipsTo", type: "set:region" },
    { owner: "line", name: "launches", type: "set:datetime" },
  ]);

  function withAttributes(customer: Record<string, unknown>, line: Record<string, unknown> = {}): Record<string, unknown> {
    return minimal({
      customer: { attributes: customer },
      lines: [{ id: "l1", sku: "A", unitPrice: "1.00", quantity: 1, attributes: line }],
    });
  }

  it("types declared attributes: money in minor units, date-times in epoch ms, numbers as numbers", () => {
    const cart = okCart(
      typed(
        withAttributes(
          {
            vipTier: 2,
            score: "-2.5",
            newsletter: true,
            discountRate: "12.5",
            birthday: "1990-02-28",
            memberSince: "2020-01-01T00:00:00+01:00",
            homeRegion: "FR",
            wallet: "EUR",
            credit: "25.00",
          },
          {
            size: "M",
            colours: ["red", "blue"],
            shipsTo: ["US", "CA"],
            launches: ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00"],
          },
        ),
      ),
    );
    expect(cart.customer.attributes).toEqual({
      vipTier: 2,
      score: -2.5,
      newsletter: true,
      discountRate: 12.5,
      birthday: "1990-02-28",
      memberSince: Date.parse("2019-12-31T23:00:00Z"),
      homeRegion: "FR",
      wallet: "EUR",
      credit: 2500,
    });
    expect(cart.lines[0]!.attributes).toEqual({
      size: "M",
      colours: ["red", "blue"],
      shipsTo: ["US", "CA"],
      // two spellings of one instant collapse to one value
      launches: [Date.parse("2026-01-01T00:00:00Z")],
    });
  });

  it("lists attribute keys in declaration-name order whatever order the cart uses", () => {
    const a = okCart(typed(withAttributes({ wallet: "EUR", vipTier: 1, credit: "1.00" })));
    const b = okCart(typed(withAttributes({ credit: "1.00", vipTier: 1, wallet: "EUR" })));
    expect(Object.keys(a.customer.attributes)).toEqual(["credit", "vipTier", "wallet"]);
    expect(Object.keys(b.customer.attributes)).toEqual(Object.keys(a.customer.attributes));
  });

  it("rejects unknown attribute keys, suggesting a declared one", () => {
    expect(errorsOf(validate(withAttributes({}, { sise: "M" })))).toEqual([
      { path: "/lines/0/attributes", message: '/lines/0/attributes: unknown attribute "sise"; did you mean "size"?' },
    ]);
    expect(messages(validate(withAttributes({ colour: "red" })))).toEqual([
      '/customer/attributes: unknown attribute "colour" (declared customer attributes: vipTier)',
    ]);
    expect(messages(createCartValidator([])(withAttributes({ vipTier: 1 })))).toEqual([
      '/customer/attributes: unknown attribute "vipTier" (no customer attributes are declared)',
    ]);
  });

  it("checks attribute values against their declared types", () => {
    const result = typed(
      withAttributes(
        {
          vipTier: "2",
          score: 2.5,
          newsletter: "yes",
          discountRate: "150",
          birthday: "1990-02-30",
          memberSince: "2020-01-01",
          homeRegion: "XX",
          wallet: "ABC",
          credit: "1.001",
        },
        { size: 5, colours: ["red", "red"], shipsTo: "US" },
      ),
    );
    expect(errorsOf(result)).toEqual([
      { path: "/customer/attributes/birthday", message: "/customer/attributes/birthday: 1990-02-30 is not a real date: February 1990 has 28 days" },
      { path: "/customer/attributes/credit", message: "/customer/attributes/credit: 1.001 has 3 decimals but USD has 2" },
      { path: "/customer/attributes/discountRate", message: "/customer/attributes/discountRate: 150 is more than 100 percent" },
      { path: "/customer/attributes/homeRegion", message: '/customer/attributes/homeRegion: "XX" is not an ISO 3166 region code' },
      {
        path: "/customer/attributes/memberSince",
        message: '/customer/attributes/memberSince: must be an RFC 3339 date-time with "Z" or an offset, such as "2026-11-10T13:00:00Z", not "2020-01-01"',
      },
      { path: "/customer/attributes/newsletter", message: '/customer/attributes/newsletter: must be true or false, not the string "yes"' },
      { path: "/customer/attributes/score", message: '/customer/attributes/score: must be a decimal string such as "2.5", not the number 2.5' },
      { path: "/customer/attributes/vipTier", message: '/customer/attributes/vipTier: must be a whole number, not the string "2"' },
      { path: "/customer/attributes/wallet", message: '/customer/attributes/wallet: "ABC" is not an ISO 4217 currency code' },
      {
        path: "/lines/0/attributes/colours/1",
        message: '/lines/0/attributes/colours/1: "red" is listed twice (also at /lines/0/attributes/colours/0); a set lists each value once',
      },
      { path: "/lines/0/attributes/shipsTo", message: '/lines/0/attributes/shipsTo: must be an array, not the string "US"' },
      { path: "/lines/0/attributes/size", message: "/lines/0/attributes/size: must be a string, not the number 5" },
    ]);
  });

  it("supports attribute names that are also Object.prototype names", () => {
    const odd = createCartValidator([
      { owner: "line", name: "__proto__", type: "string" },
      { owner: "line", name: "constructor", type: "money" },
      { owner: "line", name: "toString", type: "int" },
    ]);
    const cart = okCart(
      parseCartJson(
        '{"currency":"USD","at":"2026-11-10T13:00:00Z","lines":[{"id":"a","sku":"s","unitPrice":"1","quantity":1,' +
          '"attributes":{"__proto__":"x","constructor":"2.50","toString":3}}]}',
        odd,
      ),
    );
    const attributes = cart.lines[0]!.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(attributes, "__proto__")?.value).toBe("x");
    expect(attributes["constructor"]).toBe(250);
    expect(attributes["toString"]).toBe(3);
    // Undeclared, they are unknown attributes like any other name.
    expect(
      paths(
        parseCartJson(
          '{"currency":"USD","at":"2026-11-10T13:00:00Z","lines":[{"id":"a","sku":"s","unitPrice":"1","quantity":1,"attributes":{"constructor":1}}]}',
          validate,
        ),
      ),
    ).toEqual(["/lines/0/attributes"]);
  });

  it("refuses a malformed attribute list", () => {
    expect(() =>
      createCartValidator([
        { owner: "line", name: "a", type: "int" },
        { owner: "line", name: "a", type: "bool" },
      ]),
    ).toThrow(/declared twice/);
    expect(() => cartSchema([{ owner: "line", name: "a", type: "set:widget" }])).toThrow(/unknown type/);
  });
});

describe("hostile input", () => {
  it("does not let __proto__ keys pollute anything", () => {
    const text =
      '{"currency":"USD","at":"2026-11-10T13:00:00Z","__proto__":{"polluted":true},' +
      '"customer":{"__proto__":{"polluted":true},"attributes":{"__proto__":{"polluted":true}}},' +
      '"lines":[{"id":"l1","sku":"s","unitPrice":"1.00","quantity":1,"__proto__":{"polluted":true},' +
      '"attributes":{"__proto__":{"polluted":true}}}]}';
    const result = parseCartJson(text, validate);
    expect(errorsOf(result)).toEqual([
      { path: "", message: '(root): unknown property "__proto__"' },
      { path: "/customer", message: '/customer: unknown property "__proto__"' },
      { path: "/customer/attributes", message: '/customer/attributes: unknown attribute "__proto__" (declared customer attributes: vipTier)' },
      { path: "/lines/0", message: '/lines/0: unknown property "__proto__"' },
      { path: "/lines/0/attributes", message: '/lines/0/attributes: unknown attribute "__proto__" (declared line attributes: size)' },
    ]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("never throws, whatever it is given", () => {
    const cyclic: any = minimal();
    cyclic.lines.push(cyclic);
    cyclic.customer = { attributes: cyclic };
    const deep: any = minimal();
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) cursor = cursor.x = {};
    let deepArray: any = [];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    class Cart {
      currency = "USD";
    }
    const throwing = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    const getter = minimal();
    Object.defineProperty(getter, "currency", {
      enumerable: true,
      get: () => {
        throw new Error("boom");
      },
    });
    const inputs: unknown[] = [
      null,
      undefined,
      0,
      NaN,
      "cart",
      true,
      [],
      [minimal()],
      Symbol("x"),
      () => 1,
      10n,
      new Date(),
      new Map(),
      new Cart(),
      Object.create({ currency: "USD" }),
      cyclic,
      deep,
      minimal({ lines: deepArray }),
      throwing,
      minimal({ lines: [throwing] }),
      getter,
      minimal({ lines: [{ id: "l1", sku: "s", unitPrice: 1n, quantity: Infinity }] }),
      minimal({ lines: [, { id: "l1", sku: "s", unitPrice: "1", quantity: 1 }] }),
      minimal({ customer: new String("x") }),
    ];
    for (const input of inputs) {
      const result = validate(input);
      expect(result.ok).toBe(false);
      for (const error of errorsOf(result)) {
        expect(typeof error.path).toBe("string");
        expect(error.message.length).toBeGreaterThan(0);
      }
    }
    expect(messages(validate(new Date()))).toEqual(["(root): must be a plain JSON object, not a Date"]);
    expect(messages(validate(getter))).toEqual(["/currency: could not be read (boom)", "/currency: required"]);
    expect(messages(validate(minimal({ lines: [throwing] })))).toEqual(["/lines/0: could not be read (boom)"]);
    expect(messages(validate(minimal({ lines: [{ id: "l1", sku: "s", unitPrice: 1n, quantity: Infinity }] })))).toEqual([
      "/lines/0/quantity: must be a JSON value, not Infinity",
      "/lines/0/unitPrice: must be a JSON value, not a bigint",
    ]);
    expect(messages(validate(deep))).toEqual(['(root): unknown property "x"']);
    const sparse: unknown[] = [];
    sparse.length = 4_000_000_000;
    expect(messages(validate(minimal({ lines: sparse })))).toEqual(["/lines: has 4000000000 items, far more than any list in a cart may hold"]);
  });

  it("treats an undefined property as absent", () => {
    expect(okCart(validate(minimal({ customer: undefined, paymentMethod: undefined }))).paymentMethod).toBeNull();
  });

  it("validates a 10,000-line cart", () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => ({
      id: `line-${String(9_999 - i).padStart(5, "0")}`,
      sku: `SKU-${i % 100}`,
      unitPrice: `${i % 50}.99`,
      quantity: 1 + (i % 3),
      tags: i % 2 === 0 ? ["even"] : [],
      attributes: { size: "M" },
    }));
    const cart = okCart(validate(minimal({ lines })));
    expect(cart.lines).toHaveLength(10_000);
    expect(cart.lines[0]!.id).toBe("line-00000");
    expect(cart.lines.at(-1)!.id).toBe("line-09999");
  });
});

describe("parseCartJson", () => {
  it("parses and validates JSON text", () => {
    expect(okCart(parseCartJson(JSON.stringify(EXAMPLE, null, 2), validate))).toEqual(okCart(validate(EXAMPLE)));
    expect(parseCartJson(`\uFEFF${JSON.stringify(EXAMPLE)}`, validate).ok).toBe(true);
  });

  it("turns a syntax error into one error at the root with its position", () => {
    const cases: Array<[string, string]> = [
      ['{"currency": "USD",}', '(root): invalid JSON at position 19 (line 1, column 20): a trailing comma before "}" is not allowed'],
      [
        '{\n  "currency": "USD"\n  "at": 1\n}',
        '(root): invalid JSON at position 24 (line 3, column 3): expected "," or "}" after a property value but found "\\""',
      ],
      ['{"lines": [1, 2', "(root): invalid JSON at position 15 (line 1, column 16): the text ends before the JSON value is complete"],
      ["", "(root): invalid JSON at position 0 (line 1, column 1): the text is empty"],
      ["{'currency': 'USD'}", '(root): invalid JSON at position 1 (line 1, column 2): expected a property name in double quotes but found "\'"'],
      [
        '{"price": 01}',
        '(root): invalid JSON at position 10 (line 1, column 11): this is not a valid number (JSON allows no leading zeros, no trailing "." and no ".5")',
      ],
      ['{"a": tru}', '(root): invalid JSON at position 6 (line 1, column 7): "tru" is not a JSON value (strings need double quotes)'],
      ['{"a": "x\\q"}', '(root): invalid JSON at position 8 (line 1, column 9): "\\\\q" is not a valid escape in a string'],
      ['{"a": "x', "(root): invalid JSON at position 6 (line 1, column 7): this string is never closed"],
      ["{} {}", '(root): invalid JSON at position 3 (line 1, column 4): unexpected "{" after the end of the JSON value'],
      ["[1,]", '(root): invalid JSON at position 3 (line 1, column 4): a trailing comma before "]" is not allowed'],
    ];
    for (const [text, message] of cases) {
      expect(errorsOf(parseCartJson(text, validate))).toEqual([{ path: "", message }]);
    }
    const deep = "[".repeat(1_000_000);
    expect(paths(parseCartJson(deep, validate))).toEqual([""]);
  });
});

describe("cartSchema", () => {
  const attributes: AttributeSpec[] = [
    { owner: "line", name: "size", type: "string" },
    { owner: "customer", name: "vipTier", type: "int" },
    { owner: "line", name: "colours", type: "set:string" },
    { owner: "customer", name: "credit", type: "money" },
  ];

  it("is deterministic and independent of declaration order", () => {
    const first = cartSchema(attributes);
    const second = cartSchema(attributes);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const reversed = cartSchema([...attributes].reverse());
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(first));
  });

  it("is a draft-07 schema any ajv can compile, describing the contract", () => {
    const schema = cartSchema(attributes) as any;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.required).toEqual(["currency", "at", "lines"]);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(["currency", "at", "customer", "lines", "shipping", "coupons", "useCoins", "paymentMethod"]);
    expect(schema.definitions.amount.pattern).toBe("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$");
    expect(Object.keys(schema.definitions.lineAttributes.properties)).toEqual(["colours", "size"]);
    expect(schema.definitions.lineAttributes.properties.colours).toEqual({
      type: "array",
      maxItems: 1000,
      uniqueItems: true,
      items: { $ref: "#/definitions/text" },
    });
    expect(schema.definitions.customerAttributes.properties.credit).toEqual({ $ref: "#/definitions/amount" });
    // A round trip through JSON (as promotions.schema.json) still compiles under ajv's strict mode.
    const plain = new Ajv({ strict: true, allowUnionTypes: true });
    const check = plain.compile(JSON.parse(JSON.stringify(schema)));
    expect(check(EXAMPLE)).toBe(true);
    const numberPrice = example();
    numberPrice.lines[0].unitPrice = 19.99;
    expect(check(numberPrice)).toBe(false);
  });
});
