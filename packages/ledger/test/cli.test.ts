import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnPromo, STACK_TRACE_LINE } from "../../../test/helpers/cli.js";
import { sqliteLedger } from "../src/index.js";
import { describePostgres, freshPostgres, scratchDir } from "./stores.js";

/** `promo ledger init|status|usage` against a SQLite file and a PostgreSQL server, through the real bin. */
const RULES = `currency USD

promotion launch {
  title "Launch coupon"
  kind platform-coupon
  code "LAUNCH5"
  give 5.00 USD off order
  limit 1 per customer
  limit budget 5000.00 USD
  limit 1 per order
  on cancel keep use
}
`;

const scratch = scratchDir();
afterAll(() => scratch.remove());
const rules = join(scratch.dir, "launch.promo");
writeFileSync(rules, RULES);

function promo(...args: string[]) {
  const run = spawnPromo(args);
  expect(run.stderr).not.toMatch(STACK_TRACE_LINE);
  return run;
}

async function exercise(store: string, version = 2) {
  expect(promo("ledger", "init", "--store", store)).toMatchObject({ status: 0, stdout: expect.stringContaining(`schema version ${version}, ready`) });
  expect(promo("ledger", "init", "--store", store).status).toBe(0);
  expect(promo("ledger", "status", "--store", store)).toMatchObject({
    status: 0,
    stdout: expect.stringContaining("0 held, 0 expired holds, 0 committed, 0 cancelled"),
  });
}

describe("promo ledger on SQLite", () => {
  const path = join(scratch.dir, "ledger.db");
  const store = `sqlite:${path}`;

  it("refuses to read a ledger that does not exist", () => {
    const run = promo("ledger", "status", "--store", store);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`promo: ledger ${store}: no such file (run 'promo ledger init' first)\n`);
  });

  it("creates the schema idempotently and reports status", () => exercise(store));

  it("lists a promotion's use by limit, with money in the rules' currency", async () => {
    const ledger = await sqliteLedger(path);
    await ledger.reserve("o1", [
      { promotion: "launch", limit: 0, key: "launch|count|customer:c1", amount: 1, max: 1, onCancel: "keep" },
      { promotion: "launch", limit: 1, key: "launch|budget", amount: 500, max: 500000, onCancel: "keep" },
    ]);
    await ledger.commit("o1");
    await ledger.reserve("o2", [{ promotion: "launch", limit: 1, key: "launch|budget", amount: 250, max: 500000, onCancel: "keep" }]);
    await ledger.close();
    const run = promo("ledger", "usage", "launch", rules, "--store", store);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        `launch in ${store}`,
        "  limit 1 per customer",
        "    key                       used  held  max  left",
        "    launch|count|customer:c1     1     0    1     0",
        "  limit budget 5000.00 USD",
        "    key                used      held          max         left",
        "    launch|budget  5.00 USD  2.50 USD  5000.00 USD  4992.50 USD",
        "  limit 1 per order  (settled within each order; nothing recorded)",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(promo("ledger", "usage", "launch", "--store", store, "--json").stdout);
    expect(json.counters).toEqual([
      { key: "launch|budget", used: 500, held: 250, max: 500000 },
      { key: "launch|count|customer:c1", used: 1, held: 0, max: 1 },
    ]);
    expect(JSON.parse(promo("ledger", "status", "--store", path, "--json").stdout)).toMatchObject({ orders: { held: 1, committed: 1 }, counters: 2 });
  });

  it("shows each hot limit's spent, reserved, leased and free budget, and its slices", async () => {
    const ledger = await sqliteLedger(path, { hot: { keys: ["launch|budget"], slices: 2, refill: 1000 } });
    await ledger.reserve("h1", [{ promotion: "launch", limit: 1, key: "launch|budget", amount: 300, max: 500000, onCancel: "keep" }]);
    await ledger.commit("h1");
    await ledger.reserve("h2", [{ promotion: "launch", limit: 1, key: "launch|budget", amount: 200, max: 500000, onCancel: "keep" }]);
    await ledger.close();
    const text = promo("ledger", "status", "--store", store).stdout;
    expect(text).toContain("  hot limit launch|budget  max 500000: 800 spent, 450 reserved, 500 leased, 498250 free\n");
    expect(text).toMatch(/ {4}slice +cap +spent +reserved +free\n/);
    const json = JSON.parse(promo("ledger", "status", "--store", store, "--json").stdout);
    const hot = json.hot.find((h: { key: string }) => h.key === "launch|budget");
    expect(hot).toMatchObject({ max: 500000, spent: 800, reserved: 450, leased: 500, free: 498250 });
    expect(hot.slices).toHaveLength(2);
  });

  it("names an unknown promotion, with a suggestion", () => {
    const run = promo("ledger", "usage", "lanuch", rules, "--store", store);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`promo: unknown promotion 'lanuch' in ${rules}; did you mean 'launch'?\n`);
  });

  it("explains usage mistakes", () => {
    expect(promo("ledger", "status").stderr).toContain("missing the store");
    expect(promo("ledger", "usage", "--store", store).stderr).toContain("missing the promotion");
    expect(promo("ledger", "stats", "--store", store).stderr).toContain("unknown action 'stats'; did you mean 'status'?");
    expect(promo("ledger", "status", "--store", "mysql://x").stderr).toContain("unknown ledger store 'mysql://x'");
    expect(promo("ledger", "status", "--store", "mysql://x").status).toBe(2);
  });
});

describePostgres("promo ledger on PostgreSQL", () => {
  it("creates the schema idempotently and reports status", async () => {
    const db = await freshPostgres();
    try {
      await exercise(db.url, 4);
      expect(promo("ledger", "usage", "launch", rules, "--store", db.url).stdout).toContain("no use recorded");
    } finally {
      await db.drop();
    }
  });

  it("says clearly when the server cannot be reached", () => {
    const run = promo("ledger", "status", "--store", "postgres://promo:secret@127.0.0.1:1/nowhere");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("promo: ledger postgres://promo@127.0.0.1:1/nowhere: cannot reach the database server (ECONNREFUSED)\n");
  });
});
