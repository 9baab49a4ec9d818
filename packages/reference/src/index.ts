import { readCart, type CartReading } from "./cart.js";
import { price, type PriceOptions, type RefResult } from "./price.js";
import { readRules, type ProjectFiles, type RefRules } from "./rules.js";
import {
  refundReference,
  settlementInputs,
  settleReference,
  settleWithAttribution,
  type RefRefundOutcome,
  type RefSettlement,
  type SettlementInputs,
} from "./settlement.js";

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
export {
  DEFAULT_FUNDER,
  readAttribution,
  readPrevious,
  refundReference,
  settlementInputs,
  settleReference,
  settleWithAttribution,
  splitFunders,
  unitShare,
} from "./settlement.js";
export type { AffiliateLines, Funders, RefPrevious, RefRefund, RefRefundOutcome, RefSettlement, SettlementInputs } from "./settlement.js";

export type ReferenceSettlementOutcome =
  | {
      ok: true;
      result: RefResult;
      /** The attribution's errors instead when one was given and is refused. */
      settlement: RefSettlement | { errors: { path: string; message: string }[] };
      refund(returns: unknown, previous?: unknown): RefRefundOutcome;
    }
  | { ok: false; errors: { path: string; message: string }[] };

/**
 * Settlement and returns of JSON carts by the reference model: prices the cart, settles it, and refunds returns
 * against that priced result. `inputs` (funding, commission, return and cancel policies) is read off the
 * project's syntax trees unless given. `trySettle(cart, options, { attribution })` settles and refunds with the
 * affiliate commissions of the value `attribute(order, journey)` returned for the order (docs/language.md,
 * "Affiliate commissions in settlement and returns"); without it nothing of that is added.
 */
export function referenceSettlement(
  project: ProjectFiles,
  inputs: SettlementInputs = settlementInputs(project.files.map((f) => f.parsed.ast)),
): {
  rules: RefRules;
  inputs: SettlementInputs;
  trySettle(cart: unknown, options?: PriceOptions, extra?: { attribution?: unknown }): ReferenceSettlementOutcome;
} {
  const rules = readRules(project);
  return {
    rules,
    inputs,
    trySettle(json, options, extra) {
      const reading = readCart(json, rules.attributes);
      if (!reading.ok) return { ok: false, errors: [{ path: reading.path, message: reading.message }] };
      const cart = reading.cart;
      const result = price(rules, cart, options);
      return {
        ok: true,
        result,
        settlement:
          extra?.attribution === undefined
            ? settleReference(rules, cart, result, inputs)
            : settleWithAttribution(rules, cart, result, inputs, extra.attribution),
        refund: (returns, previous) => refundReference(rules, cart, result, inputs, returns, previous, extra?.attribution),
      };
    },
  };
}
export * from "./campaign.js";
