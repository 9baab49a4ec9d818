import type { Reservation } from "@promo/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ledger } from "../src/index.js";
import { describePostgres, STORES, type StoreFactory } from "./stores.js";

/** The same suite on every store: memory, SQLite and PostgreSQL. */
const r = (key: string, amount: number, max: number, extra: Partial<Reservation> = {}): Reservation => ({
  promotion: key.split("|")[0]!,
  limit: 0,
  key,
  amount,
  max,
  onCancel: "return",
  ...extra,
});

function suite(store: StoreFactory) {
  const schemaVersion = store.postgres ? 4 : 2;
  let ledger: Ledger;
  let cleanup: () => Promise<void>;
  let clock = 1_000_000;
  const HOLD = 60_000;

  beforeEach(async () => {
    clock = 1_000_000;
    ({ ledger, cleanup } = await store.open({ holdMs: HOLD, now: () => clock }));
  });
  afterEach(async () => cleanup());

  it("reserves, counts holds as use, and commits", async () => {
    expect(await ledger.reserve("o1", [r("p|count", 1, 2)])).toMatchObject({ ok: true, status: "reserved", expiresAt: clock + HOLD });
    expect(await ledger.usageFor(["p|count", "p|other"])).toEqual({ "p|count": 1, "p|other": 0 });
    expect(await ledger.usageFor(["p|count"], { excludeOrder: "o1" })).toEqual({ "p|count": 0 });
    expect(await ledger.commit("o1")).toEqual({ ok: true, orderId: "o1", status: "committed" });
    expect(await ledger.usage("p")).toEqual([{ key: "p|count", used: 1, held: 0, max: 2 }]);
  });

  it("takes all of an order's reservations or none, and names the limit that refused", async () => {
    await ledger.reserve("o1", [r("p|count", 1, 1)]);
    const refused = await ledger.reserve("o2", [r("q|budget", 500, 1000), r("p|count", 1, 1, { limit: 3 })]);
    expect(refused).toMatchObject({ ok: false, reason: "limit", refused: { promotion: "p", limit: 3, key: "p|count", max: 1, used: 1, amount: 1 } });
    expect(await ledger.usageFor(["q|budget"])).toEqual({ "q|budget": 0 });
    expect((await ledger.status()).orders).toEqual({ held: 1, expired: 0, committed: 0, cancelled: 0 });
  });

  it("never lets a budget exceed its maximum by one minor unit", async () => {
    expect((await ledger.reserve("a", [r("p|budget", 999, 1000)])).ok).toBe(true);
    expect((await ledger.reserve("b", [r("p|budget", 2, 1000)])).ok).toBe(false);
    expect((await ledger.reserve("c", [r("p|budget", 1, 1000)])).ok).toBe(true);
    expect(await ledger.usageFor(["p|budget"])).toEqual({ "p|budget": 1000 });
  });

  it("is idempotent by order id", async () => {
    await ledger.reserve("o1", [r("p|count", 1, 5)]);
    expect(await ledger.reserve("o1", [r("p|count", 1, 5)])).toMatchObject({ ok: true, status: "already-reserved" });
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 1 });
    await ledger.commit("o1");
    expect(await ledger.commit("o1")).toMatchObject({ ok: true, status: "already-committed" });
    expect(await ledger.reserve("o1", [r("p|count", 1, 5)])).toMatchObject({ ok: true, status: "already-committed" });
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 1 });
    expect(await ledger.release("o1")).toMatchObject({ status: "cancelled", returned: true });
    expect(await ledger.release("o1")).toMatchObject({ status: "already-cancelled", returned: false });
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 0 });
    expect(await ledger.reserve("o1", [r("p|count", 1, 5)])).toMatchObject({ ok: false, reason: "cancelled" });
    expect(await ledger.commit("o1")).toMatchObject({ ok: false, reason: "cancelled" });
    expect(await ledger.commit("nope")).toMatchObject({ ok: false, reason: "unknown-order" });
    expect(await ledger.release("nope")).toMatchObject({ ok: true, status: "unknown-order" });
  });

  it("gives use back on cancellation only where the rules say so", async () => {
    await ledger.reserve("o1", [r("p|count", 1, 5, { onCancel: "return" }), r("k|count", 1, 5, { promotion: "k", onCancel: "keep" })]);
    await ledger.commit("o1");
    await ledger.release("o1");
    expect(await ledger.usageFor(["p|count", "k|count"])).toEqual({ "p|count": 0, "k|count": 1 });
  });

  it("releases a held order entirely, after which the order id may reserve again", async () => {
    await ledger.reserve("o1", [r("p|count", 1, 1)]);
    expect(await ledger.release("o1")).toMatchObject({ status: "released" });
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 0 });
    expect(await ledger.commit("o1")).toMatchObject({ ok: false, reason: "unknown-order" });
    expect(await ledger.reserve("o2", [r("p|count", 1, 1)])).toMatchObject({ ok: true });
  });

  it("stops counting a hold after its timeout; a late commit succeeds only while there is room", async () => {
    await ledger.reserve("slow", [r("p|count", 1, 1)]);
    clock += HOLD - 1;
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 1 });
    clock += 1;
    expect(await ledger.usageFor(["p|count"])).toEqual({ "p|count": 0 });
    expect((await ledger.status()).orders.expired).toBe(1);
    // Room remains: the late commit goes through.
    expect(await ledger.commit("slow")).toMatchObject({ ok: true, status: "committed" });
    await ledger.reserve("slow2", [r("q|count", 1, 1)]);
    clock += HOLD;
    await ledger.reserve("fast", [r("q|count", 1, 1)]);
    expect(await ledger.commit("slow2")).toMatchObject({ ok: false, reason: "limit", refused: { key: "q|count" } });
    expect(await ledger.commit("fast")).toMatchObject({ ok: true });
    expect(await ledger.usage("q")).toEqual([{ key: "q|count", used: 1, held: 0, max: 1 }]);
  });

  it("reserves an expired order afresh and sweeps expired holds", async () => {
    await ledger.reserve("o1", [r("p|count", 1, 3)]);
    clock += HOLD;
    expect(await ledger.reserve("o1", [r("p|count", 1, 3)])).toMatchObject({ ok: true, status: "reserved" });
    await ledger.reserve("o2", [r("p|count", 1, 3)]);
    clock += HOLD;
    expect(await ledger.sweep()).toBe(2);
    expect((await ledger.status()).orders).toEqual({ held: 0, expired: 0, committed: 0, cancelled: 0 });
  });

  it("counts limits that share a key once, against the smaller maximum", async () => {
    const out = await ledger.reserve("o1", [r("p|count|customer:c1", 1, 3), r("p|count|customer:c1", 1, 1, { limit: 1 })]);
    expect(out.ok).toBe(true);
    expect(await ledger.usageFor(["p|count|customer:c1"])).toEqual({ "p|count|customer:c1": 1 });
    expect((await ledger.reserve("o2", [r("p|count|customer:c1", 1, 3), r("p|count|customer:c1", 1, 1, { limit: 1 })])).ok).toBe(false);
  });

  it("lists a promotion's counters without its neighbours' and reports status", async () => {
    await ledger.reserve("o1", [r("p|count|customer:a", 1, 1), r("p|budget", 250, 1000), r("pq|count", 1, 1, { promotion: "pq" })]);
    await ledger.commit("o1");
    await ledger.reserve("o2", [r("p|count|customer:b", 1, 1)]);
    expect(await ledger.usage("p")).toEqual([
      { key: "p|budget", used: 250, held: 0, max: 1000 },
      { key: "p|count|customer:a", used: 1, held: 0, max: 1 },
      { key: "p|count|customer:b", used: 0, held: 1, max: 1 },
    ]);
    expect(await ledger.status()).toMatchObject({ schemaVersion, orders: { held: 1, committed: 1 }, counters: 4 });
  });

  it("accepts an order without reservations", async () => {
    expect(await ledger.reserve("empty", [])).toMatchObject({ ok: true, status: "reserved" });
    expect(await ledger.commit("empty")).toMatchObject({ ok: true });
  });

  it("rejects malformed input before touching the store", async () => {
    await expect(ledger.reserve("", [])).rejects.toThrow(RangeError);
    await expect(ledger.reserve("o", [r("p|budget", 1.5, 10)])).rejects.toThrow(RangeError);
  });

  it("migrates idempotently", async () => {
    await ledger.migrate();
    await ledger.migrate();
    expect((await ledger.status()).schemaVersion).toBe(schemaVersion);
  });
}

for (const store of STORES) {
  if (store.postgres) describePostgres(`ledger on ${store.name}`, () => suite(store));
  else describe(`ledger on ${store.name}`, () => suite(store));
}
