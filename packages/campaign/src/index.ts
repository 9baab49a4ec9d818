/**
 * Platform campaigns (seller FAQ 002 q.76–87): per-product eligibility against a campaign's requirements, the edit
 * policy, the status machine, registrations and reserved units, and checkout during the sale.
 */
export * from "./eligibility.js";
export * from "./edits.js";
export * from "./status.js";
export * from "./checkout.js";
export * from "./registry.js";
export * from "./sale.js";
