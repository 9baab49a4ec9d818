import type { NormalizedCart, PricingResult } from "@promo/runtime";
import { describe, expect, it } from "vitest";
import { buildReport, tallyFromReport, type ReportMeta } from "../src/report.js";
import { depthBucket, emptyTally, mergeTally, recordCart, recordProblem, type Tally } from "../src/tally.js";

/** The tally's building blocks on hand-made results: funding, depth buckets, merge order, problem lists. */

const META: ReportMeta = {
  currency: "USD",
  rules: { current: { label: "r", promotions: [] }, against: null },
  incomplete: [],
  notes: [],
  shards: null,
  sample: null,
  initialUsage: false,
  run: null,
};

function cart(at: string, lines: { id: string; store: string; subtotal: number }[]): NormalizedCart {
  return { currency: "USD", at: Date.parse(at), lines } as unknown as NormalizedCart;
}

function result(subtotal: string, applied: PricingResult["applied"], lines: PricingResult["lines"]): PricingResult {
  const cost = applied.reduce((a, p) => a + Number(p.amount.replace(".", "")), 0);
  const total = Number(subtotal.replace(".", "")) - cost;
  const money = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`;
  return {
    currency: "USD",
    subtotal,
    discount: money(cost),
    coins: { used: 0, amount: "0.00", earned: 0 },
    shipping: "0.00",
    total: money(total),
    optimal: true,
    applied,
    rejected: [],
    lines,
  };
}

describe("tally", () => {
  it("depth buckets: 5% steps in exact integers, 100% and more in the last", () => {
    expect(depthBucket(0, 1000)).toBe(0);
    expect(depthBucket(49, 1000)).toBe(0);
    expect(depthBucket(50, 1000)).toBe(1);
    expect(depthBucket(999, 1000)).toBe(19);
    expect(depthBucket(1000, 1000)).toBe(19);
    expect(depthBucket(5, 0)).toBe(0);
  });

  it("splits cost by funder only when results carry funding, and says so", () => {
    const funded = emptyTally(false);
    recordCart(
      funded.current,
      "c1",
      cart("2026-11-11T02:30:00Z", [{ id: "l1", store: "acme", subtotal: 2000 }]),
      result(
        "20.00",
        [
          {
            id: "p",
            title: "P",
            kind: "automatic",
            amount: "3.00",
            lines: [{ line: "l1", amount: "3.00" }],
            funding: [
              { funder: "platform", amount: "2.00" },
              { funder: "acme", amount: "1.00" },
            ],
          } as never,
        ],
        [{ id: "l1", subtotal: "20.00", discount: "3.00", total: "17.00" }],
      ),
    );
    recordCart(
      funded.current,
      "c2",
      cart("2026-11-11T03:10:00Z", [{ id: "l1", store: "acme", subtotal: 1000 }]),
      result(
        "10.00",
        [{ id: "p", title: "P", kind: "automatic", amount: "1.50", lines: [{ line: "l1", amount: "1.50" }], funder: "acme" } as never],
        [{ id: "l1", subtotal: "10.00", discount: "1.50", total: "8.50" }],
      ),
    );
    const report = buildReport(funded, META);
    expect(report.funding.declared).toBe(true);
    const p = report.current.promotions[0]!;
    expect(p.byFunder).toEqual([
      { funder: "acme", cost: "2.50" },
      { funder: "platform", cost: "2.00" },
    ]);
    expect(p.byHour).toEqual([
      { hour: "2026-11-11T02:00:00Z", redemptions: 1, cost: "3.00" },
      { hour: "2026-11-11T03:00:00Z", redemptions: 1, cost: "1.50" },
    ]);
    expect(p.depth[3]).toBe(2); // 15% of both carts
    expect(p.max).toBe("3.00");
    expect(p.maxCart).toBe("c1");
    expect(p.average).toBe("2.25");

    const plain = emptyTally(false);
    recordCart(
      plain.current,
      "c1",
      cart("2026-11-11T02:30:00Z", [{ id: "l1", store: "acme", subtotal: 2000 }]),
      result(
        "20.00",
        [{ id: "p", title: "P", kind: "automatic", amount: "3.00", lines: [{ line: "l1", amount: "3.00" }] }],
        [{ id: "l1", subtotal: "20.00", discount: "3.00", total: "17.00" }],
      ),
    );
    const plainReport = buildReport(plain, META);
    expect(plainReport.funding).toEqual({ declared: false, note: "no funding declared in the results: cost is reported as one figure (not split by funder)" });
    expect(plainReport.current.promotions[0]!.byFunder).toBeNull();
  });

  it("merges in any order to the same report, and round-trips through the report", () => {
    const parts: Tally[] = [];
    for (let k = 0; k < 3; k++) {
      const t = emptyTally(false);
      for (let i = 0; i < 5; i++) {
        const id = `c${k}${i}`;
        const amount = 100 + ((k * 7 + i * 3) % 5) * 50;
        const money = `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
        recordCart(
          t.current,
          id,
          cart(`2026-11-1${k}T0${i}:00:00Z`, [{ id: "l1", store: `s${i % 2}`, subtotal: 1000 }]),
          result(
            "10.00",
            [{ id: "p", title: "P", kind: "automatic", amount: money, lines: [{ line: "l1", amount: money }] }],
            [{ id: "l1", subtotal: "10.00", discount: money, total: "x" }],
          ),
        );
        recordProblem(t.input, { file: `f${k}`, line: i + 1, path: "", message: "bad" });
      }
      parts.push(t);
    }
    const merge = (order: number[]) => {
      const into = emptyTally(false);
      for (const i of order) mergeTally(into, tallyFromReport(buildReport(parts[i]!, META)));
      return buildReport(into, META);
    };
    const a = merge([0, 1, 2]);
    expect(merge([2, 0, 1])).toEqual(a);
    expect(merge([1, 2, 0])).toEqual(a);
    expect(a.input.problems.map((p) => `${p.file}:${p.line}`).slice(0, 6)).toEqual(["f0:1", "f0:2", "f0:3", "f0:4", "f0:5", "f1:1"]);
    expect(a.current.carts).toBe(15);
    expect(buildReport(tallyFromReport(a), META)).toEqual(a);
  });
});
