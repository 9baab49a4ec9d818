import { describe, expect, it } from "vitest";
import type * as A from "../src/ast/nodes.js";
import { checkSource } from "../src/pipeline/frontend.js";

/** Checks `src` and asserts it has no errors; returns the checked project. */
function ok(src: string) {
  const { project, diagnostics } = checkSource("test.promo", src);
  const errors = diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn} ${d.message}`);
  expect(errors).toEqual([]);
  return { project, diagnostics };
}

function codes(src: string): string[] {
  return checkSource("test.promo", src).diagnostics.map((d) => d.code);
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function promo(body: string, extra = ""): string {
  return `currency USD\n${extra}\npromotion p {\n  title "p"\n${body}\n}\n`;
}

describe("1. promotions: id, title and kind", () => {
  it("accepts every kind and keeps id, title and kind", () => {
    const kinds: [string, string][] = [
      ["platform-coupon", 'code "A"\n give 1.00 USD off order'],
      ["selected-coupon", "give 1.00 USD off order"],
      ["store-coupon", 'code "B"\n give 1.00 USD off order'],
      ["promo-code", 'code "C"\n give 1.00 USD off order'],
      ["automatic", "give 1.00 USD off order"],
      ["shipping", "give free shipping"],
      ["coins", "give coins at 100 per 1.00 USD"],
    ];
    const src = "currency USD\n" + kinds.map(([kind, body], i) => `promotion p-${i} {\n title "Promotion ${i}"\n kind ${kind}\n ${body}\n}`).join("\n");
    const { project } = ok(src);
    expect(project.promotions.map((p) => [p.id, p.title, p.kind])).toEqual(kinds.map(([kind], i) => [`p-${i}`, `Promotion ${i}`, kind]));
  });

  it("requires title, kind and give, and rejects unknown kinds with a suggestion", () => {
    expect(codes("currency USD\npromotion p { kind automatic }")).toEqual(["missing-clause", "missing-clause"]);
    const d = checkSource("t.promo", promo("kind selected-copon\n give 1.00 USD off order")).diagnostics;
    expect(d.map((x) => x.code)).toEqual(["unknown-kind"]);
    expect(d[0]!.fixes[0]!.edits[0]!.newText).toBe("selected-coupon");
  });
});

describe("2. triggers", () => {
  it("a promotion without a code is automatic; a code is kept as written", () => {
    const { project } = ok(
      promo('kind promo-code\n code "Save10"\n give 10% off order') +
        promo("kind automatic\n give 1.00 USD off order").replace("currency USD", "").replace("promotion p", "promotion q"),
    );
    expect(project.promotions.map((p) => p.code)).toEqual(["Save10", undefined]);
  });

  it("codes compare case-insensitively: SAVE10 and save10 collide", () => {
    expect(
      codes(
        promo('kind promo-code\n code "SAVE10"\n funded by platform\n give 10% off order') +
          'promotion q {\n title "q"\n kind promo-code\n code "save10"\n funded by seller\n give 5% off order\n}',
      ),
    ).toEqual(["coupons-may-stack", "coupons-may-stack", "duplicate-code"]);
  });

  it("coupon fields are available only with a code", () => {
    ok(promo('kind promo-code\n code "X"\n when coupon.owner is customer.id\n give 1.00 USD off order'));
    expect(codes(promo("kind automatic\n when coupon.owner is customer.id\n give 1.00 USD off order"))).toEqual(["field-not-available"]);
  });
});

describe("3. validity", () => {
  const src = promo(
    'kind platform-coupon\n code "AE5OFF25"\n valid from 2026-11-10 05:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles\n collect from 2026-10-28 06:00:00 to 2026-11-12 04:59:59 in America/Los_Angeles\n expires 2 months after activation\n locked 30 minutes after failed payment\n give 5.00 USD off order',
  );

  it("resolves windows in their IANA zone to epoch milliseconds, end inclusive to the second", () => {
    const p = ok(src).project.promotions[0]!;
    expect(iso(p.valid?.startMs)).toBe("2026-11-10T13:00:00.000Z");
    expect(iso(p.valid?.endMs)).toBe("2026-11-12T12:59:59.999Z");
    expect(iso(p.collect?.startMs)).toBe("2026-10-28T13:00:00.000Z"); // PDT, before the DST change on Nov 1
    expect(p.valid?.zone).toBe("America/Los_Angeles");
  });

  it("keeps the calendar expiry and the retry lock", () => {
    const p = ok(src).project.promotions[0]!;
    expect(p.expires).toEqual({ amount: 2, unit: "months" });
    expect(p.locked).toEqual({ amount: 30, unit: "minutes" });
  });

  it("named windows are shared, and Paris windows follow CET", () => {
    const { project } = ok(
      'currency EUR\nwindow november = from 2026-11-01 00:00:00 to 2026-11-30 23:59:59 in Europe/Paris\npromotion p {\n title "p"\n kind automatic\n valid november\n give 10% off order\n}',
    );
    expect(iso(project.promotions[0]!.valid?.startMs)).toBe("2026-10-31T23:00:00.000Z");
    expect(iso(project.promotions[0]!.valid?.endMs)).toBe("2026-11-30T22:59:59.999Z");
  });

  it("rejects an end before the start, unknown zones and impossible dates; a lock cannot be in months", () => {
    expect(codes(promo("kind automatic\n valid from 2026-11-12 00:00:00 to 2026-11-10 00:00:00 in UTC\n give 1.00 USD off order"))).toEqual([
      "window-end-before-start",
    ]);
    expect(codes(promo("kind automatic\n valid from 2026-11-10 00:00:00 to 2026-11-12 00:00:00 in Mars/Olympus\n give 1.00 USD off order"))).toEqual([
      "unknown-time-zone",
    ]);
    expect(codes(promo("kind automatic\n valid from 2026-04-31 00:00:00 to 2026-05-12 00:00:00 in UTC\n give 1.00 USD off order"))).toEqual([
      "invalid-date-time",
    ]);
    expect(codes(promo('kind promo-code\n code "X"\n funded by platform\n locked 1 month after failed payment\n give 1.00 USD off order'))).toEqual([
      "unknown-unit",
    ]);
  });

  it("warns about a window that has passed relative to --at", () => {
    const { diagnostics } = checkSource("t.promo", src, { at: Date.parse("2026-11-13T00:00:00Z") });
    expect(diagnostics.map((d) => d.code)).toEqual(["window-passed"]);
    expect(checkSource("t.promo", src, { at: Date.parse("2026-11-12T12:59:59Z") }).diagnostics).toEqual([]);
  });
});

describe("4. eligibility over the customer", () => {
  it("first order, regions, segments, payment method, risk flags and coupon owner", () => {
    ok(
      promo(
        'kind promo-code\n code "W"\n not transferable\n when customer.firstOrder and customer.previousOrders is 0 and customer.region in [US, CA, "FR", ES] and customer.segments contains "vip" and cart.paymentMethod in ["card", "paypal"] and not customer.riskFlags contains "fraud" and coupon.owner is customer.id\n give 1.00 USD off order',
      ),
    );
  });

  it("checks region codes, including quoted ones", () => {
    expect(codes(promo("kind automatic\n when customer.region in [US, UK]\n give 1.00 USD off order"))).toEqual(["unknown-region"]);
    expect(codes(promo('kind automatic\n when customer.region is "XX"\n give 1.00 USD off order'))).toEqual(["unknown-region"]);
  });

  it("'not transferable' needs a code", () => {
    expect(codes(promo("kind automatic\n not transferable\n give 1.00 USD off order"))).toEqual(["clause-not-allowed"]);
  });
});

describe("5. scopes over cart lines", () => {
  it("by sku, product, variant attribute, store, category, tags and unit price; scopes reuse scopes", () => {
    const { project } = ok(
      `currency USD
attribute line.size: string
scope tees = line.sku is "TSHIRT" and line.size in ["S", "M", "XL"]
scope premium = line.unitPrice at least 50.00 USD and line.category is "bags"
scope acme-toys = line.store is "acme" and line.product in ["P-1", "P-2"] and line.tags contains "toys"
scope mixed = tees or premium or acme-toys
promotion p {
  title "p"
  kind automatic
  give 10% off mixed
}`,
    );
    const mixed = project.symbols.scopes.get("mixed")!.decl.predicate as A.OrExpr;
    expect(mixed.operands.map((o) => project.tables.refs.get((o as A.PathExpr).segments[0]!.id)?.kind)).toEqual(["scope", "scope", "scope"]);
  });

  it("scopes use line fields only, and inline scopes work where a scope name does", () => {
    ok(promo('kind automatic\n when subtotal of (line.store is "acme") at least 15.00 USD\n give 3.00 USD off (line.store is "acme")'));
    expect(codes("currency USD\nscope s = customer.firstOrder")).toEqual(["field-not-available"]);
    expect(codes("currency USD\nscope a = b\nscope b = a")).toEqual(["scope-cycle"]);
  });
});

describe("6. conditions", () => {
  it("money, quantity and count over the cart or a scope; exceeds and at least are distinct", () => {
    const { project } = ok(
      promo(
        "kind automatic\n when (subtotal exceeds 25.00 USD or subtotal of s at least 15.00 USD) and quantity of s at least 3 and count below 10 and not subtotal after discounts at most 5.00 USD\n give 1.00 USD off order",
        'scope s = line.tags contains "s"',
      ),
    );
    const and = project.promotions[0]!.condition as A.AndExpr;
    const or = and.operands[0] as A.OrExpr;
    expect(or.operands.map((c) => (c as A.CompareExpr).op)).toEqual(["exceeds", "at least"]);
    const after = ((and.operands[3] as A.NotExpr).operand as A.CompareExpr).left as A.AggregateExpr;
    expect(after).toMatchObject({ fn: "subtotal", base: "after" });
    expect(((or.operands[0] as A.CompareExpr).left as A.AggregateExpr).base).toBeUndefined(); // before discounts by default
  });

  it("folds money literals to minor units by the currency's exponent", () => {
    const { project } = ok(promo("kind automatic\n when subtotal exceeds 25.00 USD\n give 5.00 USD off order"));
    const cmp = project.promotions[0]!.condition as A.CompareExpr;
    expect(project.tables.money.get(cmp.right.id)).toEqual({ minor: 2500, currency: "USD" });
  });

  it("reports money against percent, USD against EUR, and conditions that can never hold", () => {
    expect(codes(promo("kind automatic\n when subtotal exceeds 10%\n give 1.00 USD off order"))).toEqual(["money-vs-percent"]);
    expect(codes(promo("kind automatic\n when subtotal exceeds 10.00 EUR\n give 1.00 USD off order"))).toEqual(["currency-mismatch"]);
    expect(codes(promo("kind automatic\n when subtotal exceeds 25.00 USD and subtotal at most 20.00 USD\n give 1.00 USD off order"))).toEqual(["never-true"]);
    expect(codes(promo("kind automatic\n when subtotal at least 20.00 USD and subtotal at most 20.00 USD\n give 1.00 USD off order"))).toEqual([]);
    expect(codes(promo("kind automatic\n when quantity exceeds 3 and quantity below 4\n give 1.00 USD off order"))).toEqual(["never-true"]);
    expect(codes(promo("kind automatic\n when subtotal exceeds 25.00 USD and subtotal below 25.01 USD\n give 1.00 USD off order"))).toEqual(["never-true"]);
    expect(codes(promo("kind automatic\n when subtotal exceeds 25.00 USD and subtotal below 25.02 USD\n give 1.00 USD off order"))).toEqual([]);
    expect(codes(promo("kind automatic\n when customer.region is US and customer.region is CA\n give 1.00 USD off order"))).toEqual(["never-true"]);
  });

  it("an operator must fit its operands", () => {
    expect(codes(promo('kind automatic\n when customer.segments exceeds "vip"\n give 1.00 USD off order'))).toEqual(["type-mismatch"]);
    expect(codes(promo('kind automatic\n when customer.region contains "US"\n give 1.00 USD off order'))).toEqual(["type-mismatch"]);
    expect(codes(promo('kind automatic\n when customer.region in "US"\n give 1.00 USD off order'))).toEqual(["type-mismatch"]);
  });
});

describe("7. benefits", () => {
  const benefits: [string, string, string][] = [
    ["automatic", "give 5.00 USD off order", "Discount"],
    ["automatic", "give 2.00 USD off s", "Discount"],
    ["automatic", "give 1.00 USD off each unit of s max 3 units", "Discount"],
    ["automatic", "give 15% off order up to 20.00 USD", "Discount"],
    ["automatic", "give 10% off order after discounts", "Discount"],
    ["automatic", "give price 0.99 USD on s max 1 unit", "FixedPrice"],
    ["automatic", 'give pack ["CASE", "CABLE"] for 25.00 USD', "Pack"],
    ["automatic", "give cheapest 1 free for every 3 of s", "CheapestFree"],
    ["shipping", "give free shipping", "FreeShipping"],
    ["shipping", "give 3.00 USD off shipping", "Discount"],
    ["coins", "give coins at 100 per 1.00 USD up to 50% of order on s", "Coins"],
  ];
  it.each(benefits)("kind %s: %s", (kind, give, astKind) => {
    const { project } = ok(promo(`kind ${kind}\n ${give}`, 'scope s = line.tags contains "s"'));
    expect(project.promotions[0]!.benefit?.kind).toBe(astKind);
  });

  it("rejects nonsense: a cap on an amount, every unit free, over 100%, negative, zero", () => {
    expect(codes(promo("kind automatic\n give 5.00 USD off order up to 2.00 USD"))).toEqual(["clause-not-allowed"]);
    expect(codes(promo("kind automatic\n give cheapest 3 free for every 3 of s", 'scope s = line.tags contains "s"'))).toEqual(["invalid-number"]);
    expect(codes(promo("kind automatic\n give 101% off order"))).toEqual(["percent-over-100"]);
    expect(codes(promo("kind automatic\n give -1.00 USD off order"))).toEqual(["negative-amount"]);
    expect(codes(promo("kind automatic\n give 0.00 USD off order"))).toEqual(["invalid-number"]);
    expect(codes(promo("kind automatic\n give free shipping"))).toEqual(["clause-not-allowed"]);
    expect(codes(promo("kind coins\n give 1.00 USD off order"))).toEqual(["clause-not-allowed"]);
  });
});

describe("8. stacking policy", () => {
  const base = `currency USD
group codes = [a, b]
stacking {
  at most 1 platform-coupon per order
  at most 1 store-coupon per store
  at most 1 automatic per line
  at most 1 of codes per order
  at most 1 coupons per order
  select first-by-priority
}
promotion a {
  title "a"
  kind promo-code
  code "A"
  funded by platform
  priority 1
  exclusive with platform-coupon
  give 1.00 USD off order
}
promotion b {
  title "b"
  kind promo-code
  code "B"
  funded by seller
  priority 2
  combines with [a]
  give 1.00 USD off order
}
promotion c {
  title "c"
  kind automatic
  exclusive
  give 1.00 USD off order
}`;
  it("groups, per order/store/line rules, exclusive, combines with, priorities and selection", () => {
    const { project } = ok(base);
    expect(project.selection).toBe("first-by-priority");
    expect(project.stacking.map((s) => s.rule.per.text)).toEqual(["order", "store", "line", "order", "order"]);
    expect(project.promotions.map((p) => [p.id, p.priority, p.exclusiveWith, p.combinesWith])).toEqual([
      ["a", 1, ["platform-coupon"], []],
      ["b", 2, undefined, ["a"]],
      ["c", undefined, ["any"], []],
    ]);
  });

  it("a priority tie is an error with a fix; unknown selectors and modes are errors", () => {
    const tie = checkSource("t.promo", base.replace("priority 2", "priority 1")).diagnostics;
    expect(tie.map((d) => d.code)).toEqual(["priority-tie"]);
    expect(tie[0]!.fixes[0]!.edits[0]!.newText).toBe("2");
    expect(codes(base.replace("at most 1 of codes", "at most 1 of codez"))).toEqual(["unused-declaration", "unknown-name"]);
    expect(codes(base.replace("first-by-priority", "cheapest-first"))).toEqual(["unknown-name"]);
    expect(codes(base.replace("per store", "per shop"))).toEqual(["unknown-unit"]);
  });
});

describe("9. limits", () => {
  it("per customer, total, budget, per period and per store", () => {
    const { project } = ok(
      promo(
        'kind promo-code\n code "X"\n limit 1 per customer\n limit 10000 redemptions\n limit budget 5000.00 USD\n limit 3 per customer per week\n limit 100 per store per day\n give 1.00 USD off order',
      ),
    );
    expect(project.promotions[0]!.limits.map((l) => [l.count?.text, l.budget?.text, l.per.map((p) => p.text)])).toEqual([
      ["1", undefined, ["customer"]],
      ["10000", undefined, []],
      [undefined, "5000.00", []],
      ["3", undefined, ["customer", "week"]],
      ["100", undefined, ["store", "day"]],
    ]);
  });

  it("coins earned per customer per day", () => {
    const { project } = ok("currency USD\nearn 1 coin per 1.00 USD limit 50 coins per customer per day");
    expect(project.earn[0]?.decl.limits[0]!.count?.text).toBe("50");
  });

  it("several earn rules, per purchase and scoped to lines; only `purchase` after `per`", () => {
    const { project } = ok(
      'currency USD\nscope volt = line.store is "volt"\nearn 1 coin per 1.00 USD\nearn 20 coins per purchase on volt limit 50 coins per customer per day',
    );
    expect(project.earn.map((e) => [e.decl.per?.text, e.decl.unit?.text, e.decl.scope?.kind])).toEqual([
      ["1.00", undefined, undefined],
      [undefined, "purchase", "ScopeName"],
    ]);
    expect(codes("currency USD\nearn 20 coins per sale")).toEqual(["unknown-unit"]);
    expect(codes("currency USD\nearn 20 coins per purchase on nowhere")).toEqual(["unknown-name"]);
  });

  it("rejects unknown periods and two periods", () => {
    expect(codes(promo('kind promo-code\n code "X"\n funded by platform\n limit 1 per fortnight\n give 1.00 USD off order'))).toEqual(["unknown-unit"]);
    expect(codes(promo('kind promo-code\n code "X"\n funded by platform\n limit 1 per day per week\n give 1.00 USD off order'))).toEqual(["duplicate-clause"]);
  });
});

describe("10. custom typed attributes", () => {
  const attrs = "attribute customer.vipTier: int\nattribute line.brand: string\nattribute customer.tags: set of string";
  it("declared attributes are typed fields", () => {
    ok(
      promo(
        'kind automatic\n when customer.vipTier at least 2 and customer.tags contains "x" and subtotal of (line.brand is "acme") exceeds 1.00 USD\n give 1.00 USD off order',
        attrs,
      ),
    );
  });
  it("their types are checked, and undeclared ones are unknown with a suggestion", () => {
    expect(codes(promo('kind automatic\n when customer.vipTier at least "gold"\n give 1.00 USD off order', attrs))).toEqual(["type-mismatch"]);
    const d = checkSource("t.promo", promo("kind automatic\n when customer.vipTeir at least 2\n give 1.00 USD off order", attrs)).diagnostics;
    expect(d.map((x) => [x.code, x.fixes[0]?.edits[0]?.newText])).toEqual([["unknown-field", "vipTier"]]);
    expect(codes("currency USD\nattribute customer.region: string")).toEqual(["reserved-name"]);
    expect(codes("currency USD\nattribute customer.x: colour")).toEqual(["unknown-name"]);
  });
});

describe("11. examples", () => {
  const file = promo("kind automatic\n when subtotal exceeds 25.00 USD\n give 5.00 USD off order");
  it("an example cart and its expectation are checked against the cart contract", () => {
    const { project } = ok(
      file +
        `example "five off" {
  cart {
    at: 2026-11-10 05:00:00 in America/Los_Angeles,
    customer: { id: "c1", region: US, previousOrders: 0, segments: ["vip"] },
    lines: [{ id: "l1", sku: "A", unitPrice: 25.01 USD, quantity: 1, tags: ["x"] }],
    shipping: { country: US, price: 4.00 USD },
    coupons: [{ code: "X", activatedAt: 2026-11-01 00:00:00 in UTC, lastFailedPaymentAt: null }],
    useCoins: false,
  }
  expect {
    applied: [{ id: p, amount: 5.00 USD }],
    rejected: [],
    total: 24.01 USD,
    coins: { used: 0, amount: 0.00 USD, earned: 0 },
  }
}
example beside { cart from "carts/five-off.json" expect { total: 20.01 USD } }`,
    );
    expect(project.examples.map((e) => e.decl.name.text)).toEqual(["five off", "beside"]);
  });

  it("reports unknown keys, wrong values, unknown promotions and reasons", () => {
    const bad = (cart: string, expectation = "total: 1.00 USD") =>
      codes(file + `example e { cart { at: 2026-11-10 00:00:00 in UTC, ${cart.includes("lines:") ? "" : "lines: [],"} ${cart} } expect { ${expectation} } }`);
    expect(bad("custmer: {}")).toEqual(["unknown-field"]);
    expect(bad('lines: [{ id: "l", sku: "A", unitPrice: 1.999 USD, quantity: 1 }]')).toEqual(["too-many-decimals"]);
    expect(bad('lines: [{ id: "l", sku: "A", unitPrice: 1.99, quantity: 1 }]')).toEqual(["missing-currency"]);
    expect(bad("useCoins: maybe")).toEqual(["invalid-example"]);
    expect(bad("", "applied: [q]")).toEqual(["unknown-name"]);
    expect(bad("", "rejected: [{ id: p, reason: expird }]")).toEqual(["unknown-name"]);
    expect(codes(file + "example e { expect { total: 1.00 USD } }")).toEqual(["invalid-example"]);
  });
});

describe("types", () => {
  it("money decimals follow ISO 4217: JPY 0, USD 2, KWD 3", () => {
    ok('currency JPY\npromotion p {\n title "p"\n kind automatic\n give 500 JPY off order\n}');
    expect(codes('currency JPY\npromotion p {\n title "p"\n kind automatic\n give 500.0 JPY off order\n}')).toEqual(["too-many-decimals"]);
    ok('currency KWD\npromotion p {\n title "p"\n kind automatic\n give 1.250 KWD off order\n}');
    expect(codes('currency KWD\npromotion p {\n title "p"\n kind automatic\n give 1.2500 KWD off order\n}')).toEqual(["too-many-decimals"]);
  });

  it("a bare number where money is expected gets an 'add the currency' fix", () => {
    const d = checkSource("t.promo", promo("kind automatic\n when subtotal exceeds 25\n give 1.00 USD off order")).diagnostics;
    expect(d.map((x) => [x.code, x.fixes[0]?.edits[0]?.newText])).toEqual([["missing-currency", "25 USD"]]);
  });

  it("a date-time in a condition needs its zone", () => {
    expect(codes(promo("kind automatic\n when cart.at at least 2026-11-10 05:00:00\n give 1.00 USD off order"))).toEqual(["invalid-date-time"]);
  });

  it("suggests GB for UK, and attributes can be currencies", () => {
    const d = checkSource("t.promo", promo("kind automatic\n when customer.region is UK\n give 1.00 USD off order")).diagnostics;
    expect(d.map((x) => [x.code, x.fixes[0]?.edits[0]?.newText])).toEqual([["unknown-region", "GB"]]);
    ok(promo("kind automatic\n when customer.homeCurrency is EUR\n give 1.00 USD off order", "attribute customer.homeCurrency: currency"));
  });

  it("dates, datetimes and percentages compare with their own kind only", () => {
    ok(promo("kind automatic\n when cart.at at least 2026-11-10 05:00:00 in America/Los_Angeles\n give 1.00 USD off order"));
    expect(codes(promo("kind automatic\n when cart.at at least 5%\n give 1.00 USD off order"))).toEqual(["type-mismatch"]);
  });
});
