import { Mutex, StoreLedger, type OrderRow, type OrderState, type Store, type StoredReservation, type Tx } from "./core.js";
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
  readonly schemaVersion = 1;
  private readonly orders = new Map<string, MemoryOrder>();
  private readonly counts = new Map<string, { used: number; max: number }>();
  /** Live and expired holds by key, so a check reads only the holds on its own keys. */
  private readonly holds = new Map<string, Map<string, number>>();
  private readonly mutex = new Mutex();
  private closed = false;

  async migrate(): Promise<void> {}

  private heldBy(keys: readonly string[], now: number, excludeOrder: string | null): Map<string, number> {
    const held = new Map<string, number>();
    for (const key of keys) {
      let sum = 0;
      for (const [id, amount] of this.holds.get(key) ?? []) {
        const order = this.orders.get(id)!;
        if (id !== excludeOrder && order.expiresAt > now) sum += amount;
      }
      if (sum > 0) held.set(key, sum);
    }
    return held;
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
        byOrder.set(id, r.amount);
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
      lockCounters: async (rows) => {
        const used = new Map<string, number>();
        for (const r of rows) {
          if (!this.counts.has(r.key)) this.counts.set(r.key, { used: 0, max: r.max });
          used.set(r.key, this.counts.get(r.key)!.used);
        }
        return used;
      },
      held: async (keys, now, exclude) => this.heldBy(keys, now, exclude),
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
        const c = this.counts.get(key) ?? { used: 0, max: max ?? 0 };
        c.used += delta;
        if (max !== null) c.max = max;
        this.counts.set(key, c);
      },
    };
    return this.mutex.run(() => fn(tx));
  }

  async read(keys: readonly string[], now: number, excludeOrder: string | null) {
    const used = new Map<string, number>();
    for (const key of keys) used.set(key, this.counts.get(key)?.used ?? 0);
    return { used, held: this.heldBy(keys, now, excludeOrder) };
  }

  async counters(prefix: string, now: number): Promise<UsageRow[]> {
    const keys = [...this.counts.keys()].filter((k) => k.startsWith(prefix)).sort();
    const held = this.heldBy(keys, now, null);
    return keys.map((key) => ({ key, used: this.counts.get(key)!.used, held: held.get(key) ?? 0, max: this.counts.get(key)!.max }));
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
