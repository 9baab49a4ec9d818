import { describe, expect, it } from "vitest";
import { checkSource } from "../../src/pipeline/frontend.js";
import { formatSource } from "../../src/index.js";

const coupon = (id: string, kind: string, extra = "") =>
  `promotion ${id} {\n  title "${id}"\n  kind ${kind}\n${kind === "selected-coupon" ? "" : `  code "${id.toUpperCase()}"\n`}  give 1.00 USD off order\n${extra}}\n`;

const warnings = (src: string) =>
  checkSource("t.promo", `currency USD\n${src}`)
    .diagnostics.filter((d) => d.code === "coupons-may-stack")
    .map((d) => d.message.split("'")[1]);

describe("coupons-may-stack", () => {
  it("one coupon: nothing to stack", () => expect(warnings(coupon("a", "platform-coupon"))).toEqual([]));
  it("two coupons, no rule: both reported", () => expect(warnings(coupon("a", "platform-coupon") + coupon("b", "promo-code"))).toEqual(["a", "b"]));
  it("a selected coupon is a coupon", () => expect(warnings(coupon("a", "platform-coupon") + coupon("s", "selected-coupon"))).toEqual(["a", "s"]));
  it("at most 1 of coupons per order: silent", () =>
    expect(warnings(coupon("a", "platform-coupon") + coupon("b", "promo-code") + "stacking {\n  at most 1 of coupons per order\n}\n")).toEqual([]));
  it("a rule by kind speaks of its members only", () =>
    expect(warnings(coupon("a", "platform-coupon") + coupon("b", "promo-code") + "stacking {\n  at most 1 platform-coupon per order\n}\n")).toEqual(["b"]));
  it("exclusive or combines with is explicit", () =>
    expect(warnings(coupon("a", "platform-coupon", "  exclusive\n") + coupon("b", "promo-code", "  combines with a\n"))).toEqual([]));
});

describe("coins cap base", () => {
  it("parses, prints and round-trips 'of order and shipping'", () => {
    const src = `currency USD\n\npromotion c {\n  title "c"\n  kind coins\n  give coins at 100 per 1.00 USD up to 50% of order and shipping\n}\n`;
    const checked = checkSource("t.promo", src);
    expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(formatSource("t.promo", src).text).toBe(src);
  });
});
