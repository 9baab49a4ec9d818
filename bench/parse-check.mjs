/**
 * Front-end benchmark: parse and check a generated file of 10,000 promotions. Prints figures; never asserts
 * (timings on shared machines are noisy). Run with `npm run bench`.
 */
import { cpus, totalmem } from "node:os";
import { checkSource, memoryHost, checkFiles } from "../packages/dsl/dist/index.js";
import { formatSource } from "../packages/dsl/dist/formatter/format.js";
import { generatePromotions } from "./generate.mjs";

const sizes = [1000, 10000];
const runs = 5;

function measure(fn) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { result, median: times[Math.floor(times.length / 2)], best: times[0] };
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log("| promotions | size | parse + check (median of 5) | best | per promotion | diagnostics | fmt |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const n of sizes) {
  const text = generatePromotions(n);
  checkSource("warm-up.promo", generatePromotions(200)); // parser construction and JIT warm-up
  const host = memoryHost({ "bench.promo": text });
  const run = measure(() => checkFiles(["bench.promo"], host));
  const fmt = measure(() => formatSource("bench.promo", text));
  const errors = run.result.diagnostics.filter((d) => d.severity === "error").length;
  const stages = run.result.timings.map((t) => `${t.stage} ${t.ms.toFixed(0)} ms`).join(", ");
  console.log(
    `| ${n.toLocaleString("en-US")} | ${(text.length / 1e6).toFixed(2)} MB | ${run.median.toFixed(0)} ms | ${run.best.toFixed(0)} ms | ${((run.median / n) * 1000).toFixed(1)} µs | ${errors} errors | ${fmt.median.toFixed(0)} ms |`,
  );
  console.log(`  stages (last run): ${stages}`);
  if (errors > 0)
    console.log(
      "  first error:",
      run.result.diagnostics.find((d) => d.severity === "error"),
    );
}
