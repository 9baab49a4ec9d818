import type { Reservation } from "@promo/runtime";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresLedger, sqliteLedger, type Ledger } from "../src/index.js";
import { Checkout } from "./processes.js";
import { describePostgres, freshPostgres, scratchDir } from "./stores.js";

/**
 * Races: 64 checkouts at once against a limit of 10 and against a money budget, from several processes (SQLite and
 * PostgreSQL) and from several pooled connections (PostgreSQL). Exactly 10 go through; the budget is never exceeded
 * by one minor unit, and every refusal was justified (it would not have fit even at the end).
 */
const ORDERS = 64;
const PROCESSES = 4;
const count = (orderId: string): { orderId: string; reservations: Reservation[] } => ({
  orderId,
  reservations: [{ promotion: "launch", limit: 0, key: "launch|count", amount: 1, max: 10, onCancel: "return" }],
});
const BUDGET = 10_000;
const amountOf = (i: number) => 337 + ((i * 7919) % 1500);
const budget = (orderId: string, i: number): { orderId: string; reservations: Reservation[] } => ({
  orderId,
  reservations: [{ promotion: "launch", limit: 1, key: "launch|budget", amount: amountOf(i), max: BUDGET, onCancel: "return" }],
});

type Outcome = { orderId: string; ok: boolean };

async function raceInProcesses(
  store: string,
  orders: { orderId: string; reservations: Reservation[] }[],
  options: Record<string, unknown> = {},
): Promise<Outcome[]> {
  const checkouts = Array.from({ length: PROCESSES }, () => new Checkout(store, 60_000, options));
  try {
    await Promise.all(checkouts.map((c) => c.ready));
    const shares = checkouts.map((_, p) => orders.filter((_, i) => i % PROCESSES === p));
    const results = await Promise.all(checkouts.map((c, p) => c.ask<Outcome[]>("race", { orders: shares[p] })));
    return results.flat();
  } finally {
    await Promise.all(checkouts.map((c) => c.exit()));
  }
}

async function raceInPool(ledger: Ledger, orders: { orderId: string; reservations: Reservation[] }[]): Promise<Outcome[]> {
  return Promise.all(
    orders.map(async (o) => {
      const reserved = await ledger.reserve(o.orderId, o.reservations);
      return { orderId: o.orderId, ok: reserved.ok && (await ledger.commit(o.orderId)).ok };
    }),
  );
}

async function checkCount(ledger: Ledger, outcomes: Outcome[]) {
  expect(outcomes).toHaveLength(ORDERS);
  expect(outcomes.filter((o) => o.ok)).toHaveLength(10);
  expect(await ledger.usage("launch")).toEqual([{ key: "launch|count", used: 10, held: 0, max: 10 }]);
}

async function checkBudget(ledger: Ledger, outcomes: Outcome[]) {
  const amounts = new Map(Array.from({ length: ORDERS }, (_, i) => [`b${i}`, amountOf(i)]));
  const spent = outcomes.filter((o) => o.ok).reduce((sum, o) => sum + amounts.get(o.orderId)!, 0);
  expect(spent).toBeLessThanOrEqual(BUDGET);
  const [row] = (await ledger.usage("launch")).filter((r) => r.key === "launch|budget");
  expect(row).toEqual({ key: "launch|budget", used: spent, held: 0, max: BUDGET });
  // Use only grows, so every refused order would still not fit now.
  for (const o of outcomes.filter((x) => !x.ok)) expect(spent + amounts.get(o.orderId)!).toBeGreaterThan(BUDGET);
}

describe("SQLite: checkouts in several processes", () => {
  const scratch = scratchDir();
  const path = join(scratch.dir, "race.db");
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await sqliteLedger(path);
  });
  afterAll(async () => {
    await ledger.close();
    scratch.remove();
  });

  it("lets exactly 10 of 64 concurrent checkouts through a limit of 10", async () => {
    await checkCount(
      ledger,
      await raceInProcesses(
        `sqlite:${path}`,
        Array.from({ length: ORDERS }, (_, i) => count(`c${i}`)),
      ),
    );
  });

  it("never exceeds a money budget by one minor unit", async () => {
    await checkBudget(
      ledger,
      await raceInProcesses(
        `sqlite:${path}`,
        Array.from({ length: ORDERS }, (_, i) => budget(`b${i}`, i)),
      ),
    );
  });
});

/** The PostgreSQL races, with each checkout sending its orders one at a time, and in batches (the batch option). */
const POSTGRES_RACES = [
  {
    suite: "PostgreSQL: checkouts racing",
    how: "on 16 pooled connections",
    ledger: { poolSize: 16 },
    processes: "several processes",
    countOptions: {},
    budgetOptions: {},
  },
  {
    suite: "PostgreSQL: checkouts racing in batches (the batch option)",
    how: "in batches of at most 8, two at a time",
    ledger: { poolSize: 4, batch: { maxOrders: 8, concurrent: 2 } },
    processes: "several processes batching, sliced or not",
    countOptions: { batch: { maxOrders: 5 } },
    budgetOptions: { batch: { maxOrders: 5 }, hot: { keys: ["launch|budget"], slices: 4, refill: 1_000 } },
  },
];

for (const race of POSTGRES_RACES) {
  describePostgres(race.suite, () => {
    let db: Awaited<ReturnType<typeof freshPostgres>>;
    let ledger: Ledger;
    beforeAll(async () => {
      db = await freshPostgres();
      ledger = await postgresLedger(db.url, { migrate: true, ...race.ledger });
    });
    afterAll(async () => {
      await ledger?.close();
      await db?.drop();
    });

    it(`lets exactly 10 of 64 concurrent checkouts through a limit of 10, ${race.how}`, async () => {
      await checkCount(
        ledger,
        await raceInPool(
          ledger,
          Array.from({ length: ORDERS }, (_, i) => count(`c${i}`)),
        ),
      );
    });

    it(`never exceeds a money budget by one minor unit, ${race.how}`, async () => {
      await checkBudget(
        ledger,
        await raceInPool(
          ledger,
          Array.from({ length: ORDERS }, (_, i) => budget(`b${i}`, i)),
        ),
      );
    });

    it(`lets exactly 10 of 64 through from ${race.processes}, and holds the budget`, async () => {
      const other = await freshPostgres();
      const second = await postgresLedger(other.url, { migrate: true });
      try {
        await checkCount(
          second,
          await raceInProcesses(
            other.url,
            Array.from({ length: ORDERS }, (_, i) => count(`c${i}`)),
            race.countOptions,
          ),
        );
        await checkBudget(
          second,
          await raceInProcesses(
            other.url,
            Array.from({ length: ORDERS }, (_, i) => budget(`b${i}`, i)),
            race.budgetOptions,
          ),
        );
      } finally {
        await second.close();
        await other.drop();
      }
    });
  });
}
