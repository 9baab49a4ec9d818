/**
 * Campaign pricing of cart lines (002 q.80, q.86; issue 16): during the sale a registered SKU gets its registered
 * discount for at most its remaining registered units; a SKU of a registered product that was not registered is
 * unavailable; campaign codes apply only to registered products. During the warm-up, `preview` prices "as of the
 * sale" without taking units. Money in integer minor units.
 */

export interface RegisteredSku {
  readonly product: string;
  readonly sku: string;
  readonly discountPercent: number;
  /** Registered units not yet sold. */
  readonly remainingUnits: number;
}

export interface CartLine {
  readonly product: string;
  readonly sku: string;
  readonly quantity: number;
  /** Unit price in minor units. */
  readonly unitPrice: number;
}

export type LinePricing =
  | { readonly sku: string; readonly status: "not-in-campaign"; readonly total: number; readonly codesApply: false }
  | { readonly sku: string; readonly status: "unavailable"; readonly reason: "sku-not-registered" }
  | {
      readonly sku: string;
      readonly status: "registered";
      readonly promoUnits: number;
      readonly promoUnitPrice: number;
      readonly fullPriceUnits: number;
      readonly total: number;
      readonly codesApply: true;
      readonly preview: boolean;
    };

/** Discounted unit price: the discount is rounded half up to a whole minor unit. */
export function discountedUnitPrice(unitPrice: number, percent: number): number {
  return unitPrice - Math.floor((unitPrice * percent + 50) / 100);
}

export function priceCampaignLines(
  lines: readonly CartLine[],
  registered: readonly RegisteredSku[],
  options: { readonly preview?: boolean } = {},
): LinePricing[] {
  const bySku = new Map(registered.map((r) => [`${r.product}\u0000${r.sku}`, r]));
  const products = new Set(registered.map((r) => r.product));
  const used = new Map<string, number>();
  return lines.map((line): LinePricing => {
    const key = `${line.product}\u0000${line.sku}`;
    const reg = bySku.get(key);
    if (reg === undefined) {
      if (products.has(line.product)) return { sku: line.sku, status: "unavailable", reason: "sku-not-registered" };
      return { sku: line.sku, status: "not-in-campaign", total: line.unitPrice * line.quantity, codesApply: false };
    }
    const left = reg.remainingUnits - (used.get(key) ?? 0);
    const promoUnits = Math.max(0, Math.min(line.quantity, left));
    used.set(key, (used.get(key) ?? 0) + promoUnits);
    const promoUnitPrice = discountedUnitPrice(line.unitPrice, reg.discountPercent);
    const fullPriceUnits = line.quantity - promoUnits;
    return {
      sku: line.sku,
      status: "registered",
      promoUnits,
      promoUnitPrice,
      fullPriceUnits,
      total: promoUnits * promoUnitPrice + fullPriceUnits * line.unitPrice,
      codesApply: true,
      preview: options.preview === true,
    };
  });
}
