import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, it } from "vitest";
import { StoreLedger, type Store } from "../src/core.js";
import { memoryLedger, postgresLedger, sqliteLedger, type Ledger, type LedgerOptions } from "../src/index.js";

/**
 * The stores every ledger test runs against. PostgreSQL needs a running server named by PROMO_TEST_POSTGRES_URL
 * (`scripts/test-postgres.sh start` prints it; .ci/run starts one): under CI its absence fails the run, on a
 * developer machine the PostgreSQL tests are skipped with a printed reason.
 */
export const POSTGRES_URL = process.env["PROMO_TEST_POSTGRES_URL"];
const CI = process.env["CI"] === "true" || process.env["CI"] === "1";

let warned = false;
/** `describe` for PostgreSQL tests: runs them, fails under CI without a server, or skips them with a reason. */
export function describePostgres(name: string, body: () => void): void {
  if (POSTGRES_URL) return describe(name, body);
  if (CI) {
    describe(name, () =>
      it("has a PostgreSQL server to test against", () => {
        throw new Error("PROMO_TEST_POSTGRES_URL is not set: CI must start PostgreSQL (see .ci/run and scripts/test-postgres.sh)");
      }),
    );
    return;
  }
  if (!warned) console.warn('skipping PostgreSQL ledger tests: PROMO_TEST_POSTGRES_URL is not set (run: eval "$(scripts/test-postgres.sh start)")');
  warned = true;
  describe.skip(name, body);
}

let counter = 0;
/** A new, empty database on the test server; `drop` removes it. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `ledger_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "promo-ledger-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StoreFactory {
  name: string;
  postgres: boolean;
  /** A fresh, migrated ledger, a cleanup, and a way to open more ledger instances on the same store. */
  open(options?: LedgerOptions): Promise<{ ledger: Ledger; cleanup: () => Promise<void>; reopen: (options?: LedgerOptions) => Promise<Ledger> }>;
}

export const STORES: StoreFactory[] = [
  {
    name: "memory",
    postgres: false,
    open: async (options) => {
      const ledger = memoryLedger(options);
      // Another instance on the same memory store: what separate checkout instances are to a database.
      const store = (ledger as unknown as { store: Store }).store;
      return { ledger, cleanup: async () => undefined, reopen: async (more) => new StoreLedger(store, more) };
    },
  },
  {
    name: "sqlite",
    postgres: false,
    open: async (options) => {
      const scratch = scratchDir();
      const path = join(scratch.dir, "ledger.db");
      const ledger = await sqliteLedger(path, options);
      return { ledger, cleanup: async () => (await ledger.close(), scratch.remove()), reopen: (more) => sqliteLedger(path, more) };
    },
  },
  {
    name: "postgres",
    postgres: true,
    open: async (options) => {
      const db = await freshPostgres();
      const ledger = await postgresLedger(db.url, { ...options, migrate: true });
      return { ledger, cleanup: async () => (await ledger.close(), await db.drop()), reopen: (more) => postgresLedger(db.url, { ...more, poolSize: 4 }) };
    },
  },
  {
    // Every instance batching (docs/language.md, "Batching"): the same suites, with concurrent operations of one
    // instance sent together, at most 3 at a time so that larger races make several batches.
    name: "postgres (batched)",
    postgres: true,
    open: async (options) => {
      const db = await freshPostgres();
      const batch = { maxOrders: 3 };
      const ledger = await postgresLedger(db.url, { ...options, migrate: true, batch });
      return {
        ledger,
        cleanup: async () => (await ledger.close(), await db.drop()),
        reopen: (more) => postgresLedger(db.url, { ...more, poolSize: 4, batch }),
      };
    },
  },
];
