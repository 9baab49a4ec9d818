import { describe, expect, it } from "vitest";
import { interpreterEvaluator } from "../../dsl/src/interpreter/evaluator.js";
import { checkProject } from "../../dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../dsl/src/project/host.js";
import { evaluateWithLedger, memoryLedger } from "../src/index.js";

/** Checkout end to end: price with the ledger's usage, reserve what the result asks, commit; the limits bite. */
const RULES = `currency USD

promotion launch {
  title "Launch coupon: 5.00 USD off"
  kind platform-coupon
  code "LAUNCH5"
  give 5.00 USD off order
  limit 1 per customer
  limit budget 12.00 USD
}

promotion always {
  title "1.00 USD off"
  kind automatic
  give 1.00 USD off order
}
`;
const { project, diagnostics } = checkProject(["/rules.promo"], memoryHost({ "/rules.promo": RULES }));
const evaluator = interpreterEvaluator(project);
const cart = (customer: string) => ({
  currency: "USD",
  at: "2026-11-11T12:00:00Z",
  customer: { id: customer },
  lines: [{ id: "l1", sku: "A", unitPrice: "30.00", quantity: 1 }],
  coupons: [{ code: "LAUNCH5" }],
});

describe("evaluateWithLedger", () => {
  it("prices with current use, and a checkout reserves and commits what the result says", async () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const ledger = memoryLedger();
    const checkout = async (orderId: string, customer: string) => {
      const result = await evaluateWithLedger(ledger, (usage) => evaluator.evaluate(cart(customer), { usage }), { orderId });
      const reserved = await ledger.reserve(orderId, result);
      if (reserved.ok) await ledger.commit(orderId);
      return { result, reserved };
    };
    const first = await checkout("o1", "c1");
    expect(first.result.discount).toBe("6.00");
    expect(first.reserved.ok).toBe(true);
    // The same customer again: the per-customer limit rejects the coupon.
    const again = await checkout("o2", "c1");
    expect(again.result.rejected).toEqual([
      expect.objectContaining({ id: "launch", reason: "limit", message: 'limit 1 per customer is used up: 1 of 1 used by customer "c1"' }),
    ]);
    expect(again.result.discount).toBe("1.00");
    // Two more customers: 5.00 + 5.00 of the 12.00 budget; the third gets what is left, 2.00.
    await checkout("o3", "c2");
    const last = await checkout("o4", "c3");
    expect(last.result.applied.find((a) => a.id === "launch")).toMatchObject({ amount: "2.00" });
    expect(await ledger.usage("launch")).toContainEqual({ key: "launch|budget", used: 1200, held: 0, max: 1200 });
    const spent = await checkout("o5", "c4");
    expect(spent.result.rejected[0]).toMatchObject({
      id: "launch",
      reason: "limit",
      message: "limit budget 12.00 USD is used up: 12.00 USD of 12.00 USD used",
    });
  });

  it("prices once when the program has no limits", async () => {
    let calls = 0;
    const plain = interpreterEvaluator(
      checkProject(["/p.promo"], memoryHost({ "/p.promo": RULES.slice(RULES.indexOf("promotion always")).replace(/^/, "currency USD\n\n") })).project,
    );
    await evaluateWithLedger(memoryLedger(), (usage) => (calls++, plain.evaluate(cart("c1"), { usage })));
    expect(calls).toBe(1);
  });

  it("leaves an order's own hold out of its usage, so re-pricing a reserved order does not reject it", async () => {
    const ledger = memoryLedger();
    const price = (orderId: string) => evaluateWithLedger(ledger, (usage) => evaluator.evaluate(cart("c9"), { usage }), { orderId });
    expect((await ledger.reserve("o1", await price("o1"))).ok).toBe(true);
    expect((await price("o1")).rejected).toEqual([]);
    expect((await price("o2")).rejected[0]).toMatchObject({ reason: "limit" });
  });
});
