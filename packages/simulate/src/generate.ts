/**
 * Realistic historical carts for simulation examples, tests and the benchmark: an 11.11 sale in USD with many
 * stores, categories, "selected" items, platform and store coupons collected at various times (some too early or
 * never activated), coins balances, and traffic that peaks at the sale's start. Deterministic for a seed.
 */

export interface GenerateOptions {
  carts: number;
  seed?: number;
  /** First instant (UTC) of the carts' time axis, and its length in hours. */
  start?: string;
  hours?: number;
  /** Every Nth cart in EUR (another currency), 0 for none. */
  otherCurrencyEvery?: number;
  /** Every Nth line corrupt (not JSON), 0 for none. */
  corruptEvery?: number;
}

/** A small, fast seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMED_STORES = ["acme", "lumen", "gadgets"];
const STORES = [...NAMED_STORES, ...Array.from({ length: 47 }, (_, i) => `store-${String(i + 1).padStart(2, "0")}`)];
const CATEGORIES = ["toys", "lighting", "electronics", "home", "fashion", "beauty", "sports", "books"];
const HOUR = 3_600_000;

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** One cart per call, as an NDJSON line (no newline), in time order. */
export function* generateCarts(options: GenerateOptions): Generator<string> {
  const random = prng(options.seed ?? 1111);
  const start = Date.parse(options.start ?? "2026-11-10T06:00:00Z");
  const hours = options.hours ?? 60;
  const n = options.carts;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  // Traffic per hour: a base, a spike in the sale's first hours (13:00 UTC on the 10th), a smaller one at 11.11 00:00 PST.
  const saleStart = Date.parse("2026-11-10T13:00:00Z");
  const weights: number[] = [];
  for (let h = 0; h < hours; h++) {
    const t = start + h * HOUR;
    const sinceSale = (t - saleStart) / HOUR;
    let w = 1;
    if (sinceSale >= 0 && sinceSale < 3) w += 6 - 2 * sinceSale;
    if (Math.abs(t - Date.parse("2026-11-11T08:00:00Z")) < 2 * HOUR) w += 3;
    weights.push(w);
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / totalWeight));

  // Carts are spread over the hours by weight and written in time order.
  let hourIndex = 0;
  let emittedInHour = 0;
  let quota = Math.round(n * (cumulative[0] ?? 1));
  for (let i = 0; i < n; i++) {
    while (i >= quota && hourIndex < hours - 1) {
      hourIndex++;
      emittedInHour = 0;
      quota = Math.round(n * cumulative[hourIndex]!);
    }
    const hourStart = start + hourIndex * HOUR;
    const perHour = Math.max(1, quota - (hourIndex === 0 ? 0 : Math.round(n * cumulative[hourIndex - 1]!)));
    const at = hourStart + Math.floor((emittedInHour++ * HOUR) / perHour);
    const id = `cart-${String(i + 1).padStart(7, "0")}`;
    if (options.corruptEvery && (i + 1) % options.corruptEvery === 0) {
      yield `{"id":"${id}","currency":"USD","at":"${iso(at)}","lines":[{"id":"l1"`;
      continue;
    }
    const currency = options.otherCurrencyEvery && (i + 1) % options.otherCurrencyEvery === 0 ? "EUR" : "USD";
    const lineCount = 1 + Math.floor(random() * random() * 6);
    const lines: string[] = [];
    const stores = new Set<string>();
    for (let l = 0; l < lineCount; l++) {
      const store = random() < 0.45 ? pick(NAMED_STORES) : pick(STORES);
      stores.add(store);
      const category = pick(CATEGORIES);
      const price = 99 + Math.floor(random() * random() * 4900);
      const quantity = random() < 0.8 ? 1 : 2 + Math.floor(random() * 3);
      const selected = random() < 0.35;
      lines.push(
        `{"id":"l${l + 1}","sku":"${category.slice(0, 3).toUpperCase()}-${Math.floor(random() * 900) + 100}","store":"${store}","category":"${category}","unitPrice":"${money(price)}","quantity":${quantity}${selected ? ',"tags":["selected"]' : ""}}`,
      );
    }
    const coupons: string[] = [];
    const r = random();
    if (r < 0.55) {
      // Collected in the collection window (from 2026-10-28 13:00 UTC), a few too early, a few never activated.
      const c = random();
      const activated =
        c < 0.05
          ? `"${iso(Date.parse("2026-10-27T12:00:00Z"))}"`
          : c < 0.08
            ? "null"
            : `"${iso(Date.parse("2026-10-28T13:00:00Z") + Math.floor(random() * 13 * 24) * HOUR)}"`;
      coupons.push(`{"code":"AE5OFF25","activatedAt":${activated}}`);
    }
    if (stores.has("acme") && random() < 0.5) coupons.push(`{"code":"ACME3"}`);
    const customer = `{"id":"u${Math.floor(random() * n * 0.6) + 1}","region":"US","previousOrders":${Math.floor(random() * random() * 40)},"coins":${Math.floor(random() * 500)}}`;
    const useCoins = random() < 0.3;
    const shipping = random() < 0.6 ? "0.00" : money(199 + Math.floor(random() * 500));
    yield `{"id":"${id}","currency":"${currency}","at":"${iso(at)}","customer":${customer},"lines":[${lines.join(",")}],"shipping":{"country":"US","price":"${shipping}"},"coupons":[${coupons.join(",")}],"useCoins":${useCoins}}`;
  }
}
