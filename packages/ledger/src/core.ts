import type { PricingResult, Reservation } from "@promo/runtime";
import {
  DEFAULT_HOLD_MS,
  type CommitOutcome,
  type Ledger,
  type LedgerOptions,
  type LedgerStatus,
  type Refusal,
  type ReleaseOutcome,
  type ReserveOutcome,
  type UsageRow,
} from "./types.js";

export type OrderState = "held" | "committed" | "cancelled";

export interface OrderRow {
  state: OrderState;
  expiresAt: number;
}

/** One reservation of an order as stored: one row per limit key. */
export interface StoredReservation {
  key: string;
  promotion: string;
  limit: number;
  amount: number;
  max: number;
  onCancel: "return" | "keep";
}

/**
 * One transaction of a store. The memory and SQLite stores run one transaction at a time (SQLite across processes
 * through `BEGIN IMMEDIATE`); PostgreSQL locks the order's row and the counters' rows it touches.
 */
export interface Tx {
  /** The order, locked for the rest of the transaction. */
  order(orderId: string): Promise<OrderRow | undefined>;
  /** Creates missing counters and locks them, in key order; returns committed use per key. */
  lockCounters(rows: readonly { key: string; max: number }[]): Promise<Map<string, number>>;
  /** Live holds per key at `now`, other orders' only. */
  held(keys: readonly string[], now: number, excludeOrder: string): Promise<Map<string, number>>;
  reservations(orderId: string): Promise<StoredReservation[]>;
  /** Replaces the order's reservations and sets its state. */
  writeOrder(orderId: string, state: OrderState, expiresAt: number, now: number, rows: readonly StoredReservation[] | null): Promise<void>;
  deleteOrder(orderId: string): Promise<void>;
  addUsed(key: string, delta: number, max: number | null): Promise<void>;
}

export interface Store {
  readonly name: string;
  readonly schemaVersion: number;
  migrate(): Promise<void>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Committed use and other orders' live holds, outside any transaction. */
  read(keys: readonly string[], now: number, excludeOrder: string | null): Promise<{ used: Map<string, number>; held: Map<string, number> }>;
  counters(prefix: string, now: number): Promise<UsageRow[]>;
  status(now: number): Promise<Omit<LedgerStatus, "store" | "schemaVersion">>;
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
}

/** The reservations of a result (or a list), one per key: limits sharing a key count the same use, the smallest maximum wins. */
export function mergeReservations(source: PricingResult | readonly Reservation[]): StoredReservation[] {
  const list: readonly Reservation[] = Array.isArray(source) ? source : (source as PricingResult).applied.flatMap((a) => a.reservations ?? []);
  const byKey = new Map<string, StoredReservation>();
  for (const r of list) {
    if (!Number.isSafeInteger(r.amount) || r.amount <= 0 || !Number.isSafeInteger(r.max) || r.max < 0) {
      throw new RangeError(`reservation ${r.key}: amount and max must be whole numbers (amount > 0), got ${r.amount} of ${r.max}`);
    }
    const seen = byKey.get(r.key);
    if (seen) {
      seen.amount = Math.max(seen.amount, r.amount);
      seen.max = Math.min(seen.max, r.max);
    } else byKey.set(r.key, { key: r.key, promotion: r.promotion, limit: r.limit, amount: r.amount, max: r.max, onCancel: r.onCancel });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function validOrderId(orderId: string): void {
  if (typeof orderId !== "string" || orderId.length === 0 || orderId.length > 200) throw new RangeError("an order id is a string of 1 to 200 characters");
}

function refusalMessage(r: Refusal): string {
  return `limit ${r.limit + 1} of ${r.promotion} refused: ${r.used} used of ${r.max}, ${r.amount} asked (${r.key})`;
}

/** The first reservation that does not fit next to committed use and other orders' live holds. */
async function firstRefusal(tx: Tx, orderId: string, rows: readonly StoredReservation[], now: number): Promise<Refusal | undefined> {
  if (rows.length === 0) return undefined;
  const used = await tx.lockCounters(rows);
  const held = await tx.held(
    rows.map((r) => r.key),
    now,
    orderId,
  );
  for (const r of rows) {
    const current = (used.get(r.key) ?? 0) + (held.get(r.key) ?? 0);
    if (current + r.amount > r.max) return { promotion: r.promotion, limit: r.limit, key: r.key, max: r.max, used: current, amount: r.amount };
  }
  return undefined;
}

/** The ledger's rules, the same over every store. */
export class StoreLedger implements Ledger {
  private readonly holdMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    options: LedgerOptions = {},
  ) {
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    if (!Number.isSafeInteger(this.holdMs) || this.holdMs <= 0) throw new RangeError("holdMs must be a positive whole number of milliseconds");
    this.now = options.now ?? Date.now;
  }

  get name(): string {
    return this.store.name;
  }

  migrate(): Promise<void> {
    return this.store.migrate();
  }

  async reserve(orderId: string, source: PricingResult | readonly Reservation[]): Promise<ReserveOutcome> {
    validOrderId(orderId);
    const rows = mergeReservations(source);
    return this.store.transaction(async (tx) => {
      const now = this.now();
      const order = await tx.order(orderId);
      if (order?.state === "committed") return { ok: true, orderId, status: "already-committed", expiresAt: null };
      if (order?.state === "cancelled") return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
      if (order?.state === "held" && order.expiresAt > now) return { ok: true, orderId, status: "already-reserved", expiresAt: order.expiresAt };
      // New, or a hold that expired: reserve afresh.
      const refused = await firstRefusal(tx, orderId, rows, now);
      if (refused) return { ok: false, orderId, reason: "limit", refused, message: refusalMessage(refused) };
      const expiresAt = now + this.holdMs;
      await tx.writeOrder(orderId, "held", expiresAt, now, rows);
      return { ok: true, orderId, status: "reserved", expiresAt };
    });
  }

  async commit(orderId: string): Promise<CommitOutcome> {
    validOrderId(orderId);
    return this.store.transaction(async (tx) => {
      const now = this.now();
      const order = await tx.order(orderId);
      if (!order) return { ok: false, orderId, reason: "unknown-order", message: `order ${orderId} holds no reservation (never reserved, or released)` };
      if (order.state === "committed") return { ok: true, orderId, status: "already-committed" };
      if (order.state === "cancelled") return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
      const rows = await tx.reservations(orderId);
      if (order.expiresAt <= now) {
        // The hold lapsed: others may have taken its room since. Commit only what still fits.
        const refused = await firstRefusal(tx, orderId, rows, now);
        if (refused) return { ok: false, orderId, reason: "limit", refused, message: `the hold expired and ${refusalMessage(refused)}` };
      } else if (rows.length > 0) await tx.lockCounters(rows);
      for (const r of rows) await tx.addUsed(r.key, r.amount, r.max);
      await tx.writeOrder(orderId, "committed", order.expiresAt, now, null);
      return { ok: true, orderId, status: "committed" };
    });
  }

  async release(orderId: string): Promise<ReleaseOutcome> {
    validOrderId(orderId);
    return this.store.transaction(async (tx) => {
      const now = this.now();
      const order = await tx.order(orderId);
      if (!order) return { ok: true, orderId, status: "unknown-order", returned: false };
      if (order.state === "cancelled") return { ok: true, orderId, status: "already-cancelled", returned: false };
      if (order.state === "held") {
        await tx.deleteOrder(orderId);
        return { ok: true, orderId, status: "released", returned: true };
      }
      const rows = await tx.reservations(orderId);
      const back = rows.filter((r) => r.onCancel === "return");
      if (back.length > 0) await tx.lockCounters(back);
      for (const r of back) await tx.addUsed(r.key, -r.amount, null);
      await tx.writeOrder(orderId, "cancelled", order.expiresAt, now, null);
      return { ok: true, orderId, status: "cancelled", returned: back.length > 0 };
    });
  }

  async usageFor(keys: Iterable<string>, options: { excludeOrder?: string } = {}): Promise<Record<string, number>> {
    const list = [...new Set(keys)].sort();
    const out: Record<string, number> = {};
    if (list.length === 0) return out;
    const { used, held } = await this.store.read(list, this.now(), options.excludeOrder ?? null);
    for (const key of list) out[key] = (used.get(key) ?? 0) + (held.get(key) ?? 0);
    return out;
  }

  usage(promotion: string): Promise<UsageRow[]> {
    const prefix = `${promotion.replace(/[%|]/g, (c) => (c === "%" ? "%25" : "%7C"))}|`;
    return this.store.counters(prefix, this.now());
  }

  async status(): Promise<LedgerStatus> {
    const rest = await this.store.status(this.now());
    return { store: this.store.name, schemaVersion: this.store.schemaVersion, ...rest };
  }

  sweep(): Promise<number> {
    return this.store.sweep(this.now());
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Runs async sections one at a time (a connection that must not interleave transactions). */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
