/**
 * Registrations of products into a campaign (002 q.79–84): what a registration records, the checks every store
 * applies in one transaction (registration window, edit policy, status machine), and the store interface the
 * SQLite and PostgreSQL registries implement. No I/O here.
 */
import { checkEdit, type Registration } from "./edits.js";
import type { RegisteredSku } from "./checkout.js";
import { transition, type Status, type StatusEvent } from "./status.js";

export interface SkuRegistration {
  readonly sku: string;
  /** The registered discount, a whole percentage from 1 to 99. */
  readonly discountPercent: number;
  /** Units of stock committed (reserved for the campaign). */
  readonly units: number;
  /** The original unit price at registration, in minor units. */
  readonly originalPrice: number;
}

export interface RegistrationInput {
  readonly campaign: string;
  /** The product (SPU). */
  readonly product: string;
  readonly skus: readonly SkuRegistration[];
  /** The shipping model at registration time (a snapshot, e.g. "free"). */
  readonly shippingModel: string;
}

export type HistoryEvent = "register" | "edit" | StatusEvent;

export interface HistoryEntry {
  readonly event: HistoryEvent;
  readonly status: Status;
  /** Epoch milliseconds. */
  readonly at: number;
  /** What changed (edits) or why (refusals are not recorded). */
  readonly detail: string | null;
}

export interface RegistrationRecord extends RegistrationInput {
  readonly status: Status;
  /** Epoch milliseconds of the registration. */
  readonly registeredAt: number;
  /** Incremented by every change; a reader can tell that nothing changed in between. */
  readonly version: number;
  readonly history: readonly HistoryEntry[];
}

/** The campaign data the registry needs (as `lowerCampaigns` gives it; instants are ISO strings). */
export interface CampaignPolicy {
  readonly calendar: {
    readonly registrationOpens: string;
    readonly registrationCloses: string;
    readonly saleStart: string;
    readonly saleEnd: string;
    readonly reviewEnd?: string;
    readonly end: string;
  };
  readonly edits: readonly { readonly field: string; readonly change: string; readonly until?: string }[];
}

export interface EditChange {
  readonly discountPercent?: number;
  /** New total of units (never fewer). */
  readonly units?: number;
  /** Units to add to whatever is registered when the edit is applied (concurrent additions all count). */
  readonly addUnits?: number;
  readonly originalPrice?: number;
}

export type Outcome = { readonly ok: true; readonly record: RegistrationRecord } | { readonly ok: false; readonly reasons: readonly string[] };

export interface Registry {
  register(input: RegistrationInput, at: number, policy: CampaignPolicy): Promise<Outcome>;
  edit(campaign: string, product: string, sku: string, change: EditChange, at: number, policy: CampaignPolicy): Promise<Outcome>;
  review(campaign: string, product: string, event: StatusEvent, at: number): Promise<Outcome>;
  get(campaign: string, product: string): Promise<RegistrationRecord | undefined>;
  list(campaign: string): Promise<RegistrationRecord[]>;
  /** The SKUs of approved registrations with their registered units not yet sold, for checkout pricing. */
  saleSkus(campaign: string): Promise<RegisteredSku[]>;
  /** Takes every `units` of the order in one transaction: all or nothing (false when any SKU has too few left). */
  take(campaign: string, items: readonly { readonly sku: string; readonly units: number }[]): Promise<boolean>;
  close(): Promise<void>;
}

/** Path-named errors for a registration given as data (CLI input). Empty when valid. */
export function validateRegistration(input: unknown): string[] {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return ["$: expected an object"];
  const r = input as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof r["product"] !== "string" || r["product"] === "") errors.push("$.product: expected a non-empty string");
  if (typeof r["shippingModel"] !== "string" || r["shippingModel"] === "") errors.push("$.shippingModel: expected a non-empty string");
  const skus = r["skus"];
  if (!Array.isArray(skus) || skus.length === 0) {
    errors.push("$.skus: expected a non-empty array");
    return errors;
  }
  const seen = new Set<string>();
  skus.forEach((s: unknown, i) => {
    const at = `$.skus[${i}]`;
    if (s === null || typeof s !== "object" || Array.isArray(s)) {
      errors.push(`${at}: expected an object`);
      return;
    }
    const k = s as Record<string, unknown>;
    if (typeof k["sku"] !== "string" || k["sku"] === "") errors.push(`${at}.sku: expected a non-empty string`);
    else if (seen.has(k["sku"])) errors.push(`${at}.sku: '${k["sku"]}' is listed twice`);
    else seen.add(k["sku"]);
    const d = k["discountPercent"];
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 99) errors.push(`${at}.discountPercent: expected a whole number from 1 to 99`);
    const u = k["units"];
    if (typeof u !== "number" || !Number.isInteger(u) || u < 1) errors.push(`${at}.units: expected a whole number of at least 1`);
    const p = k["originalPrice"];
    if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 1) errors.push(`${at}.originalPrice: expected a positive whole number of minor units`);
  });
  return errors;
}

const ms = (iso: string) => Date.parse(iso);

/** Registration is open from `registrationOpens` (inclusive) to `registrationCloses` (exclusive). */
export function registrationRefusal(at: number, policy: CampaignPolicy): string | undefined {
  if (at < ms(policy.calendar.registrationOpens)) return "registration-not-open";
  if (at >= ms(policy.calendar.registrationCloses)) return "registration-closed";
  return undefined;
}

/**
 * The edit of one SKU of a registration, decided in the store's transaction: the new SKU row or every reason
 * it is refused (the edit policy of `checkEdit` with the campaign's `allow` rules, and the status).
 */
export function applyEdit(
  status: Status,
  old: SkuRegistration,
  change: EditChange,
  at: number,
  policy: CampaignPolicy,
): { ok: true; sku: SkuRegistration; detail: string } | { ok: false; reasons: string[] } {
  if (status === "rejected" || status === "removed") return { ok: false, reasons: [`registration-${status}`] };
  const units = change.addUnits !== undefined ? old.units + change.addUnits : change.units;
  const request = { discountPercent: change.discountPercent, units, originalPrice: change.originalPrice };
  const registration: Registration = { discountPercent: old.discountPercent, units: old.units, originalPrice: old.originalPrice };
  const calendar = { registrationCloses: ms(policy.calendar.registrationCloses), saleStart: ms(policy.calendar.saleStart) };
  const result = checkEdit(registration, request, at, calendar, policy.edits);
  if (!result.allowed) return { ok: false, reasons: result.reasons };
  const next: SkuRegistration = {
    sku: old.sku,
    discountPercent: change.discountPercent ?? old.discountPercent,
    units: units ?? old.units,
    originalPrice: old.originalPrice,
  };
  const parts: string[] = [];
  if (next.discountPercent !== old.discountPercent) parts.push(`${old.sku} discount ${old.discountPercent}% -> ${next.discountPercent}%`);
  if (next.units !== old.units) parts.push(`${old.sku} units ${old.units} -> ${next.units}`);
  return { ok: true, sku: next, detail: parts.length > 0 ? parts.join(", ") : `${old.sku} unchanged` };
}

/** The status after a review event, or the refusal reason (status.ts's machine). */
export function applyReview(status: Status, event: StatusEvent): { ok: true; status: Status } | { ok: false; reasons: string[] } {
  const next = transition(status, event);
  return "refused" in next ? { ok: false, reasons: [next.refused] } : { ok: true, status: next.status };
}
