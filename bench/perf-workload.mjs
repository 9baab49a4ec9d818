/**
 * Workload of the performance benchmark (bench/performance.mjs): the rules of `generatePromotions` made active
 * for the carts' instant and scaled like a growing marketplace, the same rules as plain data (for the baselines),
 * and seeded carts that each reach a handful of promotions.
 *
 * `generatePromotions(n)` is used as is for the mix (kinds, benefit shapes, thresholds, amounts), then rewritten
 * promotion by promotion (the rewrite only touches windows, key names and the reach of site-wide offers):
 *
 * - windows: every `valid` window is moved to contain the carts' instant (2026-11-11, any hour, any of the
 *   generator's zones), so every promotion is active;
 * - key vocabulary: promotion i belongs to block ⌊i / 1000⌋; in blocks after the first, stores, categories and
 *   tags get the block's prefix (`b3-store-17`, `b3-cat-toys`, `b3-multi-4`), so a store, category or tag carries
 *   as many promotions at 10,000 as at 1,000 (a larger marketplace has more sellers and categories, not 50 times
 *   as many promotions per category);
 * - site-wide offers: the generator makes 1 in 7 promotions a shipping offer and about 1 in 14 an automatic
 *   "X off the order": promotions no index can narrow, so at 10,000 every cart would reach ~2,200 of them. The
 *   first two of each stay site-wide; later order-wide automatic discounts are scoped to one store (a seller's
 *   discount) and later shipping offers get a code (`SHIP<i>`, a free-shipping coupon).
 *
 * With `localise: false` only the windows are rewritten (the generator's mix as is, every promotion active).
 */
import { generatePromotions } from "./generate.mjs";

export const STAGES = ["automatic", "selected-coupon", "store-coupon", "platform-coupon", "promo-code", "shipping", "coins"];
const BLOCK = 1000;
const SITE_WIDE_ORDER = 2;
const SITE_WIDE_SHIPPING = 2;
const pad2 = (n) => String(n).padStart(2, "0");

/** The generated rule text with every promotion active on 2026-11-11 (and localised unless told otherwise). */
export function activePromotionsText(count, seed = 1, { localise = true } = {}) {
  const source = generatePromotions(count, seed).split("\n");
  const header = [];
  const body = [];
  const blocks = new Set();
  let current = null;
  let index = -1;
  let siteOrder = 0;
  let siteShipping = 0;
  let windows = 0;
  let rewrittenWindows = 0;
  for (const line of source) {
    const start = /^promotion gen-(\d+) \{$/.exec(line);
    if (start) {
      current = [line];
      index = Number(start[1]);
      continue;
    }
    if (!current) {
      header.push(line);
      continue;
    }
    current.push(line);
    if (line !== "}") continue;
    const block = localise ? Math.floor(index / BLOCK) : 0;
    const prefix = block > 0 ? `b${block}-` : "";
    if (block > 0) blocks.add(block);
    let out = current.map((l) => {
      const w = /^ {2}valid from 2026-11-\d\d 00:00:00 to 2026-11-\d\d 23:59:59 in (\S+)$/.exec(l);
      if (/^ {2}valid /.test(l)) windows++;
      if (w) {
        rewrittenWindows++;
        const k = index % 5;
        return `  valid from 2026-11-${pad2(10 - k)} 00:00:00 to 2026-11-${pad2(12 + k)} 23:59:59 in ${w[1]}`;
      }
      if (!prefix) return l;
      return l
        .replace(/"store-(\d+)"/g, `"${prefix}store-$1"`)
        .replace(/\bcat-([a-z]+)\b/g, `${prefix}cat-$1`)
        .replace(/"multi-(\d+)"/g, `"${prefix}multi-$1"`);
    });
    if (localise && !out.some((l) => l.startsWith("  code "))) {
      const kindAt = out.findIndex((l) => l.startsWith("  kind "));
      if (out[kindAt] === "  kind shipping") {
        if (siteShipping++ >= SITE_WIDE_SHIPPING) out.splice(kindAt + 1, 0, `  code "SHIP${index}"`);
      } else if (out.some((l) => / USD off order$/.test(l))) {
        if (siteOrder++ >= SITE_WIDE_ORDER) {
          const store = `${prefix}store-${(index * 37) % 200}`;
          out = out.map((l) => l.replace(/^( {2}give \S+ USD off) order$/, `$1 (line.store is "${store}")`));
        }
      }
    }
    body.push(...out);
    current = null;
  }
  if (windows !== rewrittenWindows) throw new Error(`perf-workload: ${windows - rewrittenWindows} windows of generatePromotions were not recognised`);
  const categories = header.flatMap((l) => {
    const m = /^scope cat-([a-z]+) = line\.category is "([a-z]+)"$/.exec(l);
    return m ? [m[1]] : [];
  });
  const extraScopes = [...blocks].flatMap((b) => categories.map((c) => `scope b${b}-cat-${c} = line.category is "b${b}-${c}"`));
  return [...header, ...extraScopes, "", ...body].join("\n");
}

/** Splits a generated rule text into its header (everything but promotions) and one text per promotion. */
export function splitPromotions(text) {
  const header = [];
  const blocks = [];
  let current = null;
  for (const line of text.split("\n")) {
    if (/^promotion \S+ \{$/.test(line)) current = [line];
    else if (current) {
      current.push(line);
      if (line === "}") {
        blocks.push(current.join("\n"));
        current = null;
      }
    } else header.push(line);
  }
  return { header: header.join("\n"), blocks };
}

const MONEY = "(\\d+\\.\\d\\d) USD";
const cents = (text) => Math.round(Number(text) * 100);

/**
 * The promotions of a generated text as plain data (what a hand-written pricing function or a rules engine is
 * given): id, kind, code, window in epoch milliseconds, condition and benefit. Throws on a clause it does not know,
 * so a change to the generator cannot silently change what the baselines compute.
 */
export function parsePromotions(text) {
  const { header, blocks } = splitPromotions(text);
  const scopes = new Map();
  for (const l of header.split("\n")) {
    const m = /^scope (\S+) = line\.category is "([^"]+)"$/.exec(l);
    if (m) scopes.set(m[1], m[2]);
  }
  const category = (name) => {
    const c = scopes.get(name);
    if (c === undefined) throw new Error(`perf-workload: unknown scope ${name}`);
    return c;
  };
  return blocks.map((block) => {
    const lines = block.split("\n");
    const p = { id: /^promotion (\S+) \{$/.exec(lines[0])[1], kind: null, code: null, window: null, condition: null, benefit: null, text: block };
    for (const l of lines.slice(1, -1)) {
      let m;
      if (/^ {2}title /.test(l)) continue;
      if ((m = /^ {2}kind (\S+)$/.exec(l))) p.kind = m[1];
      else if ((m = /^ {2}code "([^"]+)"$/.exec(l))) p.code = m[1].trim().toUpperCase();
      else if ((m = /^ {2}valid from (\S+ \S+) to (\S+ \S+) in (\S+)$/.exec(l)))
        p.window = { start: zonedEpoch(m[1], m[3]), end: zonedEpoch(m[2], m[3]) + 999 };
      else if ((m = new RegExp(`^ {2}when subtotal exceeds ${MONEY}$`).exec(l))) p.condition = { type: "subtotal-exceeds", min: cents(m[1]) };
      else if ((m = new RegExp(`^ {2}when subtotal of \\(line\\.store is "([^"]+)"\\) at least ${MONEY}$`).exec(l)))
        p.condition = { type: "store-subtotal", store: m[1], min: cents(m[2]) };
      else if ((m = /^ {2}when quantity of (\S+) at least (\d+) and customer\.region in \[([A-Z, ]+)\]$/.exec(l)))
        p.condition = { type: "category-quantity", category: category(m[1]), min: Number(m[2]), regions: m[3].split(", ") };
      else if ((m = new RegExp(`^ {2}when shipping\\.country in \\[([A-Z, ]+)\\] and subtotal after discounts at least ${MONEY}$`).exec(l)))
        p.condition = { type: "shipping", countries: m[1].split(", "), min: cents(m[2]) };
      else if ((m = new RegExp(`^ {2}give ${MONEY} off order$`).exec(l))) p.benefit = { type: "amount", amount: cents(m[1]), store: null };
      else if ((m = new RegExp(`^ {2}give ${MONEY} off \\(line\\.store is "([^"]+)"\\)$`).exec(l)))
        p.benefit = { type: "amount", amount: cents(m[1]), store: m[2] };
      else if ((m = new RegExp(`^ {2}give (\\d+)% off (\\S+) up to ${MONEY}$`).exec(l)))
        p.benefit = { type: "percent", percent: Number(m[1]), category: category(m[2]), cap: cents(m[3]) };
      else if ((m = new RegExp(`^ {2}give price ${MONEY} on \\(line\\.sku is "([^"]+)" and line\\.size in \\["S", "M"\\]\\) max (\\d+) units?$`).exec(l)))
        p.benefit = { type: "fixed-price", price: cents(m[1]), sku: m[2], sizes: ["S", "M"], maxUnits: Number(m[3]) };
      else if ((m = new RegExp(`^ {2}give pack \\[([^\\]]+)\\] for ${MONEY}$`).exec(l)))
        p.benefit = { type: "pack", skus: m[1].split(", ").map((s) => JSON.parse(s)), price: cents(m[2]) };
      else if ((m = /^ {2}give cheapest (\d+) free for every (\d+) of \(line\.tags contains "([^"]+)"\)$/.exec(l)))
        p.benefit = { type: "cheapest-free", free: Number(m[1]), every: Number(m[2]), tag: m[3] };
      else if (l === "  give free shipping") p.benefit = { type: "free-shipping" };
      else throw new Error(`perf-workload: clause not understood in ${p.id}: ${l.trim()}`);
    }
    if (!p.kind || !p.benefit) throw new Error(`perf-workload: ${p.id} has no kind or no benefit`);
    return p;
  });
}

const offsetFormats = new Map();
/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(zone, epoch) {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epoch)).map((x) => [x.type, x.value]));
  return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - epoch;
}

/** A wall-clock "YYYY-MM-DD hh:mm:ss" in an IANA zone, as epoch milliseconds (no DST edge in November 5–17). */
const epochs = new Map();
export function zonedEpoch(wall, zone) {
  const key = `${wall} ${zone}`;
  let epoch = epochs.get(key);
  if (epoch === undefined) epochs.set(key, (epoch = computeZonedEpoch(wall, zone)));
  return epoch;
}

function computeZonedEpoch(wall, zone) {
  const [date, time] = wall.split(" ");
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, s] = time.split(":").map(Number);
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  const first = guess - offsetAt(zone, guess);
  return guess - offsetAt(zone, first);
}

/** The index keys of an automatic promotion's benefit (what the candidate index files it under). */
export function indexKeys(p) {
  const b = p.benefit;
  if (b.type === "amount" && b.store) return { stores: [b.store] };
  if (b.type === "percent") return { categories: [b.category] };
  if (b.type === "fixed-price") return { skus: [b.sku] };
  if (b.type === "pack") return { skus: b.skus };
  if (b.type === "cheapest-free") return { tags: [b.tag] };
  return null;
}

export function xorshift(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const SIZES = ["S", "M", "L", "XL"];
const money = (minor) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;

/**
 * Seeded carts in the v1 contract. Most lines are of products, stores and categories no promotion names; about
 * 2 + lines/20 lines per cart are drawn from what the automatic promotions name (a store, a category, a tag, a
 * SKU, both SKUs of a pack), and about 60% of carts carry one or two codes (some unknown), with, half of the
 * time, a line the coupon's scope names. So a cart reaches a handful of promotions, and some of them apply.
 */
export function makeCarts(promotions, lineCount, count, seed) {
  const random = xorshift(seed * 7919 + lineCount);
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  const pools = { store: new Set(), category: new Set(), tag: new Set(), sku: new Set(), pack: [] };
  for (const p of promotions) {
    if (p.code) continue;
    const b = p.benefit;
    if (b.type === "amount" && b.store) pools.store.add(b.store);
    else if (b.type === "percent") pools.category.add(b.category);
    else if (b.type === "cheapest-free") pools.tag.add(b.tag);
    else if (b.type === "fixed-price") pools.sku.add(b.sku);
    else if (b.type === "pack") pools.pack.push(b.skus);
  }
  const kinds = Object.entries(pools)
    .map(([k, v]) => [k, [...v]])
    .filter(([, v]) => v.length > 0);
  const coded = promotions.filter((p) => p.code);
  const hitRate = Math.min(1, (2 + lineCount / 20) / lineCount);
  const regions = ["US", "US", "US", "US", "US", "US", "US", "CA", "FR", "GB"];
  const carts = [];
  for (let c = 0; c < count; c++) {
    const lines = [];
    for (let k = 0; k < lineCount; k++) {
      const unit = random() < 0.15 ? 50 + int(450) : 100 + int(11900);
      const r = random();
      lines.push({
        id: `l${String(k).padStart(3, "0")}`,
        sku: `P-${int(1e6)}`,
        product: `prod-${int(1e5)}`,
        store: `shop-${int(5000)}`,
        category: `misc-${int(40)}`,
        unitPrice: money(unit),
        quantity: r < 0.7 ? 1 : r < 0.9 ? 2 : 3,
        tags: random() < 0.2 ? ["new"] : [],
        attributes: { size: pick(SIZES) },
      });
    }
    const hit = (line, kind, values) => {
      if (kind === "store") line.store = pick(values);
      else if (kind === "category") line.category = pick(values);
      else if (kind === "tag") {
        line.tags = [pick(values)];
        if (random() < 0.4) line.quantity = 3;
      } else if (kind === "sku") {
        line.sku = pick(values);
        line.attributes.size = pick(["S", "M", "L"]);
      } else if (kind === "pack") {
        const skus = Array.isArray(values[0]) ? pick(values) : values;
        line.sku = skus[0];
        const next = lines[lines.indexOf(line) + 1];
        if (next && random() < 0.6) next.sku = skus[1];
      }
    };
    for (const line of lines) if (kinds.length > 0 && random() < hitRate) hit(line, ...pick(kinds));
    const coupons = [];
    if (coded.length > 0 && random() < 0.6) {
      const n = random() < 0.25 ? 2 : 1;
      for (let j = 0; j < n; j++) {
        if (random() < 0.1) {
          coupons.push({ code: `UNKNOWN${int(1000)}` });
          continue;
        }
        const p = pick(coded);
        if (coupons.some((x) => x.code.toUpperCase() === p.code)) continue;
        coupons.push({ code: random() < 0.2 ? p.code.toLowerCase() : p.code, activatedAt: "2026-11-09T10:00:00Z" });
        if (random() < 0.5) {
          const b = p.benefit;
          const line = pick(lines);
          if (b.type === "amount" && b.store) hit(line, "store", [b.store]);
          else if (b.type === "percent") hit(line, "category", [b.category]);
          else if (b.type === "cheapest-free") hit(line, "tag", [b.tag]);
          else if (b.type === "fixed-price") hit(line, "sku", [b.sku]);
          else if (b.type === "pack") hit(line, "pack", b.skus);
        }
      }
    }
    const region = pick(regions);
    carts.push({
      currency: "USD",
      at: `2026-11-11T${pad2(int(24))}:${pad2(int(60))}:00Z`,
      customer: { id: `c${c}`, region },
      lines,
      shipping: { country: random() < 0.9 ? region : "DE", price: money(int(800)) },
      coupons,
      useCoins: false,
    });
  }
  return carts;
}

export { money as formatCents };
