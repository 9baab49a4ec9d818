import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openSqliteReservations } from "../src/reserve-sqlite.js";

const dist = fileURLToPath(new URL("../dist/reserve-sqlite.js", import.meta.url));

describe("SQLite reserved units under a kill", () => {
  it("a process killed mid-reservation loses no committed unit and never over-sells", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "campaign-kill-")), "units.db");
    const store = openSqliteReservations(path);
    store.register("11.11", "sku-1", 100_000);
    const script = `import { openSqliteReservations } from ${JSON.stringify(dist)};
const s = openSqliteReservations(${JSON.stringify(path)});
for (;;) if (s.take("11.11", "sku-1", 1)) process.stdout.write("+");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        acknowledged += d.length;
        if (acknowledged >= 200) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
    });
    const sold = store.sold("11.11", "sku-1");
    // Every acknowledged take is stored; at most the one in flight when killed is stored without acknowledgement.
    expect(sold).toBeGreaterThanOrEqual(acknowledged);
    expect(sold).toBeLessThanOrEqual(100_000);
    store.close();
  });
});
