import { describe, expect, it } from "vitest";
import { openPostgresReservations } from "../src/reserve-postgres.js";

const URL = process.env["PROMO_TEST_POSTGRES_URL"];
if (URL === undefined) console.log("campaign PostgreSQL tests skipped: PROMO_TEST_POSTGRES_URL is not set");

describe.skipIf(URL === undefined)("PostgreSQL reserved units", () => {
  it("64 concurrent checkouts against 10 registered units sell exactly 10", async () => {
    const store = await openPostgresReservations(URL!, 16);
    const campaign = `11.11-${process.pid}-${Date.now()}`;
    await store.register(campaign, "sku-1", 10);
    const results = await Promise.all(Array.from({ length: 64 }, () => store.take(campaign, "sku-1", 1)));
    expect(results.filter(Boolean).length).toBe(10);
    expect(await store.sold(campaign, "sku-1")).toBe(10);
    await store.close();
  });
});
