/**
 * Before / after, side by side in one run: two compiled bundles of the same rules (say, one built before a
 * runtime change and one after) priced on the same carts, interleaved batch by batch in fresh processes
 * (bench/perf-interleave.mjs), on raw carts and on carts validated once; "after" must equal "before" on applied
 * ids, line amounts and totals for every measured cart. Prints the figures and the after ÷ before ratios.
 *
 *   node bench/perf-compare.mjs <before.mjs> <after.mjs> <carts.json> [--seconds=1.5]
 */
import { runContenders } from "./perf-interleave.mjs";

const [before, after, carts] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const secondsArg = process.argv.find((a) => a.startsWith("--seconds="));
const seconds = secondsArg ? Number(secondsArg.slice(10)) : 1.5;
if (!before || !after || !carts) {
  console.error("usage: node bench/perf-compare.mjs <before.mjs> <after.mjs> <carts.json> [--seconds=1.5]");
  process.exit(2);
}
const list = await runContenders(
  "before / after",
  [
    { name: "before: evaluate(raw cart)", kind: "bundle", file: before, carts, allocation: true },
    { name: "after: evaluate(raw cart)", kind: "bundle", file: after, carts, allocation: true, ref: "before: evaluate(raw cart)" },
    { name: "before: validated once", kind: "bundle-once", file: before, carts, allocation: true },
    { name: "after: validated once", kind: "bundle-once", file: after, carts, allocation: true, ref: "before: validated once" },
  ],
  { seconds, warmMs: 300, sliceMs: 25, inFlight: 1, progress: (t) => process.stderr.write(`${t}\n`) },
);
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log("| contender | samples | p50 µs | p99 µs | allocated KB / cart | after ÷ before p50 | after ÷ before p99 | equal |");
console.log("|---|---:|---:|---:|---:|---:|---:|---|");
for (const [k, c] of list.entries()) {
  const s = c.result.summary;
  const b = k % 2 === 1 ? list[k - 1].result.summary : null;
  console.log(
    `| ${c.name} | ${s.samples} | ${f(s.p50)} | ${f(s.p99)} | ${c.result.allocated === null ? "–" : (c.result.allocated / 1024).toFixed(1)} | ` +
      `${b ? (s.p50 / b.p50).toFixed(2) : ""} | ${b ? (s.p99 / b.p99).toFixed(2) : ""} | ${c.check ? `${c.check.same}/${c.check.measured}` : "reference"} |`,
  );
}
