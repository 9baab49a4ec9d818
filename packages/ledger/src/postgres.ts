import { createRequire } from "node:module";
import type * as PgTypes from "pg";
import {
  refusalMessage,
  StoreLedger,
  type AtOnceInput,
  type AtOnceOutcome,
  type BatchAnswer,
  type HotState,
  type OrderState,
  type SliceRow,
  type Store,
  type StoredReservation,
  type Tx,
} from "./core.js";
import { LedgerUnavailableError, type Ledger, type LedgerOptions, type CommitOutcome, type Refusal, type UsageRow } from "./types.js";

export const POSTGRES_SCHEMA_VERSION = 4;

/**
 * promo_ledger_reserve: what StoreLedger.reserve does in its first (not exact) pass, as one statement. It locks the
 * order, then plain counters in key order, then one slice per hot key (SKIP LOCKED, from the instance's home
 * slice; refilled from the counter row when short), then draws leased rows from their leases, and writes the
 * order's holds. Returns jsonb: {status: reserved | already-reserved | already-committed | cancelled, expiresAt},
 * {status: refused, promotion, limit, key, max, used, amount}, or {status: exact}: the client runs the exact pass
 * (an unsliced key to slice, a changed maximum, or a slice that cannot be refilled). A lease that is gone raises
 * SQLSTATE PL001 with the lease id as message, rolling back everything.
 */
const RESERVE_FUNCTION = `
CREATE OR REPLACE FUNCTION promo_ledger_reserve(
  p_order TEXT, p_now BIGINT, p_expires BIGINT,
  p_keys TEXT[], p_promotions TEXT[], p_limits INT[], p_amounts BIGINT[], p_maxes BIGINT[], p_on_cancel TEXT[],
  p_hot BOOLEAN[], p_leases TEXT[], p_home INT, p_refill BIGINT, p_exact_refusal BOOLEAN
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  n INT := coalesce(array_length(p_keys, 1), 0);
  v_slice INT[];
  v_state TEXT; v_expires BIGINT;
  i INT; v_n INT; v_s INT; v_home INT;
  v_max BIGINT; v_used BIGINT; v_allotted BIGINT; v_held BIGINT; v_cap BIGINT; v_sused BIGINT;
  v_free BIGINT; v_pool BIGINT; v_need BIGINT; v_grant BIGINT;
  v_plain TEXT[] := '{}'; v_plain_max BIGINT[] := '{}';
  v_row RECORD;
BEGIN
  SELECT o.state, o.expires_at INTO v_state, v_expires FROM promo_ledger_orders o WHERE o.order_id = p_order FOR UPDATE;
  IF FOUND THEN
    IF v_state = 'committed' THEN RETURN jsonb_build_object('status', 'already-committed'); END IF;
    IF v_state = 'cancelled' THEN RETURN jsonb_build_object('status', 'cancelled'); END IF;
    IF v_expires > p_now THEN RETURN jsonb_build_object('status', 'already-reserved', 'expiresAt', v_expires); END IF;
  END IF;
  -- Which rows are plain (-1), sliced (-2) or leased (-3); read without locking.
  v_slice := ARRAY(SELECT CASE WHEN p_leases[g] IS NULL THEN -1 ELSE -3 END FROM generate_series(1, n) AS g);
  FOR i IN 1..n LOOP
    CONTINUE WHEN v_slice[i] = -3;
    SELECT c.slices, c.max INTO v_n, v_max FROM promo_ledger_counters c WHERE c.key = p_keys[i];
    IF coalesce(v_n, 0) = 0 THEN
      IF p_hot[i] THEN RETURN jsonb_build_object('status', 'exact'); END IF;
      v_plain := v_plain || p_keys[i];
      v_plain_max := v_plain_max || p_maxes[i];
    ELSE
      IF v_max <> p_maxes[i] THEN RETURN jsonb_build_object('status', 'exact'); END IF;
      v_slice[i] := -2;
    END IF;
  END LOOP;
  -- Plain counters: created if missing and locked in key order, then checked against committed use and live holds.
  IF array_length(v_plain, 1) > 0 THEN
    FOR v_row IN
      INSERT INTO promo_ledger_counters AS c (key, used, max) SELECT k, 0, m FROM unnest(v_plain, v_plain_max) AS t(k, m) ORDER BY k
      ON CONFLICT (key) DO UPDATE SET key = c.key RETURNING c.slices
    LOOP
      IF v_row.slices > 0 THEN RETURN jsonb_build_object('status', 'exact'); END IF;
    END LOOP;
    FOR i IN 1..n LOOP
      CONTINUE WHEN v_slice[i] <> -1;
      SELECT c.used INTO v_used FROM promo_ledger_counters c WHERE c.key = p_keys[i];
      SELECT coalesce(sum(r.amount), 0) INTO v_held FROM promo_ledger_reservations r
        WHERE r.state = 'held' AND r.expires_at > p_now AND r.order_id <> p_order AND r.slice = -1 AND r.key = p_keys[i];
      IF v_used + v_held + p_amounts[i] > p_maxes[i] THEN
        RETURN jsonb_build_object('status', 'refused', 'promotion', p_promotions[i], 'limit', p_limits[i], 'key', p_keys[i],
          'max', p_maxes[i], 'used', v_used + v_held, 'amount', p_amounts[i]);
      END IF;
    END LOOP;
  END IF;
  -- Hot keys: one slice each, refilled from the counter row when it is short.
  FOR i IN 1..n LOOP
    CONTINUE WHEN v_slice[i] <> -2;
    SELECT c.slices INTO v_n FROM promo_ledger_counters c WHERE c.key = p_keys[i];
    v_home := p_home % v_n;
    SELECT s.slice, s.cap, s.used INTO v_s, v_cap, v_sused FROM promo_ledger_slices s
      WHERE s.key = p_keys[i] AND s.cap - s.used >= p_amounts[i] ORDER BY (s.slice - v_home + v_n) % v_n LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      SELECT s.slice, s.cap, s.used INTO v_s, v_cap, v_sused FROM promo_ledger_slices s WHERE s.key = p_keys[i] AND s.slice = v_home FOR UPDATE;
    END IF;
    SELECT coalesce(sum(r.amount), 0) INTO v_held FROM promo_ledger_reservations r
      WHERE r.key = p_keys[i] AND r.state = 'held' AND r.expires_at > p_now AND r.order_id <> p_order AND r.slice = v_s;
    v_free := v_cap - v_sused - v_held;
    IF v_free < p_amounts[i] THEN
      SELECT c.used, c.max, c.allotted INTO v_used, v_max, v_allotted FROM promo_ledger_counters c WHERE c.key = p_keys[i] FOR UPDATE;
      IF v_max <> p_maxes[i] THEN RETURN jsonb_build_object('status', 'exact'); END IF;
      SELECT coalesce(sum(r.amount), 0) INTO v_held FROM promo_ledger_reservations r
        WHERE r.state = 'held' AND r.expires_at > p_now AND r.order_id <> p_order AND r.slice = -1 AND r.key = p_keys[i];
      v_pool := p_maxes[i] - v_used - v_held - v_allotted;
      v_need := p_amounts[i] - v_free;
      IF v_pool >= v_need THEN
        v_grant := least(v_pool, greatest(v_need, coalesce(p_refill, greatest(1, ceil(p_maxes[i]::numeric / (4 * v_n))::bigint))));
        UPDATE promo_ledger_slices SET cap = cap + v_grant WHERE key = p_keys[i] AND slice = v_s;
        UPDATE promo_ledger_counters SET allotted = allotted + v_grant WHERE key = p_keys[i];
      ELSIF p_exact_refusal THEN
        RETURN jsonb_build_object('status', 'exact');
      ELSE
        RETURN jsonb_build_object('status', 'refused', 'promotion', p_promotions[i], 'limit', p_limits[i], 'key', p_keys[i],
          'max', p_maxes[i], 'used', p_maxes[i] - v_pool - v_free, 'amount', p_amounts[i]);
      END IF;
    END IF;
    v_slice[i] := v_s;
  END LOOP;
  -- Leased rows, last: the use moves from the lease's live hold to this order's, on the same slice. The lease's row
  -- is locked first, so that an order drawing on it at the same time is waited for and its draw seen.
  FOR i IN 1..n LOOP
    CONTINUE WHEN v_slice[i] <> -3;
    SELECT r.amount, r.slice INTO v_held, v_s FROM promo_ledger_reservations r WHERE r.order_id = p_leases[i] AND r.key = p_keys[i]
      AND r.state = 'held' AND r.expires_at > p_now FOR UPDATE;
    IF NOT FOUND OR v_held < p_amounts[i] THEN RAISE EXCEPTION USING ERRCODE = 'PL001', MESSAGE = p_leases[i]; END IF;
    IF v_held = p_amounts[i] THEN
      DELETE FROM promo_ledger_reservations r WHERE r.order_id = p_leases[i] AND r.key = p_keys[i];
    ELSE
      UPDATE promo_ledger_reservations r SET amount = r.amount - p_amounts[i] WHERE r.order_id = p_leases[i] AND r.key = p_keys[i];
    END IF;
    v_slice[i] := v_s;
  END LOOP;
  INSERT INTO promo_ledger_orders (order_id, state, expires_at, updated_at) VALUES (p_order, 'held', p_expires, p_now)
    ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, updated_at = excluded.updated_at;
  DELETE FROM promo_ledger_reservations WHERE order_id = p_order;
  INSERT INTO promo_ledger_reservations (order_id, key, promotion, limit_index, amount, max, on_cancel, state, expires_at, slice)
    SELECT p_order, k, p, l, a, m, c, 'held', p_expires, s
    FROM unnest(p_keys, p_promotions, p_limits, p_amounts, p_maxes, p_on_cancel, v_slice) AS t(k, p, l, a, m, c, s);
  RETURN jsonb_build_object('status', 'reserved', 'expiresAt', p_expires);
END
$fn$;`;

/**
 * promo_ledger_commit: StoreLedger.commit for an order whose hold is live and still fits (the common case), as one
 * statement: locks the order, its plain counters in key order and its slices, checks that its use still fits next
 * to committed use and other live holds, and spends it. Returns jsonb {status: committed | already-committed |
 * unknown-order | cancelled}, or {status: client} without changing anything: a lapsed hold or one that no longer
 * fits, which the client-side path commits only as far as the limits still have room.
 */
const COMMIT_FUNCTION = `
CREATE OR REPLACE FUNCTION promo_ledger_commit(p_order TEXT, p_now BIGINT) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_state TEXT; v_expires BIGINT; v_row RECORD; v_held BIGINT;
BEGIN
  SELECT o.state, o.expires_at INTO v_state, v_expires FROM promo_ledger_orders o WHERE o.order_id = p_order FOR UPDATE;
  IF NOT FOUND THEN RETURN jsonb_build_object('status', 'unknown-order'); END IF;
  IF v_state = 'committed' THEN RETURN jsonb_build_object('status', 'already-committed'); END IF;
  IF v_state = 'cancelled' THEN RETURN jsonb_build_object('status', 'cancelled'); END IF;
  IF v_expires <= p_now THEN RETURN jsonb_build_object('status', 'client'); END IF;
  -- Plain counters, locked in key order, then checked.
  FOR v_row IN
    SELECT c.key, c.used, c.allotted, r.amount, r.max FROM promo_ledger_counters c JOIN promo_ledger_reservations r ON r.key = c.key
    WHERE r.order_id = p_order AND r.slice = -1 ORDER BY c.key FOR UPDATE OF c
  LOOP
    SELECT coalesce(sum(x.amount), 0) INTO v_held FROM promo_ledger_reservations x
      WHERE x.state = 'held' AND x.expires_at > p_now AND x.order_id <> p_order AND x.slice = -1 AND x.key = v_row.key;
    IF v_row.used + v_row.allotted + v_held + v_row.amount > v_row.max THEN RETURN jsonb_build_object('status', 'client'); END IF;
  END LOOP;
  -- Each slice the order holds on, locked in key order, then checked.
  FOR v_row IN
    SELECT s.key, s.slice, s.cap, s.used, r.amount FROM promo_ledger_slices s JOIN promo_ledger_reservations r ON r.key = s.key AND r.slice = s.slice
    WHERE r.order_id = p_order AND r.slice >= 0 ORDER BY s.key FOR UPDATE OF s
  LOOP
    SELECT coalesce(sum(x.amount), 0) INTO v_held FROM promo_ledger_reservations x
      WHERE x.key = v_row.key AND x.slice = v_row.slice AND x.state = 'held' AND x.expires_at > p_now AND x.order_id <> p_order;
    IF v_row.cap - v_row.used - v_held < v_row.amount THEN RETURN jsonb_build_object('status', 'client'); END IF;
  END LOOP;
  UPDATE promo_ledger_counters c SET used = c.used + r.amount, max = r.max FROM promo_ledger_reservations r
    WHERE r.order_id = p_order AND r.slice = -1 AND c.key = r.key;
  UPDATE promo_ledger_slices s SET used = s.used + r.amount FROM promo_ledger_reservations r
    WHERE r.order_id = p_order AND r.slice >= 0 AND s.key = r.key AND s.slice = r.slice;
  UPDATE promo_ledger_orders SET state = 'committed', updated_at = p_now WHERE order_id = p_order;
  UPDATE promo_ledger_reservations SET state = 'committed' WHERE order_id = p_order;
  RETURN jsonb_build_object('status', 'committed');
END
$fn$;`;

/**
 * promo_ledger_batch: several orders' commits and reservations in one statement and one transaction (the ledger's
 * `batch` option: a checkout instance sends what its concurrent requests asked for while its previous batch ran).
 * Each commit is promo_ledger_commit and each reservation promo_ledger_reserve, run one after the other in that
 * order (commits first), so each keeps its own rules and outcome; a later order sees the earlier ones' holds. The
 * reservations' rows come flattened (p_counts rows per order). What the commits spend from (plain counters by key,
 * then slices by key and slice) is locked first in one global order, so that two batches never deadlock on their
 * commits. Leased rows are not batched. Returns a jsonb array of the functions' answers: the commits', then the
 * reservations', in the order given. An error rolls back the whole batch (every order in it is then retried or
 * failed together; each operation is idempotent by order id).
 */
const BATCH_FUNCTION = `
CREATE OR REPLACE FUNCTION promo_ledger_batch(
  p_now BIGINT, p_commits TEXT[],
  p_orders TEXT[], p_expires BIGINT[], p_counts INT[],
  p_keys TEXT[], p_promotions TEXT[], p_limits INT[], p_amounts BIGINT[], p_maxes BIGINT[], p_on_cancel TEXT[], p_hot BOOLEAN[],
  p_home INT, p_refill BIGINT, p_exact_refusal BOOLEAN
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  v_out jsonb[] := '{}';
  v_order TEXT;
  i INT; j INT := 1; n INT;
BEGIN
  IF coalesce(array_length(p_commits, 1), 0) > 0 THEN
    PERFORM 1 FROM promo_ledger_counters c
      WHERE c.key IN (SELECT r.key FROM promo_ledger_reservations r WHERE r.order_id = ANY(p_commits) AND r.slice = -1 AND r.state = 'held')
      ORDER BY c.key FOR UPDATE;
    PERFORM 1 FROM promo_ledger_slices s
      WHERE (s.key, s.slice) IN (SELECT r.key, r.slice FROM promo_ledger_reservations r WHERE r.order_id = ANY(p_commits) AND r.slice >= 0 AND r.state = 'held')
      ORDER BY s.key, s.slice FOR UPDATE;
    FOREACH v_order IN ARRAY p_commits LOOP
      v_out := v_out || promo_ledger_commit(v_order, p_now);
    END LOOP;
  END IF;
  FOR i IN 1..coalesce(array_length(p_orders, 1), 0) LOOP
    n := p_counts[i];
    v_out := v_out || promo_ledger_reserve(p_orders[i], p_now, p_expires[i], p_keys[j:j + n - 1], p_promotions[j:j + n - 1],
      p_limits[j:j + n - 1], p_amounts[j:j + n - 1], p_maxes[j:j + n - 1], p_on_cancel[j:j + n - 1], p_hot[j:j + n - 1],
      array_fill(NULL::TEXT, ARRAY[n]), p_home, p_refill, p_exact_refusal);
    j := j + n;
  END LOOP;
  RETURN to_jsonb(v_out);
END
$fn$;`;

/** Version 1 of the schema; every statement is idempotent. Migrations take an advisory lock so two instances never race. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS promo_ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS promo_ledger_counters (
     key TEXT PRIMARY KEY,
     used BIGINT NOT NULL DEFAULT 0,
     max BIGINT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS promo_ledger_orders (
     order_id TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('held', 'committed', 'cancelled')),
     expires_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS promo_ledger_reservations (
     order_id TEXT NOT NULL,
     key TEXT NOT NULL,
     promotion TEXT NOT NULL,
     limit_index INTEGER NOT NULL,
     amount BIGINT NOT NULL CHECK (amount > 0),
     max BIGINT NOT NULL,
     on_cancel TEXT NOT NULL CHECK (on_cancel IN ('return', 'keep')),
     state TEXT NOT NULL,
     expires_at BIGINT NOT NULL,
     PRIMARY KEY (order_id, key)
   );
   CREATE INDEX IF NOT EXISTS promo_ledger_live_holds ON promo_ledger_reservations (key, expires_at) WHERE state = 'held';`,
  // 2: slices of hot counters (core.ts): a counter's budget handed out to slice rows, a hold placed on one slice.
  `ALTER TABLE promo_ledger_counters ADD COLUMN IF NOT EXISTS slices INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE promo_ledger_counters ADD COLUMN IF NOT EXISTS allotted BIGINT NOT NULL DEFAULT 0;
   ALTER TABLE promo_ledger_reservations ADD COLUMN IF NOT EXISTS slice INTEGER NOT NULL DEFAULT -1;
   CREATE TABLE IF NOT EXISTS promo_ledger_slices (
     key TEXT NOT NULL,
     slice INTEGER NOT NULL,
     cap BIGINT NOT NULL DEFAULT 0,
     used BIGINT NOT NULL DEFAULT 0 CHECK (used <= cap),
     PRIMARY KEY (key, slice)
   );
   CREATE INDEX IF NOT EXISTS promo_ledger_slice_holds ON promo_ledger_reservations (key, slice, expires_at) WHERE state = 'held';`,
  // 3: the reservation function: an order's reservation in one round trip (core.ts, place and placeInSlice, on the server).
  RESERVE_FUNCTION + COMMIT_FUNCTION,
  // 4: several orders' commits and reservations in one statement (the `batch` option).
  BATCH_FUNCTION,
];
const MIGRATION_LOCK = 7_411_011; // pg_advisory_xact_lock key for schema changes

export interface PostgresLedgerOptions extends LedgerOptions {
  /** Create or upgrade the schema when opening (default false: run `promo ledger init` or `migrate()`). */
  migrate?: boolean;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection, in milliseconds (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Reserve through the server-side function promo_ledger_reserve, one round trip per order (default true; schema
   * version 3, `promo ledger init`). With false, a reservation is a client-side transaction of several statements.
   */
  serverFunction?: boolean;
}

type Pool = PgTypes.Pool;
type Client = PgTypes.PoolClient;

/** Transient conflicts a transaction may be retried after: deadlock, serialization failure, a racing insert. */
const RETRYABLE = new Set(["40P01", "40001", "23505"]);
/** Connection exceptions, shutdown, starting up, too many connections. */
const UNAVAILABLE_SQLSTATE = /^(08|57P|53300)/;
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "EAI_AGAIN"]);

/** `postgres://user@host:port/db`, without the password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "postgres://(unparseable URL)";
  }
}

class PostgresStore implements Store {
  readonly schemaVersion = POSTGRES_SCHEMA_VERSION;

  constructor(
    private readonly pool: Pool,
    readonly name: string,
  ) {}

  private fail(error: unknown): never {
    if (error instanceof LedgerUnavailableError) throw error;
    const e = error as { code?: string; message?: string };
    const code = e.code ?? "";
    const message = e.message ?? String(error);
    if (UNAVAILABLE_ERRNO.has(code)) throw new LedgerUnavailableError(this.name, `cannot reach the database server (${code})`, error);
    if (UNAVAILABLE_SQLSTATE.test(code)) throw new LedgerUnavailableError(this.name, `the database server is unavailable: ${message} (${code})`, error);
    if (/Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message)) {
      throw new LedgerUnavailableError(this.name, `lost the connection to the database server: ${message}`, error);
    }
    if (code === "42P01") throw new LedgerUnavailableError(this.name, "no ledger schema in this database (run 'promo ledger init')", error);
    if (code === "42883" && /promo_ledger_(reserve|commit|batch)/.test(message))
      throw new LedgerUnavailableError(
        this.name,
        `the ledger schema is older than this ledger (${POSTGRES_SCHEMA_VERSION}) and has no reservation functions: run 'promo ledger init' to upgrade it`,
        error,
      );
    if (code === "42703")
      throw new LedgerUnavailableError(
        this.name,
        `the ledger schema is older than this ledger (${POSTGRES_SCHEMA_VERSION}): run 'promo ledger init' to upgrade it`,
        error,
      );
    throw error;
  }

  private readonly guarded = new WeakSet<Client>();

  private async connect(): Promise<Client> {
    try {
      const client = await this.pool.connect();
      // A connection the server drops while checked out emits 'error' outside any query; the query in flight (if
      // any) rejects on its own, and the next use reports it. Unhandled, the event would end the process.
      if (!this.guarded.has(client)) {
        client.on("error", () => undefined);
        this.guarded.add(client);
      }
      return client;
    } catch (error) {
      return this.fail(error);
    }
  }

  async migrate(): Promise<void> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // Creating tables that exist races on the catalogue when two instances start at once: the lock serialises it.
      const exists = await client.query("SELECT to_regclass('promo_ledger_meta') IS NOT NULL AS present");
      let version = 0;
      if (exists.rows[0].present) {
        const row = await client.query("SELECT value FROM promo_ledger_meta WHERE name = 'schema_version'");
        version = row.rows[0] ? Number(row.rows[0].value) : 0;
      }
      if (version > POSTGRES_SCHEMA_VERSION)
        throw new LedgerUnavailableError(this.name, `schema version ${version} is newer than this ledger (${POSTGRES_SCHEMA_VERSION})`);
      for (let v = version; v < MIGRATIONS.length; v++) await client.query(MIGRATIONS[v]!);
      await client.query("INSERT INTO promo_ledger_meta (name, value) VALUES ('schema_version', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [
        String(POSTGRES_SCHEMA_VERSION),
      ]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch((e: Error) => (broken = e));
      this.fail(error);
    } finally {
      client.release(broken);
    }
  }

  private tx(client: Client): Tx {
    // Named (prepared) statements: each connection parses and plans a statement once, then binds it, which saves server CPU on the hot path.
    const q = async <R extends PgTypes.QueryResultRow>(text: string, values: unknown[]) =>
      (await client.query<R>({ name: statementName(text), text, values })).rows;
    return {
      order: async (id) => {
        const rows = await q<{ state: OrderState; expires_at: string }>("SELECT state, expires_at FROM promo_ledger_orders WHERE order_id = $1 FOR UPDATE", [
          id,
        ]);
        return rows[0] ? { state: rows[0].state, expiresAt: Number(rows[0].expires_at) } : undefined;
      },
      sliceCounts: async (keys) => {
        const rows = await q<{ key: string; slices: number; max: string }>("SELECT key, slices, max FROM promo_ledger_counters WHERE key = ANY($1::text[])", [
          keys,
        ]);
        return new Map(rows.map((r) => [r.key, { slices: r.slices, max: Number(r.max) }]));
      },
      lockCounters: async (rows) => {
        // One round trip: creates missing counters and locks every row (a no-op update on a conflict locks it), in key order.
        const locked = await q<{ key: string; used: string; max: string; allotted: string; slices: number }>(
          `INSERT INTO promo_ledger_counters AS c (key, used, max) SELECT k, 0, m FROM unnest($1::text[], $2::bigint[]) AS t(k, m) ORDER BY k
           ON CONFLICT (key) DO UPDATE SET key = c.key RETURNING c.key, c.used, c.max, c.allotted, c.slices`,
          [rows.map((r) => r.key), rows.map((r) => r.max)],
        );
        return new Map(locked.map((r) => [r.key, { used: Number(r.used), max: Number(r.max), allotted: Number(r.allotted), slices: r.slices }]));
      },
      held: async (keys, now, exclude) => {
        const rows = await q<{ key: string; held: string }>(
          "SELECT key, SUM(amount) AS held FROM promo_ledger_reservations WHERE state = 'held' AND expires_at > $1 AND order_id <> $2 AND slice = -1 AND key = ANY($3::text[]) GROUP BY key",
          [now, exclude, keys],
        );
        return new Map(rows.map((r) => [r.key, Number(r.held)]));
      },
      sliceHeld: async (key, slice, now, exclude) => {
        const rows = await q<{ slice: number; held: string }>(
          slice === null
            ? "SELECT slice, SUM(amount) AS held FROM promo_ledger_reservations WHERE key = $1 AND state = 'held' AND expires_at > $2 AND order_id <> $3 AND slice >= 0 GROUP BY slice"
            : "SELECT slice, SUM(amount) AS held FROM promo_ledger_reservations WHERE key = $1 AND state = 'held' AND expires_at > $2 AND order_id <> $3 AND slice = $4 GROUP BY slice",
          slice === null ? [key, now, exclude] : [key, now, exclude, slice],
        );
        return new Map(rows.map((r) => [r.slice, Number(r.held)]));
      },
      claimSlice: async (key, amount, from, n) => {
        const rows = await q<{ slice: number; cap: string; used: string }>(
          "SELECT slice, cap, used FROM promo_ledger_slices WHERE key = $1 AND cap - used >= $2 ORDER BY (slice - $3::int + $4::int) % $4::int LIMIT 1 FOR UPDATE SKIP LOCKED",
          [key, amount, from, n],
        );
        return rows[0] ? sliceRow(rows[0]) : undefined;
      },
      lockSlice: async (key, slice) =>
        sliceRow(
          (
            await q<{ slice: number; cap: string; used: string }>("SELECT slice, cap, used FROM promo_ledger_slices WHERE key = $1 AND slice = $2 FOR UPDATE", [
              key,
              slice,
            ])
          )[0]!,
        ),
      lockSlices: async (key) =>
        (
          await q<{ slice: number; cap: string; used: string }>("SELECT slice, cap, used FROM promo_ledger_slices WHERE key = $1 ORDER BY slice FOR UPDATE", [
            key,
          ])
        ).map(sliceRow),
      createSlices: async (key, n) => {
        await q("INSERT INTO promo_ledger_slices (key, slice) SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING", [key, n]);
        await q("UPDATE promo_ledger_counters SET slices = $2 WHERE key = $1", [key, n]);
      },
      adjustSlice: async (key, slice, capDelta, usedDelta) => {
        await q("UPDATE promo_ledger_slices SET cap = cap + $3, used = used + $4 WHERE key = $1 AND slice = $2", [key, slice, capDelta, usedDelta]);
      },
      adjustAllotted: async (key, delta, max) => {
        await q("UPDATE promo_ledger_counters SET allotted = allotted + $2, max = COALESCE($3, max) WHERE key = $1", [key, delta, max]);
      },
      reservations: async (id) =>
        (
          await q<{ key: string; promotion: string; limit_index: number; amount: string; max: string; on_cancel: "return" | "keep"; slice: number }>(
            "SELECT key, promotion, limit_index, amount, max, on_cancel, slice FROM promo_ledger_reservations WHERE order_id = $1 ORDER BY key",
            [id],
          )
        ).map((r): StoredReservation => ({
          key: r.key,
          promotion: r.promotion,
          limit: r.limit_index,
          amount: Number(r.amount),
          max: Number(r.max),
          onCancel: r.on_cancel,
          slice: r.slice,
        })),
      writeOrder: async (id, state, expiresAt, now, rows) => {
        await q(
          "INSERT INTO promo_ledger_orders (order_id, state, expires_at, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, updated_at = excluded.updated_at",
          [id, state, expiresAt, now],
        );
        if (!rows) {
          await q("UPDATE promo_ledger_reservations SET state = $1, expires_at = $2 WHERE order_id = $3", [state, expiresAt, id]);
          return;
        }
        await q("DELETE FROM promo_ledger_reservations WHERE order_id = $1", [id]);
        if (rows.length === 0) return;
        await q(
          `INSERT INTO promo_ledger_reservations (order_id, key, promotion, limit_index, amount, max, on_cancel, state, expires_at, slice)
           SELECT $1, k, p, l, a, m, c, $2, $3, s FROM unnest($4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[], $9::text[], $10::int[]) AS t(k, p, l, a, m, c, s)`,
          [id, state, expiresAt, ...rowColumns(rows), rows.map((r) => r.slice)],
        );
      },
      deleteOrder: async (id) => {
        await q("DELETE FROM promo_ledger_reservations WHERE order_id = $1", [id]);
        await q("DELETE FROM promo_ledger_orders WHERE order_id = $1", [id]);
      },
      addUsed: async (key, delta, max) => {
        await q("UPDATE promo_ledger_counters SET used = used + $1, max = COALESCE($2, max) WHERE key = $3", [delta, max, key]);
      },
      drawLeases: async (draws, now) => {
        const slices: number[] = [];
        for (const d of draws) {
          // The lease's row locked first: a concurrent draw on it is waited for and seen.
          const rows = await q<{ slice: number; amount: string }>(
            "SELECT slice, amount FROM promo_ledger_reservations WHERE order_id = $1 AND key = $2 AND state = 'held' AND expires_at > $3 FOR UPDATE",
            [d.lease, d.key, now],
          );
          if (rows[0] && Number(rows[0].amount) === d.amount)
            await q("DELETE FROM promo_ledger_reservations WHERE order_id = $1 AND key = $2", [d.lease, d.key]);
          else if (rows[0] && Number(rows[0].amount) > d.amount)
            await q("UPDATE promo_ledger_reservations SET amount = amount - $3 WHERE order_id = $1 AND key = $2", [d.lease, d.key, d.amount]);
          else rows.length = 0;
          // Nothing to draw: the transaction rolls back (the caller throws), so earlier draws are undone too.
          if (!rows[0]) return undefined;
          slices.push(rows[0].slice);
        }
        return slices;
      },
    };
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(this.tx(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        const code = (error as { code?: string }).code ?? "";
        if (RETRYABLE.has(code) && attempt < 8) continue;
        this.fail(error);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * One statement on a guarded connection (see connect: a connection the server drops mid-query must not end the
   * process with an unhandled 'error' event). A connection that failed is discarded, not returned to the pool.
   */
  private async statement<R extends PgTypes.QueryResultRow>(config: PgTypes.QueryConfig): Promise<PgTypes.QueryResult<R>> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await client.query<R>(config);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!/^[0-9A-Z]{5}$/.test(code) || UNAVAILABLE_SQLSTATE.test(code)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** One round trip: the order's reservation by promo_ledger_reserve (schema version 3). */
  readonly reserveAtOnce = async (input: AtOnceInput): Promise<AtOnceOutcome> => {
    const { orderId, rows } = input;
    let out: FunctionAnswer;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.statement<{ r: FunctionAnswer }>({
          name: "promo_ledger_reserve",
          text: "SELECT promo_ledger_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS r",
          values: [orderId, input.now, input.expiresAt, ...rowColumns(rows), input.hot, input.leases, input.home, input.refill, input.exactRefusal],
        });
        out = result.rows[0]!.r;
        break;
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (e.code === "PL001") return { leaseGone: e.message ?? "" };
        if (RETRYABLE.has(e.code ?? "") && attempt < 8) continue; // a racing insert or a deadlock: run it again
        return this.fail(error);
      }
    }
    return reserveOutcome(orderId, out);
  };

  /** One round trip: commits a live hold that still fits by promo_ledger_commit; "client" for the client-side path. */
  readonly commitAtOnce = async (orderId: string, now: number): Promise<CommitOutcome | "client"> => {
    for (let attempt = 1; ; attempt++) {
      let status: string;
      try {
        const result = await this.statement<{ r: { status: string } }>({
          name: "promo_ledger_commit",
          text: "SELECT promo_ledger_commit($1, $2) AS r",
          values: [orderId, now],
        });
        status = result.rows[0]!.r.status;
      } catch (error) {
        if (RETRYABLE.has((error as { code?: string }).code ?? "") && attempt < 8) continue;
        return this.fail(error);
      }
      return commitOutcome(orderId, status);
    }
  };

  /**
   * One round trip for several orders (the `batch` option): commits, then reservations without leases, by
   * promo_ledger_batch in one transaction. Answers per operation, commits first, as the single functions would.
   */
  readonly batchAtOnce = async (now: number, commits: readonly string[], reserves: readonly AtOnceInput[]): Promise<BatchAnswer> => {
    const rows = reserves.flatMap((input) => input.rows);
    const hot = reserves.flatMap((input) => input.hot);
    const first = reserves[0];
    let answers: FunctionAnswer[];
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.statement<{ r: FunctionAnswer[] }>({
          name: "promo_ledger_batch",
          text: "SELECT promo_ledger_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS r",
          values: [
            now,
            commits,
            reserves.map((input) => input.orderId),
            reserves.map((input) => input.expiresAt),
            reserves.map((input) => input.rows.length),
            ...rowColumns(rows),
            hot,
            first?.home ?? 0,
            first?.refill ?? null,
            first?.exactRefusal ?? true,
          ],
        });
        answers = result.rows[0]!.r;
        break;
      } catch (error) {
        if (!RETRYABLE.has((error as { code?: string }).code ?? "")) return this.fail(error);
        if (attempt < 3) continue; // a deadlock between batches: run it again
        // Still deadlocking (a burst of exact passes, say): each operation on its own, holding fewer locks at once.
        return this.oneByOne(now, commits, reserves);
      }
    }
    return {
      commits: commits.map((orderId, i) => commitOutcome(orderId, answers[i]!.status)),
      reserves: reserves.map((input, i) => reserveOutcome(input.orderId, answers[commits.length + i]!)),
    };
  };

  /** A batch's operations one at a time, through the single functions (each with its own retries). */
  private async oneByOne(now: number, commits: readonly string[], reserves: readonly AtOnceInput[]): Promise<BatchAnswer> {
    const answer: BatchAnswer = { commits: [], reserves: [] };
    for (const orderId of commits) answer.commits.push(await this.commitAtOnce(orderId, now));
    for (const input of reserves) answer.reserves.push(await this.reserveAtOnce(input));
    return answer;
  }

  private async query<R extends PgTypes.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.statement<R>({ text, values })).rows;
    } catch (error) {
      return this.fail(error);
    }
  }

  async read(keys: readonly string[], now: number, excludeOrder: string | null) {
    const used = await this.query<{ key: string; used: string }>(
      "SELECT c.key, c.used + COALESCE((SELECT SUM(s.used) FROM promo_ledger_slices s WHERE s.key = c.key), 0) AS used FROM promo_ledger_counters c WHERE c.key = ANY($1::text[])",
      [keys],
    );
    const held = await this.query<{ key: string; held: string }>(
      "SELECT key, SUM(amount) AS held FROM promo_ledger_reservations WHERE state = 'held' AND expires_at > $1 AND order_id <> $2 AND key = ANY($3::text[]) GROUP BY key",
      [now, excludeOrder ?? "", keys],
    );
    return { used: new Map(used.map((r) => [r.key, Number(r.used)])), held: new Map(held.map((r) => [r.key, Number(r.held)])) };
  }

  async counters(prefix: string, now: number): Promise<UsageRow[]> {
    const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    const rows = await this.query<{ key: string; used: string; max: string }>(
      'SELECT c.key, c.used + COALESCE((SELECT SUM(s.used) FROM promo_ledger_slices s WHERE s.key = c.key), 0) AS used, c.max FROM promo_ledger_counters c WHERE c.key >= $1 AND c.key < $2 ORDER BY c.key COLLATE "C"',
      [prefix, end],
    );
    const { held } = await this.read(
      rows.map((r) => r.key),
      now,
      null,
    );
    return rows.map((r) => ({ key: r.key, used: Number(r.used), held: held.get(r.key) ?? 0, max: Number(r.max) }));
  }

  async status(now: number) {
    const orders = { held: 0, expired: 0, committed: 0, cancelled: 0 };
    const rows = await this.query<{ state: string; n: string }>(
      "SELECT CASE WHEN state = 'held' AND expires_at <= $1 THEN 'expired' ELSE state END AS state, COUNT(*) AS n FROM promo_ledger_orders GROUP BY 1",
      [now],
    );
    for (const r of rows) orders[r.state as keyof typeof orders] = Number(r.n);
    const counters = await this.query<{ n: string }>("SELECT COUNT(*) AS n FROM promo_ledger_counters");
    return { orders, counters: Number(counters[0]!.n) };
  }

  async hotState(now: number): Promise<HotState[]> {
    const counters = await this.query<{ key: string; used: string; max: string; allotted: string; slices: number }>(
      'SELECT key, used, max, allotted, slices FROM promo_ledger_counters WHERE slices > 0 ORDER BY key COLLATE "C"',
    );
    const out: HotState[] = [];
    for (const c of counters) {
      const slices = await this.query<{ slice: number; cap: string; used: string; held: string }>(
        `SELECT s.slice, s.cap, s.used, COALESCE((SELECT SUM(r.amount) FROM promo_ledger_reservations r
           WHERE r.key = s.key AND r.slice = s.slice AND r.state = 'held' AND r.expires_at > $2), 0) AS held
         FROM promo_ledger_slices s WHERE s.key = $1 ORDER BY s.slice`,
        [c.key, now],
      );
      const unsliced = await this.query<{ held: string | null }>(
        "SELECT SUM(amount) AS held FROM promo_ledger_reservations WHERE key = $1 AND slice = -1 AND state = 'held' AND expires_at > $2",
        [c.key, now],
      );
      out.push({
        key: c.key,
        counter: { used: Number(c.used), max: Number(c.max), allotted: Number(c.allotted), slices: c.slices },
        heldUnsliced: Number(unsliced[0]?.held ?? 0),
        slices: slices.map((s) => ({ ...sliceRow(s), held: Number(s.held) })),
      });
    }
    return out;
  }

  sweep(now: number): Promise<number> {
    return this.transaction(async (tx) => {
      const expired = await this.query<{ order_id: string }>("SELECT order_id FROM promo_ledger_orders WHERE state = 'held' AND expires_at <= $1", [now]);
      let n = 0;
      for (const { order_id } of expired) {
        const order = await tx.order(order_id);
        if (order?.state === "held" && order.expiresAt <= now) {
          await tx.deleteOrder(order_id);
          n++;
        }
      }
      return n;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** What promo_ledger_reserve and promo_ledger_commit answer. */
interface FunctionAnswer {
  status: string;
  expiresAt?: number;
  promotion?: string;
  limit?: number;
  key?: string;
  max?: number;
  used?: number;
  amount?: number;
}

function reserveOutcome(orderId: string, out: FunctionAnswer): AtOnceOutcome {
  switch (out.status) {
    case "exact":
      return { exact: true };
    case "already-committed":
      return { ok: true, orderId, status: "already-committed", expiresAt: null };
    case "cancelled":
      return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
    case "already-reserved":
    case "reserved":
      return { ok: true, orderId, status: out.status, expiresAt: Number(out.expiresAt) };
    default: {
      const refused: Refusal = {
        promotion: out.promotion!,
        limit: Number(out.limit),
        key: out.key!,
        max: Number(out.max),
        used: Number(out.used),
        amount: Number(out.amount),
      };
      return { ok: false, orderId, reason: "limit", refused, message: refusalMessage(refused) };
    }
  }
}

function commitOutcome(orderId: string, status: string): CommitOutcome | "client" {
  switch (status) {
    case "committed":
    case "already-committed":
      return { ok: true, orderId, status };
    case "unknown-order":
      return { ok: false, orderId, reason: "unknown-order", message: `order ${orderId} holds no reservation (never reserved, or released)` };
    case "cancelled":
      return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
    default:
      return "client";
  }
}

/** A reservation's rows as the column arrays the statements unnest: key, promotion, limit, amount, max, on cancel. */
function rowColumns(rows: readonly { key: string; promotion: string; limit: number; amount: number; max: number; onCancel: string }[]) {
  return [
    rows.map((r) => r.key),
    rows.map((r) => r.promotion),
    rows.map((r) => r.limit),
    rows.map((r) => r.amount),
    rows.map((r) => r.max),
    rows.map((r) => r.onCancel),
  ];
}

function sliceRow(r: { slice: number; cap: string; used: string }): SliceRow {
  return { slice: r.slice, cap: Number(r.cap), used: Number(r.used) };
}

function loadDriver(): typeof PgTypes {
  const require = createRequire(import.meta.url);
  return require("pg") as typeof PgTypes;
}

/**
 * A ledger in PostgreSQL, for several checkout instances: each operation is one transaction that locks the order's
 * row and then the counters it touches (in key order, so transactions never deadlock), checks committed use plus
 * live holds against each maximum, and writes. Deadlocks and racing inserts are retried; a lost server is a
 * LedgerUnavailableError (every operation is idempotent by order id, so the caller may simply retry it).
 */
export async function postgresLedger(url: string, options: PostgresLedgerOptions = {}): Promise<Ledger> {
  const name = redactUrl(url);
  const { Pool } = loadDriver();
  let pool: Pool;
  try {
    pool = new Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000 });
  } catch (error) {
    throw new LedgerUnavailableError(name, `bad connection URL: ${(error as Error).message}`, error);
  }
  // An idle connection the server closes (a restart) must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  // Every connection, from its creation: a server that drops it (restart, pg_terminate_backend) while no query and
  // no pool listener is attached must not end the process; the next use of the connection reports it.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const store: Store = new PostgresStore(pool, name);
  if (options.serverFunction === false) {
    delete (store as { reserveAtOnce?: unknown }).reserveAtOnce;
    delete (store as { commitAtOnce?: unknown }).commitAtOnce;
    delete (store as { batchAtOnce?: unknown }).batchAtOnce;
  }
  try {
    if (options.migrate) await store.migrate();
    else await store.status(0);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new StoreLedger(store, options);
}

const STATEMENT_NAMES = new Map<string, string>();

/** A stable per-process name for a statement text, so a pooled connection prepares it once. */
function statementName(text: string): string {
  let name = STATEMENT_NAMES.get(text);
  if (name === undefined) {
    name = `promo_ledger_${STATEMENT_NAMES.size}`;
    STATEMENT_NAMES.set(text, name);
  }
  return name;
}
