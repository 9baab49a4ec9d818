import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openPostgresReservations } from "../src/reserve-postgres.js";

const dist = fileURLToPath(new URL("../dist/reserve-postgres.js", import.meta.url));

const PG_URL = process.env["PROMO_TEST_POSTGRES_URL"];
if (PG_URL === undefined) console.log("campaign PostgreSQL tests skipped: PROMO_TEST_POSTGRES_URL is not set");

describe.skipIf(PG_URL === undefined)("PostgreSQL reserved units", () => {
  it("64 concurrent checkouts against 10 registered units sell exactly 10", async () => {
    const store = await openPostgresReservations(PG_URL!, 16);
    const campaign = `11.11-${randomUUID()}`;
    await store.register(campaign, "sku-1", 10);
    const results = await Promise.all(Array.from({ length: 64 }, () => store.take(campaign, "sku-1", 1)));
    expect(results.filter(Boolean).length).toBe(10);
    expect(await store.sold(campaign, "sku-1")).toBe(10);
    await store.close();
  });

  it("a process killed mid-reservation loses no acknowledged unit, never over-sells and leaves no lock behind", async () => {
    const store = await openPostgresReservations(PG_URL!, 2);
    const campaign = `kill-${randomUUID()}`;
    await store.register(campaign, "sku-1", 100_000);
    // The child prints "+" only after PostgreSQL acknowledged its take (the UPDATE committed).
    const script = `import { openPostgresReservations } from ${JSON.stringify(dist)};
const s = await openPostgresReservations(${JSON.stringify(PG_URL)}, 1);
for (;;) if (await s.take(${JSON.stringify(campaign)}, "sku-1", 1)) process.stdout.write("+");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let acknowledged = 0;
    let errors = "";
    child.stderr.on("data", (d: Buffer) => (errors += d.toString()));
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        acknowledged += d.length;
        if (acknowledged >= 200) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
    });
    expect(errors).toBe("");
    expect(acknowledged).toBeGreaterThanOrEqual(200);
    const sold = await store.sold(campaign, "sku-1");
    // Every acknowledged take is stored; at most the one in flight when killed is stored without acknowledgement.
    expect(sold).toBeGreaterThanOrEqual(acknowledged);
    expect(sold).toBeLessThanOrEqual(acknowledged + 1);
    // The killed session's row lock is gone: a take from another connection goes through at once.
    expect(await store.take(campaign, "sku-1", 1)).toBe(true);
    expect(await store.sold(campaign, "sku-1")).toBe(sold + 1);
    await store.close();
  });
});
