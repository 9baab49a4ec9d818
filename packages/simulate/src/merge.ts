import { buildReport, NO_CARTS_REASON, REPORT_FORMAT, REPORT_VERSION, ReportError, tallyFromReport, type SimulationReport } from "./report.js";
import { mergeTally } from "./tally.js";

/** The reason a shard's partial report carries, removed again when every shard is merged. */
export function shardReason(index: number, count: number): string {
  return `shard ${index}/${count}: a partial report; merge the reports of all ${count} shards`;
}

const SHARD_REASON = /^shard \d+\/\d+: a partial report|^shards missing from the merge: /;

/** Checks the shape of a parsed report well enough to merge it (a wrong file gets a clear message). */
export function asReport(value: unknown, label: string): SimulationReport {
  const r = value as Partial<SimulationReport> | null;
  if (typeof r !== "object" || r === null || r.format !== REPORT_FORMAT)
    throw new ReportError(`${label}: not a promo simulate report (no "format": "${REPORT_FORMAT}")`);
  if (r.version !== REPORT_VERSION) throw new ReportError(`${label}: report version ${String(r.version)}, expected ${REPORT_VERSION}`);
  for (const key of ["currency", "rules", "input", "current", "incomplete", "notes", "funding"] as const) {
    if (r[key] === undefined || r[key] === null) throw new ReportError(`${label}: missing "${key}"`);
  }
  return r as SimulationReport;
}

/**
 * Merges partial reports (of `--shard i/n` runs over the same input and rules) into one. The figures of the
 * merge equal those of one unsharded run exactly: every figure is a sum, a count, a maximum with a deterministic
 * tie-break or a bounded list with a total order. The merge is complete when every shard 1..n is included once
 * and no part was incomplete for another reason.
 */
export function mergeReports(reports: readonly SimulationReport[], labels: readonly string[] = reports.map((_, i) => `report ${i + 1}`)): SimulationReport {
  if (reports.length === 0) throw new ReportError("no reports to merge");
  const first = reports[0]!;
  const rulesKey = JSON.stringify(first.rules);
  const shardCount = first.shards?.count ?? null;
  const included: number[] = [];
  const incomplete = new Set<string>();
  const notes = new Set<string>();
  const tally = tallyFromReport(first);
  reports.forEach((r, i) => {
    const label = labels[i] ?? `report ${i + 1}`;
    if (r.currency !== first.currency) throw new ReportError(`${label}: in ${r.currency}, ${labels[0]} in ${first.currency}`);
    if (JSON.stringify(r.rules) !== rulesKey) throw new ReportError(`${label}: simulated other rules than ${labels[0]}`);
    if ((r.shards?.count ?? null) !== shardCount) throw new ReportError(`${label}: its shard count differs from ${labels[0]}'s`);
    if ((r.sample ?? null) !== (first.sample ?? null) || r.initialUsage !== first.initialUsage)
      throw new ReportError(`${label}: simulated with other options (--sample, --usage) than ${labels[0]}`);
    for (const s of r.shards?.included ?? []) {
      if (included.includes(s)) throw new ReportError(`${label}: shard ${s}/${shardCount} is included twice`);
      included.push(s);
    }
    for (const reason of r.incomplete) if (!SHARD_REASON.test(reason) && reason !== NO_CARTS_REASON) incomplete.add(reason);
    for (const note of r.notes) notes.add(note);
    if (i > 0) mergeTally(tally, tallyFromReport(r));
  });
  included.sort((a, b) => a - b);
  if (shardCount !== null) {
    const missing: number[] = [];
    for (let s = 1; s <= shardCount; s++) if (!included.includes(s)) missing.push(s);
    if (missing.length > 0) incomplete.add(`shards missing from the merge: ${missing.map((s) => `${s}/${shardCount}`).join(", ")}`);
  } else if (reports.length > 1) {
    incomplete.add("merged reports that were not shards of one run: carts may be counted twice");
  }
  const merged = buildReport(tally, {
    currency: first.currency,
    rules: first.rules,
    incomplete: [...incomplete],
    notes: [...notes],
    shards: shardCount === null ? null : { count: shardCount, included },
    sample: first.sample ?? null,
    initialUsage: first.initialUsage,
    run: null,
  });
  return merged;
}
