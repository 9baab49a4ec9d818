/**
 * Ledger benchmark: reservations per second on each store (memory, SQLite, PostgreSQL). Each order reserves what a
 * typical limited coupon asks (a per-customer count and a global money budget, a hot key every order locks), then
 * commits, as a checkout does (so live holds stay few). Prints, for one checkout at a time, reserve/s (time in
 * reserve only) and orders/s (reserve + commit), and orders/s for concurrent checkouts; never asserts. PostgreSQL runs when
 * PROMO_BENCH_POSTGRES_URL or PROMO_TEST_POSTGRES_URL names a server (see scripts/test-postgres.sh); each run
 * uses a fresh database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { memoryLedger, postgresLedger, sqliteLedger } from "../packages/ledger/dist/index.js";

const SECONDS = Number(process.env.PROMO_BENCH_SECONDS ?? 3);
const CONCURRENCY = 8;
let run = 0;
const order = (i) => [
  { promotion: "launch", limit: 0, key: `launch|count|customer:c${i}`, amount: 1, max: 1, onCancel: "return" },
  { promotion: "launch", limit: 1, key: "launch|budget", amount: 500, max: Number.MAX_SAFE_INTEGER, onCancel: "return" },
];

/** Reserve + commit orders for SECONDS with `concurrency` checkouts at once; orders/s and reserve/s (time in reserve). */
async function measure(ledger, concurrency) {
  const prefix = `r${run++}-`;
  let next = 0;
  let inReserve = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = prefix + next++;
      const t = performance.now();
      const r = await ledger.reserve(id, order(id));
      inReserve += performance.now() - t;
      if (r.ok) await ledger.commit(id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { orders: next / ((performance.now() - start) / 1000), reserves: next / (inReserve / 1000 / concurrency) };
}

async function bench(name, open, concurrency) {
  const ledger = await open();
  try {
    const one = await measure(ledger, 1);
    const many = await measure(ledger, concurrency);
    return { name, reserveOnly: one.reserves, one: one.orders, full: many.orders, concurrency };
  } finally {
    await ledger.close();
  }
}

const scratch = mkdtempSync(join(tmpdir(), "promo-ledger-bench-"));
const rows = [];
try {
  rows.push(await bench("memory", async () => memoryLedger(), CONCURRENCY));
  rows.push(await bench("SQLite (WAL, synchronous=FULL, the default)", () => sqliteLedger(join(scratch, "full.db")), CONCURRENCY));
  rows.push(await bench("SQLite (WAL, synchronous=NORMAL)", () => sqliteLedger(join(scratch, "normal.db"), { synchronous: "normal" }), CONCURRENCY));
  const url = process.env.PROMO_BENCH_POSTGRES_URL ?? process.env.PROMO_TEST_POSTGRES_URL;
  if (url) {
    const name = `ledger_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    try {
      rows.push(await bench("PostgreSQL (pool of 8)", () => postgresLedger(dbUrl.toString(), { migrate: true, poolSize: CONCURRENCY }), CONCURRENCY));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  } else {
    console.log("PostgreSQL skipped: set PROMO_BENCH_POSTGRES_URL (or eval \"$(scripts/test-postgres.sh start)\")");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
console.log(`\nLedger: orders reserving a per-customer count and a money budget (${SECONDS} s each)\n`);
console.log(`| store | reserve/s, one checkout | orders/s (reserve + commit), one checkout | orders/s, ${CONCURRENCY} concurrent checkouts |`);
console.log("| --- | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.reserveOnly)} | ${fmt(r.one)} | ${fmt(r.full)} |`);
