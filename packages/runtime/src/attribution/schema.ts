import { MAX_EVENTS, MAX_LINES } from "./evaluate.js";

/**
 * JSON Schema (draft-07) definitions of what the bundle's `attribute(order, journey)` reads: `journey` (an array
 * of touchpoints) and `attributionOrder` (the paid order). The compiler adds them to the bundle's schema `definitions`;
 * `attribute` itself checks the same rules and names the failing path.
 */
export function attributionSchemaDefs(): Record<string, object> {
  return {
    journeyEvent: {
      type: "object",
      required: ["id", "at", "kind", "webmaster"],
      properties: {
        id: { type: "string", description: "Unique within the journey." },
        at: { type: "number", description: "Epoch milliseconds." },
        kind: { enum: ["click", "cart", "coupon"], description: "Affiliate click, add to cart, coupon activation." },
        webmaster: { type: "string" },
        sku: { type: "string", description: "The goods of a deep link; absent for a store link." },
      },
    },
    journey: { type: "array", maxItems: MAX_EVENTS, items: { $ref: "#/definitions/journeyEvent" } },
    attributionOrder: {
      type: "object",
      required: ["paidAt", "lines"],
      properties: {
        paidAt: { type: "number", description: "Epoch milliseconds of the payment." },
        lines: {
          type: "array",
          maxItems: MAX_LINES,
          items: {
            type: "object",
            required: ["id", "sku", "quantity", "paidMinor"],
            properties: {
              id: { type: "string" },
              sku: { type: "string" },
              quantity: { type: "integer", minimum: 1, maximum: 1_000_000 },
              paidMinor: { type: "integer", minimum: 0, description: "What the buyer paid for the line after discounts, in minor units." },
              returnedUnits: { type: "integer", minimum: 0 },
            },
          },
        },
      },
    },
  };
}
