// `promo simulate` benchmark: 11.11 carts (scripts/generate-carts.mjs) against examples/aliexpress-11-11.promo with
// 2 workers, at two input sizes, each run in a fresh process: carts/s and peak RSS (process.resourceUsage().maxRSS,
// which counts the worker threads too). Writes its section of bench/results.md (between the simulate markers;
// run after performance.mjs, which rewrites the file). Never asserts; not part of `npm test`.
//   node bench/simulate.mjs [--sizes 250000,1000000] [--workers 2]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option("sizes", "250000,1000000").split(",").map(Number);
const workers = Number(option("workers", "2"));
const dir = mkdtempSync(join(tmpdir(), "promo-simulate-bench-"));
const node = process.execPath;
const load = () => loadavg()[0].toFixed(1);
const startLoad = load();
const rows = [];
try {
  const bundle = join(dir, "ae.mjs");
  execFileSync(node, [join(root, "packages/cli/bin/promo.js"), "compile", join(root, "examples/aliexpress-11-11.promo"), "-o", bundle], { stdio: "inherit" });
  for (const size of sizes) {
    const carts = join(dir, `carts-${size}.ndjson`);
    execFileSync(node, [join(root, "scripts/generate-carts.mjs"), "--carts", String(size), "--out", carts], { stdio: "inherit" });
    // statSync, not reading the file: Linux carries a forked parent's peak RSS into the child's maxRSS.
    const bytes = statSync(carts).size;
    const before = load();
    const out = execFileSync(node, [join(here, "simulate-run.mjs"), bundle, carts, String(workers)], { encoding: "utf8" });
    const result = JSON.parse(out.trim().split("\n").pop());
    const perSecond = (result.records * 1000) / result.elapsedMs;
    rows.push({ size, bytes, ...result, perSecond, load: `${before} → ${load()}` });
    console.log(`${size} carts: ${Math.round(perSecond)} carts/s, peak RSS ${result.maxRssMb.toFixed(0)} MB`);
    rmSync(carts);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const largest = rows[rows.length - 1];
const perMinute = largest.perSecond * 60;
const maxRss = Math.max(...rows.map((r) => r.maxRssMb));
const growth = rows.length > 1 ? rows[rows.length - 1].maxRssMb / rows[0].maxRssMb : 1;
const verdict = (ok, text) => `${ok ? "✅ met" : "❌ not met"}: ${text}`;
const section = `<!-- simulate:start -->
## Simulation (\`promo simulate\`)

Machine: ${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}.
Date: ${new Date().toISOString()}. Load average (1 min) ${startLoad} at start, ${load()} at end: the machine is shared
with other work, so carts/s are lower than on a quiet machine.
Command: \`node bench/simulate.mjs\` (carts from \`scripts/generate-carts.mjs\`, rules examples/aliexpress-11-11.promo,
${workers} workers, each size in a fresh process).

- ${verdict(perMinute >= 1_000_000, `≥ 1,000,000 carts/min with ${workers} workers (${fmt(perMinute)} carts/min at ${fmt(largest.size)} carts)`)}
- ${verdict(maxRss <= 400, `peak RSS ≤ 400 MB (${maxRss.toFixed(0)} MB)`)}
- ${verdict(growth <= 1.25, `peak RSS flat as input grows (× ${growth.toFixed(2)} from ${fmt(rows[0].size)} to ${fmt(largest.size)} carts)`)}

| carts | input | workers | simulated | time s | carts/s | carts/min | peak RSS MB | load (1 min) |
|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.map((r) => `| ${fmt(r.size)} | ${(r.bytes / 2 ** 20).toFixed(0)} MB | ${workers} | ${fmt(r.simulated)} | ${(r.elapsedMs / 1000).toFixed(1)} | ${fmt(r.perSecond)} | ${fmt(r.perSecond * 60)} | ${r.maxRssMb.toFixed(0)} | ${r.load} |`).join("\n")}

Time covers the whole run: loading the bundle into the workers, reading and splitting the NDJSON, validating and
pricing every cart, and building the report. Input is streamed (1 MB reads, batches of 500 lines, at most 4 batches
in flight per worker), so memory does not depend on the input's size.
<!-- simulate:end -->
`;
const resultsPath = join(here, "results.md");
const existing = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "";
const marked = /<!-- simulate:start -->[\s\S]*<!-- simulate:end -->\n?/;
writeFileSync(resultsPath, marked.test(existing) ? existing.replace(marked, section) : `${existing.replace(/\n*$/, "\n\n")}${section}`);
console.log("wrote the simulation section of bench/results.md");
