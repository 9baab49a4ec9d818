import type { Reservation } from "@promo/runtime";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LedgerUnavailableError, postgresLedger, type Ledger } from "../src/index.js";
import { describePostgres, freshPostgres, STORES } from "./stores.js";

const r = (key: string, amount: number, max: number): Reservation => ({ promotion: key.split("|")[0]!, limit: 0, key, amount, max, onCancel: "return" });
const order = (i: number): Reservation[] => [r("p|budget", 100, 1_000_000), r(`p|count|customer:c${i}`, 1, 1)];

/** Counts the statements every pg client sends (pool.query goes through Client.prototype.query too). */
function countQueries(): { count: () => number; texts: string[]; restore: () => void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const texts: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text: string };
    texts.push(typeof q === "string" ? q : q.text);
    return original.apply(this, args);
  };
  return { count: () => texts.length, texts, restore: () => (proto.query = original) };
}

describePostgres("PostgreSQL reservation function", () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  beforeAll(async () => {
    db = await freshPostgres();
  });
  afterAll(async () => db?.drop());

  it("reserves an order across all its limits in one round trip and commits it in one; the client-side path takes many", async () => {
    const fast = await postgresLedger(db.url, { migrate: true, poolSize: 2, hot: { keys: ["p|budget"], slices: 4 } });
    const slow = await postgresLedger(db.url, { poolSize: 2, hot: { keys: ["p|budget"], slices: 4 }, serverFunction: false });
    try {
      // Warm up: the first order slices the hot key (the exact pass, client side) and connects the pools.
      expect(await fast.reserve("warm", order(0))).toMatchObject({ ok: true });
      expect(await slow.reserve("warm2", order(99))).toMatchObject({ ok: true });
      const counter = countQueries();
      let viaFunction: number;
      let viaClient: number;
      try {
        expect(await fast.reserve("o1", order(1))).toMatchObject({ ok: true, status: "reserved" });
        viaFunction = counter.count();
        expect(counter.texts).toEqual([expect.stringContaining("promo_ledger_reserve")]);
        expect(await slow.reserve("o2", order(2))).toMatchObject({ ok: true, status: "reserved" });
        viaClient = counter.count() - viaFunction;
        // A refusal and an idempotent repeat are one round trip as well.
        const before = counter.count();
        expect(await fast.reserve("o3", [r("p|count|customer:c1", 1, 1)])).toMatchObject({ ok: false, reason: "limit", refused: { used: 1 } });
        expect(await fast.reserve("o1", order(1))).toMatchObject({ ok: true, status: "already-reserved" });
        expect(counter.count() - before).toBe(2);
      } finally {
        counter.restore();
      }
      expect(viaFunction).toBe(1);
      expect(viaClient).toBeGreaterThanOrEqual(8); // BEGIN, order, counters, holds, slice, slice holds, order, holds, COMMIT
      // Committing a live hold is one round trip as well; both paths keep the same books.
      const commits = countQueries();
      try {
        expect(await fast.commit("o1")).toMatchObject({ ok: true, status: "committed" });
        expect(commits.texts).toEqual([expect.stringContaining("promo_ledger_commit")]);
        expect(await fast.commit("o1")).toMatchObject({ ok: true, status: "already-committed" });
        expect(commits.count()).toBe(2);
      } finally {
        commits.restore();
      }
      expect(await slow.commit("o2")).toMatchObject({ ok: true });
      expect((await fast.usageFor(["p|budget"]))["p|budget"]).toBe(400);
    } finally {
      await fast.close();
      await slow.close();
    }
  });

  it("on a schema without the function, says to run promo ledger init, and works after it", async () => {
    const old = await freshPostgres();
    try {
      const setup = await postgresLedger(old.url, { migrate: true });
      await setup.close();
      const admin = new pg.Client({ connectionString: old.url });
      await admin.connect();
      await admin.query(
        "DROP FUNCTION promo_ledger_batch; DROP FUNCTION promo_ledger_reserve; DROP FUNCTION promo_ledger_commit; UPDATE promo_ledger_meta SET value = '2' WHERE name = 'schema_version'",
      );
      await admin.end();
      const ledger = await postgresLedger(old.url);
      try {
        const error = await ledger.reserve("o1", order(1)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LedgerUnavailableError);
        expect((error as Error).message).toMatch(/run 'promo ledger init'/);
        await ledger.migrate();
        expect(await ledger.status()).toMatchObject({ schemaVersion: 4 });
        expect(await ledger.reserve("o1", order(1))).toMatchObject({ ok: true, status: "reserved" });
      } finally {
        await ledger.close();
      }
    } finally {
      await old.drop();
    }
  });
});

describePostgres("PostgreSQL batches (the batch option)", () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  beforeAll(async () => {
    db = await freshPostgres();
    const setup = await postgresLedger(db.url, { migrate: true });
    await setup.close();
  });
  afterAll(async () => db?.drop());
  const buyer = (key: string, i: number): Reservation[] => [r(key, 100, 1_000), r(`${key.split("|")[0]}|count|customer:c${i}`, 1, 1)];

  it("sends what concurrent requests ask at once as one statement, each order with its own outcome, commits before reservations", async () => {
    const ledger = await postgresLedger(db.url, { poolSize: 2, batch: true });
    try {
      expect(await ledger.reserve("warm", buyer("b|budget", 99))).toMatchObject({ ok: true, status: "reserved" });
      const reserves = countQueries();
      let outcomes: Awaited<ReturnType<Ledger["reserve"]>>[];
      try {
        // 12 orders at once: 9 fit the budget next to the warm-up's hold, the 10th does not, the last two count
        // customers c0 and c1 again (held by earlier orders of the same batch).
        outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) => ledger.reserve(`o${i}`, i < 10 ? buyer("b|budget", i) : [r(`b|count|customer:c${i - 10}`, 1, 1)])),
        );
      } finally {
        reserves.restore();
      }
      expect(reserves.texts).toEqual([expect.stringContaining("promo_ledger_batch")]);
      expect(outcomes.map((o) => o.ok)).toEqual([...Array<boolean>(9).fill(true), false, false, false]);
      expect(outcomes[9]).toMatchObject({ reason: "limit", refused: { key: "b|budget", used: 1_000, amount: 100, max: 1_000 } });
      expect(outcomes[10]).toMatchObject({ reason: "limit", refused: { key: "b|count|customer:c0", used: 1, amount: 1 } });
      expect(outcomes[11]).toMatchObject({ reason: "limit", refused: { key: "b|count|customer:c1", used: 1, amount: 1 } });
      const commits = countQueries();
      let committed: Awaited<ReturnType<Ledger["commit"]>>[];
      let late: Awaited<ReturnType<Ledger["reserve"]>>;
      try {
        // Commits (one of them twice, one of an order never reserved) and a reservation, in one statement.
        [late, ...committed] = await Promise.all([
          ledger.reserve("late", buyer("b|budget", 50)),
          ...["warm", "o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o0", "o9"].map((id) => ledger.commit(id)),
        ]);
      } finally {
        commits.restore();
      }
      expect(commits.texts).toEqual([expect.stringContaining("promo_ledger_batch")]);
      expect(committed.slice(0, 10).every((c) => c.ok && c.status === "committed")).toBe(true);
      expect(committed[10]).toMatchObject({ ok: true, status: "already-committed" });
      expect(committed[11]).toMatchObject({ ok: false, reason: "unknown-order" });
      // The commits ran first: the budget is spent, not merely held.
      expect(late).toMatchObject({ ok: false, reason: "limit", refused: { key: "b|budget", used: 1_000 } });
      expect(await ledger.usage("b")).toContainEqual({ key: "b|budget", used: 1_000, held: 0, max: 1_000 });
    } finally {
      await ledger.close();
    }
  });

  it("sends at most maxOrders operations per statement, one statement at a time by default", async () => {
    const ledger = await postgresLedger(db.url, { poolSize: 2, batch: { maxOrders: 4 } });
    try {
      const counter = countQueries();
      let outcomes: Awaited<ReturnType<Ledger["reserve"]>>[];
      try {
        outcomes = await Promise.all(Array.from({ length: 11 }, (_, i) => ledger.reserve(`m${i}`, buyer("m|budget", i))));
      } finally {
        counter.restore();
      }
      expect(outcomes.map((o) => o.ok)).toEqual([...Array<boolean>(10).fill(true), false]);
      expect(counter.texts).toEqual(Array(3).fill(expect.stringContaining("promo_ledger_batch")));
    } finally {
      await ledger.close();
    }
  });

  it("runs a batch that keeps deadlocking as its operations one at a time, with the same outcomes", async () => {
    const ledger = await postgresLedger(db.url, { poolSize: 2, batch: true });
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    let refused = 0;
    const texts: string[] = [];
    // Every batch statement fails as a deadlock would (SQLSTATE 40P01); the single functions run as usual.
    proto.query = function (this: unknown, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      const text = typeof q === "string" ? q : q.text;
      texts.push(text);
      if (text.includes("promo_ledger_batch")) {
        refused++;
        return Promise.reject(Object.assign(new Error("deadlock detected"), { code: "40P01" }));
      }
      return original.apply(this, args);
    };
    let outcomes: Awaited<ReturnType<Ledger["reserve"]>>[];
    try {
      outcomes = await Promise.all(Array.from({ length: 11 }, (_, i) => ledger.reserve(`d${i}`, buyer("d|budget", i))));
    } finally {
      proto.query = original;
    }
    try {
      expect(refused).toBe(3);
      expect(texts.filter((t) => t.includes("promo_ledger_reserve"))).toHaveLength(11);
      expect(outcomes.map((o) => o.ok)).toEqual([...Array<boolean>(10).fill(true), false]);
      expect(outcomes[10]).toMatchObject({ reason: "limit", refused: { key: "d|budget", used: 1_000 } });
      expect((await Promise.all(outcomes.slice(0, 10).map((_, i) => ledger.commit(`d${i}`)))).every((c) => c.ok)).toBe(true);
      expect(await ledger.usage("d")).toContainEqual({ key: "d|budget", used: 1_000, held: 0, max: 1_000 });
    } finally {
      await ledger.close();
    }
  });

  it("hands back to the client-side path what the functions hand back: the exact pass of a hot key, a lapsed hold's commit", async () => {
    let clock = 5_000_000;
    const ledger = await postgresLedger(db.url, {
      poolSize: 2,
      batch: true,
      holdMs: 1_000,
      now: () => clock,
      hot: { keys: ["h|budget"], slices: 4, refill: 100 },
    });
    try {
      // The first order of a hot key slices it (the exact pass), then the slices serve a whole batch; the last order
      // of the budget is placed by an exact pass too.
      expect(await ledger.reserve("h0", buyer("h|budget", 0))).toMatchObject({ ok: true, status: "reserved" });
      const outcomes = await Promise.all(Array.from({ length: 11 }, (_, i) => ledger.reserve(`h${i + 1}`, buyer("h|budget", i + 1))));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(9);
      expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.reason === "limit" && o.refused.used === 1_000)).toBe(true);
      // Every hold lapses; committing them now succeeds (nobody took their room), through the client-side path.
      clock += 1_001;
      const ids = ["h0", ...outcomes.map((o, i) => (o.ok ? `h${i + 1}` : "")).filter(Boolean)];
      const committed = await Promise.all(ids.map((id) => ledger.commit(id)));
      expect(committed.every((c) => c.ok && c.status === "committed")).toBe(true);
      expect((await ledger.status()).hot.find((h) => h.key === "h|budget")).toMatchObject({ spent: 1_000, reserved: 0 });
    } finally {
      await ledger.close();
    }
  });
});

for (const store of STORES) {
  const run = store.postgres ? describePostgres : describe;
  run(`leases on ${store.name}`, () => {
    let clock = 1_000_000;
    const now = () => clock;
    let a: Ledger;
    let b: Ledger;
    let c: Ledger;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      const leases = { keys: ["p|budget"], units: 10, ttlMs: 5_000 };
      const opened = await store.open({ holdMs: 60_000, now, leases });
      ({ cleanup } = opened);
      a = opened.ledger;
      b = await opened.reopen({ holdMs: 60_000, now, leases });
      c = await opened.reopen({ holdMs: 60_000, now, leases });
    });
    afterAll(async () => {
      if (store.postgres) {
        await b.close();
        await c.close();
      }
      await cleanup();
    });
    const unit = (i: number): Reservation[] => [r("p|budget", 1, 25), r(`p|count|customer:u${i}`, 1, 1)];

    it("serves orders from a lease, returns its unused part, and lets an expired lease's units go back", async () => {
      for (let i = 0; i < 3; i++) expect(await a.reserve(`a${i}`, unit(i))).toMatchObject({ ok: true });
      // A's lease holds 10: its 3 orders, 7 unused.
      expect(await a.usageFor(["p|budget"])).toEqual({ "p|budget": 10 });
      for (let i = 3; i < 5; i++) expect(await b.reserve(`b${i}`, unit(i))).toMatchObject({ ok: true });
      expect(await a.usageFor(["p|budget"])).toEqual({ "p|budget": 20 });
      // C cannot take a lease of 10 (5 left): it reserves without one, exactly, to the last unit.
      for (let i = 5; i < 10; i++) expect(await c.reserve(`c${i}`, unit(i))).toMatchObject({ ok: true });
      expect(await c.reserve("c10", unit(10))).toMatchObject({ ok: false, reason: "limit" });
      // B gives back its unused 8; C sells them.
      await b.releaseLeases();
      for (let i = 11; i < 19; i++) expect(await c.reserve(`c${i}`, unit(i))).toMatchObject({ ok: true });
      expect(await c.reserve("c19", unit(19))).toMatchObject({ ok: false, reason: "limit" });
      // A stops (as if killed): its lease expires, and its 7 unused units are sold by C; A's own orders keep their holds.
      clock += 5_000;
      for (let i = 20; i < 27; i++) expect(await c.reserve(`c${i}`, unit(i))).toMatchObject({ ok: true });
      expect(await c.reserve("c27", unit(27))).toMatchObject({ ok: false, reason: "limit" });
      for (const id of ["a0", "a1", "a2"]) expect(await a.commit(id)).toMatchObject({ ok: true, status: "committed" });
      expect(await a.usageFor(["p|budget"])).toEqual({ "p|budget": 25 });
      // A's next order finds its lease gone and no room: refused, nothing drawn.
      expect(await a.reserve("a99", unit(99))).toMatchObject({ ok: false, reason: "limit" });
    });
  });
}
