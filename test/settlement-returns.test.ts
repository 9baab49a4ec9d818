import { describe, expect, it } from "vitest";
import { interpreterEvaluator } from "../packages/dsl/src/interpreter/evaluator.js";
import { checkSource } from "../packages/dsl/src/pipeline/frontend.js";
import { refund, settle, type PricingResult, type Refund } from "../packages/runtime/src/index.js";

/** Returns and settlement on hand-computed orders (docs/language.md, Settlement and Returns). */
function price(rules: string, cart: Record<string, unknown>, usage?: Record<string, number>): PricingResult {
  const { project, diagnostics } = checkSource("/r.promo", rules);
  expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return interpreterEvaluator(project).evaluate({ currency: "USD", at: "2026-11-11T10:00:00Z", ...cart }, usage ? { usage } : undefined);
}

const ok = (outcome: ReturnType<typeof refund>): Refund => {
  if ("errors" in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome;
};

describe("settlement on the result", () => {
  const result = price('currency USD\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n}\n', {
    lines: [{ id: "a", sku: "A", unitPrice: "3.00", quantity: 1 }],
  });

  it("is a non-enumerable getter: the JSON of the result is unchanged, and settle() gives the same object", () => {
    expect(Object.keys(result)).not.toContain("settlement");
    expect(JSON.parse(JSON.stringify(result))).not.toHaveProperty("settlement");
    expect(result.settlement).toBe(settle(result));
    // A line without a store is store "": the automatic discount is the seller's by default.
    expect(result.settlement!.stores.map((s) => [s.store, s.discount.seller, s.commission, s.sellerNet])).toEqual([["", "1.00", "0.00", "2.00"]]);
  });

  it("makes the money strings of stores and totals when first read, then keeps them as plain properties", () => {
    const fresh = price('currency USD\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n}\n', {
      lines: [
        { id: "b", sku: "B", unitPrice: "2.00", quantity: 1, store: "s2" },
        { id: "a", sku: "A", unitPrice: "3.00", quantity: 1, store: "s1" },
      ],
    });
    const settlement = fresh.settlement!;
    // Before either is read, JSON gives the whole settlement (what checkout stores).
    const json = JSON.parse(JSON.stringify(settlement)) as {
      currency: string;
      stores: { store: string; lines: { line: string }[] }[];
      totals: { paid: string };
    };
    expect(json.currency).toBe("USD");
    expect(json.stores.map((s) => [s.store, s.lines.map((l) => l.line)])).toEqual([
      ["s2", ["b"]],
      ["s1", ["a"]],
    ]);
    expect(json.totals.paid).toBe("4.00");
    // Once read, each is an own enumerable data property: spreading, keys and deep equality see plain data.
    const stores = settlement.stores;
    expect(settlement.stores).toBe(stores);
    expect(Object.getOwnPropertyDescriptor(settlement, "stores")).toMatchObject({ value: stores, enumerable: true });
    // (JSON.stringify read both.)
    expect(Object.keys(settlement)).toEqual(["currency", "stores", "totals"]);
    expect({ ...settlement }).toEqual(json);
    expect(settlement).toEqual(json);
  });

  it("refuses an object that evaluate did not return", () => {
    expect(() => settle({})).toThrow(TypeError);
    expect(() => refund(JSON.parse(JSON.stringify(result)) as object, {})).toThrow(TypeError);
  });

  it("groups lines by store, in the order stores first appear, whatever their names have in common", () => {
    // 40 stores whose names share their length and their first, middle and last characters (what a quick hash of a
    // name would read), a few of them with two lines, given out of id order; and a name that is a prefix of another.
    const names = Array.from({ length: 40 }, (_, k) => `s${String.fromCharCode(0x41 + (k % 26))}${String.fromCharCode(0x61 + Math.floor(k / 26))}-mid-00`);
    names.push("s", "s-");
    const lines = names.flatMap((store, k) => {
      const own = [{ id: `L${String(1000 - k * 7).padStart(4, "0")}`, sku: `K${k}`, unitPrice: `${(k % 9) + 1}.00`, quantity: 1, store }];
      if (k % 5 === 0) own.push({ id: `M${String(k).padStart(3, "0")}`, sku: `J${k}`, unitPrice: "1.50", quantity: 2, store });
      return own;
    });
    const result = price('currency USD\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n}\n', {
      lines,
      shipping: { price: "7.00" },
    });
    const stores = result.settlement!.stores;
    // Expected by hand from the cart: each store once, at its first line; its lines in the cart's order.
    const expected = new Map<string, string[]>();
    for (const line of lines) expected.set(line.store, [...(expected.get(line.store) ?? []), line.id]);
    expect(stores.map((s) => [s.store, s.lines.map((l) => l.line)])).toEqual([...expected]);
    for (const s of stores) {
      const items = lines.filter((l) => l.store === s.store).reduce((sum, l) => sum + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
      expect([s.store, s.items]).toEqual([s.store, (items / 100).toFixed(2)]);
    }
    expect(result.settlement!.totals.shipping).toBe("7.00");
  });
});

describe("refund", () => {
  // 10.00 off a 3 × 10.00 line, funded 50/50: 3.34, 3.33, 3.33 per unit (unit 1 takes the leftover cent).
  const rules = `currency USD
promotion ten {
  title "10.00 off over 20.00"
  kind automatic
  when subtotal at least 20.00 USD
  give 10.00 USD off order
  funded by platform 50%, seller 50%
  on return recover discount
  limit budget 100.00 USD
  limit 5 redemptions per customer
}
`;
  const cart = { customer: { id: "c1" }, lines: [{ id: "a", sku: "A", store: "s", unitPrice: "10.00", quantity: 3 }] };

  it("names each bad line and unit count as data", () => {
    const r = price(rules, cart);
    expect(refund(r, { b: 1, a: -1 })).toEqual({
      errors: [
        { path: "/returns/b", message: '/returns/b: unknown line "b"' },
        { path: "/returns/a", message: "/returns/a: units must be a whole number, 0 or more" },
      ],
    });
    expect(refund(r, { a: 2 }, { a: 2 })).toEqual({ errors: [{ path: "/returns/a", message: "/returns/a: 2 units returned but only 1 remain" }] });
    expect(refund(r, { "x/y": 1.5 })).toEqual({ errors: [{ path: "/returns/x~1y", message: '/returns/x~1y: unknown line "x/y"' }] });
    expect(refund(r, null)).toEqual({ errors: [{ path: "/returns", message: "/returns: expected an object of units per line id" }] });
  });

  it("takes units from the last one back, recovers once, and releases the budget and, at the end, the count", () => {
    const r = price(rules, cart);
    // Discount 10.00 on a: platform 5.00, seller 5.00. Running total over 3 units: 10.00 → 3.34/3.33/3.33; the
    // platform's 5.00 within it → 1.67/1.67/1.66, the seller the rest of each unit's share: 1.67/1.66/1.67.
    const first = ok(refund(r, { a: 1 }));
    // Unit 3: 10.00 - 3.33. Kept order 20.00 still meets the condition: nothing recovered.
    expect(first.lines[0]).toMatchObject({ units: 1, refund: "6.67", discounts: [{ promotion: "ten", amount: "3.33", platform: "1.66", seller: "1.67" }] });
    expect(first.recovered).toEqual([]);
    expect(first.release).toEqual([{ promotion: "ten", limit: 0, key: "ten|budget", amount: "3.33" }]);
    expect(first.next).toEqual({ units: { a: 1 }, recovered: [], outstanding: "0.00" });
    // Unit 2: 10.00 - 3.33 = 6.67; the kept order (10.00) fails 'at least 20.00': unit 1's 3.34 is recovered.
    const second = ok(refund(r, { a: 1 }, first.next));
    expect(second.lines[0]!.refund).toBe("6.67");
    expect(second.recovered).toEqual([{ promotion: "ten", amount: "3.34", uncollected: "0.00" }]);
    expect(second.refund).toBe("3.33");
    expect(second.funders).toEqual({ platform: "1.67", seller: "1.66" });
    expect(second.next).toEqual({ units: { a: 2 }, recovered: ["ten"], outstanding: "0.00" });
    // Unit 1: its 3.34 was paid back with the second return, so it comes back at its full 10.00 (20.00 in all, what
    // was paid); every discounted unit is back: the budget gets unit 1's 3.34 and the count is released.
    const third = ok(refund(r, { a: 1 }, second.next));
    expect(third.refund).toBe("10.00");
    expect(third.recovered).toEqual([]);
    expect(third.release).toEqual([
      { promotion: "ten", limit: 0, key: "ten|budget", amount: "3.34" },
      { promotion: "ten", limit: 1, key: "ten|count|customer:c1", amount: 1 },
    ]);
  });

  it("deducts a recovery at most down to 0 and reports the rest as uncollected", () => {
    // Two lines: returning b (1.00) leaves 20.00, below 'at least 21.00'; a's kept share is 10.00 but the refund is 0.52.
    const r = price(rules.replace("20.00 USD\n", "21.00 USD\n"), {
      customer: { id: "c1" },
      lines: [
        { id: "a", sku: "A", unitPrice: "20.00", quantity: 1 },
        { id: "b", sku: "B", unitPrice: "1.00", quantity: 1 },
      ],
    });
    // 10.00 over 20.00 and 1.00: 9.52 and 0.48 (9.5238 → 9.52, 0.4761 → 0.47, the cent to b's larger remainder).
    const out = ok(refund(r, { b: 1 }));
    expect(out.lines[0]!.refund).toBe("0.52");
    expect(out.recovered).toEqual([{ promotion: "ten", amount: "0.52", uncollected: "9.00" }]);
    expect(out.refund).toBe("0.00");
    // What could not be deducted is carried forward and comes off the next refund first.
    expect(out.outstanding).toBe("9.00");
    const last = ok(refund(r, { a: 1 }, out.next));
    // a back: 20.00 - 9.52 + 9.52 (recovered, so not deducted again) = 20.00, less the 9.00 outstanding.
    expect(last.refund).toBe("11.00");
    expect(last.outstanding).toBe("0.00");
  });

  it("gives coins back as coins, and the commission back per unit", () => {
    const r = price(
      `currency USD
commission {
  default 10%
}
promotion coins {
  title "coins"
  kind coins
  give coins at 100 per 1.00 USD
}
`,
      { useCoins: true, customer: { coins: 300 }, lines: [{ id: "a", sku: "A", unitPrice: "5.00", quantity: 2 }] },
    );
    // 300 coins pay 3.00 of 10.00 (platform-funded: the commission base stays 10.00, commission 1.00).
    expect(r.settlement!.totals).toMatchObject({ coins: { total: "3.00", platform: "3.00", seller: "0.00" }, paid: "7.00", commission: "1.00" });
    const out = ok(refund(r, { a: 1 }));
    // Unit 2: coins 1.50 of value = 150 coins; refund 5.00 - 1.50 = 3.50; commission 0.50.
    expect(out.lines[0]).toMatchObject({ refund: "3.50", coins: { amount: "1.50", coins: 150 }, commissionReversed: "0.50" });
    expect(out.coinsReturned).toBe(150);
  });
});
