import { describe, expect, it } from "vitest";
import { openPostgresRegistry } from "../src/registry-postgres.js";
import { openPostgresReservations } from "../src/reserve-postgres.js";
import { AT, POLICY, tee } from "./registry-policy.js";

const URL = process.env["PROMO_TEST_POSTGRES_URL"];
if (URL === undefined) console.log("campaign registry PostgreSQL tests skipped: PROMO_TEST_POSTGRES_URL is not set");

describe.skipIf(URL === undefined)("PostgreSQL campaign registry", () => {
  const campaign = () => `11.11-${process.pid}-${Math.random().toString(36).slice(2)}`;

  it("registers, edits under the policy, reviews, and reserves the registered units", async () => {
    const r = await openPostgresRegistry(URL!);
    const c = campaign();
    expect(await r.register(tee(c), AT, POLICY)).toMatchObject({ ok: true, record: { status: "under-review", registeredAt: AT } });
    expect(await r.register(tee(c), AT, POLICY)).toEqual({ ok: false, reasons: ["already-registered"] });
    expect(await r.edit(c, "tee-1", "tee-1-S", { discountPercent: 15 }, AT, POLICY)).toEqual({ ok: false, reasons: ["discount-decrease"] });
    expect(await r.edit(c, "tee-1", "tee-1-S", { discountPercent: 25, units: 12 }, AT, POLICY)).toMatchObject({ ok: true });
    expect(await r.review(c, "tee-1", "approve", AT + 1)).toMatchObject({ ok: true, record: { status: "approved" } });
    expect(await r.review(c, "tee-1", "remove", AT + 2)).toEqual({ ok: false, reasons: ["removal-only-under-review"] });
    const history = (await r.get(c, "tee-1"))!.history.map((h) => `${h.event}:${h.status}`);
    expect(history).toEqual(["register:under-review", "edit:under-review", "approve:approved"]);
    expect(await r.saleSkus(c)).toEqual([
      { product: "tee-1", sku: "tee-1-M", discountPercent: 20, remainingUnits: 10 },
      { product: "tee-1", sku: "tee-1-S", discountPercent: 25, remainingUnits: 12 },
    ]);
    expect(
      await r.take(c, [
        { sku: "tee-1-M", units: 3 },
        { sku: "tee-1-S", units: 13 },
      ]),
    ).toBe(false);
    expect((await r.saleSkus(c)).map((s) => s.remainingUnits)).toEqual([10, 12]);
    const units = await openPostgresReservations(URL!);
    expect(await units.take(c, "tee-1-S", 12)).toBe(true);
    expect(await units.take(c, "tee-1-S", 1)).toBe(false);
    await units.close();
    await r.close();
  });

  it("64 concurrent checkouts against 10 registered units place exactly 10", async () => {
    const r = await openPostgresRegistry(URL!, 16);
    const c = campaign();
    await r.register({ ...tee(c), skus: [{ sku: "tee-1-S", discountPercent: 20, units: 10, originalPrice: 2500 }] }, AT, POLICY);
    const placed = await Promise.all(Array.from({ length: 64 }, () => r.take(c, [{ sku: "tee-1-S", units: 1 }])));
    expect(placed.filter(Boolean).length).toBe(10);
    await r.close();
  });

  it("loses no update: 64 concurrent unit additions and 8 concurrent registrations of one product", async () => {
    const r = await openPostgresRegistry(URL!, 16);
    const c = campaign();
    await r.register(tee(c), AT, POLICY);
    const adds = await Promise.all(Array.from({ length: 64 }, () => r.edit(c, "tee-1", "tee-1-S", { addUnits: 1 }, AT, POLICY)));
    expect(adds.every((o) => o.ok)).toBe(true);
    const same = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        r.register(
          { campaign: c, product: "same", shippingModel: "free", skus: [{ sku: `same-${i}`, discountPercent: 10, units: 1, originalPrice: 100 }] },
          AT,
          POLICY,
        ),
      ),
    );
    expect(same.filter((o) => o.ok).length).toBe(1);
    const record = (await r.get(c, "tee-1"))!;
    expect(record.skus.find((s) => s.sku === "tee-1-S")!.units).toBe(10 + 64);
    expect(record.version).toBe(1 + 64);
    expect(record.history.length).toBe(1 + 64);
    await r.close();
  });
});
