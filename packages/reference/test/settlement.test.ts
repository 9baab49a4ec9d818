import { describe, expect, it } from "vitest";
import type * as A from "../../dsl/src/ast/nodes.js";
import { checkProject } from "../../dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../dsl/src/project/host.js";
import { referenceSettlement } from "../src/index.js";
import { parseRational } from "../src/money.js";
import { DEFAULT_FUNDER, readPrevious, settlementInputs, splitFunders, unitShare, unitsShare, unitsShares, type RefRefund } from "../src/settlement.js";

/**
 * The reference's own pieces of settlement: the funder split, unit shares, and reading funding, commission and
 * return policies off the syntax trees (the dsl's Funded, FunderShare, OnReturn, OnCancel and Commission nodes),
 * built by hand and as the parser builds them from rule text.
 */
const pct = (t: string) => parseRational(t)!;
let offset = 0;
const span = () => ({ start: (offset += 10), end: offset + 5 });
const name = (text: string) => ({ kind: "Name", text, id: 0, span: span() });
const percent = (text: string) => ({ kind: "Percent", text, id: 0, span: span() });
const string = (value: string) => ({ kind: "String", value, raw: JSON.stringify(value), id: 0, span: span() });

function file(declarations: unknown[]): A.PromoFile {
  return { kind: "File", path: "/x.promo", declarations: declarations as A.Declaration[], id: 0, span: { start: 0, end: 0 } };
}
function promotion(id: string, clauses: unknown[]): unknown {
  return { kind: "Promotion", name: name(id), clauses, id: 0, span: span() };
}

describe("splitFunders", () => {
  it("gives each party the floor of its share and the leftover by larger remainder, ties to the platform", () => {
    expect(splitFunders(5n, { platform: pct("70"), seller: pct("30") })).toEqual({ platform: 4n, seller: 1n });
    expect(splitFunders(3n, { platform: pct("50"), seller: pct("50") })).toEqual({ platform: 2n, seller: 1n });
    expect(splitFunders(100n, { platform: pct("33.33"), seller: pct("66.67") })).toEqual({ platform: 33n, seller: 67n });
    expect(splitFunders(300n, { platform: pct("33.33"), seller: pct("66.67") })).toEqual({ platform: 100n, seller: 200n });
    expect(splitFunders(7n, { platform: pct("100"), seller: pct("0") })).toEqual({ platform: 7n, seller: 0n });
    expect(splitFunders(0n, { platform: pct("70"), seller: pct("30") })).toEqual({ platform: 0n, seller: 0n });
  });
});

describe("unitShare", () => {
  it("gives unit i floor(A/q) plus one for the first A mod q units", () => {
    expect([1, 2, 3].map((i) => unitShare(4n, 3, i))).toEqual([2n, 1n, 1n]);
    expect([1, 2, 3].map((i) => unitShare(2n, 3, i))).toEqual([1n, 1n, 0n]);
    expect([1, 2].map((i) => unitShare(151n, 2, i))).toEqual([76n, 75n]);
  });
});

describe("unitsShare", () => {
  it("sums unit shares over a range in closed form, as the unit-by-unit sum", () => {
    for (const q of [1, 2, 3, 7])
      for (const amount of [0n, 1n, 4n, 10n, 151n])
        for (let first = 1; first <= q; first++)
          for (let last = first - 1; last <= q; last++) {
            let expected = 0n;
            for (let i = first; i <= last; i++) expected += unitShare(amount, q, i);
            expect(unitsShare(amount, q, first, last), `${amount} ${q} ${first}..${last}`).toBe(expected);
          }
  });
});

describe("unitsShares (Amendment 1: unit shares of the running total)", () => {
  const line = (quantity: number) => ({ quantity }) as never;
  it("divides the running total: 4 then 5 minor units over 3 units are 2/1/1 then 1/2/2, 3 each in all", () => {
    // C1 = 4: 2, 1, 1. C2 = 9: 3, 3, 3. Second: 1, 2, 2.
    const c = {
      line: line(3),
      discounts: [
        { promotion: "four", amount: 4n, platform: 0n, seller: 4n },
        { promotion: "five", amount: 5n, platform: 5n, seller: 0n },
      ],
      coins: [],
      commission: 2n,
    };
    const per = [1, 2, 3].map((u) => unitsShares(c, u, u));
    expect(per.map((x) => x.discounts.map((d) => d.amount))).toEqual([
      [2n, 1n],
      [1n, 2n],
      [1n, 2n],
    ]);
    expect(per.map((x) => x.commission)).toEqual([1n, 1n, 0n]);
    expect(unitsShares(c, 2, 3).discounts.map((d) => d.amount)).toEqual([2n, 4n]);
  });

  it("splits a component's unit share between funders, platform first, within the running total", () => {
    // 10 after 1 over 3 units; the second is 70/30 (7 / 3). C0 = 1: 1, 0, 0. C0 + P = 8: 3, 3, 2. C = 11: 4, 4, 3.
    // Unit 1: amount 4 − 1 = 3, platform 3 − 1 = 2, seller 1; unit 2: 4, 3, 1; unit 3: 3, 2, 1.
    const c = {
      line: line(3),
      discounts: [
        { promotion: "one", amount: 1n, platform: 1n, seller: 0n },
        { promotion: "split", amount: 10n, platform: 7n, seller: 3n },
      ],
      coins: [{ promotion: "coins", amount: 2n, platform: 2n, seller: 0n, coins: 20n }],
      commission: 0n,
    };
    expect([1, 2, 3].map((u) => unitsShares(c, u, u).discounts[1])).toEqual([
      { promotion: "split", amount: 3n, platform: 2n, seller: 1n },
      { promotion: "split", amount: 4n, platform: 3n, seller: 1n },
      { promotion: "split", amount: 3n, platform: 2n, seller: 1n },
    ]);
    // Coins after the discounts: C = 13: 5, 4, 4 → minus 11's 4, 4, 3: 1, 0, 1. Coins 20: 7, 7, 6.
    expect([1, 2, 3].map((u) => unitsShares(c, u, u).coins[0])).toEqual([
      { promotion: "coins", amount: 1n, platform: 1n, seller: 0n, coins: 7n },
      { promotion: "coins", amount: 0n, platform: 0n, seller: 0n, coins: 7n },
      { promotion: "coins", amount: 1n, platform: 1n, seller: 0n, coins: 6n },
    ]);
  });
});

describe("settlementInputs", () => {
  it("defaults by kind: seller for automatic, store coupons and shipping; platform for the rest", () => {
    expect(DEFAULT_FUNDER).toEqual({
      automatic: "seller",
      "store-coupon": "seller",
      shipping: "seller",
      "selected-coupon": "platform",
      "platform-coupon": "platform",
      coins: "platform",
      "promo-code": "platform",
    });
  });

  it("reads funding, commission, return and cancel policies and limit units off the syntax trees' nodes", () => {
    const inputs = settlementInputs([
      file([
        {
          kind: "Commission",
          entries: [
            { kind: "CommissionEntry", head: name("category"), category: string("electronics"), rate: percent("5") },
            { kind: "CommissionEntry", head: name("category"), category: string("books"), rate: percent("7.5") },
            { kind: "CommissionEntry", head: name("default"), category: undefined, rate: percent("8") },
          ],
          id: 0,
          span: span(),
        },
        promotion("split", [
          {
            kind: "Funded",
            shares: [
              { kind: "FunderShare", party: name("seller"), percent: percent("30") },
              { kind: "FunderShare", party: name("platform"), percent: percent("70") },
            ],
          },
          { kind: "OnReturn", action: name("recover"), object: name("discount") },
          { kind: "OnCancel", event: name("cancel"), action: name("keep"), object: name("use") },
          { kind: "Limit", limit: { kind: "LimitSpec", budget: undefined, count: { kind: "Number", text: "5" }, unit: name("units"), per: [] } },
          { kind: "Limit", limit: { kind: "LimitSpec", budget: undefined, count: { kind: "Number", text: "1" }, unit: undefined, per: [name("customer")] } },
        ]),
        promotion("seller-only", [{ kind: "Funded", shares: [{ kind: "FunderShare", party: name("seller"), percent: undefined }] }]),
        promotion("halves", [
          {
            kind: "Funded",
            shares: [
              { kind: "FunderShare", party: name("platform"), percent: percent("12.5") },
              { kind: "FunderShare", party: name("seller"), percent: percent("87.5") },
            ],
          },
          { kind: "OnReturn", action: name("keep"), object: name("discount") },
        ]),
      ]),
    ]);
    expect(inputs.funders).toEqual({
      split: { platform: pct("70"), seller: pct("30") },
      "seller-only": { platform: pct("0"), seller: pct("100") },
      halves: { platform: pct("12.5"), seller: pct("87.5") },
    });
    expect(inputs.commission).toEqual({ categories: { electronics: pct("5"), books: pct("7.5") }, default: pct("8") });
    expect(inputs.onReturn).toEqual({ split: "recover", halves: "keep" });
    expect(inputs.onCancel).toEqual({ split: "keep" });
    expect(inputs.limitUnits).toEqual({ split: ["units", null], "seller-only": [], halves: [] });
  });

  it("reads the clauses the parser builds from rule text", () => {
    const path = "/inputs.promo";
    const text = `currency USD

commission {
  category "electronics" 5%
  default 8%
}

promotion split {
  title "Split"
  kind automatic
  funded by platform 70%, seller 30%
  on return recover discount
  give 10% off order
}
`;
    const { project, diagnostics } = checkProject([path], memoryHost({ [path]: text }));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const inputs = settlementInputs(project.files.map((f) => f.parsed.ast));
    expect(inputs.funders).toEqual({ split: { platform: pct("70"), seller: pct("30") } });
    expect(inputs.commission).toEqual({ categories: { electronics: pct("5") }, default: pct("8") });
    expect(inputs.onReturn).toEqual({ split: "recover" });
  });

  it("without a commission block there is no commission table", () => {
    expect(settlementInputs([file([promotion("p", [])])]).commission).toBeNull();
  });
});

describe("the previous argument and outstanding amounts (Amendment 2)", () => {
  it("reads outstanding with the units and recovered promotions; a plain map of units has none", () => {
    expect(readPrevious({ units: { a: 1 }, recovered: ["p"], outstanding: "2.50" })).toEqual({ units: { a: 1 }, recovered: ["p"], outstanding: "2.50" });
    expect(readPrevious({ outstanding: "1.00" })).toEqual({ units: {}, recovered: [], outstanding: "1.00" });
    expect(readPrevious({ a: 2 })).toEqual({ units: { a: 2 }, recovered: [] });
    expect(readPrevious(undefined)).toEqual({ units: {}, recovered: [] });
  });

  // 10% from 20.00 USD, recovered: a 18.00, b 2.00 → 1.80 and 0.20. Return b: 1.80; kept 18.00 < 20.00 → due 1.80:
  // refund 0.00, outstanding 0.00. With 1.00 outstanding passed in: 1.80 − 1.00 = 0.80 first, then 0.80 of the
  // 1.80 due: refund 0.00, uncollected 1.00, outstanding 0.00 + 1.00 = 1.00.
  const rules = `currency USD

promotion ten {
  title "10% off orders of 20.00 USD or more"
  kind platform-coupon
  code "TEN"
  when subtotal at least 20.00 USD
  give 10% off order
}
`;
  const path = "/outstanding.promo";
  const { project } = checkProject([path], memoryHost({ [path]: rules }));
  const inputs = { funders: {}, commission: null, onReturn: { ten: "recover" as const }, onCancel: {}, limitUnits: {} };
  const outcome = referenceSettlement(project, inputs).trySettle({
    currency: "USD",
    at: "2026-11-10T12:00:00Z",
    lines: [
      { id: "a", sku: "A", unitPrice: "18.00", quantity: 1 },
      { id: "b", sku: "B", unitPrice: "2.00", quantity: 1 },
    ],
    coupons: [{ code: "TEN" }],
  });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));

  it("deducts an outstanding amount passed in before the recovery, and carries what is left in outstanding and next", () => {
    const plain = outcome.refund({ b: 1 }) as RefRefund;
    expect([plain.refund, plain.recovered, plain.outstanding]).toEqual(["0.00", [{ promotion: "ten", amount: "1.80", uncollected: "0.00" }], "0.00"]);
    const owed = outcome.refund({ b: 1 }, { units: {}, recovered: [], outstanding: "1.00" }) as RefRefund;
    expect([owed.refund, owed.recovered, owed.outstanding]).toEqual(["0.00", [{ promotion: "ten", amount: "0.80", uncollected: "1.00" }], "1.00"]);
    expect(owed.next).toEqual({ units: { b: 1 }, recovered: ["ten"], outstanding: "1.00" });
    // Then a: 18.00 (ten recovered) − 1.00 = 17.00, outstanding 0.00.
    const last = outcome.refund({ a: 1 }, owed.next) as RefRefund;
    expect([last.refund, last.outstanding, last.next]).toEqual(["17.00", "0.00", { units: { a: 1, b: 1 }, recovered: ["ten"], outstanding: "0.00" }]);
  });

  it("answers an outstanding amount that is not a non-negative decimal string of the currency with an error", () => {
    for (const outstanding of ["-1.00", "1.001", "abc", 100, null])
      expect(outcome.refund({ b: 1 }, { units: {}, recovered: [], outstanding }), String(outstanding)).toEqual({
        errors: [{ path: "/previous/outstanding", message: "an amount of USD, 0 or more, as a decimal string with at most 2 decimals" }],
      });
    expect((outcome.refund({ b: 1 }, { units: {}, recovered: [], outstanding: "0" }) as RefRefund).outstanding).toBe("0.00");
  });
});
