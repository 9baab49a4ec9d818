import { Mutex, StoreLedger, type HotState, type OrderRow, type OrderState, type SliceRow, type Store, type StoredReservation, type Tx } from "./core.js";
import type { Ledger, LedgerOptions, UsageRow } from "./types.js";

interface MemoryOrder extends OrderRow {
  rows: StoredReservation[];
  updatedAt: number;
}

/**
 * A ledger in this process's memory: for tests and single-process tools. Transactions run one at a time, and
 * every check comes before any write, so a refusal leaves nothing behind.
 */
class MemoryStore implements Store {
  readonly name = "memory";
  readonly schemaVersion = 2;
  private readonly orders = new Map<string, MemoryOrder>();
  private readonly counts = new Map<string, { used: number; max: number; allotted: number; slices: SliceRow[] }>();
  /** Live and expired holds by key, so a check reads only the holds on its own keys. */
  private readonly holds = new Map<string, Map<string, { amount: number; slice: number }>>();
  private readonly mutex = new Mutex();
  private closed = false;

  async migrate(): Promise<void> {}

  /** Live holds per key; only those on slice `slice` when given (-1: the counter row itself). */
  private heldBy(keys: readonly string[], now: number, excludeOrder: string | null, slice?: number): Map<string, number> {
    const held = new Map<string, number>();
    for (const key of keys) {
      let sum = 0;
      for (const [id, hold] of this.holds.get(key) ?? []) {
        const order = this.orders.get(id)!;
        if (id !== excludeOrder && order.expiresAt > now && (slice === undefined || hold.slice === slice)) sum += hold.amount;
      }
      if (sum > 0) held.set(key, sum);
    }
    return held;
  }

  private sliceHeld(key: string, now: number, excludeOrder: string | null): Map<number, number> {
    const held = new Map<number, number>();
    for (const [id, hold] of this.holds.get(key) ?? []) {
      if (id !== excludeOrder && hold.slice >= 0 && this.orders.get(id)!.expiresAt > now) held.set(hold.slice, (held.get(hold.slice) ?? 0) + hold.amount);
    }
    return held;
  }

  private counter(key: string, max: number) {
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { used: 0, max, allotted: 0, slices: [] }));
    return c;
  }

  private usedOf(key: string): number {
    const c = this.counts.get(key);
    return c ? c.used + c.slices.reduce((n, s) => n + s.used, 0) : 0;
  }

  /** Keeps `holds` in step with an order's state: only held orders' rows are in it. */
  private index(id: string, order: MemoryOrder | undefined): void {
    const previous = this.orders.get(id);
    for (const r of previous?.rows ?? []) {
      const byOrder = this.holds.get(r.key);
      byOrder?.delete(id);
      if (byOrder?.size === 0) this.holds.delete(r.key);
    }
    if (order?.state === "held") {
      for (const r of order.rows) {
        let byOrder = this.holds.get(r.key);
        if (!byOrder) this.holds.set(r.key, (byOrder = new Map()));
        byOrder.set(id, { amount: r.amount, slice: r.slice });
      }
    }
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("ledger memory: closed"));
    const tx: Tx = {
      order: async (id) => {
        const o = this.orders.get(id);
        return o ? { state: o.state, expiresAt: o.expiresAt } : undefined;
      },
      sliceCounts: async (keys) => {
        const out = new Map<string, { slices: number; max: number }>();
        for (const key of keys) {
          const c = this.counts.get(key);
          if (c) out.set(key, { slices: c.slices.length, max: c.max });
        }
        return out;
      },
      lockCounters: async (rows) => {
        const out = new Map<string, { used: number; max: number; allotted: number; slices: number }>();
        for (const r of rows) {
          const c = this.counter(r.key, r.max);
          out.set(r.key, { used: c.used, max: c.max, allotted: c.allotted, slices: c.slices.length });
        }
        return out;
      },
      held: async (keys, now, exclude) => this.heldBy(keys, now, exclude, -1),
      sliceHeld: async (key, slice, now, exclude) => {
        const all = this.sliceHeld(key, now, exclude);
        return slice === null ? all : new Map([[slice, all.get(slice) ?? 0]]);
      },
      claimSlice: async (key, amount, from, n) => {
        const slices = this.counts.get(key)!.slices;
        for (let i = 0; i < n; i++) {
          const s = slices[(from + i) % n]!;
          if (s.cap - s.used >= amount) return { ...s };
        }
        return undefined;
      },
      lockSlice: async (key, slice) => ({ ...this.counts.get(key)!.slices[slice]! }),
      lockSlices: async (key) => (this.counts.get(key)?.slices ?? []).map((s) => ({ ...s })),
      createSlices: async (key, n) => {
        this.counts.get(key)!.slices = Array.from({ length: n }, (_, slice) => ({ slice, cap: 0, used: 0 }));
      },
      adjustSlice: async (key, slice, capDelta, usedDelta) => {
        const s = this.counts.get(key)!.slices[slice]!;
        s.cap += capDelta;
        s.used += usedDelta;
        if (s.used > s.cap) throw new Error(`ledger memory: slice ${slice} of ${key} would spend beyond its cap`);
      },
      adjustAllotted: async (key, delta, max) => {
        const c = this.counts.get(key)!;
        c.allotted += delta;
        if (max !== null) c.max = max;
      },
      reservations: async (id) => (this.orders.get(id)?.rows ?? []).map((r) => ({ ...r })),
      writeOrder: async (id, state: OrderState, expiresAt, now, rows) => {
        const previous = this.orders.get(id);
        const order = { state, expiresAt, updatedAt: now, rows: rows ? rows.map((r) => ({ ...r })) : (previous?.rows ?? []) };
        this.index(id, order);
        this.orders.set(id, order);
      },
      deleteOrder: async (id) => {
        this.index(id, undefined);
        this.orders.delete(id);
      },
      addUsed: async (key, delta, max) => {
        const c = this.counter(key, max ?? 0);
        c.used += delta;
        if (max !== null) c.max = max;
      },
      drawLeases: async (draws, now) => {
        const slices: number[] = [];
        for (const d of draws) {
          const lease = this.orders.get(d.lease);
          const row = lease?.state === "held" && lease.expiresAt > now ? lease.rows.find((r) => r.key === d.key) : undefined;
          if (!row || row.amount < d.amount) return undefined;
          slices.push(row.slice);
        }
        for (const d of draws) {
          const lease = this.orders.get(d.lease)!;
          const rows = lease.rows.map((r) => (r.key === d.key ? { ...r, amount: r.amount - d.amount } : r)).filter((r) => r.amount > 0);
          const next = { ...lease, rows };
          this.index(d.lease, next);
          this.orders.set(d.lease, next);
        }
        return slices;
      },
    };
    return this.mutex.run(() => fn(tx));
  }

  async read(keys: readonly string[], now: number, excludeOrder: string | null) {
    const used = new Map<string, number>();
    for (const key of keys) used.set(key, this.usedOf(key));
    return { used, held: this.heldBy(keys, now, excludeOrder) };
  }

  async counters(prefix: string, now: number): Promise<UsageRow[]> {
    const keys = [...this.counts.keys()].filter((k) => k.startsWith(prefix)).sort();
    const held = this.heldBy(keys, now, null);
    return keys.map((key) => ({ key, used: this.usedOf(key), held: held.get(key) ?? 0, max: this.counts.get(key)!.max }));
  }

  async hotState(now: number): Promise<HotState[]> {
    const out: HotState[] = [];
    for (const [key, c] of [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (c.slices.length === 0) continue;
      const held = this.sliceHeld(key, now, null);
      out.push({
        key,
        counter: { used: c.used, max: c.max, allotted: c.allotted, slices: c.slices.length },
        heldUnsliced: this.heldBy([key], now, null, -1).get(key) ?? 0,
        slices: c.slices.map((s) => ({ ...s, held: held.get(s.slice) ?? 0 })),
      });
    }
    return out;
  }

  async status(now: number) {
    const orders = { held: 0, expired: 0, committed: 0, cancelled: 0 };
    for (const o of this.orders.values()) {
      if (o.state === "held") orders[o.expiresAt > now ? "held" : "expired"]++;
      else orders[o.state]++;
    }
    return { orders, counters: this.counts.size };
  }

  async sweep(now: number): Promise<number> {
    return this.mutex.run(async () => {
      let n = 0;
      for (const [id, o] of this.orders) {
        if (o.state === "held" && o.expiresAt <= now) {
          this.index(id, undefined);
          this.orders.delete(id);
          n++;
        }
      }
      return n;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function memoryLedger(options: LedgerOptions = {}): Ledger {
  return new StoreLedger(new MemoryStore(), options);
}
