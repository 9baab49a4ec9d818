import { join } from "node:path";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { referenceAttribute } from "../packages/reference/src/attribution.js";
import { bundleOf, summarize, type AttributeFn } from "./helpers/attribution.js";

/**
 * The compiled bundle's `attribute(order, journey)` on hostile input: path-named errors, or correct results in
 * counted work (`steps`: one per event plus one per line). No clock.
 */
const RULES = join(import.meta.dirname, "..", "examples", "attribution", "eleven-eleven.promo");
const T = (iso: string) => Date.parse(iso);
const paidAt = T("2026-11-11T10:00:00Z");
const order = { paidAt, lines: [{ id: "L1", sku: "S1", quantity: 2, paidMinor: 10_000 }] };
let attribute: AttributeFn;

beforeAll(async () => {
  attribute = await bundleOf(RULES);
}, 60_000);

describe("the bundle's attribute on hostile journeys", () => {
  it("unsorted events give the same result as sorted ones", () => {
    const events = [
      { id: "c", at: T("2026-11-03T10:00:00Z"), kind: "click", webmaster: "C", sku: "S1" },
      { id: "a", at: T("2026-11-01T10:00:00Z"), kind: "click", webmaster: "A", sku: "S1" },
      { id: "b", at: T("2026-11-02T10:00:00Z"), kind: "cart", webmaster: "B" },
    ];
    const sorted = [...events].sort((x, y) => x.at - y.at);
    expect(summarize(attribute(order, events))).toEqual(summarize(attribute(order, sorted)));
    expect(attribute(order, events).lines[0]).toMatchObject({ webmaster: "B", decidedBy: "priority" });
  });

  it("duplicate ids, bad kinds and a bad order are errors named by path", () => {
    const r = attribute({ paidAt: "soon", lines: [{ id: "L1", sku: "S1", quantity: 0, paidMinor: -1 }] }, [
      { id: "a", at: 1, kind: "click", webmaster: "A" },
      { id: "a", at: 2, kind: "visit", webmaster: "B", sku: 7 },
      null,
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.path)).toEqual([
      "order.paidAt",
      "order.lines[0].quantity",
      "order.lines[0].paidMinor",
      "$[1].id",
      "$[1].kind",
      "$[1].sku",
      "$[2]",
    ]);
    expect(attribute(order, { events: [] } as unknown).errors).toEqual([{ path: "$", message: "journey must be an array" }]);
  });

  it("events after payment are ignored and listed as such", () => {
    const r = attribute(order, [
      { id: "late", at: paidAt + 1, kind: "coupon", webmaster: "Z" },
      { id: "a", at: T("2026-11-01T10:00:00Z"), kind: "click", webmaster: "A", sku: "S1" },
    ]);
    expect(r.lines[0]).toMatchObject({ webmaster: "A", commissionMinor: 300 });
    expect(r.lines[0]!.losers).toEqual([{ event: "late", reason: "after payment" }]);
  });

  it("100,000 events: the same winner as the reference, in one step per event and line", () => {
    const events = [];
    for (let i = 0; i < 100_000; i++)
      events.push({
        id: `e${i}`,
        at: T("2026-11-01T00:00:00Z") + ((i * 7919) % 100_000) * 1000,
        kind: i % 3 === 0 ? "cart" : "click",
        webmaster: `w${i % 13}`,
        sku: i % 2 ? "S1" : undefined,
      });
    const r = attribute(order, events, { explain: false });
    expect(r.steps).toBe(100_001);
    const ref = referenceAttribute(
      {
        windows: [{ from: T("2026-10-28T14:00:00Z"), to: T("2026-11-10T13:00:00Z"), model: "first-cookie" }],
        defaultModel: "last-cookie",
        lookbackMs: 2_592_000_000,
        salePeriod: { from: T("2026-10-28T14:00:00Z"), to: T("2026-11-12T08:00:00Z") },
        storeRateBp: 300,
        featured: { FEAT: 800, "lamp-01": 800 },
        couponExclusion: true,
      },
      order,
      events as never,
    );
    expect(ref.ok && ref.lines[0]!.event).toBe(r.lines[0]!.event);
    expect(r.lines[0]!.rule).toMatchObject({ name: "priority", source: { line: 8, text: "priority coupon > cart > click" } });
  });

  it("more than 200,000 events is one error, without reading them", () => {
    const huge = new Array(200_001).fill(null);
    expect(attribute(order, huge)).toMatchObject({ ok: false, errors: [{ path: "$" }], steps: 0 });
  });

  it("a bundle of rule files without an attribution answers with an error at path rules", async () => {
    const text = 'currency USD\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n}\n';
    const result = await compile(["p.promo"], { host: memoryHost({ "p.promo": text }) });
    expect(result.code).toContain("export function attribute(");
    expect(result.dts).toContain("export declare function attribute(order: AttributionOrder, journey: JourneyEvent[]");
  });

  it("the bundle's JSON Schema covers journeys and attribution orders", async () => {
    const { readFileSync } = await import("node:fs");
    const result = await compile(["examples/attribution/eleven-eleven.promo"], {
      host: memoryHost({ "examples/attribution/eleven-eleven.promo": readFileSync(RULES, "utf8") }),
    });
    const schema = result.schema as { definitions: Record<string, object> };
    const ajv = new Ajv({ strict: false });
    ajv.addSchema(schema, "bundle");
    const journey = ajv.getSchema("bundle#/definitions/journey")!;
    const orderSchema = ajv.getSchema("bundle#/definitions/attributionOrder")!;
    expect(journey([{ id: "a", at: 1, kind: "coupon", webmaster: "A" }])).toBe(true);
    expect(journey([{ id: "a", at: 1, kind: "visit", webmaster: "A" }])).toBe(false);
    expect(orderSchema(order)).toBe(true);
    expect(orderSchema({ paidAt, lines: [{ id: "L", sku: "S", quantity: 1.5, paidMinor: 1 }] })).toBe(false);
  });
});
