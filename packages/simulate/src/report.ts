import { formatMinor, parseAmount, type Program } from "@promo/runtime";
import { DEPTH_BUCKETS, emptyTally, type ChangedCart, type DiffTally, type Problem, type PromotionTally, type Tally, type VersionTally } from "./tally.js";

/**
 * The simulation report: the whole result as JSON data (schema: packages/simulate/schema/report.schema.json,
 * described in packages/simulate/README.md). Money is in decimal strings of the report's currency. Everything but
 * `run` is a function of the tally alone, so a report converts back to its tally (`tallyFromReport`) and partial
 * reports merge exactly.
 */

export const REPORT_FORMAT = "promo-simulate-report";
export const REPORT_VERSION = 1;

export interface LimitInfo {
  text: string;
  kind: "count" | "coins" | "budget" | "units";
  /** Count or coins as a number; a budget as a decimal string. */
  max: number | string;
  per: string | null;
  period: string | null;
}

export interface RulesInfo {
  label: string;
  promotions: { id: string; title: string; kind: string; limits: LimitInfo[] }[];
}

export interface PromotionReport {
  id: string;
  title: string;
  kind: string;
  candidate: number;
  applied: number;
  rejected: Record<string, number>;
  cost: string;
  /** cost ÷ applied, rounded half up to the minor unit; null when never applied. */
  average: string | null;
  max: string;
  maxCart: string | null;
  depth: number[];
  byHour: { hour: string; redemptions: number; cost: string }[];
  byStore: { store: string; applied: number; cost: string }[];
  /** Cost by funder; null when the results carry no funding data. */
  byFunder: { funder: string; cost: string }[] | null;
}

export interface VersionReport {
  carts: number;
  subtotal: string;
  cost: string;
  total: string;
  discounted: number;
  notOptimal: number;
  depth: number[];
  byHour: { hour: string; carts: number; cost: string }[];
  byStore: { store: string; carts: number; subtotal: string; discount: string }[];
  promotions: PromotionReport[];
}

export interface DiffReport {
  carts: number;
  changed: number;
  increased: number;
  decreased: number;
  /** Sum of total after − total before (after: the rules simulated; before: `--against`). */
  delta: string;
  largest: { cart: string; before: string; after: string; delta: string }[];
  promotions: {
    id: string;
    costBefore: string;
    costAfter: string;
    delta: string;
    appliedBefore: number;
    appliedAfter: number;
    /** Carts where it applies after but did not before, and the reverse. */
    startedOn: number;
    stoppedOn: number;
  }[];
  /** Promotions applied on no cart before and on some after, and the reverse. */
  startedApplying: string[];
  stoppedApplying: string[];
}

export interface SimulationReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  /** False when the report covers less than the whole input (read errors, a shard, a sample, nothing simulated). */
  complete: boolean;
  incomplete: string[];
  notes: string[];
  currency: string;
  rules: { current: RulesInfo; against: RulesInfo | null };
  /** For a partial report (`--shard i/n`) or a merge: the shard count and the shards included. */
  shards: { count: number; included: number[] } | null;
  sample: number | null;
  /** Whether usage limits were simulated with an initial usage (`--usage`). */
  initialUsage: boolean;
  funding: { declared: boolean; note: string };
  input: {
    records: number;
    simulated: number;
    invalid: number;
    otherCurrency: number;
    problems: Problem[];
    files: { file: string; records: number; simulated: number; rejected: number }[];
  };
  current: VersionReport;
  against: VersionReport | null;
  diff: DiffReport | null;
  /** How the run went; not part of the figures (differs between equal reports). */
  run: { startedAt: string; elapsedMs: number; workers: number; cartsPerSecond: number } | null;
}

const HOUR = 3_600_000;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function hourLabel(hour: number): string {
  return new Date(hour * HOUR).toISOString().replace(".000Z", "Z");
}

export function rulesInfo(label: string, program: Program): RulesInfo {
  return {
    label,
    promotions: program.promotions.map((p) => ({
      id: p.id,
      title: p.title,
      kind: p.kind,
      limits: p.limits.map((l) => ({
        text: l.text,
        kind: l.kind,
        max: l.kind === "budget" ? formatMinor(l.max, p.currency) : l.max,
        per: l.per,
        period: l.period,
      })),
    })),
  };
}

function roundedAverage(sum: number, n: number): number {
  return Math.floor((2 * sum + n) / (2 * n));
}

function versionReport(v: VersionTally, currency: string, funded: boolean): VersionReport {
  const money = (minor: number) => formatMinor(minor, currency);
  const promotions = [...v.promotions.values()].sort((a, b) => b.cost - a.cost || byText(a.id, b.id));
  return {
    carts: v.carts,
    subtotal: money(v.subtotal),
    cost: money(v.cost),
    total: money(v.total),
    discounted: v.discounted,
    notOptimal: v.notOptimal,
    depth: [...v.depth],
    byHour: [...v.byHour].sort((a, b) => a[0] - b[0]).map(([h, [carts, cost]]) => ({ hour: hourLabel(h), carts, cost: money(cost) })),
    byStore: [...v.byStore].sort((a, b) => byText(a[0], b[0])).map(([store, [carts, sub, d]]) => ({ store, carts, subtotal: money(sub), discount: money(d) })),
    promotions: promotions.map((p) => promotionReport(p, currency, funded)),
  };
}

function promotionReport(p: PromotionTally, currency: string, funded: boolean): PromotionReport {
  const money = (minor: number) => formatMinor(minor, currency);
  const rejected: Record<string, number> = {};
  for (const reason of Object.keys(p.rejected).sort()) rejected[reason] = p.rejected[reason]!;
  return {
    id: p.id,
    title: p.title,
    kind: p.kind,
    candidate: p.candidate,
    applied: p.applied,
    rejected,
    cost: money(p.cost),
    average: p.applied === 0 ? null : money(roundedAverage(p.cost, p.applied)),
    max: money(p.max),
    maxCart: p.maxCart,
    depth: [...p.depth],
    byHour: [...p.byHour].sort((a, b) => a[0] - b[0]).map(([h, [n, cost]]) => ({ hour: hourLabel(h), redemptions: n, cost: money(cost) })),
    byStore: [...p.byStore].sort((a, b) => byText(a[0], b[0])).map(([store, [n, cost]]) => ({ store, applied: n, cost: money(cost) })),
    byFunder: funded ? [...p.byFunder].sort((a, b) => byText(a[0], b[0])).map(([funder, cost]) => ({ funder, cost: money(cost) })) : null,
  };
}

function diffReport(d: DiffTally, before: VersionTally, after: VersionTally, currency: string): DiffReport {
  const money = (minor: number) => formatMinor(minor, currency);
  const ids = [...new Set([...before.promotions.keys(), ...after.promotions.keys()])].sort(byText);
  const promotions = ids.map((id) => {
    const b = before.promotions.get(id);
    const a = after.promotions.get(id);
    const [startedOn, stoppedOn] = d.promotions.get(id) ?? [0, 0];
    return {
      id,
      costBefore: money(b?.cost ?? 0),
      costAfter: money(a?.cost ?? 0),
      delta: money((a?.cost ?? 0) - (b?.cost ?? 0)),
      appliedBefore: b?.applied ?? 0,
      appliedAfter: a?.applied ?? 0,
      startedOn,
      stoppedOn,
    };
  });
  return {
    carts: d.carts,
    changed: d.changed,
    increased: d.increased,
    decreased: d.decreased,
    delta: money(d.delta),
    largest: d.largest.map((c) => ({ cart: c.cart, before: money(c.before), after: money(c.after), delta: money(c.delta) })),
    promotions,
    startedApplying: promotions.filter((p) => p.appliedBefore === 0 && p.appliedAfter > 0).map((p) => p.id),
    stoppedApplying: promotions.filter((p) => p.appliedBefore > 0 && p.appliedAfter === 0).map((p) => p.id),
  };
}

export interface ReportMeta {
  currency: string;
  rules: { current: RulesInfo; against: RulesInfo | null };
  incomplete: string[];
  notes: string[];
  shards: { count: number; included: number[] } | null;
  sample: number | null;
  initialUsage: boolean;
  run: SimulationReport["run"];
}

export const NO_FUNDING_NOTE = "no funding declared in the results: cost is reported as one figure (not split by funder)";
export const FUNDING_NOTE = "cost is also split by funder, as declared in the results";

/** The reason of a report without a simulated cart (recomputed by a merge, where other parts may have some). */
export const NO_CARTS_REASON = "no carts were simulated";

export function buildReport(tally: Tally, meta: ReportMeta): SimulationReport {
  const { currency } = meta;
  const funded = tally.current.funded || (tally.against?.funded ?? false);
  const incomplete = [...meta.incomplete];
  if (tally.input.simulated === 0 && !incomplete.some((r) => r.startsWith("no cart"))) incomplete.push(NO_CARTS_REASON);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    complete: incomplete.length === 0,
    incomplete,
    notes: meta.notes,
    currency,
    rules: meta.rules,
    shards: meta.shards,
    sample: meta.sample,
    initialUsage: meta.initialUsage,
    funding: { declared: funded, note: funded ? FUNDING_NOTE : NO_FUNDING_NOTE },
    input: {
      records: tally.input.records,
      simulated: tally.input.simulated,
      invalid: tally.input.invalid,
      otherCurrency: tally.input.otherCurrency,
      problems: tally.input.problems.map((p) => ({ ...p })),
      files: [...tally.input.files]
        .sort((a, b) => byText(a[0], b[0]))
        .map(([file, [records, simulated, rejected]]) => ({ file, records, simulated, rejected })),
    },
    current: versionReport(tally.current, currency, funded),
    against: tally.against ? versionReport(tally.against, currency, funded) : null,
    diff: tally.diff && tally.against ? diffReport(tally.diff, tally.against, tally.current, currency) : null,
    run: meta.run,
  };
}

// ---- back from a report (for merging partial reports) ----

export class ReportError extends Error {}

function minorIn(currency: string, where: string) {
  return (text: unknown): number => {
    if (typeof text !== "string") throw new ReportError(`${where}: expected an amount as a decimal string`);
    const parsed = parseAmount(text, currency);
    if (!parsed.ok) throw new ReportError(`${where}: ${parsed.message}`);
    return parsed.minor;
  };
}

function hourOf(label: string): number {
  const ms = Date.parse(label);
  if (!Number.isFinite(ms) || ms % HOUR !== 0) throw new ReportError(`invalid hour '${label}'`);
  return ms / HOUR;
}

function versionFromReport(r: VersionReport, currency: string, funded: boolean): VersionTally {
  const m = minorIn(currency, "report");
  const promotions = new Map<string, PromotionTally>();
  for (const p of r.promotions) {
    promotions.set(p.id, {
      id: p.id,
      title: p.title,
      kind: p.kind,
      candidate: p.candidate,
      applied: p.applied,
      rejected: { ...p.rejected },
      cost: m(p.cost),
      max: m(p.max),
      maxCart: p.maxCart,
      depth: checkDepth(p.depth),
      byHour: new Map(p.byHour.map((h) => [hourOf(h.hour), [h.redemptions, m(h.cost)]])),
      byStore: new Map(p.byStore.map((s) => [s.store, [s.applied, m(s.cost)]])),
      byFunder: new Map((p.byFunder ?? []).map((f) => [f.funder, m(f.cost)])),
    });
  }
  return {
    carts: r.carts,
    subtotal: m(r.subtotal),
    cost: m(r.cost),
    total: m(r.total),
    discounted: r.discounted,
    notOptimal: r.notOptimal,
    depth: checkDepth(r.depth),
    byHour: new Map(r.byHour.map((h) => [hourOf(h.hour), [h.carts, m(h.cost)]])),
    byStore: new Map(r.byStore.map((s) => [s.store, [s.carts, m(s.subtotal), m(s.discount)]])),
    promotions,
    funded,
  };
}

function checkDepth(depth: unknown): number[] {
  if (!Array.isArray(depth) || depth.length !== DEPTH_BUCKETS || !depth.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new ReportError(`a depth histogram must hold ${DEPTH_BUCKETS} counts`);
  }
  return [...depth];
}

/** The tally a report was built from (its `run` and derived figures aside). */
export function tallyFromReport(report: SimulationReport): Tally {
  const currency = report.currency;
  const m = minorIn(currency, "report");
  const tally = emptyTally(report.against !== null);
  tally.input = {
    records: report.input.records,
    simulated: report.input.simulated,
    invalid: report.input.invalid,
    otherCurrency: report.input.otherCurrency,
    problems: report.input.problems.map((p) => ({ ...p })),
    files: new Map(report.input.files.map((f) => [f.file, [f.records, f.simulated, f.rejected]])),
  };
  tally.current = versionFromReport(report.current, currency, report.funding.declared);
  if (report.against) tally.against = versionFromReport(report.against, currency, report.funding.declared);
  if (report.diff) {
    const largest: ChangedCart[] = report.diff.largest.map((c) => ({ cart: c.cart, before: m(c.before), after: m(c.after), delta: m(c.delta) }));
    tally.diff = {
      carts: report.diff.carts,
      changed: report.diff.changed,
      increased: report.diff.increased,
      decreased: report.diff.decreased,
      delta: m(report.diff.delta),
      largest,
      promotions: new Map(report.diff.promotions.filter((p) => p.startedOn > 0 || p.stoppedOn > 0).map((p) => [p.id, [p.startedOn, p.stoppedOn]])),
    };
  }
  return tally;
}
