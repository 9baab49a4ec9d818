import { describe, expect, it } from "vitest";
import { compactProgramData, fundersOf, hydrateProgram, packProgramData, type ProgramData, type PromotionData } from "../src/index.js";

const base: PromotionData = {
  id: "plain",
  title: "Plain",
  kind: "automatic",
  currency: "USD",
  priority: null,
  code: null,
  valid: null,
  collect: null,
  expires: null,
  lock: null,
  transferable: true,
  condition: null,
  conditionAfterDiscounts: false,
  reads: [],
  benefit: { type: "amount", amount: 100, target: { scope: null, label: "the order" } },
  exclusiveWith: null,
  combinesWith: [],
  index: null,
  limits: [],
  onCancel: "return",
  funders: { platform: 0, seller: 1 },
  onReturn: "keep",
  source: { file: "rules.promo", line: 3, column: 1 },
};

// Every field away from its default, and funders that are not the kind's default.
const busy: PromotionData = {
  ...base,
  id: "busy",
  kind: "platform-coupon",
  priority: 2,
  code: "SAVE",
  valid: { start: 0, end: 10, zone: "UTC" },
  collect: { start: 0, end: 5, zone: "UTC" },
  expires: { amount: 3, unit: "days", zone: "UTC" },
  lock: { amount: 1, unit: "hours", zone: "UTC" },
  transferable: false,
  condition: 0,
  conditionAfterDiscounts: true,
  reads: ["customer.attributes.tier"],
  exclusiveWith: ["plain"],
  combinesWith: ["other"],
  index: { skus: ["A"] },
  limits: [{ kind: "count", count: 1, per: "customer", period: null } as never],
  onCancel: "keep",
  funders: { platform: 70, seller: 30 },
  onReturn: "recover",
};

const data: ProgramData = {
  promotions: [
    base,
    busy,
    { ...base, id: "seller-paid-platform-kind", kind: "platform-coupon", funders: { platform: 0, seller: 1 } },
    { ...base, id: "all", exclusiveWith: "all" },
  ],
  stacking: [],
  selection: "best-for-buyer",
  earn: [],
};

const condition = () => undefined;

describe("compact program data", () => {
  it("leaves out exactly the fields that equal their defaults", () => {
    const [plain, full, sellerPaid] = compactProgramData(data).promotions;
    expect(Object.keys(plain!).sort()).toEqual(["benefit", "currency", "id", "kind", "source", "title"]);
    expect(Object.keys(full!).sort()).toEqual(Object.keys(busy).sort());
    // A platform kind paid by the seller is not the default: it stays.
    expect(sellerPaid!.funders).toEqual({ platform: 0, seller: 1 });
  });

  it("hydrates to the same specs as the full data, every spec with the same fields in the same order", () => {
    const full = hydrateProgram(data, [condition], []);
    const compact = hydrateProgram(JSON.parse(JSON.stringify(compactProgramData(data))), [condition], []);
    const shape = (p: object) => Object.keys(p).join(",");
    for (let i = 0; i < data.promotions.length; i++) {
      const a = full.promotions[i]!;
      const b = compact.promotions[i]!;
      // What a left-out funders or onReturn means is what the settlement reads: fundersOf, and "keep".
      expect({ ...b, funders: fundersOf(b), onReturn: b.onReturn ?? "keep" }).toEqual({ ...a, funders: fundersOf(a), onReturn: a.onReturn ?? "keep" });
      expect(shape(b)).toBe(shape(compact.promotions[0]!));
    }
    // Left out, funders mean the kind's default; kept, the same weights.
    expect(compact.promotions[0]!.funders).toBeUndefined();
    expect(compact.promotions[1]!.funders).toEqual({ platform: 70, seller: 30 });
  });

  it("hydrates packed data (what bundles carry) to the same program as compact data", () => {
    const packed = JSON.parse(JSON.stringify(packProgramData(data)));
    expect(packed.packed).toBe(1);
    expect(hydrateProgram(packed, [condition], [])).toEqual(hydrateProgram(JSON.parse(JSON.stringify(compactProgramData(data))), [condition], []));
  });
});
