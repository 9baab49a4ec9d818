import type { CheckedProject } from "../checker/checker.js";
import type { CampaignData } from "../checker/campaign.js";

/**
 * The campaigns of a checked project as the data @promo/campaign reads (`promo campaign check` takes the same
 * requirements as JSON): one entry per `campaign` declaration that checked without errors, in project order.
 */
export function lowerCampaigns(project: CheckedProject): CampaignData[] {
  return project.campaigns.flatMap((c) => (c.data ? [c.data] : []));
}
