// One simulation in a fresh process (so its peak RSS is its own): prints { records, simulated, elapsedMs, maxRssMb }.
//   node bench/simulate-run.mjs <bundle.mjs> <carts> <workers>
import { simulateToReport } from "../packages/simulate/dist/index.js";

const [bundle, carts, workers] = process.argv.slice(2);
const started = performance.now();
const report = await simulateToReport({ path: bundle }, carts, { workers: Number(workers) });
const elapsedMs = performance.now() - started;
console.log(
  JSON.stringify({
    records: report.input.records,
    simulated: report.input.simulated,
    complete: report.complete,
    cost: report.current.cost,
    elapsedMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
