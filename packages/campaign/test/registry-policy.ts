/** The 11.11 campaign's calendar and edit rules as `lowerCampaigns` gives them (examples/campaigns/11-11). */
import type { CampaignPolicy, RegistrationInput } from "../src/registry.js";

export const POLICY: CampaignPolicy = {
  calendar: {
    registrationOpens: "2026-09-30T16:00:00.000Z",
    registrationCloses: "2026-10-31T16:00:00.000Z",
    reviewEnd: "2026-11-03T16:00:00.000Z",
    saleStart: "2026-11-10T16:00:00.000Z",
    saleEnd: "2026-11-11T16:00:00.000Z",
    end: "2026-11-11T16:00:00.000Z",
  },
  edits: [
    { field: "discount", change: "increase", until: "2026-10-30T16:00:00.000Z" },
    { field: "units", change: "increase" },
  ],
};

export const AT = Date.parse("2026-10-15T02:00:00Z");

export function tee(campaign: string, product = "tee-1"): RegistrationInput {
  return {
    campaign,
    product,
    shippingModel: "free",
    skus: [
      { sku: `${product}-S`, discountPercent: 20, units: 10, originalPrice: 2500 },
      { sku: `${product}-M`, discountPercent: 20, units: 10, originalPrice: 2500 },
    ],
  };
}
