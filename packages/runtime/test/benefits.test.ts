import { describe, expect, it } from "vitest";
import { prng } from "../../../test/helpers/prng.js";
import { CartLines, computeBenefit, denseLines } from "../src/engine/benefits.js";
import type { Benefit, LinePredicate, NormalizedCart, NormalizedLine } from "../src/index.js";
import type { IndexKeys } from "../src/engine/program.js";
import { allocateLargestRemainder } from "../src/money/allocate.js";

/**
 * Unit benefits (each unit, fixed price, cheapest free, packs) work on runs of units, not single units. This
 * holds them to the obvious unit-by-unit reading of the rules on random carts, and shows that a line of a million
 * units costs nothing special.
 */
interface Unit {
  index: number;
  price: number;
}

function unitsOf(cart: NormalizedCart, indexes: number[], order: "desc" | "asc"): Unit[] {
  const out: Unit[] = [];
  for (const i of indexes) for (let q = 0; q < cart.lines[i]!.quantity; q++) out.push({ index: i, price: cart.lines[i]!.unitPrice });
  out.sort((a, b) => (order === "desc" ? b.price - a.price : a.price - b.price));
  return out;
}

/** The reference: every unit on its own, then each line capped at what remains of it. */
function byUnits(benefit: Benefit, cart: NormalizedCart, remaining: number[]): { amount: number; lines: number[] } {
  const n = cart.lines.length;
  const lines = new Array<number>(n).fill(0);
  const matching = (scope: LinePredicate) => cart.lines.flatMap((line, i) => (scope(line, cart) ? [i] : []));
  const give = (discounts: { index: number; amount: number }[]) => {
    for (const d of discounts) lines[d.index]! += d.amount;
  };
  switch (benefit.type) {
    case "amount-each": {
      const chosen = unitsOf(cart, matching(benefit.scope), "desc").slice(0, benefit.maxUnits ?? Infinity);
      give(chosen.map((u) => ({ index: u.index, amount: Math.min(benefit.amount, u.price) })));
      break;
    }
    case "fixed-price": {
      const chosen = unitsOf(cart, matching(benefit.scope), "desc")
        .filter((u) => u.price > benefit.price)
        .slice(0, benefit.maxUnits ?? Infinity);
      give(chosen.map((u) => ({ index: u.index, amount: u.price - benefit.price })));
      break;
    }
    case "cheapest-free": {
      const all = unitsOf(cart, matching(benefit.scope), "asc");
      give(all.slice(0, Math.floor(all.length / benefit.every) * benefit.free).map((u) => ({ index: u.index, amount: u.price })));
      break;
    }
    case "pack": {
      const pools = new Map(
        benefit.skus.map((sku) => [
          sku,
          unitsOf(
            cart,
            cart.lines.flatMap((l, i) => (l.sku === sku ? [i] : [])),
            "desc",
          ),
        ]),
      );
      for (;;) {
        const pack: Unit[] = [];
        for (const sku of benefit.skus) {
          const unit = pools.get(sku)!.shift();
          if (!unit) break;
          pack.push(unit);
        }
        if (pack.length < benefit.skus.length) break;
        const saving = pack.reduce((sum, u) => sum + u.price, 0) - benefit.price;
        if (saving <= 0) continue;
        // Split over the pack's lines by the value of the pack's units on each line, lines in index order (docs: Pack).
        const byLine = new Map<number, number>();
        for (const u of pack) byLine.set(u.index, (byLine.get(u.index) ?? 0) + u.price);
        const indexes = [...byLine.keys()].sort((a, b) => a - b);
        const shares = allocateLargestRemainder(
          saving,
          indexes.map((index) => byLine.get(index)!),
        );
        give(indexes.map((index, k) => ({ index, amount: shares[k]! })));
      }
      break;
    }
    default:
      throw new Error(`not a unit benefit: ${benefit.type}`);
  }
  let amount = 0;
  for (let i = 0; i < n; i++) amount += lines[i] = Math.max(0, Math.min(lines[i]!, remaining[i]!));
  return { amount, lines };
}

function randomCart(random: () => number): NormalizedCart {
  const int = (n: number) => Math.floor(random() * n);
  const lines: NormalizedLine[] = Array.from({ length: 1 + int(6) }, (_, i) => {
    const unitPrice = [100, 250, 999, 1000, 1][int(5)]!;
    const quantity = 1 + int(7);
    return {
      id: `l${i}`,
      sku: ["A", "B", "C"][int(3)]!,
      product: "",
      store: "",
      category: ["x", "y"][int(2)]!,
      tags: new Set<string>(),
      unitPrice,
      quantity,
      subtotal: unitPrice * quantity,
      attributes: {},
    };
  });
  return {
    currency: "USD",
    at: 0,
    lines,
    customer: { id: null, region: null, previousOrders: 0, segments: new Set(), riskFlags: new Set(), coins: 0, coinsEarnedToday: 0, attributes: {} },
    shipping: { country: null, price: 0 },
    coupons: new Map(),
    useCoins: false,
    paymentMethod: null,
  };
}

function randomBenefit(random: () => number): Benefit {
  const int = (n: number) => Math.floor(random() * n);
  const scope: LinePredicate = [(() => true) as LinePredicate, ((line: NormalizedLine) => line.category === "x") as LinePredicate][int(2)]!;
  const maxUnits = random() < 0.5 ? null : 1 + int(6);
  switch (int(4)) {
    case 0:
      return { type: "amount-each", amount: [50, 300, 5000][int(3)]!, scope, label: "s", maxUnits };
    case 1:
      return { type: "fixed-price", price: [0, 99, 500][int(3)]!, scope, label: "s", maxUnits };
    case 2:
      return { type: "cheapest-free", free: 1 + int(2), every: 2 + int(3), scope, label: "s" };
    default:
      return { type: "pack", skus: Array.from({ length: 1 + int(3) }, () => ["A", "B", "C"][int(3)]!), price: [0, 150, 1500][int(3)]! };
  }
}

describe("unit benefits", () => {
  it("equal the unit-by-unit reading on random carts, after discounts too", () => {
    const random = prng(77);
    for (let i = 0; i < 4000; i++) {
      const cart = randomCart(random);
      const benefit = randomBenefit(random);
      const remaining = cart.lines.map((line) => (random() < 0.3 ? Math.floor(line.subtotal * random()) : line.subtotal));
      const got = computeBenefit(benefit, cart, remaining, 0);
      const want = byUnits(benefit, cart, remaining);
      // Only the lines it discounts are listed, in index order, each with more than nothing.
      expect(got.indexes.every((index, k) => got.amounts[k]! > 0 && (k === 0 || got.indexes[k - 1]! < index))).toBe(true);
      expect(
        { amount: got.amount, lines: denseLines(got, cart.lines.length) },
        JSON.stringify({ benefit, lines: cart.lines.map((l) => [l.sku, l.category, l.unitPrice, l.quantity]), remaining }),
      ).toEqual(want);
    }
  });

  it("price lines of a million units exactly", () => {
    const cart = randomCart(prng(3));
    const line = { ...cart.lines[0]!, sku: "A", quantity: 1_000_000, unitPrice: 1000, subtotal: 1_000_000_000 };
    const big = { ...cart, lines: [line, { ...line, id: "l9", sku: "B", unitPrice: 999, subtotal: 999_000_000 }] };
    const remaining = big.lines.map((l) => l.subtotal);
    const pack = computeBenefit({ type: "pack", skus: ["A", "A", "B"], price: 2000 }, big, remaining, 0);
    const free = computeBenefit({ type: "cheapest-free", free: 1, every: 3, scope: (() => true) as LinePredicate, label: "s" }, big, remaining, 0);
    // 500,000 packs of two A units and one B (2,999 − 2,000 = 999 saved each); 666,666 free units, the cheapest.
    expect(pack.amount).toBe(500_000 * 999);
    expect(free.amount).toBe(666_666 * 999);
  });
});

describe("scopes looked up by their index keys", () => {
  it("match exactly the lines a full scan matches", () => {
    const random = prng(11);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
    let keyedCalls = 0;
    let scannedCalls = 0;
    for (let round = 0; round < 100; round++) {
      // Large enough for the lookup (small carts are scanned).
      const base = randomCart(random);
      const cart: NormalizedCart = {
        ...base,
        lines: Array.from({ length: 65 + int(60) }, (_, i) => ({
          ...base.lines[i % base.lines.length]!,
          id: `l${String(i).padStart(3, "0")}`,
          sku: pick(["A", "B", "C", "D", "E"]),
          category: pick(["x", "y", "z"]),
          store: pick(["s1", "s2", "s3", "s4"]),
          tags: new Set(["t1", "t2", "t3"].filter(() => random() < 0.3)),
        })),
      };
      // Each predicate with keys that a line it matches must hold (what the compiler reads off a scope).
      const cases: { scope: LinePredicate; keys: IndexKeys }[] = [
        { scope: (l) => l.sku === "A", keys: { skus: ["A"] } },
        { scope: (l) => l.sku === "B" && l.unitPrice > 100, keys: { skus: ["B"] } },
        { scope: (l) => l.store === "s1" || l.category === "y", keys: { stores: ["s1"], categories: ["y"] } },
        { scope: (l) => l.tags.has("t2") || l.sku === "C", keys: { tags: ["t2"], skus: ["C"] } },
        { scope: (l) => ["s2", "s3"].includes(l.store), keys: { stores: ["s2", "s3"] } },
        { scope: () => false, keys: { categories: [] } },
      ];
      const counted =
        (scope: LinePredicate, onCall: () => void): LinePredicate =>
        (line, c) => (onCall(), scope(line, c));
      const keyedScopes = cases.map((c) => counted(c.scope, () => keyedCalls++));
      const scannedScopes = cases.map((c) => counted(c.scope, () => scannedCalls++));
      const keyed = new CartLines(cart, new Map(cases.map((c, k) => [keyedScopes[k]!, c.keys])));
      const scanned = new CartLines(cart);
      cases.forEach((_, k) => expect(keyed.matching(keyedScopes[k]!)).toEqual(scanned.matching(scannedScopes[k]!)));
    }
    // Counted work: the lookup tests well under half the lines a scan tests.
    expect(keyedCalls).toBeLessThan(scannedCalls / 2);
  });
});
