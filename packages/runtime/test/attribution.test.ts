import { describe, expect, it } from "vitest";
import { attribute, type AttributionRules, type JourneyEvent, type Order } from "../src/attribution/evaluate.js";

// Times as the 11.11 webmaster manual states them, in PST (UTC-08:00).
const pst = (s: string): number => Date.parse(`2026-${s}-08:00`);
const rules: AttributionRules = {
  windows: [{ from: pst("10-28T06:00:00"), to: pst("11-10T05:00:00"), model: "first-cookie" }],
  defaultModel: "last-cookie",
  lookbackMs: 30 * 86_400_000,
  salePeriod: { from: pst("10-28T06:00:00"), to: pst("11-12T05:00:00") },
  storeRateBp: 300,
  featured: { lamp: 800 },
  premium: { webmasters: ["U"], rateBp: 1000, from: pst("11-10T05:00:00"), to: pst("11-12T05:00:00") },
};
const order = (lines: Order["lines"], paidAt = pst("11-10T10:00:00")): Order => ({ paidAt, lines });
const ev = (id: string, at: string, kind: JourneyEvent["kind"], webmaster: string, sku?: string): JourneyEvent => ({
  id,
  at: pst(at),
  kind,
  webmaster,
  sku,
});
const shoe = { id: "l1", sku: "shoe", quantity: 1, paidMinor: 10_000 };

describe("affiliate attribution (11.11 webmaster manual)", () => {
  it("first-cookie-win during the window: a second deep link to the same ware does not take it over", () => {
    const r = attribute(rules, order([shoe]), [ev("a", "11-10T04:59:59", "click", "X", "shoe"), ev("b", "11-10T04:59:59.5", "click", "Y", "shoe")]);
    expect(r.lines[0]).toMatchObject({ webmaster: "X", decidedBy: "first-cookie", commissionMinor: 300 });
    expect(r.lines[0]!.losers).toContainEqual({ event: "b", reason: "first-cookie-win: later cookie" });
  });
  it("last-cookie-win once the window closes at 05:00:00 PST on 11.10", () => {
    const r = attribute(rules, order([shoe]), [ev("a", "11-10T05:00:00", "click", "X", "shoe"), ev("b", "11-10T06:00:00", "click", "Y", "shoe")]);
    expect(r.lines[0]).toMatchObject({ webmaster: "Y", decidedBy: "last-cookie" });
  });
  it("different goods: each webmaster gets the commission for its goods", () => {
    const r = attribute(rules, order([shoe, { id: "l2", sku: "lamp", quantity: 1, paidMinor: 5_000 }]), [
      ev("a", "11-01T00:00:00", "click", "X", "shoe"),
      ev("b", "11-02T00:00:00", "click", "Y", "lamp"),
    ]);
    expect(r.lines.map((l) => [l.webmaster, l.commissionMinor])).toEqual([
      ["X", 300],
      ["Y", 400],
    ]);
  });
  it("priority: coupon activation > adding to the cart > last click", () => {
    const r = attribute(rules, order([shoe], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "cart", "X", "shoe"),
      ev("b", "11-10T07:00:00", "click", "Y", "shoe"),
    ]);
    expect(r.lines[0]).toMatchObject({ webmaster: "X", decidedBy: "priority" });
    const c = attribute(rules, order([shoe], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "cart", "X", "shoe"),
      ev("b", "11-10T07:00:00", "coupon", "X"),
    ]);
    expect(c.lines[0]).toMatchObject({ webmaster: "X", event: "b", decidedBy: "priority" });
  });
  it("no commission if the buyer's coupon came earlier through another webmaster's link", () => {
    const r = attribute(rules, order([shoe], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "coupon", "A"),
      ev("b", "11-10T07:00:00", "coupon", "B", "shoe"),
    ]);
    expect(r.lines[0]).toMatchObject({ decidedBy: "none", commissionMinor: 0 });
  });
  it("no commission when the cart is paid after the sale period", () => {
    const r = attribute(rules, order([shoe], pst("11-12T05:00:00")), [ev("a", "11-11T00:00:00", "click", "X", "shoe")]);
    expect(r.lines[0]).toMatchObject({ webmaster: undefined, commissionMinor: 0 });
  });
  it("rates: 3% store minimum checked, featured 8%, premium Project U", () => {
    expect(attribute({ ...rules, storeRateBp: 200 }, order([shoe]), []).errors[0]!.path).toBe("rules.storeRateBp");
    const r = attribute(rules, order([shoe, { id: "l2", sku: "lamp", quantity: 1, paidMinor: 5_000 }], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "click", "U"),
    ]);
    expect(r.lines.map((l) => l.rateBp)).toEqual([1000, 1000]);
  });
  it("a returned unit reverses the commission per unit, exactly", () => {
    const r = attribute(rules, order([{ id: "l1", sku: "shoe", quantity: 3, paidMinor: 1_001, returnedUnits: 1 }]), [
      ev("a", "11-01T00:00:00", "click", "X", "shoe"),
    ]);
    const l = r.lines[0]!;
    expect(l.perUnitMinor).toEqual([10, 10, 10]);
    expect(l.commissionMinor + l.reversedMinor).toBe(30);
    expect(l.reversedMinor).toBe(10);
  });
  it("hostile journeys: path-named errors, events after payment ignored, 100k events in counted work", () => {
    const dup = attribute(rules, order([shoe]), [ev("a", "11-01T00:00:00", "click", "X"), ev("a", "11-01T00:00:01", "click", "Y")]);
    expect(dup.errors).toEqual([{ path: "$[1].id", message: 'duplicate event id "a"' }]);
    const late = attribute(rules, order([shoe]), [ev("z", "11-10T11:00:00", "coupon", "Y"), ev("a", "11-01T00:00:00", "click", "X")]);
    expect(late.lines[0]).toMatchObject({ webmaster: "X" });
    const big: JourneyEvent[] = [];
    for (let i = 0; i < 100_000; i++) big.push({ id: `e${i}`, at: pst("11-01T00:00:00") + ((i * 7919) % 100_000), kind: "click", webmaster: `w${i % 13}` });
    const r = attribute(rules, order([shoe]), big);
    expect(r.lines[0]!.webmaster).toBe("w0");
    expect(r.steps).toBeLessThanOrEqual(3 * 100_000);
  });
});

describe("attribution without explanation", () => {
  it("gives the same winners, rules and commissions", () => {
    const lines = [shoe, { id: "l2", sku: "lamp", quantity: 2, paidMinor: 5_001 }];
    const journey = [
      ev("a", "11-01T00:00:00", "click", "X", "shoe"),
      ev("b", "11-02T00:00:00", "cart", "Y"),
      ev("c", "11-10T06:00:00", "click", "Z", "lamp"),
      ev("d", "11-10T07:00:00", "coupon", "Z", "lamp"),
    ];
    const full = attribute(rules, order(lines), journey);
    const fast = attribute(rules, order(lines), journey, { explain: false });
    expect(fast.lines.map(({ losers: _l, ...rest }) => rest)).toEqual(full.lines.map(({ losers: _l, ...rest }) => rest));
    expect(fast.lines.map((l) => l.webmaster)).toEqual(["Y", "Z"]);
  });
});

describe("attribution rules from declarations", () => {
  const sources = {
    priority: { file: "a.promo", line: 2, column: 3, text: "priority cart > coupon > click" },
    "window:0": { file: "a.promo", line: 3, column: 3, text: "first-cookie during fc" },
    default: { file: "a.promo", line: 4, column: 3, text: "last-cookie otherwise" },
    sale: { file: "a.promo", line: 5, column: 3, text: "payment during sale" },
    coupon: { file: "a.promo", line: 6, column: 3, text: "exclude coupon-via-another-webmaster" },
  };
  it("a declared priority reorders the actions, and the explanation names it", () => {
    const r = attribute({ ...rules, priority: ["cart", "coupon", "click"], couponExclusion: false, sources }, order([shoe], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "coupon", "X", "shoe"),
      ev("b", "11-10T07:00:00", "cart", "Y", "shoe"),
    ]);
    expect(r.lines[0]).toMatchObject({ webmaster: "Y", decidedBy: "priority", rule: { name: "priority", source: sources.priority } });
    expect(r.lines[0]!.losers).toEqual([{ event: "a", reason: "lower priority action: coupon activation (add to cart > coupon activation > click)" }]);
  });
  it("an invalid priority is an error at rules.priority", () => {
    const r = attribute({ ...rules, priority: ["cart", "cart", "click"] }, order([shoe]), []);
    expect(r.errors.map((e) => e.path)).toEqual(["rules.priority"]);
  });
  it("the deciding rule is the window, the default model, the sale period or the coupon exclusion", () => {
    const withSources = { ...rules, sources };
    const inWindow = attribute(withSources, order([shoe]), [ev("a", "11-01T00:00:00", "click", "X", "shoe")]);
    expect(inWindow.lines[0]!.rule?.name).toBe("window:0");
    const late = attribute(withSources, order([shoe], pst("11-11T00:00:00")), [ev("a", "11-10T06:00:00", "click", "X", "shoe")]);
    expect(late.lines[0]!.rule?.name).toBe("default");
    const unpaid = attribute(withSources, order([shoe], pst("11-12T05:00:00")), [ev("a", "11-11T00:00:00", "click", "X", "shoe")]);
    expect(unpaid.lines[0]!.rule).toEqual({ name: "sale", source: sources.sale });
    const coupon = attribute(withSources, order([shoe], pst("11-11T00:00:00")), [
      ev("a", "11-10T06:00:00", "coupon", "A"),
      ev("b", "11-10T07:00:00", "coupon", "B", "shoe"),
    ]);
    expect(coupon.lines[0]!.rule?.name).toBe("coupon");
    expect(
      attribute({ ...withSources, couponExclusion: false }, order([shoe], pst("11-11T00:00:00")), [
        ev("a", "11-10T06:00:00", "coupon", "A"),
        ev("b", "11-10T07:00:00", "coupon", "B", "shoe"),
      ]).lines[0]!.webmaster,
    ).toBe("B");
  });
  it("goods named like Object.prototype members get no featured rate by accident", () => {
    const r = attribute(
      rules,
      order([
        { id: "l1", sku: "constructor", quantity: 1, paidMinor: 1_000 },
        { id: "l2", sku: "__proto__", quantity: 1, paidMinor: 1_000 },
      ]),
      [ev("a", "11-01T00:00:00", "click", "X")],
    );
    expect(r.lines.map((l) => l.rateBp)).toEqual([300, 300]);
  });
});
