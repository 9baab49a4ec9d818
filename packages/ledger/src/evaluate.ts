import type { Usage } from "@promo/runtime";
import type { Ledger } from "./types.js";

/**
 * Prices with current usage from a ledger, keeping evaluation pure and synchronous: a first pass records the limit
 * keys the cart touches (reading them as unused), the ledger is asked for those keys, and a second pass prices with
 * that usage. A program without limits reads no key and is priced once. `evaluate` is any evaluator's `evaluate`
 * or `tryEvaluate` with the usage passed through its options.
 */
export async function evaluateWithLedger<R>(ledger: Ledger, evaluate: (usage: Usage) => R, options: { orderId?: string } = {}): Promise<R> {
  const keys = new Set<string>();
  const first = evaluate((key) => {
    keys.add(key);
    return 0;
  });
  if (keys.size === 0) return first;
  const usage = await ledger.usageFor(keys, options.orderId === undefined ? {} : { excludeOrder: options.orderId });
  return evaluate(usage);
}
