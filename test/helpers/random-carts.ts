/**
 * Seeded random carts for the example rule files (their SKUs, stores, tags and codes), used by the differential
 * test; the property tests generate carts with fast-check instead (generators.ts).
 */
const SKUS = ["TSHIRT", "CASE", "CABLE", "SAMPLE", "SOCKS", "TOY-1", "LAMP-1", "MUG", "BAG"];
const STORES = ["acme", "lumen", "gadgets", "other"];
const TAGS = ["selected", "welcome", "coins", "socks"];
const CODES = ["AE5OFF25", "ACME3", "FIVE", "fifteen", "EIGHT", "WD3", "GADGETS2", "SAVE10", "SHOP5", "COMEBACK5", "NOPE"];

export function randomCart(random: () => number, currency: string) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const lineCount = 1 + Math.floor(random() * 6);
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    id: `l${i}`,
    sku: pick(SKUS),
    store: pick(STORES),
    unitPrice: (Math.floor(random() * 4000) / 100).toFixed(2),
    quantity: 1 + Math.floor(random() * 4),
    tags: TAGS.filter(() => random() < 0.3),
    attributes: currency === "EUR" ? { size: pick(["S", "M", "L", "XL"]) } : {},
  }));
  const day = 9 + Math.floor(random() * 5);
  return {
    currency: random() < 0.9 ? currency : currency === "USD" ? "EUR" : "USD",
    at: `2026-11-${String(day).padStart(2, "0")}T${String(Math.floor(random() * 24)).padStart(2, "0")}:00:00Z`,
    customer: {
      id: "c1",
      region: pick(["US", "CA", "FR", "ES", "DE"]),
      previousOrders: random() < 0.5 ? 0 : 3,
      segments: ["free-product-winner", "cart-abandoners-30d"].filter(() => random() < 0.4),
      coins: Math.floor(random() * 3000),
      coinsEarnedToday: Math.floor(random() * 60),
    },
    lines,
    shipping: { country: pick(["US", "FR", "ES"]), price: (Math.floor(random() * 800) / 100).toFixed(2) },
    coupons: CODES.filter(() => random() < 0.25).map((code) => ({
      code,
      activatedAt: random() < 0.8 ? "2026-11-01T00:00:00Z" : null,
      owner: random() < 0.2 ? "someone-else" : null,
      lastFailedPaymentAt: random() < 0.1 ? `2026-11-${String(day).padStart(2, "0")}T00:00:00Z` : null,
    })),
    useCoins: random() < 0.5,
  };
}
