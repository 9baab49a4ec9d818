/** The edit policy for a registration (seller FAQ 002 q.80–81): increases only, within the allowed windows. */

export interface Registration {
  readonly discountPercent: number;
  readonly units: number;
  readonly originalPrice: number;
}

export interface EditRequest {
  readonly discountPercent?: number;
  readonly units?: number;
  readonly originalPrice?: number;
}

export interface Calendar {
  /** Epoch milliseconds (UTC instants). */
  readonly registrationCloses: number;
  readonly saleStart: number;
}

const DAY_MS = 86_400_000;

/** An `allow` rule of a campaign declaration (as lowered): which field may be increased, and until when. */
export interface EditRule {
  readonly field: string;
  readonly change: string;
  /** ISO instant: the last instant the edit is allowed (inclusive). */
  readonly until?: string;
}

/**
 * Edit policy (002): the discount may be increased, never decreased, until one day before registration closes and
 * never after the sale starts; the original price cannot change; units may be added, never withdrawn.
 * With `rules` (a campaign's `allow` clauses), an increase is allowed only when a rule allows it, until its
 * `until`; without them, the seeds' policy above.
 */
export function checkEdit(
  old: Registration,
  change: EditRequest,
  at: number,
  calendar: Calendar,
  rules?: readonly EditRule[],
): { allowed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const rule = (field: string) => rules?.find((r) => r.field === field && r.change === "increase");
  if (change.discountPercent !== undefined && change.discountPercent !== old.discountPercent) {
    const until =
      rules === undefined ? calendar.registrationCloses - DAY_MS : rule("discount")?.until === undefined ? Infinity : Date.parse(rule("discount")!.until!);
    if (change.discountPercent < old.discountPercent) reasons.push("discount-decrease");
    else if (at >= calendar.saleStart) reasons.push("sale-started");
    else if (rules !== undefined && rule("discount") === undefined) reasons.push("discount-edit-not-allowed");
    else if (at > until) reasons.push("discount-edit-window-closed");
  }
  if (change.originalPrice !== undefined && change.originalPrice !== old.originalPrice) reasons.push("original-price-locked");
  if (change.units !== undefined && change.units < old.units) reasons.push("units-withdrawn");
  else if (change.units !== undefined && change.units > old.units && rules !== undefined) {
    const units = rule("units");
    if (units === undefined) reasons.push("units-edit-not-allowed");
    else if (units.until !== undefined && at > Date.parse(units.until)) reasons.push("units-edit-window-closed");
  }
  return { allowed: reasons.length === 0, reasons };
}
