export * from "./types.js";
export { mergeReservations, type StoredReservation } from "./core.js";
export { memoryLedger } from "./memory.js";
export { sqliteLedger, SQLITE_SCHEMA_VERSION, type SqliteLedgerOptions } from "./sqlite.js";
export { postgresLedger, redactUrl, POSTGRES_SCHEMA_VERSION, type PostgresLedgerOptions } from "./postgres.js";
export { openLedger, type OpenOptions } from "./open.js";
export { evaluateWithLedger } from "./evaluate.js";
