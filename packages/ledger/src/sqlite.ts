import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { Mutex, StoreLedger, type HotState, type OrderState, type SliceRow, type Store, type StoredReservation, type Tx } from "./core.js";
import { LedgerUnavailableError, type Ledger, type LedgerOptions, type UsageRow } from "./types.js";

export const SQLITE_SCHEMA_VERSION = 2;

/** The schema (version 2: slices of hot counters); every statement is idempotent. Columns added in 2 are in COLUMNS. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS promo_ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS promo_ledger_counters (
  key TEXT PRIMARY KEY,
  used INTEGER NOT NULL DEFAULT 0,
  max INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS promo_ledger_slices (
  key TEXT NOT NULL,
  slice INTEGER NOT NULL,
  cap INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0 CHECK (used <= cap),
  PRIMARY KEY (key, slice)
);
CREATE TABLE IF NOT EXISTS promo_ledger_orders (
  order_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('held', 'committed', 'cancelled')),
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS promo_ledger_reservations (
  order_id TEXT NOT NULL,
  key TEXT NOT NULL,
  promotion TEXT NOT NULL,
  limit_index INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  max INTEGER NOT NULL,
  on_cancel TEXT NOT NULL CHECK (on_cancel IN ('return', 'keep')),
  state TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (order_id, key)
);
CREATE INDEX IF NOT EXISTS promo_ledger_live_holds ON promo_ledger_reservations (key, expires_at) WHERE state = 'held';
`;
/** Columns of version 2, added to a version-1 database by `migrate`. */
const COLUMNS: readonly [table: string, column: string, definition: string][] = [
  ["promo_ledger_counters", "slices", "INTEGER NOT NULL DEFAULT 0"],
  ["promo_ledger_counters", "allotted", "INTEGER NOT NULL DEFAULT 0"],
  ["promo_ledger_reservations", "slice", "INTEGER NOT NULL DEFAULT -1"],
];
const INDEXES = "CREATE INDEX IF NOT EXISTS promo_ledger_slice_holds ON promo_ledger_reservations (key, slice, expires_at) WHERE state = 'held';";

export interface SqliteLedgerOptions extends LedgerOptions {
  /** Create or upgrade the schema when opening (default true). */
  migrate?: boolean;
  /** Refuse to create the file (for reading a ledger that must exist). */
  mustExist?: boolean;
  /** How long to wait for another process's write transaction, in milliseconds (default 10 s). */
  busyTimeoutMs?: number;
  /** `full` (default): every commit is on disk before it returns; `normal`: faster, may lose the last commits on power loss. */
  synchronous?: "full" | "normal";
}

type Database = BetterSqlite3.Database;

function loadDriver(): typeof BetterSqlite3 {
  const require = createRequire(import.meta.url);
  return require("better-sqlite3") as typeof BetterSqlite3;
}

class SqliteStore implements Store {
  readonly name: string;
  readonly schemaVersion = SQLITE_SCHEMA_VERSION;
  private readonly mutex = new Mutex();
  private statements: ReturnType<SqliteStore["prepare"]> | undefined;

  constructor(
    private readonly db: Database,
    readonly path: string,
  ) {
    this.name = `sqlite:${path}`;
  }

  private fail(error: unknown): never {
    if (error instanceof LedgerUnavailableError) throw error;
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED")
      throw new LedgerUnavailableError(this.name, "the database stayed locked by another process past the busy timeout", error);
    if (code.startsWith("SQLITE_")) throw new LedgerUnavailableError(this.name, `${(error as Error).message} (${code})`, error);
    throw error;
  }

  private prepare() {
    const db = this.db;
    return {
      order: db.prepare<[string], { state: OrderState; expires_at: number }>("SELECT state, expires_at FROM promo_ledger_orders WHERE order_id = ?"),
      insertCounter: db.prepare("INSERT INTO promo_ledger_counters (key, used, max) VALUES (?, 0, ?) ON CONFLICT (key) DO NOTHING"),
      counter: db.prepare<[string], { used: number; max: number; allotted: number; slices: number }>(
        "SELECT used, max, allotted, slices FROM promo_ledger_counters WHERE key = ?",
      ),
      sliceCounts: db.prepare<[string], { key: string; slices: number; max: number }>(
        "SELECT key, slices, max FROM promo_ledger_counters WHERE key IN (SELECT value FROM json_each(?))",
      ),
      held: db.prepare<[number, string, string], { key: string; held: number }>(
        "SELECT key, SUM(amount) AS held FROM promo_ledger_reservations WHERE state = 'held' AND expires_at > ? AND order_id <> ? AND key IN (SELECT value FROM json_each(?)) GROUP BY key",
      ),
      heldUnsliced: db.prepare<[number, string, string], { key: string; held: number }>(
        "SELECT key, SUM(amount) AS held FROM promo_ledger_reservations WHERE state = 'held' AND expires_at > ? AND order_id <> ? AND slice = -1 AND key IN (SELECT value FROM json_each(?)) GROUP BY key",
      ),
      sliceHeld: db.prepare<[string, number, string], { slice: number; held: number }>(
        "SELECT slice, SUM(amount) AS held FROM promo_ledger_reservations WHERE key = ? AND slice >= 0 AND state = 'held' AND expires_at > ? AND order_id <> ? GROUP BY slice",
      ),
      oneSliceHeld: db.prepare<[string, number, number, string], { held: number | null }>(
        "SELECT SUM(amount) AS held FROM promo_ledger_reservations WHERE key = ? AND slice = ? AND state = 'held' AND expires_at > ? AND order_id <> ?",
      ),
      claimSlice: db.prepare<[string, number, number, number, number], SliceRow>(
        "SELECT slice, cap, used FROM promo_ledger_slices WHERE key = ? AND cap - used >= ? ORDER BY (slice - ? + ?) % ? LIMIT 1",
      ),
      slice: db.prepare<[string, number], SliceRow>("SELECT slice, cap, used FROM promo_ledger_slices WHERE key = ? AND slice = ?"),
      slices: db.prepare<[string], SliceRow>("SELECT slice, cap, used FROM promo_ledger_slices WHERE key = ? ORDER BY slice"),
      insertSlice: db.prepare("INSERT INTO promo_ledger_slices (key, slice, cap, used) VALUES (?, ?, 0, 0) ON CONFLICT DO NOTHING"),
      setSlices: db.prepare("UPDATE promo_ledger_counters SET slices = ? WHERE key = ?"),
      adjustSlice: db.prepare("UPDATE promo_ledger_slices SET cap = cap + ?, used = used + ? WHERE key = ? AND slice = ?"),
      adjustAllotted: db.prepare("UPDATE promo_ledger_counters SET allotted = allotted + ?, max = COALESCE(?, max) WHERE key = ?"),
      used: db.prepare<[string], { key: string; used: number }>(
        "SELECT c.key, c.used + COALESCE((SELECT SUM(s.used) FROM promo_ledger_slices s WHERE s.key = c.key), 0) AS used FROM promo_ledger_counters c WHERE c.key IN (SELECT value FROM json_each(?))",
      ),
      hotCounters: db.prepare<[], { key: string; used: number; max: number; allotted: number; slices: number }>(
        "SELECT key, used, max, allotted, slices FROM promo_ledger_counters WHERE slices > 0 ORDER BY key",
      ),
      reservations: db.prepare<
        [string],
        { key: string; promotion: string; limit_index: number; amount: number; max: number; on_cancel: "return" | "keep"; slice: number }
      >("SELECT key, promotion, limit_index, amount, max, on_cancel, slice FROM promo_ledger_reservations WHERE order_id = ? ORDER BY key"),
      upsertOrder: db.prepare(
        "INSERT INTO promo_ledger_orders (order_id, state, expires_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, updated_at = excluded.updated_at",
      ),
      deleteReservations: db.prepare("DELETE FROM promo_ledger_reservations WHERE order_id = ?"),
      insertReservation: db.prepare(
        "INSERT INTO promo_ledger_reservations (order_id, key, promotion, limit_index, amount, max, on_cancel, state, expires_at, slice) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      setReservationState: db.prepare("UPDATE promo_ledger_reservations SET state = ?, expires_at = ? WHERE order_id = ?"),
      deleteOrder: db.prepare("DELETE FROM promo_ledger_orders WHERE order_id = ?"),
      leaseHold: db.prepare<[string, string, number], { amount: number; slice: number }>(
        "SELECT amount, slice FROM promo_ledger_reservations WHERE order_id = ? AND key = ? AND state = 'held' AND expires_at > ?",
      ),
      drawLease: db.prepare("UPDATE promo_ledger_reservations SET amount = amount - ? WHERE order_id = ? AND key = ? AND amount > ?"),
      dropLeaseHold: db.prepare("DELETE FROM promo_ledger_reservations WHERE order_id = ? AND key = ? AND amount = ?"),
      addUsed: db.prepare("UPDATE promo_ledger_counters SET used = used + ?, max = COALESCE(?, max) WHERE key = ?"),
      counters: db.prepare<[string, string], { key: string; used: number; max: number }>(
        "SELECT c.key, c.used + COALESCE((SELECT SUM(s.used) FROM promo_ledger_slices s WHERE s.key = c.key), 0) AS used, c.max FROM promo_ledger_counters c WHERE c.key >= ? AND c.key < ? ORDER BY c.key",
      ),
      orderStates: db.prepare<[number], { state: string; n: number }>(
        "SELECT CASE WHEN state = 'held' AND expires_at <= ? THEN 'expired' ELSE state END AS state, COUNT(*) AS n FROM promo_ledger_orders GROUP BY 1",
      ),
      counterCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM promo_ledger_counters"),
      expired: db.prepare<[number], { order_id: string }>("SELECT order_id FROM promo_ledger_orders WHERE state = 'held' AND expires_at <= ?"),
    };
  }

  private get s() {
    if (!this.statements) {
      const version = this.version();
      if (version === 0) throw new LedgerUnavailableError(this.name, "no ledger schema in this database (run 'promo ledger init' or open it with migrate)");
      if (version > SQLITE_SCHEMA_VERSION)
        throw new LedgerUnavailableError(this.name, `schema version ${version} is newer than this ledger (${SQLITE_SCHEMA_VERSION})`);
      if (version < SQLITE_SCHEMA_VERSION)
        throw new LedgerUnavailableError(
          this.name,
          `schema version ${version} is older than this ledger (${SQLITE_SCHEMA_VERSION}): run 'promo ledger init' to upgrade it`,
        );
      this.statements = this.prepare();
    }
    return this.statements;
  }

  private version(): number {
    const meta = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'promo_ledger_meta'").get();
    if (!meta) return 0;
    const row = this.db.prepare<[], { value: string }>("SELECT value FROM promo_ledger_meta WHERE name = 'schema_version'").get();
    return row ? Number(row.value) : 0;
  }

  async migrate(): Promise<void> {
    return this.mutex.run(async () => {
      try {
        this.db.exec("BEGIN IMMEDIATE");
        try {
          this.db.exec(SCHEMA);
          for (const [table, column, definition] of COLUMNS) {
            const present = this.db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(column);
            if (!present) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
          }
          this.db.exec(INDEXES);
          this.db
            .prepare("INSERT INTO promo_ledger_meta (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .run(String(SQLITE_SCHEMA_VERSION));
          this.db.exec("COMMIT");
        } catch (error) {
          if (this.db.inTransaction) this.db.exec("ROLLBACK");
          throw error;
        }
      } catch (error) {
        this.fail(error);
      }
    });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      try {
        const s = this.s;
        const tx: Tx = {
          order: async (id) => {
            const row = s.order.get(id);
            return row ? { state: row.state, expiresAt: row.expires_at } : undefined;
          },
          sliceCounts: async (keys) => new Map(s.sliceCounts.all(JSON.stringify(keys)).map((r) => [r.key, { slices: r.slices, max: r.max }])),
          lockCounters: async (rows) => {
            // The whole database is this transaction's (BEGIN IMMEDIATE): creating the rows is all the locking needed.
            const out = new Map<string, { used: number; max: number; allotted: number; slices: number }>();
            for (const r of rows) {
              s.insertCounter.run(r.key, r.max);
              out.set(r.key, s.counter.get(r.key)!);
            }
            return out;
          },
          held: async (keys, now, exclude) => new Map(s.heldUnsliced.all(now, exclude, JSON.stringify(keys)).map((r) => [r.key, r.held])),
          sliceHeld: async (key, slice, now, exclude) =>
            slice === null
              ? new Map(s.sliceHeld.all(key, now, exclude).map((r) => [r.slice, r.held]))
              : new Map([[slice, s.oneSliceHeld.get(key, slice, now, exclude)?.held ?? 0]]),
          claimSlice: async (key, amount, from, n) => s.claimSlice.get(key, amount, from, n, n),
          lockSlice: async (key, slice) => s.slice.get(key, slice)!,
          lockSlices: async (key) => s.slices.all(key),
          createSlices: async (key, n) => {
            for (let i = 0; i < n; i++) s.insertSlice.run(key, i);
            s.setSlices.run(n, key);
          },
          adjustSlice: async (key, slice, capDelta, usedDelta) => {
            s.adjustSlice.run(capDelta, usedDelta, key, slice);
          },
          adjustAllotted: async (key, delta, max) => {
            s.adjustAllotted.run(delta, max, key);
          },
          reservations: async (id) =>
            s.reservations.all(id).map((r): StoredReservation => ({
              key: r.key,
              promotion: r.promotion,
              limit: r.limit_index,
              amount: r.amount,
              max: r.max,
              onCancel: r.on_cancel,
              slice: r.slice,
            })),
          writeOrder: async (id, state, expiresAt, now, rows) => {
            s.upsertOrder.run(id, state, expiresAt, now);
            if (rows) {
              s.deleteReservations.run(id);
              for (const r of rows) s.insertReservation.run(id, r.key, r.promotion, r.limit, r.amount, r.max, r.onCancel, state, expiresAt, r.slice);
            } else s.setReservationState.run(state, expiresAt, id);
          },
          deleteOrder: async (id) => {
            s.deleteReservations.run(id);
            s.deleteOrder.run(id);
          },
          addUsed: async (key, delta, max) => {
            s.addUsed.run(delta, max, key);
          },
          drawLeases: async (draws, now) => {
            const slices: number[] = [];
            for (const d of draws) {
              const hold = s.leaseHold.get(d.lease, d.key, now);
              if (!hold || hold.amount < d.amount) return undefined;
              slices.push(hold.slice);
            }
            for (const d of draws) {
              // All of the lease's hold goes, or part of it.
              if (s.dropLeaseHold.run(d.lease, d.key, d.amount).changes === 0) s.drawLease.run(d.amount, d.lease, d.key, d.amount);
            }
            return slices;
          },
        };
        this.db.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(tx);
          this.db.exec("COMMIT");
          return result;
        } catch (error) {
          if (this.db.inTransaction) this.db.exec("ROLLBACK");
          throw error;
        }
      } catch (error) {
        return this.fail(error);
      }
    });
  }

  async read(keys: readonly string[], now: number, excludeOrder: string | null) {
    try {
      const json = JSON.stringify(keys);
      const used = new Map(this.s.used.all(json).map((r) => [r.key, r.used]));
      const held = new Map(this.s.held.all(now, excludeOrder ?? "", json).map((r) => [r.key, r.held]));
      return { used, held };
    } catch (error) {
      return this.fail(error);
    }
  }

  async counters(prefix: string, now: number): Promise<UsageRow[]> {
    try {
      // Keys from `prefix` up to (excluding) the prefix with its last character incremented.
      const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      const rows = this.s.counters.all(prefix, end);
      const held = new Map(this.s.held.all(now, "", JSON.stringify(rows.map((r) => r.key))).map((r) => [r.key, r.held]));
      return rows.map((r) => ({ key: r.key, used: r.used, held: held.get(r.key) ?? 0, max: r.max }));
    } catch (error) {
      return this.fail(error);
    }
  }

  async status(now: number) {
    try {
      const orders = { held: 0, expired: 0, committed: 0, cancelled: 0 };
      for (const r of this.s.orderStates.all(now)) orders[r.state as keyof typeof orders] = r.n;
      return { orders, counters: this.s.counterCount.get()!.n };
    } catch (error) {
      return this.fail(error);
    }
  }

  async hotState(now: number): Promise<HotState[]> {
    try {
      return this.s.hotCounters.all().map((c) => {
        const held = new Map(this.s.sliceHeld.all(c.key, now, "").map((r) => [r.slice, r.held]));
        const unsliced = this.s.heldUnsliced.all(now, "", JSON.stringify([c.key]))[0]?.held ?? 0;
        return {
          key: c.key,
          counter: { used: c.used, max: c.max, allotted: c.allotted, slices: c.slices },
          heldUnsliced: unsliced,
          slices: this.s.slices.all(c.key).map((sl) => ({ ...sl, held: held.get(sl.slice) ?? 0 })),
        };
      });
    } catch (error) {
      return this.fail(error);
    }
  }

  sweep(now: number): Promise<number> {
    return this.transaction(async (tx) => {
      const expired = this.s.expired.all(now);
      for (const { order_id } of expired) await tx.deleteOrder(order_id);
      return expired.length;
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      if (this.db.open) this.db.close();
    });
  }
}

/**
 * A ledger in a SQLite file, the embedded default: several processes may share the file. Writes run in
 * `BEGIN IMMEDIATE` transactions (one writer at a time, others wait up to the busy timeout) in WAL mode, so
 * readers never block and a checked reservation cannot be overtaken.
 */
export async function sqliteLedger(path: string, options: SqliteLedgerOptions = {}): Promise<Ledger> {
  if (options.mustExist && path !== ":memory:" && !existsSync(path))
    throw new LedgerUnavailableError(`sqlite:${path}`, "no such file (run 'promo ledger init' first)");
  let db: Database;
  try {
    const Driver = loadDriver();
    db = new Driver(path, { fileMustExist: options.mustExist ?? false, timeout: options.busyTimeoutMs ?? 10_000 });
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  } catch (error) {
    throw new LedgerUnavailableError(`sqlite:${path}`, `cannot open: ${(error as Error).message}`, error);
  }
  const store = new SqliteStore(db, path);
  if (options.migrate ?? true) await store.migrate();
  return new StoreLedger(store, options);
}
