/**
 * Ledger benchmark: a hot money budget plus a per-customer limit, as at an 11.11 peak. Every order reserves the
 * budget and its buyer's count, then commits. Checkouts are separate processes (bench/ledger-checkout.mjs): 1, 8,
 * 32 and 128 at once, on SQLite (WAL, synchronous=FULL) and PostgreSQL. Each checkout process has
 * PROMO_BENCH_INFLIGHT orders in flight at once (default 8: the concurrent requests of one checkout server), each
 * reserved then committed; every design runs with the same number in flight. A design without batching gets one
 * pooled connection per order in flight; the batched design one connection for its batches and one for the
 * client-side paths. The current design (one counter row per budget, locked by every order), the sliced one (the
 * budget drawn from slices), the sliced one through the server-side functions (PostgreSQL), leases, and the
 * batched server functions run interleaved in the same run, in alternating order, on the same store and
 * processes: ratios come from one run. Only one design's connections are open at a time (a checkout process opens
 * the design's ledger before its round and closes the others). PROMO_BENCH_STORES (default sqlite,postgres) picks
 * the stores; PROMO_BENCH_DESIGNS (a comma-separated list of indexes into DESIGNS, default all) the designs.
 * Prints orders/s and reserve latency (p50, p99) per row and judges the targets; never asserts.
 * PostgreSQL runs when PROMO_BENCH_POSTGRES_URL or PROMO_TEST_POSTGRES_URL names a server (scripts/test-postgres.sh).
 * PROMO_BENCH_SECONDS (default 3) per round, PROMO_BENCH_ROUNDS (default 2) rounds per design, PROMO_BENCH_CHECKOUTS
 * (default 1,8,32,128); PROMO_BENCH_WAITS=1 prints what the PostgreSQL backends wait for, sample by sample.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { postgresLedger, sqliteLedger } from "../packages/ledger/dist/index.js";

const SECONDS = Number(process.env.PROMO_BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.PROMO_BENCH_ROUNDS ?? 2);
const LEVELS = (process.env.PROMO_BENCH_CHECKOUTS ?? "1,8,32,128").split(",").map(Number);
const STORES = (process.env.PROMO_BENCH_STORES ?? "sqlite,postgres").split(",");
const INFLIGHT = Number(process.env.PROMO_BENCH_INFLIGHT ?? 8);
const hot = (key) => ({ keys: [key], slices: 32 });
/**
 * The designs, each with its own budget key. On PostgreSQL the current design and plain slicing reserve and commit
 * through client-side transactions (`serverFunction: false`, as before the server functions); the last three
 * reserve and commit in one round trip each (promo_ledger_reserve, promo_ledger_commit), on one counter row, on 32
 * slices, and drawing the budget from leases of 100 orders' worth. SQLite has no server functions: the current and
 * sliced designs, and leases.
 */
const DESIGNS = [
  { name: "current: one counter row", key: "sale|budget-plain", options: { serverFunction: false }, sliced: false },
  {
    // For reference: the current design as the earlier runs measured it, each checkout process one order at a time.
    name: "current, 1 order in flight per checkout",
    key: "sale|budget-plain-1",
    options: { serverFunction: false },
    sliced: false,
    inflight: 1,
  },
  { name: "sliced (32 slices)", key: "sale|budget-hot", options: { serverFunction: false, hot: hot("sale|budget-hot") }, sliced: true },
  { name: "server function, one counter row", key: "sale|budget-fn-plain", options: {}, sliced: false, postgresOnly: true },
  {
    name: "sliced + server function (1 round trip)",
    key: "sale|budget-fn",
    options: { hot: hot("sale|budget-fn") },
    sliced: true,
    postgresOnly: true,
  },
  {
    name: "server function + leases (100 orders each)",
    sqliteName: "leases (100 orders each)",
    key: "sale|budget-lease",
    options: { hot: hot("sale|budget-lease"), leases: { keys: ["sale|budget-lease"], units: 50_000, ttlMs: 60_000 } },
    sliced: true,
  },
  {
    name: "sliced + server function, batched",
    key: "sale|budget-batch",
    options: { hot: hot("sale|budget-batch"), batch: true },
    sliced: true,
    postgresOnly: true,
    batched: true,
  },
];
const picked = process.env.PROMO_BENCH_DESIGNS?.split(",").map(Number);

function spawn(store, designs) {
  const child = fork(join(import.meta.dirname, "ledger-checkout.mjs"), [store, JSON.stringify(designs)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = new Promise((resolve, reject) => {
    child.once("message", (m) => (m.ready ? resolve() : reject(new Error("checkout process did not start"))));
    child.once("exit", (code) => reject(new Error(`checkout process exited (${code})`)));
  });
  const ask = (message) =>
    new Promise((resolve) => {
      child.once("message", resolve);
      child.send(message);
    });
  return { child, ready, ask };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
let run = 0;

/**
 * One round: `n` processes check out for SECONDS against one design's budget key. `sample` (PostgreSQL) counts the
 * checkouts' server backends that wait for a row lock, every 20 ms: the queue on a hot row, independent of CPU speed.
 */
async function round(workers, n, design, sample) {
  // The design's ledger opened in every checkout first (its connections made), outside the timed part.
  const inflight = design.inflight ?? INFLIGHT;
  const poolSize = design.batched ? 2 : inflight;
  await Promise.all(workers.slice(0, n).map((w) => w.ask({ op: "open", design: design.index, poolSize })));
  const waits = [];
  let sampling = true;
  const sampler = sample
    ? (async () => {
        while (sampling) {
          waits.push(await sample());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })()
    : Promise.resolve();
  const start = performance.now();
  const results = await Promise.all(
    workers.slice(0, n).map((w, i) => w.ask({ op: "run", design: design.index, seconds: SECONDS, prefix: `r${run}-${i}`, inflight, poolSize })),
  );
  sampling = false;
  await sampler;
  run++;
  const elapsed = (performance.now() - start) / 1000;
  return {
    orders: results.reduce((s, r) => s + r.orders, 0),
    refused: results.reduce((s, r) => s + r.refused, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    elapsed,
    latencies: results.flatMap((r) => r.latencies),
    waits,
  };
}

async function benchStore(label, store, open, sample) {
  // The schema, and the hot key sliced once up front (as an operator would before the sale).
  const setup = await open();
  await setup.close();
  const designs = DESIGNS.filter((d, i) => (label === "PostgreSQL" || !d.postgresOnly) && (!picked || i === 0 || picked.includes(i))).map((d, index) => ({
    ...d,
    name: label === "SQLite" ? (d.sqliteName ?? d.name) : d.name,
    index,
  }));
  const workers = [];
  const most = Math.max(...LEVELS);
  for (let i = 0; i < most; i++) workers.push(spawn(store, designs));
  await Promise.all(workers.map((w) => w.ready));
  const rows = [];
  try {
    for (const n of LEVELS) {
      const acc = designs.map(() => ({ orders: 0, refused: 0, failed: 0, elapsed: 0, latencies: [], waits: [] }));
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate the order of the designs, so drift in the machine's load falls on all of them.
        const order = designs.map((_, d) => d);
        if (r % 2 === 1) order.reverse();
        for (const d of order) {
          const m = await round(workers, n, designs[d], sample);
          acc[d].waits.push(...m.waits);
          acc[d].orders += m.orders;
          acc[d].refused += m.refused;
          acc[d].failed += m.failed;
          acc[d].elapsed += m.elapsed;
          acc[d].latencies.push(...m.latencies);
        }
      }
      designs.forEach((design, d) => {
        const sorted = acc[d].latencies.sort((a, b) => a - b);
        const waiting = acc[d].waits.length ? acc[d].waits.reduce((a, b) => a + b, 0) / acc[d].waits.length : NaN;
        rows.push({
          store: label,
          n,
          design: design.name,
          current: d === 0,
          ordersPerSecond: acc[d].orders / acc[d].elapsed,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          refused: acc[d].refused,
          failed: acc[d].failed,
          waiting,
        });
      });
      console.error(`${label}: ${n} checkouts done`);
    }
  } finally {
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.child.once("exit", resolve), w.child.send({ op: "exit" })))));
  }
  return rows;
}

const load = loadavg()[0];
const scratch = mkdtempSync(join(tmpdir(), "promo-ledger-bench-"));
const rows = [];
try {
  const path = join(scratch, "bench.db");
  if (STORES.includes("sqlite")) rows.push(...(await benchStore("SQLite", `sqlite:${path}`, () => sqliteLedger(path))));
  const url = process.env.PROMO_BENCH_POSTGRES_URL ?? process.env.PROMO_TEST_POSTGRES_URL;
  if (url && STORES.includes("postgres")) {
    const name = `ledger_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    let sample = async () =>
      Number(
        (
          await admin.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND wait_event IN ('tuple', 'transactionid')",
            [name],
          )
        ).rows[0].n,
      );
    if (process.env.PROMO_BENCH_WAITS) {
      // Diagnostics: every kind of wait the checkouts' backends are in, summed over the samples, per round.
      const plain = sample;
      sample = async () => {
        const rows = (
          await admin.query(
            "SELECT wait_event_type || ':' || wait_event AS w, count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event IS NOT NULL AND pid <> pg_backend_pid() GROUP BY 1",
            [name],
          )
        ).rows;
        console.error(rows.map((r) => `${r.w}=${r.n}`).join(" "));
        return plain();
      };
    }
    try {
      rows.push(...(await benchStore("PostgreSQL", dbUrl.toString(), () => postgresLedger(dbUrl.toString(), { migrate: true }), sample)));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.log('PostgreSQL skipped: set PROMO_BENCH_POSTGRES_URL (or eval "$(scripts/test-postgres.sh start)")');
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
const ms = (n) => (Number.isFinite(n) ? n.toFixed(1) : "–");
console.log(`\nLedger: orders reserving a hot money budget and a per-customer count, then committing (checkouts are processes;`);
console.log(
  `${INFLIGHT} orders in flight per checkout process; ${ROUNDS} interleaved rounds of ${SECONDS} s per design and row; load average ${load.toFixed(1)} at the start)\n`,
);
console.log(
  "| store | concurrent checkouts | design | orders/s | reserve p50 (ms) | reserve p99 (ms) | checkouts waiting on a row lock (mean) | ÷ current, orders/s |",
);
console.log("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  const current = rows.find((x) => x.store === r.store && x.n === r.n && x.current);
  const ratio = r.current ? "" : `${(r.ordersPerSecond / current.ordersPerSecond).toFixed(1)}×`;
  console.log(`| ${r.store} | ${r.n} | ${r.design} | ${fmt(r.ordersPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.waiting)} | ${ratio} |`);
}
for (const r of rows.filter((x) => x.failed > 0)) console.log(`\n${r.store}, ${r.n} checkouts, ${r.design}: ${r.failed} orders failed with an error`);
const pgAt = (n, design) => rows.find((r) => r.store === "PostgreSQL" && r.n === n && r.design === design);
const current = pgAt(32, DESIGNS[0].name);
if (current) {
  console.log("\nTargets (PostgreSQL, one hot budget, 32 concurrent checkouts), per design:");
  const one = pgAt(32, DESIGNS[1].name);
  for (const d of DESIGNS.slice(2)) {
    const at32 = pgAt(32, d.name);
    if (!at32) continue;
    const speedup = at32.ordersPerSecond / current.ordersPerSecond;
    const againstOne = one ? ` (${(at32.ordersPerSecond / one.ordersPerSecond).toFixed(1)}× the current design at 1 order in flight per checkout)` : "";
    console.log(`- ${d.name}: orders/s ≥ 20× today's: ${speedup.toFixed(1)}× ${speedup >= 20 ? "✅" : "❌"}${againstOne}`);
    const alone = pgAt(1, d.name);
    if (alone) {
      const latency = at32.p99 / alone.p99;
      console.log(
        `  p99 reserve latency ≤ 3× the uncontended p99: ${ms(at32.p99)} ms vs ${ms(alone.p99)} ms = ${latency.toFixed(1)}× ${latency <= 3 ? "✅" : "❌"}`,
      );
    }
  }
}
console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
