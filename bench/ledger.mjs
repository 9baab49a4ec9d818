/**
 * Ledger benchmark: a hot money budget plus a per-customer limit, as at an 11.11 peak. Every order reserves the
 * budget and its buyer's count, then commits. Checkouts are separate processes (bench/ledger-checkout.mjs, one
 * connection each): 1, 8, 32 and 128 at once, on SQLite (WAL, synchronous=FULL) and PostgreSQL. The current design
 * (one counter row per budget, locked by every order) and the sliced one (the budget drawn from slices)
 * run interleaved in the same run, in alternating order, on the same store and processes: ratios come from one run.
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
const DESIGNS = [
  { name: "current: one counter row", key: "sale|budget-plain" },
  { name: "sliced (32 slices)", key: "sale|budget-hot" },
];
const HOT_KEY = DESIGNS[1].key;

function spawn(store) {
  const child = fork(join(import.meta.dirname, "ledger-checkout.mjs"), [store, HOT_KEY], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
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
  const start = performance.now();
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
  const results = await Promise.all(workers.slice(0, n).map((w, i) => w.ask({ op: "run", key: design.key, seconds: SECONDS, prefix: `r${run}-${i}` })));
  sampling = false;
  await sampler;
  run++;
  const elapsed = (performance.now() - start) / 1000;
  return {
    orders: results.reduce((s, r) => s + r.orders, 0),
    refused: results.reduce((s, r) => s + r.refused, 0),
    elapsed,
    latencies: results.flatMap((r) => r.latencies),
    waits,
  };
}

async function benchStore(label, store, open, sample) {
  // The schema, and the hot key sliced once up front (as an operator would before the sale).
  const setup = await open();
  await setup.close();
  const workers = [];
  const most = Math.max(...LEVELS);
  for (let i = 0; i < most; i++) workers.push(spawn(store));
  await Promise.all(workers.map((w) => w.ready));
  const rows = [];
  try {
    for (const n of LEVELS) {
      const acc = DESIGNS.map(() => ({ orders: 0, refused: 0, elapsed: 0, latencies: [], waits: [] }));
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate which design goes first, so drift in the machine's load falls on both.
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const d of order) {
          const m = await round(workers, n, DESIGNS[d], sample);
          acc[d].waits.push(...m.waits);
          acc[d].orders += m.orders;
          acc[d].refused += m.refused;
          acc[d].elapsed += m.elapsed;
          acc[d].latencies.push(...m.latencies);
        }
      }
      DESIGNS.forEach((design, d) => {
        const sorted = acc[d].latencies.sort((a, b) => a - b);
        const waiting = acc[d].waits.length ? acc[d].waits.reduce((a, b) => a + b, 0) / acc[d].waits.length : NaN;
        rows.push({
          store: label,
          n,
          design: design.name,
          sliced: d === 1,
          ordersPerSecond: acc[d].orders / acc[d].elapsed,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          refused: acc[d].refused,
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
  rows.push(...(await benchStore("SQLite", `sqlite:${path}`, () => sqliteLedger(path))));
  const url = process.env.PROMO_BENCH_POSTGRES_URL ?? process.env.PROMO_TEST_POSTGRES_URL;
  if (url) {
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
console.log(`${ROUNDS} interleaved rounds of ${SECONDS} s per design and row; load average ${load.toFixed(1)} at the start)\n`);
console.log(
  "| store | concurrent checkouts | design | orders/s | reserve p50 (ms) | reserve p99 (ms) | checkouts waiting on a row lock (mean) | sliced ÷ current, orders/s |",
);
console.log("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  const current = rows.find((x) => x.store === r.store && x.n === r.n && !x.sliced);
  const ratio = r.sliced ? `${(r.ordersPerSecond / current.ordersPerSecond).toFixed(1)}×` : "";
  console.log(`| ${r.store} | ${r.n} | ${r.design} | ${fmt(r.ordersPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.waiting)} | ${ratio} |`);
}
const pgAt = (n, sliced) => rows.find((r) => r.store === "PostgreSQL" && r.n === n && r.sliced === sliced);
if (pgAt(32, true) && pgAt(32, false) && pgAt(1, true)) {
  const speedup = pgAt(32, true).ordersPerSecond / pgAt(32, false).ordersPerSecond;
  const latency = pgAt(32, true).p99 / pgAt(1, true).p99;
  console.log("\nTargets (PostgreSQL, one hot budget, 32 concurrent checkouts):");
  console.log(`- orders/s ≥ 20× today's: ${speedup.toFixed(1)}× ${speedup >= 20 ? "✅" : "❌"}`);
  console.log(
    `- p99 reserve latency ≤ 3× the uncontended p99: ${ms(pgAt(32, true).p99)} ms vs ${ms(pgAt(1, true).p99)} ms = ${latency.toFixed(1)}× ${latency <= 3 ? "✅" : "❌"}`,
  );
}
