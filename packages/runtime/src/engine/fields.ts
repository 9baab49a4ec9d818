import type { NormalizedCart, NormalizedCoupon, NormalizedLine } from "../cart/types.js";

/** Field semantics shared by the interpreter and compiled code; a field the cart does not give reads as null. */
export function cartField(cart: NormalizedCart, coupon: NormalizedCoupon | null, root: string, field: string): unknown {
  switch (root) {
    case "customer": {
      const c = cart.customer;
      switch (field) {
        case "id":
          return c.id;
        case "region":
          return c.region;
        case "previousOrders":
          return c.previousOrders;
        case "firstOrder":
          return c.previousOrders === null ? null : c.previousOrders === 0;
        case "segments":
          return c.segments;
        case "riskFlags":
          return c.riskFlags;
        case "coins":
          return c.coins;
        case "coinsEarnedToday":
          return c.coinsEarnedToday;
        default:
          return attribute(c.attributes, field);
      }
    }
    case "cart":
      return field === "currency"
        ? cart.currency
        : field === "at"
          ? cart.at
          : field === "paymentMethod"
            ? cart.paymentMethod
            : field === "useCoins"
              ? cart.useCoins
              : null;
    case "shipping":
      return field === "country" ? cart.shipping.country : field === "price" ? cart.shipping.price : null;
    case "coupon":
      if (!coupon) return null;
      return field === "code" ? coupon.code : field === "owner" ? coupon.owner : field === "activatedAt" ? coupon.activatedAt : null;
    default:
      return null;
  }
}

export function lineField(line: NormalizedLine, field: string): unknown {
  switch (field) {
    case "id":
      return line.id;
    case "sku":
      return line.sku;
    case "product":
      return line.product;
    case "store":
      return line.store;
    case "category":
      return line.category;
    case "tags":
      return line.tags;
    case "unitPrice":
      return line.unitPrice;
    case "quantity":
      return line.quantity;
    case "subtotal":
      return line.subtotal;
    default:
      return attribute(line.attributes, field);
  }
}

function attribute(attributes: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!Object.hasOwn(attributes, name)) return null;
  const value = attributes[name];
  return Array.isArray(value) ? new Set(value) : (value ?? null);
}
