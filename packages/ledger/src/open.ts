import { memoryLedger } from "./memory.js";
import { postgresLedger, type PostgresLedgerOptions } from "./postgres.js";
import { sqliteLedger, type SqliteLedgerOptions } from "./sqlite.js";
import type { Ledger } from "./types.js";

export type OpenOptions = SqliteLedgerOptions & PostgresLedgerOptions;

/**
 * Opens a ledger from a store string: `memory`, `sqlite:PATH` (or a path ending in `.db`, `.sqlite` or `.sqlite3`),
 * or a `postgres://` / `postgresql://` URL. Only the driver the store needs is loaded.
 */
export async function openLedger(store: string, options: OpenOptions = {}): Promise<Ledger> {
  if (store === "memory" || store === "memory:") return memoryLedger(options);
  if (/^postgres(ql)?:\/\//i.test(store)) return postgresLedger(store, options);
  if (store.startsWith("sqlite:")) return sqliteLedger(store.slice("sqlite:".length), options);
  if (/\.(db|sqlite3?)$/i.test(store)) return sqliteLedger(store, options);
  throw new RangeError(`unknown ledger store '${store}': use sqlite:PATH, postgres://USER@HOST:PORT/DB or memory`);
}
