/** The `.d.ts` part for the bundle's `attribute` export (fixed text: no user text enters it). */
export const ATTRIBUTION_DECLARATIONS = `
/** A touchpoint of the buyer's journey: an affiliate click, an add to cart or a coupon activation. */
export interface JourneyEvent {
  /** Unique within the journey. */
  id: string;
  /** Epoch milliseconds. */
  at: number;
  kind: "click" | "cart" | "coupon";
  webmaster: string;
  /** The goods of a deep link; absent for a store link. */
  sku?: string;
}

export interface AttributionOrder {
  /** Epoch milliseconds of the payment. */
  paidAt: number;
  /** \`paidMinor\`: what the buyer paid for the line after discounts, in minor units (the commission base). */
  lines: { id: string; sku: string; quantity: number; paidMinor: number; returnedUnits?: number }[];
}

export interface LineAttribution {
  line: string;
  webmaster?: string;
  event?: string;
  decidedBy: "priority" | "first-cookie" | "last-cookie" | "none";
  rateBp: number;
  /** Kept commission in minor units (returned units reversed). */
  commissionMinor: number;
  reversedMinor: number;
  perUnitMinor: number[];
  /** Why every other touchpoint lost; built when read. */
  readonly losers: { event: string; reason: string }[];
  /** The declaration that decided the line. */
  readonly rule?: { name: string; source: { file?: string; line: number; column: number; text?: string } };
}

export interface AttributionResult {
  ok: boolean;
  /** Path-named errors: "$[3].id" in the journey, "order.lines[0].quantity" in the order. */
  errors: { path: string; message: string }[];
  lines: LineAttribution[];
  /** Counted work. */
  steps: number;
}

/** Attributes a paid order's lines to webmasters with this bundle's attribution rules. */
export declare function attribute(order: AttributionOrder, journey: JourneyEvent[], options?: { explain?: boolean }): AttributionResult;
`;
