import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { formatMinor, parseAmount, type PricingResult } from "@promo/runtime";
import { compile } from "../../packages/dsl/src/compiler/compile.js";
import { diskHost } from "../../packages/dsl/src/project/host.js";
import { generateCarts, type GenerateOptions } from "../../packages/simulate/src/generate.js";
import type { BundleModule } from "../../packages/simulate/src/evaluate-cart.js";
import { repoRoot } from "../helpers/cli.js";

export const AE_RULES = join(repoRoot, "examples", "aliexpress-11-11.promo");
export const AE_V2_RULES = join(repoRoot, "packages", "simulate", "test", "fixtures", "aliexpress-11-11-v2.promo");
export const LIMITED_RULES = join(repoRoot, "packages", "simulate", "test", "fixtures", "limited.promo");

export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `promo-simulate-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Compiles rule files to a bundle module on disk; returns its source and the loaded module. */
export async function compileBundle(file: string, dir: string, name: string): Promise<{ code: string; path: string; module: BundleModule }> {
  const result = await compile([file], { host: diskHost });
  if (result.diagnostics.some((d) => d.severity === "error")) throw new Error(`${file} does not compile`);
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, result.code);
  const module = (await import(pathToFileURL(path).href)) as BundleModule;
  return { code: result.code, path, module };
}

export function writeCarts(path: string, options: GenerateOptions): string[] {
  const lines = [...generateCarts(options)];
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, lines.join("\n") + "\n");
  return lines;
}

const minor = (amount: string, currency: string) => {
  const parsed = parseAmount(amount, currency);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.minor;
};

interface OraclePromotion {
  candidate: number;
  applied: number;
  rejected: Record<string, number>;
  cost: number;
  max: number;
  maxCart: string | null;
  depth: number[];
  byHour: Record<string, [number, number]>;
  byStore: Record<string, [number, number]>;
}

/**
 * The figures of a report computed by a plain loop over the lines with the bundle's own `evaluate`, written
 * independently of the simulate package (no tally code): the oracle the report must equal.
 */
export function directLoop(
  lines: readonly { file: string; line: number; text: string }[],
  bundle: BundleModule,
  currency: string,
  usage?: Map<string, number>,
): {
  invalid: number;
  otherCurrency: number;
  problems: { file: string; line: number; path: string }[];
  carts: number;
  subtotal: string;
  cost: string;
  total: string;
  discounted: number;
  depth: number[];
  byHour: { hour: string; carts: number; cost: string }[];
  byStore: { store: string; carts: number; subtotal: string; discount: string }[];
  promotions: Record<
    string,
    {
      candidate: number;
      applied: number;
      rejected: Record<string, number>;
      cost: string;
      max: string;
      maxCart: string | null;
      depth: number[];
      byHour: { hour: string; redemptions: number; cost: string }[];
      byStore: { store: string; applied: number; cost: string }[];
    }
  >;
  results: Map<string, PricingResult>;
} {
  let invalid = 0;
  let otherCurrency = 0;
  const problems: { file: string; line: number; path: string }[] = [];
  let carts = 0;
  let subtotal = 0;
  let cost = 0;
  let total = 0;
  let discounted = 0;
  const depth = new Array(20).fill(0) as number[];
  const byHour: Record<string, [number, number]> = {};
  const byStore: Record<string, [number, number, number]> = {};
  const promotions: Record<string, OraclePromotion> = {};
  const results = new Map<string, PricingResult>();
  const promo = (id: string) =>
    (promotions[id] ??= { candidate: 0, applied: 0, rejected: {}, cost: 0, max: 0, maxCart: null, depth: new Array(20).fill(0), byHour: {}, byStore: {} });
  for (const p of bundle.program.promotions) promo(p.id);
  const bucket = (d: number, s: number) => (s <= 0 || d <= 0 ? 0 : Math.min(19, Math.floor((d * 20) / s)));
  for (const { file, line, text } of lines) {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      invalid++;
      problems.push({ file, line, path: "" });
      continue;
    }
    const id = typeof value["id"] === "string" ? (value["id"] as string) : `${file}:${line}`;
    delete value["id"];
    const checked = bundle.validate(value);
    if (!checked.ok) {
      invalid++;
      problems.push({ file, line, path: checked.errors[0]!.path });
      continue;
    }
    if (checked.cart.currency !== currency) {
      otherCurrency++;
      problems.push({ file, line, path: "/currency" });
      continue;
    }
    const cart = checked.cart;
    const result = usage ? bundle.evaluate(cart, { usage: (k) => usage.get(k) }) : bundle.evaluate(cart);
    if (usage) for (const a of result.applied) for (const r of a.reservations ?? []) usage.set(r.key, (usage.get(r.key) ?? 0) + r.amount);
    results.set(id, result);
    carts++;
    const sub = minor(result.subtotal, currency);
    subtotal += sub;
    total += minor(result.total, currency);
    const hour = new Date(Math.floor(cart.at / 3_600_000) * 3_600_000).toISOString().replace(".000Z", "Z");
    const store = new Map(cart.lines.map((l) => [l.id, l.store]));
    const storeSub: Record<string, number> = {};
    for (const l of cart.lines) storeSub[l.store] = (storeSub[l.store] ?? 0) + l.subtotal;
    const storeDisc: Record<string, number> = {};
    for (const l of result.lines) storeDisc[store.get(l.id)!] = (storeDisc[store.get(l.id)!] ?? 0) + minor(l.discount, currency);
    for (const s of Object.keys(storeSub)) {
      const e = (byStore[s] ??= [0, 0, 0]);
      e[0]++;
      e[1] += storeSub[s]!;
      e[2] += storeDisc[s] ?? 0;
    }
    let cartCost = 0;
    for (const a of result.applied) {
      const amount = minor(a.amount, currency);
      cartCost += amount;
      const p = promo(a.id);
      p.candidate++;
      p.applied++;
      p.cost += amount;
      if (p.maxCart === null || amount > p.max || (amount === p.max && id < p.maxCart)) {
        p.max = amount;
        p.maxCart = id;
      }
      p.depth[bucket(amount, sub)]!++;
      const h = (p.byHour[hour] ??= [0, 0]);
      h[0]++;
      h[1] += amount;
      const perStore: Record<string, number> = {};
      let onLines = 0;
      for (const l of a.lines) {
        const amt = minor(l.amount, currency);
        onLines += amt;
        perStore[store.get(l.line)!] = (perStore[store.get(l.line)!] ?? 0) + amt;
      }
      if (amount !== onLines) perStore["(order)"] = amount - onLines;
      for (const [s, amt] of Object.entries(perStore)) {
        const e = (p.byStore[s] ??= [0, 0]);
        e[0]++;
        e[1] += amt;
      }
    }
    for (const r of result.rejected) {
      const p = promo(r.id);
      p.candidate++;
      p.rejected[r.reason] = (p.rejected[r.reason] ?? 0) + 1;
    }
    cost += cartCost;
    if (cartCost > 0) discounted++;
    depth[bucket(cartCost, sub)]!++;
    const h = (byHour[hour] ??= [0, 0]);
    h[0]++;
    h[1] += cartCost;
  }
  const money = (n: number) => formatMinor(n, currency);
  const sorted = <T>(record: Record<string, T>) => Object.entries(record).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    invalid,
    otherCurrency,
    problems,
    carts,
    subtotal: money(subtotal),
    cost: money(cost),
    total: money(total),
    discounted,
    depth,
    byHour: sorted(byHour).map(([hour, [n, c]]) => ({ hour, carts: n, cost: money(c) })),
    byStore: sorted(byStore).map(([store, [n, s, d]]) => ({ store, carts: n, subtotal: money(s), discount: money(d) })),
    promotions: Object.fromEntries(
      Object.entries(promotions).map(([id, p]) => [
        id,
        {
          candidate: p.candidate,
          applied: p.applied,
          rejected: Object.fromEntries(sorted(p.rejected)),
          cost: money(p.cost),
          max: money(p.max),
          maxCart: p.maxCart,
          depth: p.depth,
          byHour: sorted(p.byHour).map(([hour, [n, c]]) => ({ hour, redemptions: n, cost: money(c) })),
          byStore: sorted(p.byStore).map(([store, [n, c]]) => ({ store, applied: n, cost: money(c) })),
        },
      ]),
    ),
    results,
  };
}

export function readLinesOf(path: string, label: string): { file: string; line: number; text: string }[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((text, i) => ({ file: label, line: i + 1, text }))
    .filter((l) => l.text.trim().length > 0);
}
