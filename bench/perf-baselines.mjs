/**
 * Baselines of the performance benchmark (bench/performance.mjs), both given the promotions as plain data
 * (perf-workload.mjs `parsePromotions`):
 *
 * - `handWrittenPricer`: what a developer would write by hand for these promotions: integer cents, an index by
 *   code / SKU / store / category / tag built once, and simple loops. It covers every shape the generator makes
 *   and the semantics of docs/language.md for them (application order, caps at what remains, percentages rounded
 *   half-up once, largest-remainder allocation), but does no validation of the cart and no explanations. With no
 *   stacking rules every qualifying promotion applies, in application order, which is what best-for-buyer picks.
 * - `jsonRulesEngineBaseline`: json-rules-engine with one rule per promotion it can express (a subtotal, store or
 *   category condition, a code, a window, and an amount-off or percent-off benefit); each rule's event carries the
 *   discount, and the discount is computed from the events with the same arithmetic.
 */
import { STAGES, indexKeys } from "./perf-workload.mjs";

/** Application order: stage of the kind, then id in code-point order (the generator sets no priorities). */
export function applicationOrder(promotions) {
  return [...promotions].sort((a, b) => STAGES.indexOf(a.kind) - STAGES.indexOf(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** "19.99" → 1999 (the contract's amounts are decimal strings with at most two decimals for USD). */
function cents(text) {
  const dot = text.indexOf(".");
  if (dot < 0) return Number(text) * 100;
  const frac = text.length - dot - 1;
  const whole = Number(text.slice(0, dot)) * 100;
  return frac === 0 ? whole : frac === 1 ? whole + Number(text.slice(dot + 1)) * 10 : whole + Number(text.slice(dot + 1, dot + 3));
}

/** The cart's lines as parallel arrays, in line-id order (as the engine orders them). */
function readLines(cart) {
  let lines = cart.lines;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i - 1].id > lines[i].id) {
      lines = [...lines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      break;
    }
  }
  const n = lines.length;
  const price = new Array(n);
  const subtotal = new Array(n);
  const remaining = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = cents(lines[i].unitPrice);
    price[i] = p;
    subtotal[i] = p * lines[i].quantity;
    remaining[i] = subtotal[i];
    total += subtotal[i];
  }
  return { lines, price, subtotal, remaining, total };
}

/**
 * Takes up to `amount` off the lines `idx`, in proportion to what remains of each, exact to the cent by largest
 * remainder (ties: larger value, then lower index). Returns what was taken.
 */
function spread(amount, idx, remaining) {
  let total = 0;
  for (const i of idx) total += remaining[i];
  const capped = amount < total ? amount : total;
  if (capped <= 0) return 0;
  const m = idx.length;
  if (m === 1) {
    remaining[idx[0]] -= capped;
    return capped;
  }
  if (scratch.rest.length < m) scratch = { rest: new Float64Array(2 * m), weight: new Float64Array(2 * m), order: new Int32Array(2 * m) };
  const { rest, weight } = scratch;
  let given = 0;
  for (let k = 0; k < m; k++) {
    const i = idx[k];
    const scaled = capped * remaining[i];
    const share = Math.floor(scaled / total);
    rest[k] = scaled - share * total;
    weight[k] = remaining[i];
    remaining[i] -= share;
    given += share;
  }
  const left = capped - given;
  if (left > 0) {
    const order = scratch.order.subarray(0, m);
    for (let k = 0; k < m; k++) order[k] = k;
    // Leftover cents: larger remainder first, then larger value, then lower index.
    order.sort((a, b) => rest[b] - rest[a] || weight[b] - weight[a] || a - b);
    for (let k = 0; k < left; k++) remaining[idx[order[k]]] -= 1;
  }
  return capped;
}
let scratch = { rest: new Float64Array(256), weight: new Float64Array(256), order: new Int32Array(256) };

/** Per-line unit discounts, each line capped at what remains of it. */
function takeUnits(perLine, remaining) {
  let amount = 0;
  for (const [i, d] of perLine) {
    const take = d < remaining[i] ? d : remaining[i];
    if (take > 0) {
      remaining[i] -= take;
      amount += take;
    }
  }
  return amount;
}

/** Units of the lines `idx` (in line order), sorted by price, ties keeping line order. */
function unitsOf(idx, lines, price, descending) {
  const units = [];
  for (const i of idx) for (let q = 0; q < lines[i].quantity; q++) units.push(i);
  return units.sort(descending ? (a, b) => price[b] - price[a] : (a, b) => price[a] - price[b]);
}

function addTo(map, i, d) {
  map.set(i, (map.get(i) ?? 0) + d);
}

/** Applies one benefit on the cart's remaining values; returns the item discount taken. */
function applyBenefit(b, c, remaining) {
  const { lines, price, subtotal } = c;
  const n = lines.length;
  switch (b.type) {
    case "amount": {
      const idx = [];
      for (let i = 0; i < n; i++) if (b.store === null || lines[i].store === b.store) idx.push(i);
      return spread(b.amount, idx, remaining);
    }
    case "percent": {
      const idx = [];
      let base = 0;
      for (let i = 0; i < n; i++) {
        if (b.category === null || lines[i].category === b.category) {
          idx.push(i);
          base += subtotal[i];
        }
      }
      if (idx.length === 0) return 0;
      let amount = Math.floor((base * b.percent + 50) / 100); // half-up, once per promotion
      if (amount > b.cap) amount = b.cap;
      return spread(amount, idx, remaining);
    }
    case "fixed-price": {
      // The most expensive eligible units first (ties: line id), each brought down to the price.
      const idx = [];
      for (let i = 0; i < n; i++) if (lines[i].sku === b.sku && b.sizes.includes(lines[i].attributes?.size) && price[i] > b.price) idx.push(i);
      if (idx.length === 0) return 0;
      const perLine = new Map();
      const units = unitsOf(idx, lines, price, true);
      for (let k = 0; k < units.length && k < b.maxUnits; k++) addTo(perLine, units[k], price[units[k]] - b.price);
      return takeUnits(perLine, remaining);
    }
    case "pack": {
      const pools = new Map();
      for (const sku of b.skus) {
        if (pools.has(sku)) continue;
        const idx = [];
        for (let i = 0; i < n; i++) if (lines[i].sku === sku) idx.push(i);
        if (idx.length === 0) return 0;
        pools.set(sku, unitsOf(idx, lines, price, true));
      }
      const perLine = new Map();
      for (let next = 0; ; next++) {
        const pack = [];
        for (const sku of b.skus) {
          const pool = pools.get(sku);
          if (pool.length === 0) return takeUnits(perLine, remaining);
          pack.push(pool.shift());
        }
        let sum = 0;
        for (const i of pack) sum += price[i];
        const saving = sum - b.price;
        if (saving <= 0) continue;
        // The pack's saving spread over its units by price (largest remainder).
        const values = pack.map((i) => price[i]);
        spread(
          saving,
          pack.map((_, k) => k),
          values,
        );
        pack.forEach((i, k) => addTo(perLine, i, price[i] - values[k]));
      }
    }
    case "unit": {
      // That amount off each unit of the tagged lines (at most the unit's price), at most `maxUnits` units, the
      // most expensive first; each line then capped at what remains of it.
      const idx = [];
      for (let i = 0; i < n; i++) if (lines[i].tags?.includes(b.tag)) idx.push(i);
      if (idx.length === 0) return 0;
      const units = unitsOf(idx, lines, price, true);
      const perLine = new Map();
      for (let k = 0; k < units.length && k < b.maxUnits; k++) addTo(perLine, units[k], Math.min(b.amount, price[units[k]]));
      return takeUnits(perLine, remaining);
    }
    case "cheapest-free": {
      const idx = [];
      for (let i = 0; i < n; i++) if (lines[i].tags?.includes(b.tag)) idx.push(i);
      if (idx.length === 0) return 0;
      const units = unitsOf(idx, lines, price, false);
      const free = Math.floor(units.length / b.every) * b.free;
      const perLine = new Map();
      for (let k = 0; k < free; k++) addTo(perLine, units[k], price[units[k]]);
      return takeUnits(perLine, remaining);
    }
    default:
      throw new Error(`no item benefit ${b.type}`);
  }
}

function conditionHolds(cond, cart, c, remaining) {
  if (cond === null) return true;
  const { lines, subtotal } = c;
  switch (cond.type) {
    case "subtotal-exceeds":
      return c.total > cond.min;
    case "store-subtotal": {
      let sum = 0;
      for (let i = 0; i < lines.length; i++) if (lines[i].store === cond.store) sum += subtotal[i];
      return sum >= cond.min;
    }
    case "category-quantity": {
      if (!cond.regions.includes(cart.customer?.region)) return false;
      let qty = 0;
      for (const line of lines) if (line.category === cond.category) qty += line.quantity;
      return qty >= cond.min;
    }
    case "shipping": {
      if (!cond.countries.includes(cart.shipping?.country)) return false;
      let left = 0;
      for (const v of remaining) left += v;
      return left >= cond.min;
    }
    default:
      throw new Error(`no condition ${cond.type}`);
  }
}

/**
 * The candidate index a hand-written pricer would keep: promotions by code, SKU, store, category and tag, plus
 * those no key narrows. `candidates(cart, lines)` returns the ranks (positions in `list`) a cart reaches, sorted.
 */
export function promotionIndex(list) {
  const byCode = new Map();
  const bySku = new Map();
  const byStore = new Map();
  const byCategory = new Map();
  const byTag = new Map();
  const always = [];
  const add = (map, key, rank) => {
    const ranks = map.get(key);
    if (ranks) ranks.push(rank);
    else map.set(key, [rank]);
  };
  list.forEach((p, rank) => {
    if (p.code) return add(byCode, p.code, rank);
    const keys = indexKeys(p);
    if (!keys) return always.push(rank);
    for (const k of keys.skus ?? []) add(bySku, k, rank);
    for (const k of keys.stores ?? []) add(byStore, k, rank);
    for (const k of keys.categories ?? []) add(byCategory, k, rank);
    for (const k of keys.tags ?? []) add(byTag, k, rank);
  });
  const seen = new Uint32Array(list.length);
  let stamp = 0;
  return function candidates(cart, lines) {
    stamp++;
    const found = [];
    const visit = (ranks) => {
      if (!ranks) return;
      for (const r of ranks) {
        if (seen[r] !== stamp) {
          seen[r] = stamp;
          found.push(r);
        }
      }
    };
    visit(always);
    for (const coupon of cart.coupons ?? []) visit(byCode.get(coupon.code.trim().toUpperCase()));
    for (const line of lines) {
      visit(bySku.get(line.sku));
      visit(byStore.get(line.store));
      visit(byCategory.get(line.category));
      if (line.tags) for (const tag of line.tags) visit(byTag.get(tag));
    }
    return found.sort((a, b) => a - b);
  };
}

/**
 * A pricing function for these promotions, written by hand. Returns integer cents: subtotal, item discount,
 * shipping discount, total, the ids of the promotions applied (application order) and `c`, the lines with what
 * remains of each (bench/perf-check.mjs reads the per-line discounts from it, outside any timed region).
 */
export function handWrittenPricer(promotions) {
  const list = applicationOrder(promotions);
  const candidates = promotionIndex(list);

  return function price(cart) {
    const at = Date.parse(cart.at);
    const c = readLines(cart);
    const { remaining } = c;
    const found = candidates(cart, c.lines);
    let shippingLeft = cart.shipping ? cents(cart.shipping.price) : 0;
    let discount = 0;
    let shippingDiscount = 0;
    const applied = [];
    for (const r of found) {
      const p = list[r];
      if (p.window !== null && (at < p.window.start || at > p.window.end)) continue;
      if (!conditionHolds(p.condition, cart, c, remaining)) continue;
      if (p.benefit.type === "free-shipping") {
        if (shippingLeft <= 0) continue;
        shippingDiscount += shippingLeft;
        shippingLeft = 0;
        applied.push(p.id);
      } else {
        const taken = applyBenefit(p.benefit, c, remaining);
        if (taken > 0) {
          discount += taken;
          applied.push(p.id);
        }
      }
    }
    return { subtotal: c.total, discount, shippingDiscount, total: c.total - discount + shippingLeft, applied, c };
  };
}

/** Whether json-rules-engine can express the promotion: conditions on cart facts and an amount or percent off. */
export function jsonRulesExpressible(p) {
  const condition = p.condition === null || ["subtotal-exceeds", "store-subtotal", "category-quantity"].includes(p.condition.type);
  return condition && (p.benefit.type === "amount" || p.benefit.type === "percent");
}

/**
 * A json-rules-engine over the promotions it can express; `price(cart)` is async (await engine.run). With
 * `{ prefilter: true }` each cart runs only the rules the same index as the hand-written pricer selects
 * (`promotionIndex`): a fresh Engine per cart given the prebuilt Rule objects of those candidates.
 */
export function jsonRulesEngineBaseline(promotions, { Engine, Rule }, { prefilter = false } = {}) {
  const list = applicationOrder(promotions.filter(jsonRulesExpressible));
  // Facts are flat maps (store → subtotal, category → quantity), read by key: json-rules-engine's documented
  // `pathResolver` option, cheaper than its default JSONPath resolver.
  const options = { allowUndefinedFacts: true, pathResolver: (value, path) => value?.[path] };
  const engine = new Engine([], options);
  const ruleObjects = [];
  list.forEach((p, rank) => {
    const all = [];
    if (p.code) all.push({ fact: "codes", operator: "contains", value: p.code });
    if (p.window)
      all.push({ fact: "at", operator: "greaterThanInclusive", value: p.window.start }, { fact: "at", operator: "lessThanInclusive", value: p.window.end });
    const cond = p.condition;
    if (cond?.type === "subtotal-exceeds") all.push({ fact: "subtotal", operator: "greaterThan", value: cond.min });
    else if (cond?.type === "store-subtotal") all.push({ fact: "storeSubtotals", path: cond.store, operator: "greaterThanInclusive", value: cond.min });
    else if (cond?.type === "category-quantity")
      all.push(
        { fact: "categoryQuantities", path: cond.category, operator: "greaterThanInclusive", value: cond.min },
        { fact: "region", operator: "in", value: cond.regions },
      );
    if (all.length === 0) all.push({ fact: "subtotal", operator: "greaterThanInclusive", value: 0 });
    const rule = { name: p.id, conditions: { all }, event: { type: "discount", params: { rank, benefit: p.benefit } } };
    if (prefilter) ruleObjects.push(new Rule(rule));
    else engine.addRule(rule);
  });
  const candidates = prefilter ? promotionIndex(list) : null;

  return {
    rules: list.length,
    async price(cart) {
      const { c, facts } = flatFacts(cart);
      const runner = prefilter
        ? new Engine(
            candidates(cart, c.lines).map((r) => ruleObjects[r]),
            options,
          )
        : engine;
      const { events } = await runner.run(facts);
      events.sort((a, b) => a.params.rank - b.params.rank);
      return applyInOrder(
        events.map((e) => e.params.rank),
        list,
        c,
        cart,
      );
    },
  };
}

/** The benefits of the ranks (ascending) applied in turn on the cart's remaining values. */
function applyInOrder(ranks, list, c, cart) {
  let discount = 0;
  const applied = [];
  for (const rank of ranks) {
    const taken = applyBenefit(list[rank].benefit, c, c.remaining);
    if (taken > 0) {
      discount += taken;
      applied.push(list[rank].id);
    }
  }
  return flatTotals(c, cart, discount, applied);
}

/**
 * GoRules Zen over the same promotions json-rules-engine can express: one decision table (hit policy `collect`),
 * one row per promotion, compiled once by `createDecision` and reused for every cart. Conditions read the same flat
 * facts as `jsonRulesEngineBaseline`; benefits are applied by the shared `applyBenefit` in application order.
 * `price(cart)` is async (a decision evaluates off the main thread).
 */
export function zenBaseline(promotions, ZenEngine) {
  const list = applicationOrder(promotions.filter(jsonRulesExpressible));
  const json = (v) => JSON.stringify(v);
  const rules = list.map((p, rank) => {
    const all = [];
    if (p.code) all.push(`contains(codes, ${json(p.code)})`);
    if (p.window) all.push(`at >= ${p.window.start} and at <= ${p.window.end}`);
    const cond = p.condition;
    if (cond?.type === "subtotal-exceeds") all.push(`subtotal > ${cond.min}`);
    else if (cond?.type === "store-subtotal") all.push(`(storeSubtotals[${json(cond.store)}] ?? 0) >= ${cond.min}`);
    else if (cond?.type === "category-quantity")
      all.push(`(categoryQuantities[${json(cond.category)}] ?? 0) >= ${cond.min}`, `contains(${json(cond.regions)}, region)`);
    return { _id: `r${rank}`, i1: all.length === 0 ? "" : all.map((x) => `(${x})`).join(" and "), o1: String(rank) };
  });
  const content = {
    nodes: [
      { id: "in", type: "inputNode", name: "in", position: { x: 0, y: 0 } },
      {
        id: "dt",
        type: "decisionTableNode",
        name: "promotions",
        position: { x: 0, y: 0 },
        content: {
          hitPolicy: "collect",
          inputs: [{ id: "i1", name: "condition" }],
          outputs: [{ id: "o1", name: "rank", field: "rank" }],
          rules,
        },
      },
      { id: "out", type: "outputNode", name: "out", position: { x: 0, y: 0 } },
    ],
    edges: [
      { id: "e1", sourceId: "in", targetId: "dt", type: "edge" },
      { id: "e2", sourceId: "dt", targetId: "out", type: "edge" },
    ],
  };
  const decision = new ZenEngine().createDecision(Buffer.from(JSON.stringify(content)));

  return {
    rules: list.length,
    async price(cart) {
      const { c, facts } = flatFacts(cart);
      const { result } = await decision.evaluate(facts);
      const ranks = result.map((r) => Number(r.rank)).sort((a, b) => a - b);
      return applyInOrder(ranks, list, c, cart);
    },
  };
}

/** The flat facts json-rules-engine and Zen read: one pass over the cart's lines. */
function flatFacts(cart) {
  const c = readLines(cart);
  const storeSubtotals = {};
  const categoryQuantities = {};
  c.lines.forEach((line, i) => {
    storeSubtotals[line.store] = (storeSubtotals[line.store] ?? 0) + c.subtotal[i];
    categoryQuantities[line.category] = (categoryQuantities[line.category] ?? 0) + line.quantity;
  });
  const facts = {
    at: Date.parse(cart.at),
    codes: (cart.coupons ?? []).map((x) => x.code.trim().toUpperCase()),
    subtotal: c.total,
    storeSubtotals,
    categoryQuantities,
    region: cart.customer?.region ?? null,
  };
  return { c, facts };
}

function flatTotals(c, cart, discount, applied) {
  return { subtotal: c.total, discount, shippingDiscount: 0, total: c.total - discount + (cart.shipping ? cents(cart.shipping.price) : 0), applied, c };
}

/**
 * The contested best-for-buyer case written by hand: every candidate qualifies, stacking rules (at most 1 of a
 * group, exclusive pairs, at most K of any) make them compete, and the buyer gets the admissible combination with
 * the largest saving (docs/language.md, Selection: a left-out candidate must not apply at its place or conflict
 * with a chosen one; equal savings go to the combination whose first differing promotion comes earlier).
 * Depth-first over the candidates in application order, include before exclude, pruned only by an upper bound that
 * never undercuts a real combination (each remaining candidate's saving on the undiscounted cart, best one per
 * group, best K − chosen): exact. `spec`: { candidates: [{ id, kind, benefit, group, exclusive: [ids] }], atMost }.
 */
export function exhaustiveBestForBuyer(spec) {
  const list = applicationOrder(spec.candidates);
  const m = list.length;
  const index = new Map(list.map((p, k) => [p.id, k]));
  const exclusive = list.map(() => new Set());
  list.forEach((p, k) => {
    for (const other of p.exclusive ?? []) {
      exclusive[k].add(index.get(other));
      exclusive[index.get(other)].add(k);
    }
  });
  const groupOf = list.map((p) => p.group ?? null);
  const K = spec.atMost;

  return function price(cart) {
    const c = readLines(cart);
    const n = c.lines.length;
    const standalone = list.map((p) => applyBenefit(p.benefit, c, c.subtotal.slice()));
    const chosen = [];
    const pending = []; // left out although they applied where they stood: each must conflict in the end
    let best = -1;
    let bestChosen = null;
    let bestRemaining = null;
    let nodes = 0;
    const conflicts = (k) => {
      if (chosen.length >= K) return true;
      for (const j of chosen) if ((groupOf[k] !== null && groupOf[j] === groupOf[k]) || exclusive[k].has(j)) return true;
      return false;
    };
    const bound = (from) => {
      const byGroup = new Map();
      const values = [];
      for (let k = from; k < m; k++) {
        if (conflicts(k)) continue;
        if (groupOf[k] === null) values.push(standalone[k]);
        else if ((byGroup.get(groupOf[k]) ?? -1) < standalone[k]) byGroup.set(groupOf[k], standalone[k]);
      }
      values.push(...byGroup.values());
      values.sort((a, b) => b - a);
      let sum = 0;
      for (let k = 0; k < values.length && k < K - chosen.length; k++) sum += values[k];
      return sum;
    };
    const visit = (k, remaining, saving) => {
      nodes++;
      if (k === m) {
        for (const j of pending) if (!conflicts(j)) return;
        if (saving > best) {
          best = saving;
          bestChosen = chosen.slice();
          bestRemaining = remaining;
        }
        return;
      }
      if (saving + bound(k) <= best) return;
      const next = remaining.slice();
      const taken = applyBenefit(list[k].benefit, c, next);
      if (taken <= 0) return visit(k + 1, remaining, saving);
      if (!conflicts(k)) {
        chosen.push(k);
        visit(k + 1, next, saving + taken);
        chosen.pop();
      }
      pending.push(k);
      visit(k + 1, remaining, saving);
      pending.pop();
    };
    visit(0, c.remaining.slice(), 0);
    for (let i = 0; i < n; i++) c.remaining[i] = bestRemaining[i];
    const shipping = cart.shipping ? cents(cart.shipping.price) : 0;
    return { subtotal: c.total, discount: best, shippingDiscount: 0, total: c.total - best + shipping, applied: bestChosen.map((k) => list[k].id), c, nodes };
  };
}
