import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openSqliteRegistry } from "../src/registry-sqlite.js";
import { openSqliteReservations } from "../src/reserve-sqlite.js";
import { AT, POLICY, tee } from "./registry-policy.js";

const dist = fileURLToPath(new URL("../dist/registry-sqlite.js", import.meta.url));

function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), "campaign-registry-")), "promo.db");
}

/** Runs `body` in a separate node process with `r`, an open registry on `path`; resolves with what it prints. */
function inProcess(path: string, body: string): Promise<string> {
  const script = `import { openSqliteRegistry } from ${JSON.stringify(dist)};
const policy = ${JSON.stringify(POLICY)};
const r = openSqliteRegistry(${JSON.stringify(path)}); let out = "";
${body}
await r.close(); process.stdout.write(out);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe("SQLite campaign registry", () => {
  it("records a registration with its SKUs, shipping model snapshot, instant and reserved units", async () => {
    const path = tempDb();
    const r = openSqliteRegistry(path);
    const outcome = await r.register(tee("11.11"), AT, POLICY);
    expect(outcome).toMatchObject({ ok: true, record: { status: "under-review", shippingModel: "free", registeredAt: AT, version: 1 } });
    expect((await r.get("11.11", "tee-1"))?.skus.map((s) => s.sku)).toEqual(["tee-1-M", "tee-1-S"]);
    expect(await r.register(tee("11.11"), AT, POLICY)).toEqual({ ok: false, reasons: ["already-registered"] });
    // Registered units are reserved: a sale takes them from campaign_units in the same store.
    const units = openSqliteReservations(path);
    expect(units.take("11.11", "tee-1-S", 10)).toBe(true);
    expect(units.take("11.11", "tee-1-S", 1)).toBe(false);
    units.close();
    await r.close();
  });

  it("refuses registration outside the registration period", async () => {
    const r = openSqliteRegistry(tempDb());
    expect(await r.register(tee("11.11"), Date.parse("2026-09-30T15:59:59Z"), POLICY)).toEqual({ ok: false, reasons: ["registration-not-open"] });
    expect(await r.register(tee("11.11"), Date.parse(POLICY.calendar.registrationCloses), POLICY)).toEqual({ ok: false, reasons: ["registration-closed"] });
    await r.close();
  });

  it("applies the edit policy: increase until one day before the close, never decrease, units only up, price locked", async () => {
    const r = openSqliteRegistry(tempDb());
    await r.register(tee("11.11"), AT, POLICY);
    const until = Date.parse(POLICY.edits[0]!.until!);
    expect(await r.edit("11.11", "tee-1", "tee-1-S", { discountPercent: 15 }, AT, POLICY)).toEqual({ ok: false, reasons: ["discount-decrease"] });
    expect(await r.edit("11.11", "tee-1", "tee-1-S", { discountPercent: 25 }, until, POLICY)).toMatchObject({ ok: true });
    expect(await r.edit("11.11", "tee-1", "tee-1-S", { discountPercent: 30 }, until + 60_000, POLICY)).toEqual({
      ok: false,
      reasons: ["discount-edit-window-closed"],
    });
    expect(await r.edit("11.11", "tee-1", "tee-1-S", { units: 8, originalPrice: 2000 }, AT, POLICY)).toEqual({
      ok: false,
      reasons: ["original-price-locked", "units-withdrawn"],
    });
    expect(await r.edit("11.11", "tee-1", "tee-1-L", { units: 12 }, AT, POLICY)).toEqual({ ok: false, reasons: ["sku-not-registered"] });
    const added = await r.edit("11.11", "tee-1", "tee-1-S", { addUnits: 2 }, AT, POLICY);
    expect(added.ok && added.record.skus.find((s) => s.sku === "tee-1-S")).toMatchObject({ discountPercent: 25, units: 12 });
    await r.close();
  });

  it("keeps the status history: under review → approved; removal refused once approved; a penalty removes", async () => {
    const r = openSqliteRegistry(tempDb());
    await r.register(tee("11.11"), AT, POLICY);
    await r.register(tee("11.11", "mug-1"), AT, POLICY);
    expect(await r.review("11.11", "tee-1", "approve", AT + 1)).toMatchObject({ ok: true, record: { status: "approved" } });
    expect(await r.review("11.11", "tee-1", "remove", AT + 2)).toEqual({ ok: false, reasons: ["removal-only-under-review"] });
    expect(await r.review("11.11", "tee-1", "requirement-lost", AT + 3)).toMatchObject({ ok: true, record: { status: "approved" } });
    expect(await r.review("11.11", "tee-1", "penalty", AT + 4)).toMatchObject({ ok: true, record: { status: "removed" } });
    expect(await r.edit("11.11", "tee-1", "tee-1-S", { addUnits: 1 }, AT + 5, POLICY)).toEqual({ ok: false, reasons: ["registration-removed"] });
    expect(await r.review("11.11", "mug-1", "remove", AT + 6)).toMatchObject({ ok: true, record: { status: "removed" } });
    const history = (await r.get("11.11", "tee-1"))!.history.map((h) => `${h.event}:${h.status}`);
    expect(history).toEqual(["register:under-review", "approve:approved", "requirement-lost:approved", "penalty:removed"]);
    expect((await r.list("11.11")).map((x) => x.product)).toEqual(["mug-1", "tee-1"]);
    await r.close();
  });

  it("gives checkout the approved SKUs with the units left, and takes an order's units all or nothing", async () => {
    const r = openSqliteRegistry(tempDb());
    await r.register(tee("11.11"), AT, POLICY);
    await r.register(tee("11.11", "mug-1"), AT, POLICY);
    expect(await r.saleSkus("11.11")).toEqual([]);
    await r.review("11.11", "tee-1", "approve", AT + 1);
    expect(await r.saleSkus("11.11")).toEqual([
      { product: "tee-1", sku: "tee-1-M", discountPercent: 20, remainingUnits: 10 },
      { product: "tee-1", sku: "tee-1-S", discountPercent: 20, remainingUnits: 10 },
    ]);
    expect(
      await r.take("11.11", [
        { sku: "tee-1-S", units: 4 },
        { sku: "tee-1-M", units: 11 },
      ]),
    ).toBe(false);
    expect(
      await r.take("11.11", [
        { sku: "tee-1-S", units: 4 },
        { sku: "tee-1-M", units: 10 },
      ]),
    ).toBe(true);
    expect((await r.saleSkus("11.11")).map((s) => s.remainingUnits)).toEqual([0, 6]);
    await r.close();
  });

  it("64 concurrent checkouts in 8 processes against 10 registered units place exactly 10", async () => {
    const path = tempDb();
    const r = openSqliteRegistry(path);
    await r.register({ ...tee("11.11"), skus: [{ sku: "tee-1-S", discountPercent: 20, units: 10, originalPrice: 2500 }] }, AT, POLICY);
    const orders = `for (let i = 0; i < 8; i++) if (await r.take("11.11", [{ sku: "tee-1-S", units: 1 }])) out += "+";`;
    const placed = await Promise.all(Array.from({ length: 8 }, () => inProcess(path, orders)));
    expect(placed.join("").length).toBe(10);
    await r.review("11.11", "tee-1", "approve", AT);
    expect(await r.saleSkus("11.11")).toEqual([{ product: "tee-1", sku: "tee-1-S", discountPercent: 20, remainingUnits: 0 }]);
    await r.close();
  });

  it("loses no update: 8 processes each add 1 unit 8 times, and 8 processes register the same product at once", async () => {
    const path = tempDb();
    const r = openSqliteRegistry(path);
    await r.register(tee("11.11"), AT, POLICY);
    const adds = `for (let i = 0; i < 8; i++) { const o = await r.edit("11.11", "tee-1", "tee-1-S", { addUnits: 1 }, ${AT}, policy); if (o.ok) out += "+"; }`;
    const added = await Promise.all(Array.from({ length: 8 }, () => inProcess(path, adds)));
    expect(added.join("").length).toBe(64);
    const registers = (i: number) =>
      `const a = await r.register({ campaign: "11.11", product: "same", shippingModel: "free", skus: [{ sku: "same-${i}", discountPercent: 10, units: 1, originalPrice: 100 }] }, ${AT}, policy);
       const b = await r.register({ campaign: "11.11", product: "own-${i}", shippingModel: "free", skus: [{ sku: "own-${i}", discountPercent: 10, units: 1, originalPrice: 100 }] }, ${AT}, policy);
       out = (a.ok ? "1" : "0") + (b.ok ? "1" : "0");`;
    const registered = await Promise.all(Array.from({ length: 8 }, (_, i) => inProcess(path, registers(i))));
    expect(registered.filter((x) => x[0] === "1").length).toBe(1);
    expect(registered.every((x) => x[1] === "1")).toBe(true);
    const record = (await r.get("11.11", "tee-1"))!;
    expect(record.skus.find((s) => s.sku === "tee-1-S")!.units).toBe(10 + 64);
    expect(record.version).toBe(1 + 64);
    expect(record.history.length).toBe(1 + 64);
    expect((await r.list("11.11")).length).toBe(1 + 1 + 8);
    await r.close();
  });
});
