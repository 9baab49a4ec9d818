import type { Reservation } from "@promo/runtime";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LedgerUnavailableError, postgresLedger, sqliteLedger, type Ledger } from "../src/index.js";
import { Checkout } from "./processes.js";
import { pgCtl } from "./pg-ctl.js";
import { describePostgres, freshPostgres, scratchDir } from "./stores.js";

const HOLD_MS = 1_000;
const one = (key: string, max: number): Reservation[] => [{ promotion: key.split("|")[0]!, limit: 0, key, amount: 1, max, onCancel: "return" }];

/**
 * A checkout process killed (SIGKILL) between reserve and commit: its hold keeps counting until the declared timeout,
 * then the use is free again; committing the dead order later cannot spend it twice.
 */
async function killedBetweenReserveAndCommit(store: string, ledger: Ledger) {
  const victim = new Checkout(store, HOLD_MS);
  const survivor = new Checkout(store, HOLD_MS);
  await Promise.all([victim.ready, survivor.ready]);
  expect(await victim.ask("reserve", { orderId: "victim", reservations: one("last|count", 1) })).toMatchObject({ ok: true, status: "reserved" });
  await victim.kill();
  try {
    // While the hold lives, the last unit is taken.
    expect(await survivor.ask("reserve", { orderId: "buyer", reservations: one("last|count", 1) })).toMatchObject({ ok: false, reason: "limit" });
    expect(await ledger.usageFor(["last|count"])).toEqual({ "last|count": 1 });
    await sleep(HOLD_MS + 100);
    // The dead process's hold has expired: the unit is free and goes to the next buyer.
    expect(await ledger.usageFor(["last|count"])).toEqual({ "last|count": 0 });
    expect((await ledger.status()).orders.expired).toBe(1);
    expect(await survivor.ask("reserve", { orderId: "buyer", reservations: one("last|count", 1) })).toMatchObject({ ok: true });
    expect(await survivor.ask("commit", { orderId: "buyer" })).toMatchObject({ ok: true, status: "committed" });
    // A recovery job that commits the dead order finds no room: never double-spent.
    expect(await ledger.commit("victim")).toMatchObject({ ok: false, reason: "limit" });
    expect(await ledger.usage("last")).toEqual([{ key: "last|count", used: 1, held: 0, max: 1 }]);
    expect(await ledger.sweep()).toBe(1);
  } finally {
    await survivor.exit();
  }
}

describe("SQLite: a process killed between reserve and commit", () => {
  const scratch = scratchDir();
  const path = join(scratch.dir, "faults.db");
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await sqliteLedger(path, { holdMs: HOLD_MS });
  });
  afterAll(async () => {
    await ledger.close();
    scratch.remove();
  });

  it("leaves a hold that expires after the declared timeout and is never spent twice", () => killedBetweenReserveAndCommit(`sqlite:${path}`, ledger));

  it("a released hold is free at once", async () => {
    const checkout = new Checkout(`sqlite:${path}`, 60_000);
    await checkout.ready;
    try {
      expect(await checkout.ask("reserve", { orderId: "r1", reservations: one("rel|count", 1) })).toMatchObject({ ok: true });
      expect(await ledger.release("r1")).toMatchObject({ status: "released" });
      expect(await checkout.ask("reserve", { orderId: "r2", reservations: one("rel|count", 1) })).toMatchObject({ ok: true });
    } finally {
      await checkout.exit();
    }
  });

  it("reports a missing database file clearly", async () => {
    await expect(sqliteLedger(join(scratch.dir, "nope", "x.db"), { mustExist: true })).rejects.toThrow(/no such file/);
  });
});

describePostgres("PostgreSQL: faults", () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let ledger: Ledger;
  beforeAll(async () => {
    db = await freshPostgres();
    ledger = await postgresLedger(db.url, { migrate: true, holdMs: HOLD_MS, poolSize: 4 });
  });
  afterAll(async () => {
    await ledger?.close();
    await db?.drop();
  });

  it("a process killed between reserve and commit leaves a hold that expires and is never spent twice", () => killedBetweenReserveAndCommit(db.url, ledger));

  it("a server restart mid-run gives clear errors and loses no committed use", async () => {
    const restartLedger = await postgresLedger(db.url, { holdMs: 60_000, poolSize: 4, connectTimeoutMs: 2_000 });
    const acknowledged: string[] = [];
    const failed: { orderId: string; error: unknown }[] = [];
    let restarting = true;
    const restart = (async () => {
      await sleep(300);
      await pgCtl("-m", "fast", "restart");
      restarting = false;
    })();
    const work = (async () => {
      for (let i = 0; restarting || i < 40; i++) {
        const orderId = `o${i}`;
        try {
          const reserved = await restartLedger.reserve(orderId, one("run|count", 1_000_000));
          if (!reserved.ok) throw new Error(`refused: ${JSON.stringify(reserved)}`);
          const committed = await restartLedger.commit(orderId);
          if (!committed.ok) throw new Error(`commit refused: ${JSON.stringify(committed)}`);
          acknowledged.push(orderId);
        } catch (error) {
          failed.push({ orderId, error });
          await sleep(20);
        }
        if (i > 5000) break;
      }
    })();
    await Promise.all([restart, work]);
    try {
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) {
        expect(f.error).toBeInstanceOf(LedgerUnavailableError);
        expect((f.error as Error).message).toMatch(
          /^ledger postgres:\/\/promo@127\.0\.0\.1:\d+\/\w+: (cannot reach|the database server is unavailable|lost the connection)/,
        );
      }
      // Every acknowledged commit survived the restart.
      const [row] = await restartLedger.usage("run");
      expect(row!.used).toBeGreaterThanOrEqual(acknowledged.length);
      // Retrying the failed orders (idempotent by order id) settles each exactly once.
      for (const { orderId } of failed) {
        expect((await restartLedger.reserve(orderId, one("run|count", 1_000_000))).ok).toBe(true);
        expect((await restartLedger.commit(orderId)).ok).toBe(true);
      }
      expect((await restartLedger.usage("run"))[0]!.used).toBe(acknowledged.length + failed.length);
    } finally {
      await restartLedger.close();
    }
  });

  it("reports an unreachable server clearly", async () => {
    const url = new URL(db.url);
    url.port = "1";
    await expect(postgresLedger(url.toString(), { connectTimeoutMs: 1_000 })).rejects.toThrow(/cannot reach the database server \(ECONNREFUSED\)/);
  });
});
