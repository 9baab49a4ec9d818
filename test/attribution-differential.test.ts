import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RefAttributionRules, RefJourneyEvent, RefOrder } from "../packages/reference/src/attribution.js";
import { bothEvaluators } from "./helpers/attribution.js";

/**
 * Random journeys: the runtime evaluator and the reference (docs/language.md alone) must agree on every line's
 * winner, rule, rate, per-unit commission, reversal and the set of losing touchpoints. Instants are drawn from a
 * small grid around the window edges so that ties, boundaries and unsorted input are common.
 */
const H = 3_600_000;
const T0 = Date.parse("2026-11-10T00:00:00Z");
const instant = fc.integer({ min: 0, max: 40 }).map((k) => T0 + k * H);
const SKUS = ["S1", "S2", "FEAT"];

const rulesArb: fc.Arbitrary<RefAttributionRules> = fc.record({
  windows: fc.array(
    fc
      .record({ from: instant, len: fc.integer({ min: 0, max: 30 }), model: fc.constantFrom("first-cookie" as const, "last-cookie" as const) })
      .map((w) => ({ from: w.from, to: w.from + w.len * H, model: w.model })),
    { maxLength: 2 },
  ),
  defaultModel: fc.constantFrom("first-cookie" as const, "last-cookie" as const),
  lookbackMs: fc.integer({ min: 0, max: 60 }).map((k) => k * H),
  salePeriod: fc.option(
    fc.tuple(instant, instant).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) })),
    { nil: undefined, freq: 2 },
  ),
  storeRateBp: fc.integer({ min: 295, max: 1200 }),
  featured: fc.option(fc.dictionary(fc.constantFrom(...SKUS), fc.integer({ min: 0, max: 2000 })), { nil: undefined }),
  premium: fc.option(fc.record({ webmasters: fc.subarray(["A", "B", "C"]), rateBp: fc.integer({ min: 0, max: 3000 }), from: instant, to: instant }), {
    nil: undefined,
  }),
  priority: fc.option(fc.shuffledSubarray(["coupon" as const, "cart" as const, "click" as const], { minLength: 3, maxLength: 3 }), { nil: undefined }),
  couponExclusion: fc.option(fc.boolean(), { nil: undefined }),
});

const journeyArb: fc.Arbitrary<RefJourneyEvent[]> = fc
  .array(
    fc.record({
      at: instant,
      kind: fc.constantFrom("click" as const, "click" as const, "cart" as const, "coupon" as const),
      webmaster: fc.constantFrom("A", "B", "C"),
      // Few goods per journey, so that lines have several candidates.
      sku: fc.option(fc.constantFrom("S1", "S2"), { nil: undefined }),
      id: fc.constantFrom("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"),
    }),
    { maxLength: 12 },
  )
  // Mostly unique ids (a duplicate now and then exercises the error path).
  .chain((events) => fc.boolean().map((dup) => (dup ? events : events.map((e, i) => ({ ...e, id: `${e.id}-${i}` })))));

const orderArb: fc.Arbitrary<RefOrder> = fc.record({
  // Payment mostly late in the grid, so that most events count.
  paidAt: fc.oneof(
    instant,
    fc.integer({ min: 30, max: 40 }).map((k) => T0 + k * H),
  ),
  lines: fc
    .array(
      fc.record({
        id: fc.constant("L"),
        sku: fc.constantFrom(...SKUS),
        quantity: fc.integer({ min: 1, max: 5 }),
        paidMinor: fc.integer({ min: 0, max: 100_000 }),
        returnedUnits: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map((lines) => lines.map((l, i) => ({ ...l, id: `L${i}` }))),
});

describe("attribution: runtime vs reference on random journeys", () => {
  it("agree on every line (200 cases)", () => {
    fc.assert(
      fc.property(rulesArb, orderArb, journeyArb, (rules, order, journey) => {
        const { runtime, reference } = bothEvaluators(rules, order, journey);
        expect(runtime).toEqual(reference);
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it("agree on which cookie holds when one kind of action crosses the window edges (100 cases)", () => {
    const windowArb = fc.record({ from: instant, len: fc.integer({ min: 1, max: 30 }) });
    const clicks = fc.array(fc.record({ at: instant, webmaster: fc.constantFrom("A", "B", "C") }), { minLength: 2, maxLength: 8 });
    fc.assert(
      fc.property(windowArb, clicks, ({ from, len }, events) => {
        const rules: RefAttributionRules = {
          windows: [{ from, to: from + len * H, model: "first-cookie" }],
          defaultModel: "last-cookie",
          lookbackMs: 100 * H,
          storeRateBp: 300,
        };
        const order: RefOrder = { paidAt: T0 + 40 * H, lines: [{ id: "L0", sku: "S1", quantity: 1, paidMinor: 1000 }] };
        const journey = events.map((e, i) => ({ ...e, id: `e${i}`, kind: "click" as const, sku: "S1" }));
        const { runtime, reference } = bothEvaluators(rules, order, journey);
        expect(runtime).toEqual(reference);
      }),
      { numRuns: 100, seed: 17 },
    );
  });
});
