import type { NormalizedCart } from "../cart/types.js";
import type { Program } from "./program.js";

/**
 * An inverted index from codes, SKUs, stores, categories and tags to promotions, so that a cart visits only the
 * promotions it can match: cost grows with candidates, not with the size of the rule set. A promotion with a
 * code is reached by its code only; an automatic promotion with index keys by any of them; the rest always.
 */
export class CandidateIndex {
  private readonly byCode = new Map<string, number[]>();
  private readonly bySku = new Map<string, number[]>();
  private readonly byStore = new Map<string, number[]>();
  private readonly byCategory = new Map<string, number[]>();
  private readonly byTag = new Map<string, number[]>();
  private readonly always: number[] = [];

  constructor(program: Program) {
    program.promotions.forEach((p, rank) => {
      if (p.code !== null) return add(this.byCode, p.code, rank);
      const keys = p.index;
      if (!keys) return this.always.push(rank);
      for (const sku of keys.skus ?? []) add(this.bySku, sku, rank);
      for (const store of keys.stores ?? []) add(this.byStore, store, rank);
      for (const category of keys.categories ?? []) add(this.byCategory, category, rank);
      for (const tag of keys.tags ?? []) add(this.byTag, tag, rank);
    });
  }

  /** Ranks (application order) of the promotions this cart can match, ascending, each once. */
  candidates(cart: NormalizedCart): number[] {
    const found = new Set<number>(this.always);
    const visit = (map: Map<string, number[]>, key: string) => {
      const ranks = map.get(key);
      if (ranks) for (const r of ranks) found.add(r);
    };
    for (const code of cart.coupons.keys()) visit(this.byCode, code);
    for (const line of cart.lines) {
      visit(this.bySku, line.sku);
      visit(this.byStore, line.store);
      visit(this.byCategory, line.category);
      for (const tag of line.tags) visit(this.byTag, tag);
    }
    return [...found].sort((a, b) => a - b);
  }
}

function add(map: Map<string, number[]>, key: string, rank: number): void {
  const list = map.get(key);
  if (list) list.push(rank);
  else map.set(key, [rank]);
}
