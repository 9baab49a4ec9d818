/**
 * Generates a realistic rule file of N promotions (codes, stores, SKUs, categories, windows, thresholds,
 * percentages, fixed prices, packs, buy-N), deterministic for a given N and seed.
 */
export function generatePromotions(count, seed = 1) {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const stores = Array.from({ length: 200 }, (_, i) => `store-${i}`);
  const categories = ["toys", "phones", "bags", "shoes", "garden", "kitchen", "books", "sports", "beauty", "tools"];
  const zones = ["America/Los_Angeles", "Europe/Paris", "Asia/Shanghai", "UTC", "America/New_York"];
  const out = ["# Generated benchmark rules", "currency USD", "", "attribute line.size: string", ""];
  for (let c = 0; c < categories.length; c++) out.push(`scope cat-${categories[c]} = line.category is "${categories[c]}"`);
  out.push("");
  for (let i = 0; i < count; i++) {
    const kind = pick(["platform-coupon", "store-coupon", "promo-code", "automatic", "automatic", "selected-coupon", "shipping"]);
    const store = pick(stores);
    const threshold = (5 + Math.floor(random() * 95)).toFixed(2);
    const amount = (1 + Math.floor(random() * 9)).toFixed(2);
    const lines = [`promotion gen-${i} {`, `  title "Generated promotion ${i}"`, `  kind ${kind}`];
    if (kind.endsWith("coupon") && kind !== "selected-coupon") lines.push(`  code "GEN${i}"`);
    if (kind === "promo-code") lines.push(`  code "CODE${i}"`);
    if (random() < 0.6) {
      const day = 1 + Math.floor(random() * 20);
      lines.push(`  valid from 2026-11-${String(day).padStart(2, "0")} 00:00:00 to 2026-11-${String(day + 7).padStart(2, "0")} 23:59:59 in ${pick(zones)}`);
    }
    if (kind === "shipping") {
      lines.push(`  when shipping.country in [US, CA, FR] and subtotal after discounts at least ${threshold} USD`, "  give free shipping");
    } else {
      const shape = Math.floor(random() * 6);
      if (shape === 0) lines.push(`  when subtotal exceeds ${threshold} USD`, `  give ${amount} USD off order`);
      else if (shape === 1)
        lines.push(`  when subtotal of (line.store is "${store}") at least ${threshold} USD`, `  give ${amount} USD off (line.store is "${store}")`);
      else if (shape === 2)
        lines.push(
          `  when quantity of cat-${pick(categories)} at least 2 and customer.region in [US, CA]`,
          `  give ${5 + Math.floor(random() * 30)}% off cat-${pick(categories)} up to 20.00 USD`,
        );
      else if (shape === 3) lines.push(`  give price 0.99 USD on (line.sku is "SKU-${i}" and line.size in ["S", "M"]) max 1 unit`);
      else if (shape === 4) lines.push(`  give pack ["SKU-${i}", "SKU-${i + 1}"] for ${threshold} USD`);
      else lines.push(`  give cheapest 1 free for every 3 of (line.tags contains "multi-${i % 50}")`);
    }
    lines.push("}", "");
    out.push(...lines);
  }
  return out.join("\n");
}
