import type { CartError, EvaluateOptions, NormalizedCart, PricingResult, Program } from "@promo/runtime";
import { countFile, recordCart, recordDiff, recordProblem, type Tally } from "./tally.js";

/** What simulation needs of a compiled bundle (the exports of `promo compile`'s module). */
export interface BundleModule {
  program: Program;
  validate(cart: unknown): { ok: true; cart: NormalizedCart } | { ok: false; errors: CartError[] };
  evaluate(cart: unknown, options?: EvaluateOptions): PricingResult;
}

/** One non-blank input line. */
export interface CartRecord {
  file: string;
  line: number;
  text: string;
}

export interface Versions {
  current: BundleModule;
  against: BundleModule | null;
  /** The currency every simulated cart must be in. */
  currency: string;
  /** Ids of promotions with usage limits, in either version: carts where one is a candidate are priced in order. */
  limited: ReadonlySet<string>;
}

/** A cart parsed and validated by both versions, ready to price. */
export interface ReadyCart {
  id: string;
  record: CartRecord;
  current: NormalizedCart;
  against: NormalizedCart | null;
}

/** Usage of limits while simulating: read by key, written after each cart (in memory, never a ledger). */
export type UsageState = Map<string, number>;

function errorText(errors: readonly CartError[]): { path: string; message: string } {
  const first = errors[0] ?? { path: "", message: "invalid cart" };
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return { path: first.path, message: `${first.message}${more}` };
}

/**
 * Parses and validates one line. Problems (not JSON, not a cart, another currency) are counted and listed in the
 * tally; the answer is then null. Lines may carry an `id` beside the cart's fields (the cart id of the report);
 * without one, the id is `file:line`.
 */
export function prepareCart(record: CartRecord, versions: Versions, tally: Tally): ReadyCart | null {
  let value: unknown;
  try {
    value = JSON.parse(record.text);
  } catch (error) {
    return reject(record, tally, "", `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, "invalid");
  }
  let id = `${record.file}:${record.line}`;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, "id")) {
    const { id: given, ...cart } = value as Record<string, unknown>;
    if (typeof given !== "string" || given.length === 0 || given.length > 200) {
      return reject(record, tally, "/id", "the cart id must be a non-empty string of at most 200 characters", "invalid");
    }
    id = given;
    value = cart;
  }
  const checked = versions.current.validate(value);
  if (!checked.ok) {
    const e = errorText(checked.errors);
    return reject(record, tally, e.path, e.message, "invalid");
  }
  if (checked.cart.currency !== versions.currency) {
    return reject(record, tally, "/currency", `the cart is in ${checked.cart.currency}, the rules in ${versions.currency}: not simulated`, "otherCurrency");
  }
  let against: NormalizedCart | null = null;
  if (versions.against) {
    const old = versions.against.validate(value);
    if (!old.ok) {
      const e = errorText(old.errors);
      return reject(record, tally, e.path, `not a valid cart for the --against rules: ${e.message}`, "invalid");
    }
    against = old.cart;
  }
  return { id, record, current: checked.cart, against };
}

function reject(record: CartRecord, tally: Tally, path: string, message: string, kind: "invalid" | "otherCurrency"): null {
  tally.input.records++;
  tally.input[kind]++;
  countFile(tally.input, record.file, 1, 0, 1);
  recordProblem(tally.input, { file: record.file, line: record.line, path, message });
  return null;
}

/** A cart the engine could not price (an unexpected exception): counted and listed like an invalid cart. */
export function recordFailure(record: CartRecord, tally: Tally, error: unknown): void {
  reject(record, tally, "", `could not be priced: ${error instanceof Error ? error.message : String(error)}`, "invalid");
}

function touchesLimited(result: PricingResult, limited: ReadonlySet<string>): boolean {
  for (const a of result.applied) if (limited.has(a.id)) return true;
  for (const r of result.rejected) if (limited.has(r.id)) return true;
  return false;
}

/**
 * Prices a ready cart without usage. Returns false when the cart has a promotion with usage limits among its
 * candidates in either version: its result then depends on the carts before it, so it must be priced in input
 * order with `priceInOrder` (nothing is recorded for it here).
 */
export function priceUnlimited(cart: ReadyCart, versions: Versions, tally: Tally): boolean {
  const after = versions.current.evaluate(cart.current);
  const before = versions.against && cart.against ? versions.against.evaluate(cart.against) : null;
  if (versions.limited.size > 0 && (touchesLimited(after, versions.limited) || (before && touchesLimited(before, versions.limited)))) return false;
  record(cart, after, before, tally);
  return true;
}

/** Prices a cart against the current use of the limits and records its reservations: call in input order. */
export function priceInOrder(cart: ReadyCart, versions: Versions, tally: Tally, usage: { current: UsageState; against: UsageState }): void {
  const after = priceWithUsage(versions.current, cart.current, usage.current);
  const before = versions.against && cart.against ? priceWithUsage(versions.against, cart.against, usage.against) : null;
  record(cart, after, before, tally);
}

function priceWithUsage(bundle: BundleModule, cart: NormalizedCart, usage: UsageState): PricingResult {
  const result = bundle.evaluate(cart, { usage: (key) => usage.get(key) });
  for (const applied of result.applied) {
    for (const r of applied.reservations ?? []) usage.set(r.key, (usage.get(r.key) ?? 0) + r.amount);
  }
  return result;
}

function record(cart: ReadyCart, after: PricingResult, before: PricingResult | null, tally: Tally): void {
  tally.input.records++;
  tally.input.simulated++;
  countFile(tally.input, cart.record.file, 1, 1, 0);
  recordCart(tally.current, cart.id, cart.current, after);
  if (before && tally.against && tally.diff && cart.against) {
    recordCart(tally.against, cart.id, cart.against, before);
    recordDiff(tally.diff, cart.id, before, after);
  }
}
