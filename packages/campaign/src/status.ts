/** Registration status, locked fields, reserved stock and snapshot validation (002 q.79, 80, 82–84). */

export type Status = "under-review" | "approved" | "rejected" | "removed";
export type StatusEvent = "approve" | "reject" | "remove" | "penalty" | "requirement-lost";

/** Returns the next status, or a refusal reason. */
export function transition(status: Status, event: StatusEvent): { status: Status } | { refused: string } {
  switch (event) {
    case "approve":
    case "reject":
      return status === "under-review" ? { status: event === "approve" ? "approved" : "rejected" } : { refused: "not-under-review" };
    case "remove":
      return status === "under-review" ? { status: "removed" } : { refused: "removal-only-under-review" };
    case "penalty":
      return status === "under-review" || status === "approved" ? { status: "removed" } : { status };
    case "requirement-lost":
      // An approved product stays in the promotion (q.84).
      return { status };
  }
}

export const LOCKED_ON_REGISTRATION = ["category", "unit", "salesUnit", "colour", "shipFrom", "discountedPrice", "originalPrice", "pricesByCountry"] as const;
export const LOCKED_FROM_REVIEW_END = ["packageSize", "shippingModel"] as const;

export interface LockCalendar {
  readonly reviewEnds: number;
  readonly saleEnd: number;
}

/** Whether a product field may be edited at `at`; when refused, names the field and the unlock instant. */
export function checkFieldEdit(
  field: string,
  status: Status,
  at: number,
  calendar: LockCalendar,
): { allowed: true } | { allowed: false; field: string; unlocksAt: number } {
  if (status === "rejected" || status === "removed" || at >= calendar.saleEnd) return { allowed: true };
  if ((LOCKED_ON_REGISTRATION as readonly string[]).includes(field)) {
    return { allowed: false, field, unlocksAt: calendar.saleEnd };
  }
  if ((LOCKED_FROM_REVIEW_END as readonly string[]).includes(field) && at >= calendar.reviewEnds) {
    return { allowed: false, field, unlocksAt: calendar.saleEnd };
  }
  return { allowed: true };
}

/** Units sellable outside the campaign before it starts: 12 in stock, 10 registered → 2 (q.80). */
export function sellableBeforeCampaign(stock: number, registeredUnits: number): number {
  return Math.max(0, stock - registeredUnits);
}

const CATEGORY_TYPES = new Set(["string"]);

/** Path-named errors for a malformed product/store snapshot. */
export function validateSnapshot(snapshot: unknown): string[] {
  const errors: string[] = [];
  if (snapshot === null || typeof snapshot !== "object") return ["$: expected an object"];
  const { product, store } = snapshot as Record<string, unknown>;
  if (product === null || typeof product !== "object") errors.push("$.product: expected an object");
  else {
    const p = product as Record<string, unknown>;
    if (p.rating === undefined) errors.push("$.product.rating: missing");
    else if (typeof p.rating !== "number" || p.rating < 0 || p.rating > 5) errors.push("$.product.rating: expected a number from 0 to 5");
    if (p.stock !== undefined && (typeof p.stock !== "number" || !Number.isInteger(p.stock) || p.stock < 0))
      errors.push("$.product.stock: expected a non-negative integer");
    if (p.category !== undefined && !CATEGORY_TYPES.has(typeof p.category))
      errors.push(`$.product.category: expected a string, got ${Array.isArray(p.category) ? "array" : typeof p.category}`);
  }
  if (store === null || typeof store !== "object") errors.push("$.store: expected an object");
  return errors;
}
