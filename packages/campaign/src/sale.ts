/**
 * Checkout with a campaign (002 q.77, q.80, q.86, q.87): composes campaign pricing with the promotion engine.
 *
 * `campaignCart` rewrites a cart (the v1 JSON contract) for the campaign's phase at the cart's instant:
 * - during the sale, a registered SKU's units up to its remaining registered units get the registered discount
 *   (the line is split when the cart asks for more: the rest stays at full price), those lines are tagged
 *   `campaign:<name>` so that the campaign's codes can be scoped to registered products (002 q.86), and a SKU of
 *   a registered product that was not registered is unavailable: it is removed from the cart and listed;
 * - during the warm-up the cart is unchanged (the promotion price is displayed, not charged) and each registered
 *   line says its preview price; with `asOfSale` the cart is priced as the sale would price it (a preview: nothing
 *   to take);
 * - before the warm-up and after the sale the cart is unchanged.
 *
 * `priceWithCampaign` prices the rewritten cart with an evaluator (compiled bundle or interpreter) and returns the
 * pricing result with the per-line campaign outcome. The units to take from the reservation store when the order
 * is placed are in `take` (empty for a preview).
 */
import { formatMinor, parseAmount, type EvaluateOutcome, type Evaluator } from "@promo/runtime";
import { discountedUnitPrice, priceCampaignLines, type RegisteredSku } from "./checkout.js";

export interface SaleCalendar {
  readonly warmUpStart?: string;
  readonly saleStart: string;
  readonly saleEnd: string;
}

export interface CampaignCartOptions {
  readonly campaign: string;
  readonly calendar: SaleCalendar;
  /** Approved registrations' SKUs, with the registered units not yet sold. */
  readonly registered: readonly RegisteredSku[];
  /** During the warm-up, price the cart as the sale will (a preview, nothing taken). */
  readonly asOfSale?: boolean;
}

export type CampaignPhase = "before" | "warm-up" | "sale" | "after";

export type CampaignLine =
  | { readonly line: string; readonly sku: string; readonly status: "not-in-campaign" }
  | { readonly line: string; readonly sku: string; readonly status: "unavailable"; readonly reason: "sku-not-registered" }
  | {
      readonly line: string;
      readonly sku: string;
      readonly status: "registered";
      /** Units at the campaign price (0 outside the sale unless previewed). */
      readonly promoUnits: number;
      /** The campaign unit price, formatted like the cart's amounts. */
      readonly promoUnitPrice: string;
      readonly fullPriceUnits: number;
      /** True when the price is shown, not charged (warm-up). */
      readonly preview: boolean;
    };

export interface CampaignCart {
  readonly phase: CampaignPhase;
  /** The cart to price: unchanged, or with campaign prices, split lines and tags, without unavailable lines. */
  readonly cart: unknown;
  readonly lines: readonly CampaignLine[];
  /** Units to take from the reservation store when the order is placed (never for a preview). */
  readonly take: readonly { readonly sku: string; readonly units: number }[];
}

interface CartLineJson {
  id: string;
  sku: string;
  product?: string;
  unitPrice: string;
  quantity: number;
  tags?: string[];
  [key: string]: unknown;
}

/** The campaign phase at an instant: warm-up [warmUpStart, saleStart), sale [saleStart, saleEnd). */
export function campaignPhase(at: number, calendar: SaleCalendar): CampaignPhase {
  if (at >= Date.parse(calendar.saleEnd)) return "after";
  if (at >= Date.parse(calendar.saleStart)) return "sale";
  if (calendar.warmUpStart !== undefined && at >= Date.parse(calendar.warmUpStart)) return "warm-up";
  return "before";
}

/**
 * Rewrites a cart for the campaign; `errors` (path-named, like the cart validator's) when the cart's currency,
 * instant or line prices cannot be read. Other cart problems are left to the evaluator's validation.
 */
export function campaignCart(cart: unknown, options: CampaignCartOptions): CampaignCart | { errors: string[] } {
  if (cart === null || typeof cart !== "object" || Array.isArray(cart)) return { errors: ["$: expected a cart object"] };
  const c = cart as { currency?: unknown; at?: unknown; lines?: unknown };
  if (typeof c.currency !== "string") return { errors: ["$.currency: expected an ISO 4217 code"] };
  const at = typeof c.at === "string" ? Date.parse(c.at) : NaN;
  if (Number.isNaN(at)) return { errors: ["$.at: expected an ISO 8601 instant"] };
  if (!Array.isArray(c.lines)) return { errors: ["$.lines: expected an array"] };
  const currency = c.currency;
  const lines = c.lines as CartLineJson[];
  const errors: string[] = [];
  const minor = lines.map((l, i) => {
    const parsed = typeof l?.unitPrice === "string" ? parseAmount(l.unitPrice, currency) : undefined;
    if (!parsed?.ok) errors.push(`$.lines[${i}].unitPrice: ${parsed && !parsed.ok ? parsed.message : "expected an amount such as 19.99"}`);
    return parsed?.ok ? parsed.minor : 0;
  });
  if (errors.length > 0) return { errors };

  const phase = campaignPhase(at, options.calendar);
  const priced = phase === "sale" || (phase === "warm-up" && options.asOfSale === true);
  const preview = phase !== "sale";
  const pricing = priceCampaignLines(
    lines.map((l, i) => ({ product: l.product ?? "", sku: l.sku, quantity: l.quantity, unitPrice: minor[i]! })),
    options.registered,
    { preview },
  );
  const out: CampaignLine[] = [];
  const newLines: CartLineJson[] = [];
  const ids = new Set(lines.map((l) => l.id));
  const take = new Map<string, number>();
  const discount = new Map(options.registered.map((r) => [`${r.product}\u0000${r.sku}`, r.discountPercent]));
  pricing.forEach((p, i) => {
    const line = lines[i]!;
    if (p.status === "not-in-campaign" || phase === "before" || phase === "after") {
      out.push({ line: line.id, sku: line.sku, status: "not-in-campaign" });
      newLines.push(line);
      return;
    }
    if (p.status === "unavailable") {
      out.push({ line: line.id, sku: line.sku, status: "unavailable", reason: p.reason });
      if (!priced) newLines.push(line);
      return;
    }
    if (!priced) {
      // Warm-up: displayed, not charged.
      const shown = discountedUnitPrice(minor[i]!, discount.get(`${line.product ?? ""}\u0000${line.sku}`) ?? 0);
      out.push({
        line: line.id,
        sku: line.sku,
        status: "registered",
        promoUnits: 0,
        promoUnitPrice: formatMinor(shown, currency),
        fullPriceUnits: line.quantity,
        preview: true,
      });
      newLines.push(line);
      return;
    }
    out.push({
      line: line.id,
      sku: line.sku,
      status: "registered",
      promoUnits: p.promoUnits,
      promoUnitPrice: formatMinor(p.promoUnitPrice, currency),
      fullPriceUnits: p.fullPriceUnits,
      preview,
    });
    const tag = `campaign:${options.campaign}`;
    const tags = (line.tags ?? []).includes(tag) ? [...line.tags!] : [...(line.tags ?? []), tag];
    if (p.promoUnits > 0) {
      newLines.push({ ...line, unitPrice: formatMinor(p.promoUnitPrice, currency), quantity: p.promoUnits, tags });
      if (!preview) take.set(line.sku, (take.get(line.sku) ?? 0) + p.promoUnits);
    }
    if (p.fullPriceUnits > 0) {
      const split = p.promoUnits > 0;
      const id = split ? `${line.id}~full-price` : line.id;
      // The split line's name must be free, or the rewritten cart would hold one id twice.
      if (split && ids.has(id))
        errors.push(
          `$.lines[${i}].id: the campaign splits line ${JSON.stringify(line.id)} and names its full-price units ${JSON.stringify(id)}, which the cart already uses; rename that line`,
        );
      newLines.push({ ...line, id, quantity: p.fullPriceUnits, tags });
    }
  });
  if (errors.length > 0) return { errors };
  return { phase, cart: { ...c, lines: newLines }, lines: out, take: [...take].map(([sku, units]) => ({ sku, units })) };
}

/** Prices a cart with the campaign applied (see `campaignCart`), with the per-line campaign outcome. */
export function priceWithCampaign(
  evaluator: Evaluator,
  cart: unknown,
  options: CampaignCartOptions,
): { ok: false; errors: string[] } | { ok: true; campaign: CampaignCart; outcome: EvaluateOutcome } {
  const rewritten = campaignCart(cart, options);
  if ("errors" in rewritten) return { ok: false, errors: rewritten.errors };
  return { ok: true, campaign: rewritten, outcome: evaluator.tryEvaluate(rewritten.cart) };
}
