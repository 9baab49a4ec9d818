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
    this.seenIn = new Uint32Array(program.promotions.length);
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

  /** Per promotion rank, the pass that last found it: membership without a Set per cart. */
  private readonly seenIn: Uint32Array;
  private pass = 0;
  /** Ranks found in the current pass (a scratch buffer, copied out sorted). */
  private readonly found: number[] = [];

  /** Ranks (application order) of the promotions this cart can match, ascending, each once. */
  candidates(cart: NormalizedCart): Int32Array {
    if (++this.pass === 0xffff_ffff) {
      this.seenIn.fill(0);
      this.pass = 1;
    }
    const found = this.found;
    found.length = 0;
    for (const rank of this.always) this.mark(rank);
    for (const code of cart.coupons.keys()) this.visit(this.byCode, code);
    for (const line of cart.lines) {
      this.visit(this.bySku, line.sku);
      this.visit(this.byStore, line.store);
      this.visit(this.byCategory, line.category);
      for (const tag of line.tags) this.visit(this.byTag, tag);
    }
    return Int32Array.from(found).sort();
  }

  private visit(map: Map<string, number[]>, key: string): void {
    const ranks = map.get(key);
    if (ranks) for (const rank of ranks) this.mark(rank);
  }

  private mark(rank: number): void {
    if (this.seenIn[rank] === this.pass) return;
    this.seenIn[rank] = this.pass;
    this.found.push(rank);
  }
}

function add(map: Map<string, number[]>, key: string, rank: number): void {
  const list = map.get(key);
  if (list) list.push(rank);
  else map.set(key, [rank]);
}
