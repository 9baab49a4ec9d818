import type { Reservation } from "@promo/runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { HotOptions, Ledger, LedgerOptions } from "../src/index.js";
import { describePostgres, STORES, type StoreFactory } from "./stores.js";

/**
 * Hot limits split into slices (docs/language.md, "Limits under contention"), on every store: the same limit
 * semantics as a plain counter. Several ledger instances on one store stand for checkout instances: each has its
 * own preferred slice.
 */
const budget = (amount: number, max: number, key = "sale|budget"): Reservation => ({
  promotion: key.split("|")[0]!,
  limit: 0,
  key,
  amount,
  max,
  onCancel: "return",
});
const customer = (c: string): Reservation => ({ promotion: "sale", limit: 1, key: `sale|count|customer:${c}`, amount: 1, max: 1, onCancel: "return" });

function suite(store: StoreFactory) {
  let clock = 1_000_000;
  const HOLD = 60_000;
  let cleanups: (() => Promise<void>)[] = [];

  /** One store, `n` ledger instances on it (memory: one instance, its store is its own). */
  async function instances(n: number, hot: HotOptions, options: LedgerOptions = {}): Promise<Ledger[]> {
    const { ledger, cleanup, reopen } = await store.open({ holdMs: HOLD, now: () => clock, hot, ...options });
    cleanups.push(cleanup);
    const more: Ledger[] = [];
    for (let i = 1; i < n; i++) {
      const other = await reopen({ holdMs: HOLD, now: () => clock, hot, ...options });
      more.push(other);
      cleanups.unshift(() => other.close());
    }
    return [ledger, ...more];
  }

  afterEach(async () => {
    for (const c of cleanups) await c();
    cleanups = [];
    clock = 1_000_000;
  });

  it("spends a sliced budget to the last minor unit, and refuses only when it is used up", async () => {
    const ledgers = await instances(3, { keys: ["sale|budget"], slices: 4, refill: 70 });
    const amounts = [30, 45, 7, 60, 13, 99, 1, 250, 30, 30];
    let spent = 0;
    let i = 0;
    // Orders from the instances in turn, until a refusal: each refusal must be justified by the whole budget.
    for (; i < 200; i++) {
      const amount = amounts[i % amounts.length]!;
      const out = await ledgers[i % ledgers.length]!.reserve(`o${i}`, [budget(amount, 1000), customer(`c${i}`)]);
      if (!out.ok) {
        expect(out).toMatchObject({ reason: "limit", refused: { key: "sale|budget", used: spent, max: 1000, amount } });
        expect(spent + amount).toBeGreaterThan(1000);
        // A smaller order that fits still goes through: nothing is stranded in slices.
        if (spent < 1000) expect((await ledgers[(i + 1) % ledgers.length]!.reserve(`fill${i}`, [budget(1000 - spent, 1000)])).ok).toBe(true);
        break;
      }
      expect((await ledgers[(i + 2) % ledgers.length]!.commit(`o${i}`)).ok).toBe(true);
      spent += amount;
    }
    expect(i).toBeLessThan(200);
    expect(await ledgers[0]!.usageFor(["sale|budget"])).toEqual({ "sale|budget": 1000 });
    expect((await ledgers[0]!.reserve("late", [budget(1, 1000)])).ok).toBe(false);
    const [hot] = (await ledgers[0]!.status()).hot;
    expect(hot).toMatchObject({ key: "sale|budget", max: 1000, free: 0, leased: 0 });
    expect(hot!.spent + hot!.reserved).toBe(1000);
    expect(hot!.slices).toHaveLength(4);
  });

  it("reports spent, reserved, leased and free that add up to the maximum, and the slices", async () => {
    const [ledger] = await instances(1, { keys: ["sale|budget"], slices: 2, refill: 100 });
    await ledger!.reserve("a", [budget(30, 1000)]);
    await ledger!.commit("a");
    await ledger!.reserve("b", [budget(20, 1000)]);
    const [hot] = (await ledger!.status()).hot;
    // The first exact pass sliced the key and gave one slice a refill of 100: 30 spent, 20 reserved, 50 leased.
    expect(hot).toMatchObject({ key: "sale|budget", max: 1000, spent: 30, reserved: 20, leased: 50, free: 900 });
    expect(hot!.slices.reduce((n, s) => n + s.cap, 0)).toBe(100);
    expect(hot!.slices.find((s) => s.cap === 100)).toMatchObject({ spent: 30, reserved: 20, free: 50 });
    expect(await ledger!.usage("sale")).toEqual([{ key: "sale|budget", used: 30, held: 20, max: 1000 }]);
  });

  it("returns a dead checkout's hold after its timeout, and a late commit only spends what is still free", async () => {
    const [a, b] = await instances(2, { keys: ["sale|budget"], slices: 3, refill: 10 });
    const other = b ?? a!;
    expect((await a!.reserve("dead", [budget(600, 1000)])).ok).toBe(true);
    expect((await other.reserve("x", [budget(500, 1000)])).ok).toBe(false);
    clock += HOLD;
    expect(await other.usageFor(["sale|budget"])).toEqual({ "sale|budget": 0 });
    expect((await other.reserve("x", [budget(500, 1000)])).ok).toBe(true);
    expect((await other.commit("x")).ok).toBe(true);
    // The dead order's 600 no longer fit: its late commit is refused; 500 fit.
    expect(await a!.commit("dead")).toMatchObject({ ok: false, reason: "limit", refused: { used: 500, amount: 600 } });
    expect((await a!.reserve("y", [budget(500, 1000)])).ok).toBe(true);
    clock += HOLD;
    expect(await a!.commit("y")).toMatchObject({ ok: true, status: "committed" });
    expect(await a!.usageFor(["sale|budget"])).toEqual({ "sale|budget": 1000 });
    expect((await a!.status()).hot[0]).toMatchObject({ spent: 1000, reserved: 0, leased: 0, free: 0 });
  });

  for (const sliced of [true, false])
    it(`stays within the limit when instances' clocks disagree about a hold's expiry (${sliced ? "sliced" : "plain"} counter)`, async () => {
      const hot: HotOptions = sliced ? { keys: ["sale|budget"], slices: 1 } : {};
      const { ledger: behind, cleanup, reopen } = await store.open({ holdMs: HOLD, now: () => clock, hot });
      cleanups.push(cleanup);
      const ahead = await reopen({ holdMs: HOLD, now: () => clock + HOLD, hot });
      try {
        expect((await behind.reserve("slow", [budget(600, 1000)])).ok).toBe(true);
        // For the instance ahead, the slow hold has lapsed: it takes the room.
        expect((await ahead.reserve("fast", [budget(500, 1000)])).ok).toBe(true);
        // For the instance behind, both holds are live: the slow order no longer fits next to the fast one.
        expect(await behind.commit("slow")).toMatchObject({ ok: false, reason: "limit", refused: { used: 500, amount: 600 } });
        expect(await ahead.commit("fast")).toMatchObject({ ok: true, status: "committed" });
        await behind.release("slow");
        expect(await behind.usage("sale")).toEqual([{ key: "sale|budget", used: 500, held: 0, max: 1000 }]);
      } finally {
        await ahead.close();
      }
    });

  it("slices per-period counts chosen by a test on the key, each period its own counter", async () => {
    const ledgers = await instances(2, { keys: (key) => key.startsWith("sale|count|day:"), slices: 4 });
    const today = (day: string): Reservation => ({ promotion: "sale", limit: 2, key: `sale|count|day:${day}`, amount: 1, max: 5, onCancel: "return" });
    const outcomes: boolean[] = [];
    for (let i = 0; i < 8; i++) outcomes.push((await ledgers[i % ledgers.length]!.reserve(`d${i}`, [today("2026-11-11")])).ok);
    expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);
    expect((await ledgers[0]!.reserve("next-day", [today("2026-11-12")])).ok).toBe(true);
    expect((await ledgers[0]!.status()).hot.map((h) => [h.key, h.reserved])).toEqual([
      ["sale|count|day:2026-11-11", 5],
      ["sale|count|day:2026-11-12", 1],
    ]);
  });

  it("gives a cancelled order's use back to its slice", async () => {
    const [ledger] = await instances(1, { keys: ["sale|budget"], slices: 2 });
    await ledger!.reserve("a", [budget(1000, 1000)]);
    await ledger!.commit("a");
    expect((await ledger!.reserve("b", [budget(1, 1000)])).ok).toBe(false);
    expect(await ledger!.release("a")).toMatchObject({ status: "cancelled", returned: true });
    expect((await ledger!.reserve("b", [budget(1000, 1000)])).ok).toBe(true);
  });

  it("slices a counter already in use without losing its use or its live holds", async () => {
    const { ledger: plain, cleanup, reopen } = await store.open({ holdMs: HOLD, now: () => clock });
    cleanups.push(cleanup);
    await plain.reserve("old-committed", [budget(300, 1000)]);
    await plain.commit("old-committed");
    await plain.reserve("old-held", [budget(200, 1000)]);
    const hotLedger = await reopen({ holdMs: HOLD, now: () => clock, hot: { keys: ["sale|budget"], slices: 4 } });
    try {
      expect(await hotLedger.reserve("new", [budget(501, 1000)])).toMatchObject({ ok: false, refused: { used: 500 } });
      expect((await hotLedger.reserve("new", [budget(500, 1000)])).ok).toBe(true);
      expect((await hotLedger.status()).hot[0]).toMatchObject({ spent: 300, reserved: 700, free: 0 });
      // The old hold commits to the counter row; the plain instance now follows the slices too.
      expect((await plain.commit("old-held")).ok).toBe(true);
      expect((await plain.reserve("more", [budget(1, 1000)])).ok).toBe(false);
      expect((await hotLedger.commit("new")).ok).toBe(true);
      expect(await plain.usageFor(["sale|budget"])).toEqual({ "sale|budget": 1000 });
    } finally {
      await hotLedger.close();
    }
  });

  it("slices a key automatically above a rate of reservations", async () => {
    const [ledger] = await instances(1, { aboveRate: 5, slices: 3 });
    for (let i = 0; i < 5; i++) expect((await ledger!.reserve(`o${i}`, [budget(10, 1000)])).ok).toBe(true);
    expect((await ledger!.status()).hot).toEqual([]);
    expect((await ledger!.reserve("o5", [budget(10, 1000)])).ok).toBe(true);
    expect((await ledger!.status()).hot).toMatchObject([{ key: "sale|budget", spent: 0, reserved: 60, max: 1000 }]);
    expect((await ledger!.status()).hot[0]!.slices).toHaveLength(3);
    // A new second starts a new count: other keys stay plain.
    clock += 1000;
    expect((await ledger!.reserve("p", [budget(10, 1000, "calm|budget")])).ok).toBe(true);
    expect((await ledger!.status()).hot.map((h) => h.key)).toEqual(["sale|budget"]);
  });

  it("rebalances against a changed maximum", async () => {
    const [ledger] = await instances(1, { keys: ["sale|budget"], slices: 2, refill: 400 });
    await ledger!.reserve("a", [budget(100, 1000)]);
    await ledger!.commit("a");
    // The rules now say 300: what the slices were allotted under 1000 must not be spent.
    expect((await ledger!.reserve("b", [budget(250, 300)])).ok).toBe(false);
    expect((await ledger!.reserve("b", [budget(200, 300)])).ok).toBe(true);
    expect((await ledger!.status()).hot[0]).toMatchObject({ max: 300, spent: 100, reserved: 200, leased: 0, free: 0 });
  });

  it("without the exact pass, refuses within the stated bound and never over-spends", async () => {
    const slices = 4;
    const refill = 50;
    const amount = 20;
    const ledgers = await instances(4, { keys: ["sale|budget"], slices, refill, exactRefusal: false });
    // The key is sliced by a first exact pass (creating slices is always exact).
    let spent = 0;
    for (let i = 0; i < 500; i++) {
      const out = await ledgers[i % ledgers.length]!.reserve(`o${i}`, [budget(amount, 1000)]);
      if (!out.ok) break;
      spent += amount;
    }
    expect(spent).toBeLessThanOrEqual(1000);
    // Refused while other slices may hold budget: at most (slices − 1) × (refill + largest order) stranded.
    expect(1000 - spent).toBeLessThanOrEqual((slices - 1) * (refill + amount) + amount);
    const [hot] = (await ledgers[0]!.status()).hot;
    expect(hot!.spent + hot!.reserved + hot!.leased + hot!.free).toBe(1000);
  });
}

for (const store of STORES) {
  if (store.postgres) describePostgres(`hot limits on ${store.name}`, () => suite(store));
  else describe(`hot limits on ${store.name}`, () => suite(store));
}
