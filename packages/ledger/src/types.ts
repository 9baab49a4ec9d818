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
  /** Deletes holds that expired (housekeeping; expired holds count for nothing either way). Returns how many orders. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  /** How long a reservation holds before it stops counting, in milliseconds (default 15 minutes). */
  holdMs?: number;
  /** The clock, in epoch milliseconds (default Date.now). */
  now?: () => number;
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
