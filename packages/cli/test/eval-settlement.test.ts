import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/main.js";

/** `promo eval --explain` and `--settlement`: the per-store settlement (docs/language.md, Settlement). */
const RULES = `currency USD

commission {
  category "electronics" 5%
  default 8%
}

promotion store10 {
  title "10% off"
  kind automatic
  give 10% off order
  funded by platform 70%, seller 30%
}

promotion ship {
  title "free shipping"
  kind shipping
  give free shipping
}
`;

const CART = {
  currency: "USD",
  at: "2026-11-11T00:00:00Z",
  shipping: { price: "5.00" },
  lines: [
    { id: "a", sku: "A", store: "acme", category: "electronics", unitPrice: "20.00", quantity: 3 },
    { id: "b", sku: "B", store: "zed", category: "fashion", unitPrice: "9.99", quantity: 1 },
  ],
};

const dir = mkdtempSync(join(tmpdir(), "promo-eval-settlement-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "rules.promo"), RULES);
writeFileSync(join(dir, "cart.json"), JSON.stringify(CART));

async function promo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, cwd: dir, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe("promo eval settlement", () => {
  it("--explain prints one row per store and the totals, funded amounts split by funder", async () => {
    const r = await promo(["eval", "rules.promo", "--cart", "cart.json", "--explain"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Settlement (USD; P platform-funded, S seller-funded)");
    // Shipping 5.00 over the stores by items 60.00 : 9.99 (4.29 and 0.71); the seller funds free shipping.
    expect(r.stdout).toMatch(/^ {2}acme +60\.00 +6\.00 \(P 4\.20 \/ S 1\.80\) +0\.00 +4\.29 +4\.29 S +54\.00 +2\.91 +55\.29$/m);
    expect(r.stdout).toMatch(/^ {2}zed +9\.99 +1\.00 \(P 0\.70 \/ S 0\.30\) +0\.00 +0\.71 +0\.71 S +8\.99 +0\.78 +8\.91$/m);
    expect(r.stdout).toMatch(/^ {2}total +69\.99 +7\.00 \(P 4\.90 \/ S 2\.10\) +0\.00 +5\.00 +5\.00 S +62\.99 +3\.69 +64\.20$/m);
    expect(r.stdout).toContain("commission rates: a 5%, b 8%");
  });

  it("--json includes the settlement only with --settlement", async () => {
    const plain = JSON.parse((await promo(["eval", "rules.promo", "--cart", "cart.json", "--json"])).stdout) as Record<string, unknown>;
    expect(plain["settlement"]).toBeUndefined();
    const r = await promo(["eval", "rules.promo", "--cart", "cart.json", "--json", "--settlement"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { total: string; settlement: { stores: { store: string; sellerNet: string }[]; totals: { paid: string } } };
    expect(doc.settlement.stores.map((s) => [s.store, s.sellerNet])).toEqual([
      ["acme", "55.29"],
      ["zed", "8.91"],
    ]);
    expect(doc.settlement.totals.paid).toBe(doc.total);
  });

  it("--settlement adds the table to the plain report", async () => {
    const r = await promo(["eval", "rules.promo", "--cart", "cart.json", "--settlement"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Settlement (USD");
  });
});
