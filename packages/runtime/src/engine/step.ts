import type { NormalizedCoupon } from "../cart/types.js";
import type { BenefitResult } from "./benefits.js";
import type { Reason } from "./gates.js";
import type { PromotionSpec } from "./program.js";

/** A promotion that passed the gates for this cart, waiting for the search. */
export interface Candidate {
  spec: PromotionSpec;
  rank: number;
  /** Its position among the eligible candidates. */
  slot: number;
  coupon: NormalizedCoupon | null;
}

/** A candidate applied at some place: what it gives there. */
export interface Step {
  candidate: Candidate;
  result: BenefitResult;
  /** The stores and line indexes it discounts; empty unless a per-store or per-line stacking rule needs them. */
  stores: ReadonlySet<string>;
  lines: readonly number[];
}

export const NO_STORES: ReadonlySet<string> = new Set();
export const NO_LINES: readonly number[] = [];

/** A candidate at a place: the step it makes there, or why it makes none. */
export type Outcome = { step?: Step; failure?: { reason: Reason; message: string } };
