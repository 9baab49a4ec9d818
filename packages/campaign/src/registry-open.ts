/** Opens the registry of a store string, as the ledger's stores are named; only the driver it needs is loaded. */
import type { Registry } from "./registry.js";

export async function openRegistry(store: string): Promise<Registry> {
  if (/^postgres(ql)?:\/\//i.test(store)) return (await import("./registry-postgres.js")).openPostgresRegistry(store);
  if (store.startsWith("sqlite:")) return (await import("./registry-sqlite.js")).openSqliteRegistry(store.slice("sqlite:".length));
  if (/\.(db|sqlite3?)$/i.test(store)) return (await import("./registry-sqlite.js")).openSqliteRegistry(store);
  throw new RangeError(`unknown store '${store}': use sqlite:PATH or postgres://USER@HOST:PORT/DB`);
}
