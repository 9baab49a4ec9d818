import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openSqliteRegistry } from "../src/registry-sqlite.js";
import { AT, POLICY, tee } from "./registry-policy.js";

const dist = fileURLToPath(new URL("../dist/registry-sqlite.js", import.meta.url));

describe("SQLite registry under a kill", () => {
  it("a process killed mid-edit leaves every registration whole: units, version, history and reserved units agree", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "campaign-registry-kill-")), "promo.db");
    const registry = openSqliteRegistry(path);
    await registry.register(tee("11.11"), AT, POLICY);
    const script = `import { openSqliteRegistry } from ${JSON.stringify(dist)};
const r = openSqliteRegistry(${JSON.stringify(path)}); const policy = ${JSON.stringify(POLICY)};
for (let i = 0; ; i++) {
  const o = await r.edit("11.11", "tee-1", "tee-1-S", { addUnits: 1 }, ${AT}, policy);
  if (o.ok) process.stdout.write("+");
  await r.register({ campaign: "11.11", product: "p-" + i, shippingModel: "free", skus: [{ sku: "p-" + i, discountPercent: 10, units: 1, originalPrice: 100 }] }, ${AT}, policy);
}`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        acknowledged += d.length;
        if (acknowledged >= 150) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
    });
    const record = (await registry.get("11.11", "tee-1"))!;
    const units = record.skus.find((s) => s.sku === "tee-1-S")!.units;
    // Every acknowledged edit is stored; at most the one in flight when killed is stored without acknowledgement.
    expect(units - 10).toBeGreaterThanOrEqual(acknowledged);
    expect(record.version).toBe(1 + (units - 10));
    expect(record.history.filter((h) => h.event === "edit").length).toBe(units - 10);
    // The reserved units moved in the same transactions.
    await registry.review("11.11", "tee-1", "approve", AT);
    expect((await registry.saleSkus("11.11")).find((s) => s.sku === "tee-1-S")!.remainingUnits).toBe(units);
    // A registration is there with its SKU and history, or not at all.
    for (const r of await registry.list("11.11")) {
      expect(r.skus.length).toBeGreaterThan(0);
      expect(r.history[0]!.event).toBe("register");
    }
    await registry.close();
  });
});
