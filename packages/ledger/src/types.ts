import type { PricingResult, Reservation } from "@promo/runtime";

/**
 * The redemption ledger: what evaluation reports as `reservations` is taken here, atomically per order, then
 * committed when the order is paid or released when it is abandoned or cancelled. Every operation is idempotent by
 * order id. Amounts are integers: redemptions, coins, or minor units of the promotion's currency.
 *
 * Order states: `held` (reserved, counting against the limits until `expiresAt`), `committed` (paid: the use is
 * recorded for good), `cancelled` (a committed order cancelled: its use given back or kept, as each promotion's
 * `on cancel` clause says). Releasing a held order forgets it; an expired hold no longer counts, and committing it
 * later succeeds only while its limits still have room, so nothing is ever spent twice.
 */
export interface Ledger {
  /** Which store this is, for messages: `memory`, `sqlite:/path`, `postgres://host:port/db` (no password). */
  readonly name: string;
  /** Creates or upgrades the schema (idempotent). The SQL adapters also run it when opened with `migrate: true`. */
  migrate(): Promise<void>;
  /** Takes every reservation of an order, or none (then says which limit refused). */
  reserve(orderId: string, source: PricingResult | readonly Reservation[]): Promise<ReserveOutcome>;
  /** Records the order's held use for good. */
  commit(orderId: string): Promise<CommitOutcome>;
  /** A held order: drops its hold. A committed order: cancels it, giving use back where `on cancel return use`. */
  release(orderId: string): Promise<ReleaseOutcome>;
  /**
   * Current use per key: committed use plus holds that have not expired (an order's own holds left out with
   * `excludeOrder`), for `evaluate`'s `usage` option. Keys never used read 0.
   */
  usageFor(keys: Iterable<string>, options?: { excludeOrder?: string }): Promise<Record<string, number>>;
  /** Every counter of a promotion. */
  usage(promotion: string): Promise<UsageRow[]>;
  status(): Promise<LedgerStatus>;
  /** Gives back the unused part of this instance's leases (also done by `close`). */
  releaseLeases(): Promise<void>;
  /** Deletes holds that expired (housekeeping; expired holds count for nothing either way). Returns how many orders. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  /** How long a reservation holds before it stops counting, in milliseconds (default 15 minutes). */
  holdMs?: number;
  /** The clock, in epoch milliseconds (default Date.now). */
  now?: () => number;
  /** Hot limits: which counters are split into slices so that no single row is locked by every order (core.ts, placeInSlice and placeExact). */
  hot?: HotOptions;
  /** Leases of hot limits (opt-in): this instance takes `units` of a key at once and hands them to its orders. */
  leases?: LeaseOptions;
  /**
   * Batching (opt-in, PostgreSQL with the server functions; other stores ignore it): the reservations and commits
   * that this instance's concurrent requests ask for while a batch is running go together in the next one, one
   * statement and one transaction for all of them. `true` for the defaults.
   */
  batch?: boolean | BatchOptions;
}

/** Batching of reservations and commits (docs/language.md, "Batching"). */
export interface BatchOptions {
  /** Most operations in one batch (default 64). */
  maxOrders?: number;
  /** Batches running at once, each on its own connection (default 1). */
  concurrent?: number;
}

/**
 * Leases (escrow) on hot limits, docs/language.md "Limits under contention". A lease is a hold of `units` of a
 * limit, taken in one reservation under an order id of its own (`~lease:<uuid>`) and held for `ttlMs`. While it
 * lasts, this instance reserves an order's use of the key by moving it from the lease's hold to the order's hold
 * (a row only this instance writes), without locking the limit's counter or slices. A lease that runs short is
 * given back (its unused part returns at once) and a new one taken; one that is not given back (the process died)
 * expires after `ttlMs` and its unused part returns then. Leases count as held use: at most (instances × `units`)
 * of a limit can sit unused in leases, for at most `ttlMs`, and an order may be refused meanwhile. A leased key is
 * also sliced (as if listed in `hot.keys`, with the `hot` options), so that leases and commits spread over slices.
 */
export interface LeaseOptions {
  /** Keys to lease: a list of limit keys, or a test on the key. */
  keys: readonly string[] | ((key: string) => boolean);
  /** Units (redemptions, coins, minor units) per lease. An order needing more than this reserves without a lease. */
  units: number;
  /** How long a lease lasts, in milliseconds (default: `holdMs`). */
  ttlMs?: number;
}

/**
 * Slicing of hot limits (docs/language.md, "Limits under contention"). A sliced counter keeps its maximum in one
 * row but hands it out to `slices` rows in chunks; an order locks one slice (skipping slices other orders hold),
 * so concurrent checkouts do not queue on one row. Slicing is recorded in the store: once a key is sliced, every
 * instance uses its slices, whatever its own options say.
 */
export interface HotOptions {
  /** Keys to slice: a list of limit keys, or a test on the key (opt-in per limit). */
  keys?: readonly string[] | ((key: string) => boolean);
  /** Slice a key once this instance reserves it more than this many times within one second (automatic). */
  aboveRate?: number;
  /** Slices per hot key (default 16). */
  slices?: number;
  /**
   * A slice that runs dry takes a chunk of the unallotted remainder (default: the maximum ÷ (4 × slices), at
   * least what the order needs).
   */
  refill?: number;
  /**
   * When a slice cannot be refilled, lock every slice of the key and move their unspent budget to where it is
   * needed before refusing (default true): a refusal then means the whole limit is used. With `false`, an order
   * may be refused while other slices still hold up to (slices − 1) × (refill + the largest order) of budget.
   */
  exactRefusal?: boolean;
}

/** One slice of a hot limit: `cap` is what was allotted to it, `spent` committed, `reserved` held by live holds. */
export interface SliceStatus {
  slice: number;
  cap: number;
  spent: number;
  reserved: number;
  free: number;
}

/**
 * A hot limit's budget: `spent + reserved + leased + free = max`, where `leased` is allotted to slices but neither
 * spent nor reserved yet, and `free` is not allotted to any slice.
 */
export interface HotLimitStatus {
  key: string;
  max: number;
  spent: number;
  reserved: number;
  leased: number;
  free: number;
  slices: SliceStatus[];
}

export const DEFAULT_HOLD_MS = 15 * 60_000;

export interface Refusal {
  promotion: string;
  /** Index of the refusing limit among the promotion's `limit` clauses. */
  limit: number;
  key: string;
  max: number;
  /** Committed use plus other orders' live holds when it refused. */
  used: number;
  /** What this order asked for. */
  amount: number;
}

export type ReserveOutcome =
  | { ok: true; orderId: string; status: "reserved" | "already-reserved" | "already-committed"; expiresAt: number | null }
  | { ok: false; orderId: string; reason: "limit"; refused: Refusal; message: string }
  | { ok: false; orderId: string; reason: "cancelled"; message: string };

export type CommitOutcome =
  | { ok: true; orderId: string; status: "committed" | "already-committed" }
  | { ok: false; orderId: string; reason: "unknown-order" | "cancelled"; message: string }
  | { ok: false; orderId: string; reason: "limit"; refused: Refusal; message: string };

export type ReleaseOutcome = { ok: true; orderId: string; status: "released" | "cancelled" | "already-cancelled" | "unknown-order"; returned: boolean };

export interface UsageRow {
  key: string;
  /** Committed use. */
  used: number;
  /** Use held by live reservations. */
  held: number;
  /** The limit's maximum as last reserved. */
  max: number;
}

export interface LedgerStatus {
  store: string;
  schemaVersion: number;
  orders: { held: number; expired: number; committed: number; cancelled: number };
  counters: number;
  /** Sliced (hot) limits, by key. */
  hot: HotLimitStatus[];
}

/** The ledger cannot reach or use its database (connection refused, server restarting, file locked too long). */
export class LedgerUnavailableError extends Error {
  constructor(
    readonly store: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`ledger ${store}: ${message}`);
    this.name = "LedgerUnavailableError";
  }
}
