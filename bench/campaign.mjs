/**
 * Campaign eligibility benchmark: 100,000 product + store snapshots checked against an 11.11-style requirement
 * list (sales in 30 days, rating ≥ 4.5 with a sale, listed ≥ 24 h, category, store evaluation, free delivery).
 * One core, the pure @promo/campaign check; prints products/s against the 200,000/s target. Never asserts.
 */
import { checkEligibility } from "../packages/campaign/dist/index.js";
import { loadavg } from "node:os";
import { writeResultsSection } from "./results-section.mjs";

const N = Number(process.env.PROMO_BENCH_PRODUCTS ?? 100_000);
const requirements = [
  { reason: "no-recent-sales", fact: "product.sales30d", op: ">=", value: 1 },
  { reason: "rating-too-low", fact: "product.rating", op: ">=", value: 4.5, onlyWhenPositive: "product.sales30d" },
  { reason: "listed-too-recently", fact: "product.listedHours", op: ">=", value: 24 },
  { reason: "category-not-eligible", fact: "product.category", op: "in", value: ["phones", "home", "toys"] },
  { reason: "store-evaluation-too-low", fact: "store.evaluationPercent", op: ">", value: 90 },
  { reason: "no-free-delivery", fact: "product.freeDelivery", op: "==", value: true },
];
const categories = ["phones", "home", "toys", "books"];
const snapshots = Array.from({ length: N }, (_, i) => ({
  product: {
    sales30d: i % 7,
    rating: 4 + (i % 11) / 10,
    listedHours: i % 50,
    category: categories[i % 4],
    freeDelivery: i % 3 !== 0,
  },
  store: { evaluationPercent: 85 + (i % 15) },
}));

let best = Infinity;
let eligible = 0;
for (let round = 0; round < 5; round++) {
  eligible = 0;
  const start = process.hrtime.bigint();
  for (const s of snapshots) if (checkEligibility(requirements, s).length === 0) eligible++;
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}
const rate = Math.round(N / best);
console.log(
  `campaign check: ${N} products in ${(best * 1000).toFixed(1)} ms (best of 5) = ${rate.toLocaleString("en-US")} products/s on one core; ${eligible} eligible; target 200,000/s ${rate >= 200_000 ? "met" : "NOT met"}`,
);

if (process.argv.includes("--write")) {
  writeResultsSection(
    "campaign.mjs",
    `## Campaign eligibility (\`bench/campaign.mjs\`)

${N.toLocaleString("en-US")} product + store snapshots against six 11.11-style requirements (sales, rating ≥ 4.5 with a sale, listed
≥ 24 h, category, store evaluation, free delivery), pure \`checkEligibility\` from \`@promo/campaign\`, one process,
best of 5 rounds, load average ${loadavg()[0].toFixed(1)} on the shared 2-core machine: **${(best * 1000).toFixed(1)} ms = ${rate.toLocaleString("en-US")} products/s**
(target ≥ 200,000/s: ${rate >= 200_000 ? "✅" : "❌"}). Covers the pure check only; reading a rule file's \`campaign\` declaration is not built yet.`,
  );
}
