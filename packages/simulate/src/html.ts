import { parseAmount } from "@promo/runtime";
import { DEPTH_BUCKETS } from "./tally.js";
import type { SimulationReport, VersionReport } from "./report.js";

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts drawn here (no script, no font,
 * no image, nothing fetched at view time). Every text from the input is escaped.
 */

const esc = (text: string | number) =>
  String(text).replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));

const COLORS = { current: "#2563eb", against: "#9ca3af", up: "#dc2626", down: "#16a34a", budget: "#f59e0b" };

function numberOf(amount: string, currency: string): number {
  const parsed = parseAmount(amount, currency);
  return parsed.ok ? parsed.minor : 0;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** A round axis maximum at or above `max`. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

function moneyLabel(minor: number, exponent: number): string {
  const v = minor / 10 ** exponent;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return v.toLocaleString("en-US", { maximumFractionDigits: exponent });
}

function exponentOf(report: SimulationReport): number {
  const sample = report.current.cost;
  const dot = sample.indexOf(".");
  return dot < 0 ? 0 : sample.length - dot - 1;
}

/** Horizontal bars: one row per promotion, one bar per version. */
function costChart(report: SimulationReport): string {
  const c = report.currency;
  const e = exponentOf(report);
  const ids = report.current.promotions.map((p) => p.id);
  for (const p of report.against?.promotions ?? []) if (!ids.includes(p.id)) ids.push(p.id);
  const costOf = (v: VersionReport | null, id: string) => (v ? numberOf(v.promotions.find((p) => p.id === id)?.cost ?? "0", c) : 0);
  const series = report.against
    ? ([
        ["against", report.against],
        ["current", report.current],
      ] as const)
    : ([["current", report.current]] as const);
  const max = niceMax(Math.max(0, ...ids.flatMap((id) => series.map(([, v]) => costOf(v, id)))));
  const label = 200;
  const width = 760;
  const plot = width - label - 70;
  const bar = 14;
  const row = series.length * bar + 10;
  const height = ids.length * row + 40;
  let out = `<svg class="chart" data-chart="cost" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Cost per promotion">`;
  for (const t of ticks(max)) {
    const x = label + (t / max) * plot;
    out += `<line x1="${x}" y1="10" x2="${x}" y2="${height - 25}" class="grid"/><text x="${x}" y="${height - 8}" class="tick" text-anchor="middle">${esc(moneyLabel(t, e))}</text>`;
  }
  ids.forEach((id, i) => {
    const y = 12 + i * row;
    out += `<text x="${label - 8}" y="${y + (series.length * bar) / 2 + 4}" text-anchor="end" class="label">${esc(id.length > 30 ? `${id.slice(0, 29)}…` : id)}</text>`;
    series.forEach(([name, v], j) => {
      const value = costOf(v, id);
      const w = (value / max) * plot;
      out += `<rect class="bar" data-series="${name}" x="${label}" y="${y + j * bar}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${COLORS[name]}"><title>${esc(`${id} (${name === "current" ? "these rules" : "--against"}): ${moneyLabel(value, e)} ${c}`)}</title></rect>`;
      out += `<text x="${label + w + 4}" y="${y + j * bar + 10}" class="value">${esc(moneyLabel(value, e))}</text>`;
    });
  });
  return out + `</svg>`;
}

/** Vertical bars: carts per discount depth bucket (discount ÷ subtotal, 5% steps). */
function depthChart(report: SimulationReport): string {
  const series = report.against
    ? ([
        ["against", report.against],
        ["current", report.current],
      ] as const)
    : ([["current", report.current]] as const);
  const max = niceMax(Math.max(1, ...series.flatMap(([, v]) => v.depth)));
  const width = 760;
  const height = 260;
  const left = 60;
  const plotW = width - left - 20;
  const plotH = height - 60;
  const slot = plotW / DEPTH_BUCKETS;
  const barW = (slot - 4) / series.length;
  let out = `<svg class="chart" data-chart="depth" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Discount depth histogram">`;
  for (const t of ticks(max)) {
    const y = 10 + plotH - (t / max) * plotH;
    out += `<line x1="${left}" y1="${y}" x2="${width - 20}" y2="${y}" class="grid"/><text x="${left - 6}" y="${y + 4}" class="tick" text-anchor="end">${esc(fmt(Math.round(t)))}</text>`;
  }
  for (let b = 0; b < DEPTH_BUCKETS; b++) {
    const x0 = left + b * slot + 2;
    series.forEach(([name, v], j) => {
      const n = v.depth[b] ?? 0;
      const h = (n / max) * plotH;
      out += `<rect class="bar" data-series="${name}" x="${(x0 + j * barW).toFixed(1)}" y="${(10 + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[name]}"><title>${esc(`${b * 5}–${b * 5 + 5}%: ${fmt(n)} carts`)}</title></rect>`;
    });
    if (b % 2 === 0) out += `<text x="${x0 + slot / 2 - 2}" y="${height - 32}" class="tick" text-anchor="middle">${b * 5}%</text>`;
  }
  out += `<text x="${left + plotW / 2}" y="${height - 10}" class="axis" text-anchor="middle">discount ÷ subtotal (carts per 5% bucket)</text>`;
  return out + `</svg>`;
}

/** Cumulative cost over the carts' hours, per version, with the global budgets of promotions as lines. */
function burnChart(report: SimulationReport): string {
  const c = report.currency;
  const e = exponentOf(report);
  const series = report.against
    ? ([
        ["against", report.against],
        ["current", report.current],
      ] as const)
    : ([["current", report.current]] as const);
  const hours = [...new Set(series.flatMap(([, v]) => v.byHour.map((h) => h.hour)))].sort();
  const cumulative = series.map(([name, v]) => {
    const perHour = new Map(v.byHour.map((h) => [h.hour, numberOf(h.cost, c)]));
    let acc = 0;
    return { name, points: hours.map((h) => (acc += perHour.get(h) ?? 0)) };
  });
  const budgets: { id: string; minor: number }[] = [];
  for (const p of report.rules.current.promotions) {
    for (const l of p.limits)
      if (l.kind === "budget" && l.per === null && l.period === null && typeof l.max === "string") budgets.push({ id: p.id, minor: numberOf(l.max, c) });
  }
  const top = Math.max(1, ...cumulative.flatMap((s) => s.points), ...budgets.map((b) => b.minor));
  const max = niceMax(top);
  const width = 760;
  const height = 280;
  const left = 70;
  const plotW = width - left - 20;
  const plotH = height - 70;
  const x = (i: number) => left + (hours.length <= 1 ? plotW / 2 : (i / (hours.length - 1)) * plotW);
  const y = (v: number) => 10 + plotH - (v / max) * plotH;
  let out = `<svg class="chart" data-chart="burn" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Cumulative cost per hour">`;
  for (const t of ticks(max))
    out += `<line x1="${left}" y1="${y(t)}" x2="${width - 20}" y2="${y(t)}" class="grid"/><text x="${left - 6}" y="${y(t) + 4}" class="tick" text-anchor="end">${esc(moneyLabel(t, e))}</text>`;
  const step = Math.max(1, Math.ceil(hours.length / 8));
  hours.forEach((h, i) => {
    if (i % step === 0) out += `<text x="${x(i)}" y="${height - 40}" class="tick" text-anchor="middle">${esc(h.slice(5, 13).replace("T", " "))}h</text>`;
  });
  for (const b of budgets)
    out += `<line class="budget" x1="${left}" x2="${width - 20}" y1="${y(b.minor)}" y2="${y(b.minor)}" stroke="${COLORS.budget}" stroke-dasharray="6 4"><title>${esc(`budget of ${b.id}`)}</title></line>`;
  for (const s of cumulative) {
    const d = s.points.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    out += `<path class="line" data-series="${s.name}" d="${d || `M${left},${y(0)}`}" fill="none" stroke="${COLORS[s.name as "current" | "against"]}" stroke-width="2.5"/>`;
  }
  out += `<text x="${left + plotW / 2}" y="${height - 12}" class="axis" text-anchor="middle">hour of the carts' time (UTC), cumulative cost in ${esc(c)}</text>`;
  return out + `</svg>`;
}

/** Diverging bars: cost change per promotion between the versions (or a note when there is no --against). */
function diffChart(report: SimulationReport): string {
  const width = 760;
  if (!report.diff) {
    return `<svg class="chart" data-chart="diff" viewBox="0 0 ${width} 40" width="${width}" height="40" role="img" aria-label="No version diff"><text x="10" y="25" class="label">No --against rules: no version diff.</text></svg>`;
  }
  const c = report.currency;
  const e = exponentOf(report);
  const rows = report.diff.promotions.map((p) => ({ id: p.id, delta: numberOf(p.delta, c) }));
  const max = niceMax(Math.max(1, ...rows.map((r) => Math.abs(r.delta))));
  const label = 200;
  const plot = width - label - 40;
  const mid = label + plot / 2;
  const row = 22;
  const height = rows.length * row + 40;
  let out = `<svg class="chart" data-chart="diff" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Cost change per promotion">`;
  out += `<line x1="${mid}" y1="5" x2="${mid}" y2="${height - 25}" class="axisline"/>`;
  for (const t of [-max, -max / 2, 0, max / 2, max])
    out += `<text x="${mid + (t / max) * (plot / 2)}" y="${height - 8}" class="tick" text-anchor="middle">${esc(moneyLabel(t, e))}</text>`;
  rows.forEach((r, i) => {
    const yy = 10 + i * row;
    const w = (Math.abs(r.delta) / max) * (plot / 2);
    const x0 = r.delta >= 0 ? mid : mid - w;
    out += `<text x="${label - 8}" y="${yy + 13}" text-anchor="end" class="label">${esc(r.id.length > 30 ? `${r.id.slice(0, 29)}…` : r.id)}</text>`;
    out += `<rect class="bar" data-series="delta" x="${x0.toFixed(1)}" y="${yy}" width="${Math.max(w, 0.5).toFixed(1)}" height="${row - 6}" fill="${r.delta >= 0 ? COLORS.up : COLORS.down}"><title>${esc(`${r.id}: ${r.delta >= 0 ? "+" : ""}${moneyLabel(r.delta, e)} ${c}`)}</title></rect>`;
  });
  return out + `</svg>`;
}

function table(headers: string[], rows: (string | number)[][], numeric: boolean[]): string {
  const th = headers.map((h, i) => `<th${numeric[i] ? ' class="n"' : ""}>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td${numeric[i] ? ' class="n"' : ""}>${esc(cell)}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderHtmlReport(report: SimulationReport): string {
  const c = report.currency;
  const v = report.current;
  const status = report.complete
    ? `<p class="ok">Complete: every cart of the input was read.</p>`
    : `<div class="warn"><strong>Incomplete report.</strong><ul>${report.incomplete.map((r) => `<li>${esc(r)}</li>`).join("")}</ul></div>`;
  const summary = table(
    ["", "these rules", ...(report.against ? ["--against", "change"] : [])],
    [
      ["carts simulated", fmt(v.carts), ...(report.against ? [fmt(report.against.carts), ""] : [])],
      ["carts discounted", fmt(v.discounted), ...(report.against ? [fmt(report.against.discounted), fmt(v.discounted - report.against.discounted)] : [])],
      [`subtotal (${c})`, v.subtotal, ...(report.against ? [report.against.subtotal, ""] : [])],
      [`cost of promotions (${c})`, v.cost, ...(report.against ? [report.against.cost, ""] : [])],
      [`total paid (${c})`, v.total, ...(report.against ? [report.against.total, report.diff?.delta ?? ""] : [])],
    ],
    [false, true, true, true],
  );
  const promotions = table(
    [
      "promotion",
      "candidate",
      "applied",
      "rejected (by reason)",
      `cost (${c})`,
      "average",
      "max",
      "max on cart",
      ...(report.funding.declared ? ["by funder"] : []),
    ],
    v.promotions.map((p) => [
      p.id,
      fmt(p.candidate),
      fmt(p.applied),
      Object.entries(p.rejected)
        .map(([r, n]) => `${r} ${fmt(n)}`)
        .join(", ") || "–",
      p.cost,
      p.average ?? "–",
      p.max,
      p.maxCart ?? "–",
      ...(report.funding.declared ? [(p.byFunder ?? []).map((f) => `${f.funder} ${f.cost}`).join(", ")] : []),
    ]),
    [false, true, true, false, true, true, true, false, false],
  );
  const stores = [...v.byStore].sort((a, b) => numberOf(b.discount, c) - numberOf(a.discount, c) || (a.store < b.store ? -1 : 1)).slice(0, 20);
  const storeTable = table(
    ["store", "carts", `subtotal (${c})`, `discount (${c})`],
    stores.map((s) => [s.store, fmt(s.carts), s.subtotal, s.discount]),
    [false, true, true, true],
  );
  let diff = "";
  if (report.diff) {
    const d = report.diff;
    diff = `<h2>Version diff</h2><p>${fmt(d.changed)} of ${fmt(d.carts)} carts changed total (${fmt(d.increased)} up, ${fmt(d.decreased)} down); total paid changed by ${esc(d.delta)} ${esc(c)}.
      Started applying: ${esc(d.startedApplying.join(", ") || "none")}. Stopped applying: ${esc(d.stoppedApplying.join(", ") || "none")}.</p>
      <figure>${diffChart(report)}<figcaption>Cost change per promotion (red: costs more with these rules)</figcaption></figure>
      ${table(
        ["promotion", `cost before (${c})`, `cost after (${c})`, "change", "applied before", "applied after", "started on", "stopped on"],
        d.promotions.map((p) => [p.id, p.costBefore, p.costAfter, p.delta, fmt(p.appliedBefore), fmt(p.appliedAfter), fmt(p.startedOn), fmt(p.stoppedOn)]),
        [false, true, true, true, true, true, true, true],
      )}
      <h3>Largest changes</h3>${table(
        ["cart", "before", "after", "change"],
        d.largest.map((l) => [l.cart, l.before, l.after, l.delta]),
        [false, true, true, true],
      )}`;
  } else {
    diff = `<h2>Version diff</h2><figure>${diffChart(report)}</figure>`;
  }
  const problems =
    report.input.invalid + report.input.otherCurrency === 0
      ? `<p>No invalid carts.</p>`
      : `<p>${fmt(report.input.invalid)} invalid, ${fmt(report.input.otherCurrency)} in another currency (not simulated)${report.input.problems.length < report.input.invalid + report.input.otherCurrency ? `; the first ${report.input.problems.length} listed` : ""}.</p>` +
        table(
          ["file", "line", "path", "problem"],
          report.input.problems.map((p) => [p.file, p.line, p.path || "(line)", p.message]),
          [false, true, false, false],
        );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>promo simulate: ${esc(report.rules.current.label)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:980px;color:#111827;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #f3f4f6;text-align:left}th{background:#f9fafb}.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{background:#fef3c7;border:1px solid #f59e0b;padding:8px 12px;border-radius:6px}.ok{color:#166534}.muted{color:#6b7280}
figure{margin:12px 0}figcaption{color:#6b7280;font-size:12px}svg .grid{stroke:#e5e7eb}svg .axisline{stroke:#6b7280}svg text{font-size:11px;fill:#374151}svg .label{font-size:12px}svg .value{font-size:10px;fill:#6b7280}svg .axis{fill:#6b7280}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h1>Promotion simulation</h1>
<p class="muted">Rules: ${esc(report.rules.current.label)}${report.rules.against ? ` — compared with ${esc(report.rules.against.label)}` : ""}. Currency ${esc(c)}. ${fmt(report.input.records)} carts read from ${fmt(report.input.files.length)} file(s)${report.run ? `, ${fmt(report.run.cartsPerSecond)} carts/s on ${report.run.workers} worker(s)` : ""}.</p>
${status}
${report.notes.map((n) => `<p class="muted">Note: ${esc(n)}</p>`).join("")}
<p class="muted">${esc(report.funding.note)}</p>
<p class="legend"><span><i style="background:${COLORS.current}"></i>these rules</span>${report.against ? `<span><i style="background:${COLORS.against}"></i>--against rules</span>` : ""}</p>
<h2>Summary</h2>${summary}
<h2>Cost per promotion</h2><figure>${costChart(report)}</figure>
${promotions}
<h2>Discount depth</h2><figure>${depthChart(report)}</figure>
<h2>Budget burn over time</h2><figure>${burnChart(report)}<figcaption>Cumulative cost by the hour of the carts' time; dashed: a promotion's total budget.</figcaption></figure>
${diff}
<h2>Stores</h2><p class="muted">The 20 stores with the most discount.</p>${storeTable}
<h2>Input</h2>${problems}
</body></html>
`;
}
