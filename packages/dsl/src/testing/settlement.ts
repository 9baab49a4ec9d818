import type { Settlement } from "@promo/runtime";
import type * as A from "../ast/nodes.js";

/**
 * `expect { settlement { totals { … } stores [{ store: "acme", … }] } }` in rule-file examples (docs/language.md,
 * Settlement): the figures given are compared; stores are matched by `store`. One line per mismatch.
 */
export function compareSettlement(expect: A.Value, actual: Settlement | undefined, money: (v: A.Value) => string): string[] {
  const diffs: string[] = [];
  if (expect.kind !== "Record") return diffs;
  if (actual === undefined) return ["settlement: the result has none"];
  const currency = actual.currency;
  const figures = (path: string, want: A.RecordValue, got: Record<string, unknown>) => {
    for (const { key, value } of want.entries) {
      const have = got[key.text];
      if (key.text === "store") continue;
      if (value.kind === "Record" && typeof have === "object" && have !== null) figures(`${path}.${key.text}`, value, have as Record<string, unknown>);
      else if (value.kind === "Number" && money(value) !== have)
        diffs.push(`${path}.${key.text}: expected ${money(value)} ${currency}, actual ${String(have)} ${currency}`);
    }
  };
  for (const { key, value } of expect.entries) {
    if (key.text === "totals" && value.kind === "Record") figures("settlement.totals", value, actual.totals as unknown as Record<string, unknown>);
    if (key.text === "stores" && value.kind === "ListValue") {
      for (const item of value.items) {
        if (item.kind !== "Record") continue;
        const id = item.entries.find((e) => e.key.text === "store")?.value;
        const name = id?.kind === "String" ? id.value : "";
        const store = actual.stores.find((s) => s.store === name);
        if (!store) diffs.push(`settlement.stores: no store ${JSON.stringify(name)}`);
        else figures(`settlement.stores[${name}]`, item, store as unknown as Record<string, unknown>);
      }
    }
  }
  return diffs;
}
