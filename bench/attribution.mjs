// Affiliate attribution throughput: orders of 20 lines, journeys of 50 events, one core.
import { attribute } from "../packages/runtime/dist/attribution/evaluate.js";
import { loadavg } from "node:os";
import { writeResultsSection } from "./results-section.mjs";

const pst = (s) => Date.parse(`2026-${s}-08:00`);
const rules = {
  windows: [{ from: pst("10-28T06:00:00"), to: pst("11-10T05:00:00"), model: "first-cookie" }],
  defaultModel: "last-cookie",
  lookbackMs: 30 * 86_400_000,
  salePeriod: { from: pst("10-28T06:00:00"), to: pst("11-12T05:00:00") },
  storeRateBp: 300,
  featured: { sku3: 800 },
  premium: { webmasters: ["w1"], rateBp: 1000, from: pst("11-10T05:00:00"), to: pst("11-12T05:00:00") },
};
const N = 200;
const cases = [];
for (let c = 0; c < N; c++) {
  const lines = [];
  for (let i = 0; i < 20; i++) lines.push({ id: `l${i}`, sku: `sku${(i + c) % 30}`, quantity: 1 + (i % 3), paidMinor: 1_000 + i * 137 + c });
  const journey = [];
  const kinds = ["click", "click", "cart", "click", "coupon"];
  for (let e = 0; e < 50; e++)
    journey.push({
      id: `e${e}`,
      at: pst("11-05T00:00:00") + ((e * 7919 + c) % 500_000_000),
      kind: kinds[e % 5],
      webmaster: `w${e % 7}`,
      sku: e % 4 === 0 ? undefined : `sku${(e * 3 + c) % 30}`,
    });
  cases.push({ order: { paidAt: pst("11-10T10:00:00"), lines }, journey });
}
for (let i = 0; i < 2_000; i++) attribute(rules, cases[i % N].order, cases[i % N].journey);
const runs = 20_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < runs; i++) attribute(rules, cases[i % N].order, cases[i % N].journey);
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`attribution: ${Math.round(runs / s).toLocaleString("en-US")} journeys/s (20 lines, 50 events, one core)`);
const t1 = process.hrtime.bigint();
for (let i = 0; i < runs; i++) attribute(rules, cases[i % N].order, cases[i % N].journey, { explain: false });
const s1 = Number(process.hrtime.bigint() - t1) / 1e9;
console.log(`attribution without explanation: ${Math.round(runs / s1).toLocaleString("en-US")} journeys/s`);

if (process.argv.includes("--write")) {
  const withExplanation = Math.round(runs / s);
  const withoutExplanation = Math.round(runs / s1);
  const judge = (rate) => (rate >= 100_000 ? "✅" : "❌");
  writeResultsSection(
    "attribution.mjs",
    `## Affiliate attribution (\`bench/attribution.mjs\`)

${N} generated orders of 20 lines with journeys of 50 events (clicks, adds to cart, coupon activations from 7
webmasters, some store-wide, some per goods), ${runs.toLocaleString("en-US")} attributions after a warm-up, one core, load average
${loadavg()[0].toFixed(1)} on the shared 2-core machine. Target ≥ 100,000 journeys/s.

| mode | journeys/s | target |
|---|---:|:---:|
| with explanation (every losing touchpoint listed per line) | ${withExplanation.toLocaleString("en-US")} | ${judge(withExplanation)} |
| \`explain: false\` (winner, rule, commission only) | ${withoutExplanation.toLocaleString("en-US")} | ${judge(withoutExplanation)} |`,
  );
}
