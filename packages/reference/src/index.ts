import { readCart, type CartReading } from "./cart.js";
import { price, type PriceOptions, type RefResult } from "./price.js";
import { readRules, type ProjectFiles, type RefRules } from "./rules.js";

export { readCart, readRules, price };
export type { CartReading, PriceOptions, ProjectFiles, RefResult, RefRules };

export type ReferenceOutcome = { ok: true; result: RefResult } | { ok: false; errors: { path: string; message: string }[] };

/** The reference model of a checked project: prices JSON carts as docs/language.md says. */
export function referenceEvaluator(project: ProjectFiles): { rules: RefRules; tryEvaluate(cart: unknown, options?: PriceOptions): ReferenceOutcome } {
  const rules = readRules(project);
  return {
    rules,
    tryEvaluate(json, options) {
      const reading = readCart(json, rules.attributes);
      if (!reading.ok) return { ok: false, errors: [{ path: reading.path, message: reading.message }] };
      return { ok: true, result: price(rules, reading.cart, options) };
    },
  };
}
export { referenceAttribute } from "./attribution.js";
export type { RefAttributionOutcome, RefAttributionRules, RefJourneyEvent, RefLineAttribution, RefOrder } from "./attribution.js";
export { DEFAULT_FUNDER, readPrevious, refundReference, settlementInputs, settleReference, splitFunders, unitShare } from "./settlement.js";
export type { Funders, RefPrevious, RefRefund, RefRefundOutcome, RefSettlement, SettlementInputs } from "./settlement.js";
