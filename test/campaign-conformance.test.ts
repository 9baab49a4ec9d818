/**
 * Campaign checkout conformance (docs/language.md, Platform campaigns, "Checkout during the campaign"): carts
 * rewritten by `campaignCart` for the campaign's phase, then priced by the interpreter, the compiled bundle and
 * the reference evaluator (packages/reference). The expected amounts are computed by hand from the docs text:
 * registered units at the registered discount (rounded half up to the minor unit), the rest at full price, an
 * unregistered SKU of a registered product removed, the campaign's code only on the lines tagged `campaign:11.11`,
 * one coupon per order, and the cart unchanged outside the sale (unless previewed as of the sale).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignCart, type CampaignCartOptions } from "../packages/campaign/src/sale.js";
import { referenceEvaluator } from "../packages/reference/src/index.js";
import { bundledFor, checkRules, cleanEngines, errorsOf, interpreterFor, type Engine } from "./helpers/engines.js";

const RULES = `currency USD

promotion eleven-code {
  title "11.11 code: 10% off products in the campaign"
  kind promo-code
  code "ELEVEN"
  give 10% off (line.tags contains "campaign:11.11")
  funded by platform
}

promotion platform-five {
  title "5.00 USD off products in the campaign"
  kind platform-coupon
  code "PLATFORM5"
  give 5.00 USD off (line.tags contains "campaign:11.11")
}

stacking {
  at most 1 of coupons per order
}
`;

const OPTIONS: CampaignCartOptions = {
  campaign: "11.11",
  calendar: { warmUpStart: "2026-11-03T16:00:00.000Z", saleStart: "2026-11-10T16:00:00.000Z", saleEnd: "2026-11-11T16:00:00.000Z" },
  registered: [
    { product: "tee-1", sku: "tee-1-S", discountPercent: 20, remainingUnits: 2 },
    { product: "tee-1", sku: "tee-1-M", discountPercent: 20, remainingUnits: 10 },
    { product: "cap-1", sku: "cap-1", discountPercent: 15, remainingUnits: 5 },
  ],
};

const SALE = "2026-11-11T02:00:00Z";
const WARM_UP = "2026-11-05T02:00:00Z";
const AFTER = "2026-11-11T16:00:00Z";

const TEES = [
  { id: "a", sku: "tee-1-S", product: "tee-1", unitPrice: "25.00", quantity: 3 },
  { id: "b", sku: "tee-1-L", product: "tee-1", unitPrice: "25.00", quantity: 1 },
  { id: "c", sku: "mug-1", product: "mug-1", unitPrice: "10.00", quantity: 1 },
];

interface Case {
  name: string;
  at: string;
  lines: object[];
  coupons?: string[];
  asOfSale?: boolean;
  expect: { subtotal: string; discount: string; total: string };
}

const CASES: Case[] = [
  // 2 × 20.00 (25.00 − 20%) + 1 × 25.00 beyond the 2 units left + 10.00; size L is not sold.
  {
    name: "sale: registered units at the discount, the rest at full price, L removed",
    at: SALE,
    lines: TEES,
    expect: { subtotal: "75.00", discount: "0.00", total: "75.00" },
  },
  // 10% of tee-1's 65.00, not of the mug.
  {
    name: "sale: the campaign code on registered products only",
    at: SALE,
    lines: TEES,
    coupons: ["ELEVEN"],
    expect: { subtotal: "75.00", discount: "6.50", total: "68.50" },
  },
  // One coupon per order: 6.50 beats 5.00.
  {
    name: "sale: one coupon per order, the better one",
    at: SALE,
    lines: TEES,
    coupons: ["ELEVEN", "PLATFORM5"],
    expect: { subtotal: "75.00", discount: "6.50", total: "68.50" },
  },
  // 9.99 × 15% = 1.4985 → 1.50 (half up) → 8.49 each.
  {
    name: "sale: the discount rounded half up to the cent",
    at: SALE,
    lines: [{ id: "k", sku: "cap-1", product: "cap-1", unitPrice: "9.99", quantity: 2 }],
    expect: { subtotal: "16.98", discount: "0.00", total: "16.98" },
  },
  // Warm-up: shown, not charged; no line is tagged, so the code applies to nothing. 3 × 25 + 25 + 10.
  {
    name: "warm-up: full prices, the code has no campaign line",
    at: WARM_UP,
    lines: TEES,
    coupons: ["ELEVEN"],
    expect: { subtotal: "110.00", discount: "0.00", total: "110.00" },
  },
  {
    name: "warm-up as of the sale: the sale's prices (a preview)",
    at: WARM_UP,
    lines: TEES,
    coupons: ["ELEVEN"],
    asOfSale: true,
    expect: { subtotal: "75.00", discount: "6.50", total: "68.50" },
  },
  { name: "after the sale: the cart as it is", at: AFTER, lines: TEES, coupons: ["ELEVEN"], expect: { subtotal: "110.00", discount: "0.00", total: "110.00" } },
];

const { project, diagnostics } = checkRules(RULES);
let engines: [string, Engine][] = [];

beforeAll(async () => {
  expect(errorsOf(diagnostics)).toEqual([]);
  const reference = referenceEvaluator(project);
  engines = [
    ["interpreter", interpreterFor(project)],
    ["bundle", await bundledFor(RULES)],
    ["reference", { tryEvaluate: (cart: unknown) => reference.tryEvaluate(cart) as ReturnType<Engine["tryEvaluate"]> }],
  ];
}, 120_000);
afterAll(() => cleanEngines());

describe("campaign checkout conformance", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const rewritten = campaignCart(
      { currency: "USD", at: c.at, customer: { id: "c1" }, lines: c.lines, coupons: (c.coupons ?? []).map((code) => ({ code })) },
      { ...OPTIONS, asOfSale: c.asOfSale },
    );
    if ("errors" in rewritten) throw new Error(rewritten.errors.join("; "));
    expect(rewritten.take.length === 0).toBe(c.at !== SALE);
    for (const [name, engine] of engines) {
      const outcome = engine.tryEvaluate(rewritten.cart);
      if (!outcome.ok) throw new Error(`${name}: ${JSON.stringify(outcome.errors)}`);
      const { subtotal, discount, total } = outcome.result;
      expect({ engine: name, subtotal, discount, total }).toEqual({ engine: name, ...c.expect });
    }
  });
});
