import type { PricingResult, Settlement, SettlementFigures } from "@promo/runtime";
import { table, type Styles } from "./rules.js";

/**
 * `promo eval --explain` (or `--settlement`): the per-store settlement table (docs/language.md, Settlement). Each
 * funded amount reads `total (platform P / seller S)`; the totals row sums the stores exactly.
 */
export function renderSettlement(result: PricingResult, s: Styles): string {
  const settlement: Settlement | undefined = result.settlement;
  if (settlement === undefined) return "";
  const funded = (f: { total: string; platform: string; seller: string }) => {
    if (!/[1-9]/.test(f.total)) return f.total;
    if (f.total === f.platform) return `${f.total} P`;
    if (f.total === f.seller) return `${f.total} S`;
    return `${f.total} (P ${f.platform} / S ${f.seller})`;
  };
  const row = (name: string, f: SettlementFigures) => [
    name,
    f.items,
    funded(f.discount),
    funded(f.coins),
    f.shipping,
    funded(f.shippingDiscount),
    f.paid,
    f.commission,
    f.sellerNet,
  ];
  const rows = [
    ["store", "items", "discount", "coins", "shipping", "shipping discount", "paid", "commission", "seller net"].map((h) => s.dim(h)),
    ...settlement.stores.map((store) => row(store.store === "" ? '""' : store.store, store)),
    row(s.bold("total"), settlement.totals),
  ];
  let out = `\n${s.bold("Settlement")} ${s.dim(`(${settlement.currency}; P platform-funded, S seller-funded)`)}\n`;
  out += table(rows, "lrrrrrrrr");
  const rates = settlement.stores.flatMap((store) => store.lines.map((l) => `${l.line} ${l.commissionRate}`));
  if (rates.length > 0) out += `  ${s.dim(`commission rates: ${rates.join(", ")}`)}\n`;
  return out;
}
