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
  type HotLimitStatus,
  type HotOptions,
  type LeaseOptions,
  type BatchOptions,
  type UsageRow,
} from "./types.js";
import { randomUUID } from "node:crypto";
import { readReservation } from "./reservation-input.js";

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
  /** The slice of a hot key that holds this use, or -1: the key's counter row itself. */
  slice: number;
}

/** A counter row: committed use outside slices, the maximum it was last set to, what its slices were allotted. */
export interface CounterRow {
  used: number;
  max: number;
  /** Sum of the caps of its slices. */
  allotted: number;
  /** Number of slices (0: a plain counter). */
  slices: number;
}

export interface SliceRow {
  slice: number;
  /** Budget allotted to the slice. */
  cap: number;
  /** Committed use drawn from it. */
  used: number;
}

/**
 * One transaction of a store. The memory and SQLite stores run one transaction at a time (SQLite across processes
 * through `BEGIN IMMEDIATE`); PostgreSQL locks the rows it touches: the order's, then plain counters in key order,
 * then for each hot key one slice (or all of them, in slice order, for an exact pass) and its counter row.
 */
export interface Tx {
  /** The order, locked for the rest of the transaction. */
  order(orderId: string): Promise<OrderRow | undefined>;
  /** Existing counters' slice counts (0: a plain counter) and maxima, read without locking. */
  sliceCounts(keys: readonly string[]): Promise<Map<string, { slices: number; max: number }>>;
  /** Creates missing counters and locks them, in key order. */
  lockCounters(rows: readonly { key: string; max: number }[]): Promise<Map<string, CounterRow>>;
  /** Live holds per key at `now` that sit on the counter row itself (slice -1), other orders' only. */
  held(keys: readonly string[], now: number, excludeOrder: string): Promise<Map<string, number>>;
  /** Live holds of a hot key per slice (of one slice, or of all when `slice` is null), other orders' only. */
  sliceHeld(key: string, slice: number | null, now: number, excludeOrder: string): Promise<Map<number, number>>;
  /**
   * Locks one slice of `key` with `cap - used >= amount`, trying slices from `from` on and skipping those another
   * transaction holds (PostgreSQL: SKIP LOCKED); undefined when there is none.
   */
  claimSlice(key: string, amount: number, from: number, slices: number): Promise<SliceRow | undefined>;
  /** Locks one slice, waiting for it. */
  lockSlice(key: string, slice: number): Promise<SliceRow>;
  /** Locks every slice of a key, in slice order (an exact pass). */
  lockSlices(key: string): Promise<SliceRow[]>;
  /** Splits a counter into `slices` empty slices. */
  createSlices(key: string, slices: number): Promise<void>;
  adjustSlice(key: string, slice: number, capDelta: number, usedDelta: number): Promise<void>;
  /** Changes a counter's allotment (and sets its maximum unless null). */
  adjustAllotted(key: string, delta: number, max: number | null): Promise<void>;
  reservations(orderId: string): Promise<StoredReservation[]>;
  /** Replaces the order's reservations and sets its state. */
  writeOrder(orderId: string, state: OrderState, expiresAt: number, now: number, rows: readonly StoredReservation[] | null): Promise<void>;
  deleteOrder(orderId: string): Promise<void>;
  addUsed(key: string, delta: number, max: number | null): Promise<void>;
  /**
   * Moves use from leases (held orders named `~lease:…`) to the order being reserved: for each draw, the lease's
   * live hold on `key` shrinks by `amount`. All or nothing: undefined (and nothing changed) when a lease has expired
   * or holds less. Returns, per draw, the slice the lease's hold sits on (the order's hold goes on the same one).
   */
  drawLeases(draws: readonly LeaseDraw[], now: number): Promise<number[] | undefined>;
}

export interface LeaseDraw {
  lease: string;
  key: string;
  amount: number;
}

/** What the reservation function of a store (PostgreSQL) takes: an order's reservation in one round trip. */
export interface AtOnceInput {
  orderId: string;
  rows: StoredReservation[];
  now: number;
  expiresAt: number;
  /** Per row: this instance wants the key sliced (then an unsliced key goes to the exact pass). */
  hot: boolean[];
  /** Per row: the lease to draw the row's use from, or null. */
  leases: (string | null)[];
  home: number;
  refill: number | null;
  exactRefusal: boolean;
}

/** The function's answer, or: run the exact pass (client side), or: this lease is gone (draw without it). */
export type AtOnceOutcome = ReserveOutcome | { exact: true } | { leaseGone: string };

export interface Store {
  readonly name: string;
  readonly schemaVersion: number;
  migrate(): Promise<void>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Committed use (slices included) and other orders' live holds, outside any transaction. */
  read(keys: readonly string[], now: number, excludeOrder: string | null): Promise<{ used: Map<string, number>; held: Map<string, number> }>;
  counters(prefix: string, now: number): Promise<UsageRow[]>;
  status(now: number): Promise<Omit<LedgerStatus, "store" | "schemaVersion" | "hot">>;
  /** The raw state of every sliced counter, for `status`. */
  hotState(now: number): Promise<HotState[]>;
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
  /** Reserves an order in one round trip (a server-side function), when the store has one. */
  reserveAtOnce?: (input: AtOnceInput) => Promise<AtOnceOutcome>;
  /** Commits a live hold that still fits in one round trip, when the store can; "client": use the client-side path. */
  commitAtOnce?: (orderId: string, now: number) => Promise<CommitOutcome | "client">;
  /**
   * Commits, then reserves (no leased rows), several orders in one round trip and one transaction, when the store
   * can: each as `commitAtOnce` and `reserveAtOnce` would, one after the other, at the clock reading `now`.
   */
  batchAtOnce?: (now: number, commits: readonly string[], reserves: readonly AtOnceInput[]) => Promise<BatchAnswer>;
}

/** A batch's answers, in the order asked. */
export interface BatchAnswer {
  commits: (CommitOutcome | "client")[];
  reserves: AtOnceOutcome[];
}

export interface HotState {
  key: string;
  counter: CounterRow;
  /** Live holds on the counter row itself (taken before the key was sliced). */
  heldUnsliced: number;
  slices: (SliceRow & { held: number })[];
}

/** The reservations of a result (or a list), one per key: limits sharing a key count the same use, the smallest maximum wins. */
export function mergeReservations(source: PricingResult | readonly Reservation[]): StoredReservation[] {
  const list: readonly Reservation[] = Array.isArray(source) ? source : (source as PricingResult).applied.flatMap((a) => a.reservations ?? []);
  const byKey = new Map<string, StoredReservation>();
  for (const raw of list) {
    const r = readReservation(raw);
    if (!Number.isSafeInteger(r.amount) || r.amount <= 0 || !Number.isSafeInteger(r.max) || r.max < 0) {
      throw new RangeError(`reservation ${r.key}: amount and max must be whole numbers (amount > 0), got ${String(raw.amount)} of ${String(raw.max)}`);
    }
    const seen = byKey.get(r.key);
    if (seen) {
      seen.amount = Math.max(seen.amount, r.amount);
      seen.max = Math.min(seen.max, r.max);
    } else byKey.set(r.key, { ...r, slice: -1 });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function validOrderId(orderId: string): void {
  if (typeof orderId !== "string" || orderId.length === 0 || orderId.length > 200) throw new RangeError("an order id is a string of 1 to 200 characters");
}

export function refusalMessage(r: Refusal): string {
  return `limit ${r.limit + 1} of ${r.promotion} refused: ${r.used} used of ${r.max}, ${r.amount} asked (${r.key})`;
}

/** The transaction must run again: `exact` asks for an exact pass over the slices of hot keys. */
class RunAgain extends Error {
  constructor(readonly exact: boolean) {
    super("run the ledger transaction again");
  }
}

/** A lease this instance drew on has expired or been given back: the transaction is dropped and reserved without it. */
class LeaseGone extends Error {
  constructor(readonly leases: readonly string[]) {
    super(`lease ${leases.join(", ")} is gone`);
  }
}

/** A lease this instance holds: `remaining` units of `key` that it may hand to its orders until `expiresAt`. */
interface Lease {
  id: string;
  key: string;
  max: number;
  remaining: number;
  expiresAt: number;
}

/** Places an order's reservations (setting each row's slice) or names the first limit that refuses. */
async function place(
  tx: Tx,
  hot: HotPolicy,
  orderId: string,
  all: StoredReservation[],
  now: number,
  exact: boolean,
  leases: ReadonlyMap<string, Lease> = new Map(),
): Promise<Refusal | undefined> {
  const rows = all.filter((r) => !leases.has(r.key));
  const refused = await placeOwn(tx, hot, orderId, rows, now, exact);
  if (refused || rows.length === all.length) return refused;
  // Last, after every check: the leased rows take their use from this instance's leases.
  const leased = all.filter((r) => leases.has(r.key));
  const slices = await tx.drawLeases(
    leased.map((r) => ({ lease: leases.get(r.key)!.id, key: r.key, amount: r.amount })),
    now,
  );
  if (!slices) throw new LeaseGone(leased.map((r) => leases.get(r.key)!.id));
  leased.forEach((r, i) => (r.slice = slices[i]!));
  return undefined;
}

/** Places the rows that do not draw on a lease. */
async function placeOwn(tx: Tx, hot: HotPolicy, orderId: string, rows: StoredReservation[], now: number, exact: boolean): Promise<Refusal | undefined> {
  if (rows.length === 0) return undefined;
  const sliced = await tx.sliceCounts(rows.map((r) => r.key));
  const slicesOf = (r: StoredReservation) => sliced.get(r.key)?.slices ?? 0;
  const plain = rows.filter((r) => slicesOf(r) === 0 && !(exact && hot.wants(r.key)));
  if (!exact && plain.some((r) => hot.wants(r.key))) throw new RunAgain(true); // the first exact pass slices the key
  // A hot limit whose maximum changed (the rules were edited) is rebalanced against the new maximum first.
  if (!exact && rows.some((r) => slicesOf(r) > 0 && sliced.get(r.key)!.max !== r.max)) throw new RunAgain(true);
  if (plain.length > 0) {
    const counters = await tx.lockCounters(plain);
    // Sliced since we looked: its use lives in slices now.
    if (plain.some((r) => counters.get(r.key)!.slices > 0)) throw new RunAgain(exact);
    const held = await tx.held(
      plain.map((r) => r.key),
      now,
      orderId,
    );
    for (const r of plain) {
      const current = counters.get(r.key)!.used + (held.get(r.key) ?? 0);
      if (current + r.amount > r.max) return { promotion: r.promotion, limit: r.limit, key: r.key, max: r.max, used: current, amount: r.amount };
      r.slice = -1;
    }
  }
  for (const r of rows) {
    if (plain.includes(r)) continue;
    const placed = exact ? await placeExact(tx, hot, orderId, r, now) : await placeInSlice(tx, hot, orderId, r, now, slicesOf(r));
    if (typeof placed !== "number") return placed;
    r.slice = placed;
  }
  return undefined;
}

/** What the counter row of a hot key can still allot: its maximum less use and holds outside slices and the slices' caps. */
function unallotted(r: StoredReservation, c: CounterRow, heldUnsliced: number): number {
  return r.max - c.used - heldUnsliced - c.allotted;
}

/** The fast path: one slice, and the counter row only to refill it. */
async function placeInSlice(tx: Tx, hot: HotPolicy, orderId: string, r: StoredReservation, now: number, slices: number): Promise<number | Refusal> {
  const from = hot.home % slices;
  const s = (await tx.claimSlice(r.key, r.amount, from, slices)) ?? (await tx.lockSlice(r.key, from));
  const free = s.cap - s.used - ((await tx.sliceHeld(r.key, s.slice, now, orderId)).get(s.slice) ?? 0);
  if (free >= r.amount) return s.slice;
  const c = (await tx.lockCounters([r])).get(r.key)!;
  if (c.max !== r.max) throw new RunAgain(true); // a changed maximum: rebalance against it
  const pool = unallotted(r, c, (await tx.held([r.key], now, orderId)).get(r.key) ?? 0);
  const need = r.amount - free;
  if (pool >= need) {
    const grant = Math.min(pool, Math.max(need, hot.refill(r.max, slices)));
    await tx.adjustSlice(r.key, s.slice, grant, 0);
    await tx.adjustAllotted(r.key, grant, null);
    return s.slice;
  }
  if (hot.exactRefusal) throw new RunAgain(true);
  return { promotion: r.promotion, limit: r.limit, key: r.key, max: r.max, used: r.max - pool - free, amount: r.amount };
}

/**
 * The exact pass: every slice locked, the whole limit counted, each slice shrunk to what it spends and holds, and
 * the remainder handed to one slice (a chunk of it) and the counter row. Refuses only when the limit is used up.
 */
async function placeExact(tx: Tx, hot: HotPolicy, orderId: string, r: StoredReservation, now: number): Promise<number | Refusal> {
  let slices = await tx.lockSlices(r.key);
  const c = (await tx.lockCounters([r])).get(r.key)!;
  if (slices.length === 0) {
    if (c.slices > 0) throw new RunAgain(true); // sliced by another instance after we looked
    await tx.createSlices(r.key, hot.slices);
    slices = Array.from({ length: hot.slices }, (_, slice) => ({ slice, cap: 0, used: 0 }));
  }
  const heldBySlice = await tx.sliceHeld(r.key, null, now, orderId);
  const heldUnsliced = (await tx.held([r.key], now, orderId)).get(r.key) ?? 0;
  const spentInSlices = slices.reduce((sum, s) => sum + s.used + (heldBySlice.get(s.slice) ?? 0), 0);
  const used = c.used + heldUnsliced + spentInSlices;
  if (used + r.amount > r.max) return { promotion: r.promotion, limit: r.limit, key: r.key, max: r.max, used, amount: r.amount };
  const chosen = hot.home % slices.length;
  const grant = Math.min(r.max - used, Math.max(r.amount, hot.refill(r.max, slices.length)));
  for (const s of slices) {
    const cap = s.used + (heldBySlice.get(s.slice) ?? 0) + (s.slice === chosen ? grant : 0);
    if (cap !== s.cap) await tx.adjustSlice(r.key, s.slice, cap - s.cap, 0);
  }
  await tx.adjustAllotted(r.key, spentInSlices + grant - c.allotted, r.max);
  return chosen;
}

/**
 * Locks what an order with a live hold spends from and says whether its use no longer fits next to committed use
 * and other orders' live holds. It always fits unless another transaction, whose clock was later than ours (another
 * process, or this one stalled since it read the clock), counted this hold as lapsed and gave its room away.
 */
async function noRoomLeft(tx: Tx, orderId: string, rows: readonly StoredReservation[], now: number): Promise<boolean> {
  const plain = rows.filter((r) => r.slice < 0);
  if (plain.length > 0) {
    const counters = await tx.lockCounters(plain);
    const held = await tx.held(
      plain.map((r) => r.key),
      now,
      orderId,
    );
    for (const r of plain) {
      const c = counters.get(r.key)!;
      if (c.used + c.allotted + (held.get(r.key) ?? 0) + r.amount > r.max) return true;
    }
  }
  for (const r of rows) {
    if (r.slice < 0) continue;
    const s = await tx.lockSlice(r.key, r.slice);
    const held = (await tx.sliceHeld(r.key, r.slice, now, orderId)).get(r.slice) ?? 0;
    if (s.cap - s.used - held < r.amount) return true;
  }
  return false;
}

/** Records the held use of an order's reservations for good (the order's hold is live). */
async function spend(tx: Tx, rows: readonly StoredReservation[], sign: 1 | -1): Promise<void> {
  const plain = rows.filter((r) => r.slice < 0);
  if (plain.length > 0) await tx.lockCounters(plain);
  for (const r of plain) await tx.addUsed(r.key, sign * r.amount, sign > 0 ? r.max : null);
  for (const r of rows) if (r.slice >= 0) await tx.adjustSlice(r.key, r.slice, 0, sign * r.amount);
}

/** Which keys to slice and how: the ledger's `hot` options, plus keys this instance saw above the rate. */
class HotPolicy {
  readonly slices: number;
  readonly exactRefusal: boolean;
  /** This instance's preferred slice: instances spread over slices, like escrow accounts of their own. */
  readonly home = Math.floor(Math.random() * 1_000_003);
  readonly refillChunk: number | undefined;
  private readonly keys: (key: string) => boolean;
  private readonly alsoHot: (key: string) => boolean;
  private readonly rate: number;
  private readonly hotByRate = new Set<string>();
  private window = { second: 0, counts: new Map<string, number>() };

  /** `alsoHot`: keys sliced whatever `options.keys` says (leased keys: a lease's hold sits on a slice, not the counter row). */
  constructor(options: HotOptions = {}, alsoHot: (key: string) => boolean = () => false) {
    this.slices = options.slices ?? 16;
    if (!Number.isSafeInteger(this.slices) || this.slices < 1 || this.slices > 1024) throw new RangeError("hot.slices must be a whole number from 1 to 1024");
    this.refillChunk = options.refill;
    if (this.refillChunk !== undefined && (!Number.isSafeInteger(this.refillChunk) || this.refillChunk < 1))
      throw new RangeError("hot.refill must be a positive whole number");
    this.exactRefusal = options.exactRefusal ?? true;
    const keys = options.keys;
    this.keys =
      typeof keys === "function"
        ? keys
        : keys
          ? (
              (set) => (k: string) =>
                set.has(k)
            )(new Set(keys))
          : () => false;
    this.rate = options.aboveRate ?? Number.POSITIVE_INFINITY;
    this.alsoHot = alsoHot;
  }

  wants(key: string): boolean {
    return this.keys(key) || this.alsoHot(key) || this.hotByRate.has(key);
  }

  refill(max: number, slices: number): number {
    return this.refillChunk ?? Math.max(1, Math.ceil(max / (4 * slices)));
  }

  /** Counts a reservation of each key in the current second; a key above the rate is sliced from now on. */
  observe(keys: readonly string[], now: number): void {
    if (this.rate === Number.POSITIVE_INFINITY) return;
    const second = Math.floor(now / 1000);
    if (second !== this.window.second) this.window = { second, counts: new Map() };
    for (const key of keys) {
      const n = (this.window.counts.get(key) ?? 0) + 1;
      this.window.counts.set(key, n);
      if (n > this.rate) this.hotByRate.add(key);
    }
  }
}

/** Which keys this instance takes leases on, and how large and long. */
class LeasePolicy {
  readonly units: number;
  readonly ttlMs: number;
  private readonly keys: (key: string) => boolean;

  constructor(options: LeaseOptions, holdMs: number) {
    this.units = options.units;
    if (!Number.isSafeInteger(this.units) || this.units < 1) throw new RangeError("leases.units must be a positive whole number");
    this.ttlMs = options.ttlMs ?? holdMs;
    if (!Number.isSafeInteger(this.ttlMs) || this.ttlMs <= 0) throw new RangeError("leases.ttlMs must be a positive whole number of milliseconds");
    const keys = options.keys;
    this.keys =
      typeof keys === "function"
        ? keys
        : (
            (set) => (k: string) =>
              set.has(k)
          )(new Set(keys));
  }

  wants(key: string): boolean {
    return this.keys(key);
  }
}

/**
 * Batching (the `batch` option): operations queue while `concurrent` batches are running, and go together in the
 * next batch, at most `maxOrders` at a time. An operation that finds nothing running is sent at once (with whatever
 * else was asked in the same turn of the event loop), so batching adds no wait to a lone checkout. Every batch
 * reads the clock when it is sent and rebases each reservation's expiry on it, as a transaction reads its clock when
 * it starts.
 */
class Batcher {
  private readonly maxOrders: number;
  private readonly concurrent: number;
  private commits: { orderId: string; resolve: (out: CommitOutcome | "client") => void; reject: (e: unknown) => void }[] = [];
  private reserves: { input: AtOnceInput; hold: number; resolve: (out: AtOnceOutcome) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly send: NonNullable<Store["batchAtOnce"]>,
    private readonly now: () => number,
    options: BatchOptions,
  ) {
    this.maxOrders = options.maxOrders ?? 64;
    if (!Number.isSafeInteger(this.maxOrders) || this.maxOrders < 1) throw new RangeError("batch.maxOrders must be a positive whole number");
    this.concurrent = options.concurrent ?? 1;
    if (!Number.isSafeInteger(this.concurrent) || this.concurrent < 1) throw new RangeError("batch.concurrent must be a positive whole number");
  }

  reserve(input: AtOnceInput): Promise<AtOnceOutcome> {
    return new Promise((resolve, reject) => {
      this.reserves.push({ input, hold: input.expiresAt - input.now, resolve, reject });
      this.schedule();
    });
  }

  commit(orderId: string): Promise<CommitOutcome | "client"> {
    return new Promise((resolve, reject) => {
      this.commits.push({ orderId, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrent) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrent && this.commits.length + this.reserves.length > 0) {
      const commits = this.commits.splice(0, this.maxOrders);
      const reserves = this.reserves.splice(0, this.maxOrders - commits.length);
      this.running++;
      void this.flush(commits, reserves).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async flush(commits: Batcher["commits"], reserves: Batcher["reserves"]): Promise<void> {
    try {
      const now = this.now();
      const answer = await this.send(
        now,
        commits.map((c) => c.orderId),
        reserves.map((r) => ({ ...r.input, now, expiresAt: now + r.hold })),
      );
      commits.forEach((c, i) => c.resolve(answer.commits[i]!));
      reserves.forEach((r, i) => r.resolve(answer.reserves[i]!));
    } catch (error) {
      for (const c of commits) c.reject(error);
      for (const r of reserves) r.reject(error);
    }
  }
}

/** The ledger's rules, the same over every store. */
export class StoreLedger implements Ledger {
  private readonly holdMs: number;
  private readonly now: () => number;
  private readonly hot: HotPolicy;
  private readonly leasing: LeasePolicy | undefined;
  /** This instance's live lease per key, and leases being taken (one at a time per key). */
  private readonly leases = new Map<string, Lease>();
  private readonly taking = new Map<string, Promise<void>>();
  /** Batching of reservations and commits (the `batch` option, on a store that can). */
  private readonly batcher: Batcher | undefined;

  constructor(
    private readonly store: Store,
    options: LedgerOptions = {},
  ) {
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    if (!Number.isSafeInteger(this.holdMs) || this.holdMs <= 0) throw new RangeError("holdMs must be a positive whole number of milliseconds");
    this.now = options.now ?? Date.now;
    this.leasing = options.leases ? new LeasePolicy(options.leases, this.holdMs) : undefined;
    const leasing = this.leasing;
    // A leased key is sliced too: commits of orders served from leases then touch the leases' slices, not one row.
    this.hot = new HotPolicy(options.hot, leasing ? (key) => leasing.wants(key) : undefined);
    const batch = options.batch === true ? {} : options.batch || undefined;
    this.batcher = batch && store.batchAtOnce ? new Batcher(store.batchAtOnce, this.now, batch) : undefined;
  }

  get name(): string {
    return this.store.name;
  }

  migrate(): Promise<void> {
    return this.store.migrate();
  }

  /** Runs a transaction, again when it asks to (a key sliced meanwhile, or an exact pass needed). */
  private async run<T>(fn: (tx: Tx, exact: boolean) => Promise<T>, exact = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.transaction((tx) => fn(tx, exact));
      } catch (error) {
        if (!(error instanceof RunAgain) || attempt >= 10) throw error;
        exact ||= error.exact;
      }
    }
  }

  async reserve(orderId: string, source: PricingResult | readonly Reservation[]): Promise<ReserveOutcome> {
    validOrderId(orderId);
    const rows = mergeReservations(source);
    this.hot.observe(
      rows.map((r) => r.key),
      this.now(),
    );
    const leases = await this.draw(rows);
    let outcome: ReserveOutcome | undefined;
    try {
      outcome = await this.reserveRows(orderId, rows, leases, this.holdMs);
    } catch (error) {
      if (!(error instanceof LeaseGone)) throw error;
      // A lease expired (or this instance stalled past it): forget it, reserve without leases.
      for (const id of error.leases) for (const [key, lease] of this.leases) if (lease.id === id) this.leases.delete(key);
      // Give back whatever it still holds (nothing, if it expired), rather than leave it to its expiry.
      for (const id of error.leases) await this.release(id).catch(() => undefined);
      for (const [key, lease] of leases) if (!error.leases.includes(lease.id)) lease.remaining += rows.find((r) => r.key === key)!.amount;
      leases.clear();
      outcome = await this.reserveRows(orderId, rows, leases, this.holdMs);
    } finally {
      if (outcome?.ok !== true || outcome.status !== "reserved") for (const [key, lease] of leases) lease.remaining += rows.find((r) => r.key === key)!.amount;
    }
    return outcome;
  }

  /** One reservation: through the store's server-side function when it has one, else a client-side transaction. */
  private async reserveRows(orderId: string, rows: StoredReservation[], leases: ReadonlyMap<string, Lease>, holdMs: number): Promise<ReserveOutcome> {
    let exact = false;
    if (this.store.reserveAtOnce) {
      const now = this.now();
      const input: AtOnceInput = {
        orderId,
        rows,
        now,
        expiresAt: now + holdMs,
        hot: rows.map((r) => this.hot.wants(r.key)),
        leases: rows.map((r) => leases.get(r.key)?.id ?? null),
        home: this.hot.home,
        refill: this.hot.refillChunk ?? null,
        exactRefusal: this.hot.exactRefusal,
      };
      // Leased rows are never batched: a lease that is gone must roll back only its own order.
      const out = this.batcher && leases.size === 0 ? await this.batcher.reserve(input) : await this.store.reserveAtOnce(input);
      if ("leaseGone" in out) throw new LeaseGone([out.leaseGone]);
      if (!("exact" in out)) return out;
      exact = true;
    }
    return this.run(async (tx, exactPass) => {
      const now = this.now();
      const order = await tx.order(orderId);
      if (order?.state === "committed") return { ok: true, orderId, status: "already-committed", expiresAt: null };
      if (order?.state === "cancelled") return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
      if (order?.state === "held" && order.expiresAt > now) return { ok: true, orderId, status: "already-reserved", expiresAt: order.expiresAt };
      // New, or a hold that expired: reserve afresh.
      const refused = await place(tx, this.hot, orderId, rows, now, exactPass, leases);
      if (refused) return { ok: false, orderId, reason: "limit", refused, message: refusalMessage(refused) };
      const expiresAt = now + holdMs;
      await tx.writeOrder(orderId, "held", expiresAt, now, rows);
      return { ok: true, orderId, status: "reserved", expiresAt };
    }, exact);
  }

  /**
   * Leases (docs/language.md, "Limits under contention"): for each row on a leased key, a lease of this instance
   * that still has room for it, taken (one reservation of `units`) when there is none. Counts the row's amount
   * as drawn; the caller gives it back if the order is not reserved. Rows without a lease reserve as usual.
   */
  private async draw(rows: readonly StoredReservation[]): Promise<Map<string, Lease>> {
    const out = new Map<string, Lease>();
    const policy = this.leasing;
    if (!policy) return out;
    for (const r of rows) {
      if (!policy.wants(r.key) || r.amount > policy.units) continue;
      for (let attempt = 0; attempt < 3; attempt++) {
        const lease = this.leases.get(r.key);
        if (lease && lease.max === r.max && lease.remaining >= r.amount && lease.expiresAt > this.now()) {
          lease.remaining -= r.amount;
          out.set(r.key, lease);
          break;
        }
        let taking = this.taking.get(r.key);
        if (!taking) {
          taking = this.takeLease(r, policy).finally(() => this.taking.delete(r.key));
          this.taking.set(r.key, taking);
        }
        await taking;
        if (!this.leases.has(r.key)) break; // no lease to be had: the limit has less than a lease left
      }
    }
    return out;
  }

  /** Gives back the key's spent lease (its unused part), then takes a new lease of `units` in one reservation. */
  private async takeLease(r: StoredReservation, policy: LeasePolicy): Promise<void> {
    const old = this.leases.get(r.key);
    if (old) {
      this.leases.delete(r.key);
      await this.release(old.id);
    }
    const id = `~lease:${randomUUID()}`;
    const row: StoredReservation = { ...r, amount: policy.units, onCancel: "return", slice: -1 };
    const taken = await this.reserveRows(id, [row], new Map(), policy.ttlMs);
    if (taken.ok && taken.status === "reserved") this.leases.set(r.key, { id, key: r.key, max: r.max, remaining: policy.units, expiresAt: taken.expiresAt! });
  }

  /** Gives back the unused part of every lease this instance holds. */
  async releaseLeases(): Promise<void> {
    for (const [key, lease] of [...this.leases]) {
      await this.release(lease.id);
      if (this.leases.get(key) === lease) this.leases.delete(key);
    }
  }

  async commit(orderId: string): Promise<CommitOutcome> {
    validOrderId(orderId);
    if (this.store.commitAtOnce) {
      const out = this.batcher ? await this.batcher.commit(orderId) : await this.store.commitAtOnce(orderId, this.now());
      if (out !== "client") return out;
    }
    return this.run(async (tx) => {
      const now = this.now();
      const order = await tx.order(orderId);
      if (!order) return { ok: false, orderId, reason: "unknown-order", message: `order ${orderId} holds no reservation (never reserved, or released)` };
      if (order.state === "committed") return { ok: true, orderId, status: "already-committed" };
      if (order.state === "cancelled") return { ok: false, orderId, reason: "cancelled", message: `order ${orderId} was cancelled` };
      const rows = await tx.reservations(orderId);
      // A live hold that no longer fits was counted as lapsed by a transaction with a later clock: like a lapsed
      // hold, it commits only what still fits.
      if (order.expiresAt > now && !(await noRoomLeft(tx, orderId, rows, now))) {
        await spend(tx, rows, 1);
        await tx.writeOrder(orderId, "committed", order.expiresAt, now, null);
        return { ok: true, orderId, status: "committed" };
      }
      {
        // The hold lapsed: others may have taken its room since. Commit only what still fits, counted exactly.
        const refused = await place(tx, this.hot, orderId, rows, now, true);
        if (refused) return { ok: false, orderId, reason: "limit", refused, message: `the hold expired and ${refusalMessage(refused)}` };
        await tx.writeOrder(orderId, "committed", order.expiresAt, now, rows);
        await spend(tx, rows, 1);
        return { ok: true, orderId, status: "committed" };
      }
    });
  }

  async release(orderId: string): Promise<ReleaseOutcome> {
    validOrderId(orderId);
    return this.run(async (tx) => {
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
      await spend(tx, back, -1);
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
    const now = this.now();
    const rest = await this.store.status(now);
    const hot = (await this.store.hotState(now)).map(hotStatus);
    return { store: this.store.name, schemaVersion: this.store.schemaVersion, ...rest, hot };
  }

  sweep(): Promise<number> {
    return this.store.sweep(this.now());
  }

  async close(): Promise<void> {
    await this.releaseLeases().catch(() => undefined); // unreturned leases expire on their own
    return this.store.close();
  }
}

/** spent + reserved + leased + free = max. */
export function hotStatus(h: HotState): HotLimitStatus {
  const slices = h.slices.map((s) => ({ slice: s.slice, cap: s.cap, spent: s.used, reserved: s.held, free: Math.max(0, s.cap - s.used - s.held) }));
  const spent = h.counter.used + slices.reduce((n, s) => n + s.spent, 0);
  const reserved = h.heldUnsliced + slices.reduce((n, s) => n + s.reserved, 0);
  const leased = slices.reduce((n, s) => n + s.free, 0);
  return { key: h.key, max: h.counter.max, spent, reserved, leased, free: h.counter.max - spent - reserved - leased, slices };
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
