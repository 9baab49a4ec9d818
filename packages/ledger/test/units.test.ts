import type { Reservation } from "@promo/runtime";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpreterEvaluator } from "../../dsl/src/interpreter/evaluator.js";
import { checkProject } from "../../dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../dsl/src/project/host.js";
import { memoryLedger, postgresLedger, sqliteLedger, type Ledger } from "../src/index.js";
import { Checkout } from "./processes.js";
import { describePostgres, freshPostgres, scratchDir } from "./stores.js";

/**
 * Promotional stock (`limit 10 units`, docs/language.md "Limits"): the reservations of a priced cart take its units
 * in the promotion's scope, and the ledger takes them with the same atomicity as counts and budgets. 64 concurrent
 * checkouts of one unit each sell exactly 10 units; checkouts of 3 units sell 3 orders (9 units) and never a part.
 */
const RULES = `currency USD

scope socks = line.tags contains "socks"

promotion flash {
  title "Flash sale: 1.00 USD off each pair of socks"
  kind automatic
  give 1.00 USD off each unit of socks
  limit 10 units
  limit 3 units per customer
}
`;
const { project, diagnostics } = checkProject(["/rules.promo"], memoryHost({ "/rules.promo": RULES }));
const evaluator = interpreterEvaluator(project);

/** The reservations a cart of `quantity` pairs of socks (and a mug, outside the scope) asks for, priced with no use. */
function orderOf(id: string, quantity: number): { orderId: string; reservations: Reservation[] } {
  const result = evaluator.evaluate({
    currency: "USD",
    at: "2026-11-11T12:00:00Z",
    customer: { id: `customer-${id}` },
    lines: [
      { id: "s", sku: "SOCK", unitPrice: "5.00", quantity, tags: ["socks"] },
      { id: "m", sku: "MUG", unitPrice: "4.00", quantity: 2 },
    ],
  });
  return { orderId: id, reservations: result.applied.flatMap((a) => a.reservations ?? []) };
}

const ORDERS = 64;
const PROCESSES = 4;
type Outcome = { orderId: string; ok: boolean };

async function raceInProcesses(store: string, orders: { orderId: string; reservations: Reservation[] }[]): Promise<Outcome[]> {
  const checkouts = Array.from({ length: PROCESSES }, () => new Checkout(store, 60_000));
  try {
    await Promise.all(checkouts.map((c) => c.ready));
    const results = await Promise.all(checkouts.map((c, p) => c.ask<Outcome[]>("race", { orders: orders.filter((_, i) => i % PROCESSES === p) })));
    return results.flat();
  } finally {
    await Promise.all(checkouts.map((c) => c.exit()));
  }
}

async function expectSold(ledger: Ledger, outcomes: Outcome[], orders: number, units: number) {
  expect(outcomes).toHaveLength(ORDERS);
  expect(outcomes.filter((o) => o.ok)).toHaveLength(orders);
  expect((await ledger.usage("flash")).find((u) => u.key === "flash|units")).toEqual({ key: "flash|units", used: units, held: 0, max: 10 });
}

describe("units limits in the ledger", () => {
  it("reserves a cart's units in scope, all or none, and gives them back on cancel", async () => {
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(orderOf("x", 3).reservations).toEqual([
      { promotion: "flash", limit: 0, key: "flash|units", amount: 3, max: 10, onCancel: "return" },
      { promotion: "flash", limit: 1, key: "flash|units|customer:customer-x", amount: 3, max: 3, onCancel: "return" },
    ]);
    const ledger = memoryLedger();
    for (const id of ["a", "b", "c"]) expect(await ledger.reserve(id, orderOf(id, 3).reservations)).toMatchObject({ ok: true });
    // 9 of 10 units held: a cart of 2 is refused whole, a cart of 1 fits exactly.
    expect(await ledger.reserve("d", orderOf("d", 2).reservations)).toMatchObject({ ok: false, refused: { key: "flash|units", used: 9, amount: 2 } });
    expect(await ledger.reserve("e", orderOf("e", 1).reservations)).toMatchObject({ ok: true });
    for (const id of ["a", "b", "c", "e"]) expect(await ledger.commit(id)).toMatchObject({ ok: true });
    expect(await ledger.release("a")).toMatchObject({ ok: true, status: "cancelled", returned: true });
    expect(await ledger.usageFor(["flash|units"])).toEqual({ "flash|units": 7 });
  });
});

describe("SQLite: 64 concurrent checkouts against limit 10 units", () => {
  const scratch = scratchDir();
  let n = 0;
  const open = async () => {
    const path = join(scratch.dir, `units-${n++}.db`);
    return { path, ledger: await sqliteLedger(path) };
  };
  afterAll(() => scratch.remove());

  it("sells exactly 10 units to 64 checkouts of one unit in 4 processes", async () => {
    const { path, ledger } = await open();
    try {
      await expectSold(
        ledger,
        await raceInProcesses(
          `sqlite:${path}`,
          Array.from({ length: ORDERS }, (_, i) => orderOf(`u${i}`, 1)),
        ),
        10,
        10,
      );
    } finally {
      await ledger.close();
    }
  });

  it("sells 3 orders of 3 units (9 units), never part of an order", async () => {
    const { path, ledger } = await open();
    try {
      await expectSold(
        ledger,
        await raceInProcesses(
          `sqlite:${path}`,
          Array.from({ length: ORDERS }, (_, i) => orderOf(`t${i}`, 3)),
        ),
        3,
        9,
      );
    } finally {
      await ledger.close();
    }
  });
});

describePostgres("PostgreSQL: 64 concurrent checkouts against limit 10 units", () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let ledger: Ledger;
  beforeAll(async () => {
    db = await freshPostgres();
    ledger = await postgresLedger(db.url, { migrate: true, poolSize: 16 });
  });
  afterAll(async () => {
    await ledger?.close();
    await db?.drop();
  });

  it("sells exactly 10 units to 64 checkouts of one unit in 4 processes", async () => {
    await expectSold(
      ledger,
      await raceInProcesses(
        db.url,
        Array.from({ length: ORDERS }, (_, i) => orderOf(`u${i}`, 1)),
      ),
      10,
      10,
    );
  });

  it("sells exactly 10 units to 64 checkouts of one unit on 16 pooled connections, sliced", async () => {
    const other = await freshPostgres();
    const sliced = await postgresLedger(other.url, { migrate: true, poolSize: 16, hot: { keys: ["flash|units"], slices: 4 } });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: ORDERS }, async (_, i) => {
          const o = orderOf(`p${i}`, 1);
          const reserved = await sliced.reserve(o.orderId, o.reservations);
          return { orderId: o.orderId, ok: reserved.ok && (await sliced.commit(o.orderId)).ok };
        }),
      );
      await expectSold(sliced, outcomes, 10, 10);
    } finally {
      await sliced.close();
      await other.drop();
    }
  });
});
