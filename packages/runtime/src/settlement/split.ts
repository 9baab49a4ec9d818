import { DEFAULT_FUNDER, type Party, type PromotionSpec } from "../engine/program.js";

export { DEFAULT_FUNDER, type Party };

/** Funding weights of a promotion: each party's percentage, scaled to integers with a common scale. */
export interface Funders {
  platform: number;
  seller: number;
}

const PLATFORM_ALONE: Funders = Object.freeze({ platform: 1, seller: 0 });
const SELLER_ALONE: Funders = Object.freeze({ platform: 0, seller: 1 });

export function fundersOf(spec: Pick<PromotionSpec, "kind" | "funders">): Funders {
  if (spec.funders) return spec.funders;
  return DEFAULT_FUNDER[spec.kind] === "platform" ? PLATFORM_ALONE : SELLER_ALONE;
}

/**
 * Splits `amount` minor units between the platform and the seller in proportion to their weights: each gets
 * floor(amount × weight ÷ total); the leftover unit (at most one with two parties) goes to the larger fractional
 * remainder, a tie to the platform.
 */
export function splitFunding(amount: number, funders: Funders): { platform: number; seller: number } {
  if (funders.seller === 0) return { platform: amount, seller: 0 };
  if (funders.platform === 0) return { platform: 0, seller: amount };
  const total = funders.platform + funders.seller;
  let p: number, pr: number, s: number, sr: number;
  const pp = amount * funders.platform;
  const sp = amount * funders.seller;
  if (Number.isSafeInteger(pp) && Number.isSafeInteger(sp)) {
    // Exact in doubles (the usual case: amounts in minor units times percentages).
    p = Math.floor(pp / total);
    pr = pp - p * total;
    s = Math.floor(sp / total);
    sr = sp - s * total;
  } else {
    const big = BigInt(total);
    const bp = BigInt(amount) * BigInt(funders.platform);
    const bs = BigInt(amount) * BigInt(funders.seller);
    [p, pr, s, sr] = [Number(bp / big), Number(bp % big), Number(bs / big), Number(bs % big)];
  }
  const leftover = amount - p - s;
  if (leftover === 0) return { platform: p, seller: s };
  return pr >= sr ? { platform: p + leftover, seller: s } : { platform: p, seller: s + leftover };
}

/**
 * Unit i (1-based) of q gets floor(A/q) + (i ≤ A mod q ? 1 : 0): the sum of that share over units lo … hi.
 */
export function unitShares(amount: number, quantity: number, lo: number, hi: number): number {
  if (hi < lo || quantity <= 0) return 0;
  const base = Math.floor(amount / quantity);
  const extra = amount - base * quantity;
  const extraUnits = Math.max(0, Math.min(hi, extra) - lo + 1);
  return base * (hi - lo + 1) + extraUnits;
}
