import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openSqliteReservations } from "../src/reserve-sqlite.js";

const dist = fileURLToPath(new URL("../dist/reserve-sqlite.js", import.meta.url));

function checkout(path: string, attempts: number): Promise<number> {
  const script = `import { openSqliteReservations } from ${JSON.stringify(dist)};
const s = openSqliteReservations(${JSON.stringify(path)}); let ok = 0;
for (let i = 0; i < ${attempts}; i++) if (s.take("11.11", "sku-1", 1)) ok++;
s.close(); process.stdout.write(String(ok));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`exit ${code}`))));
  });
}

describe("SQLite reserved units", () => {
  it("64 concurrent checkouts in 8 processes against 10 registered units sell exactly 10", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "campaign-")), "units.db");
    const store = openSqliteReservations(path);
    store.register("11.11", "sku-1", 10);
    const sold = await Promise.all(Array.from({ length: 8 }, () => checkout(path, 8)));
    expect(sold.reduce((a, b) => a + b, 0)).toBe(10);
    expect(store.sold("11.11", "sku-1")).toBe(10);
    expect(store.take("11.11", "sku-1", 1)).toBe(false);
    store.close();
  });
});
