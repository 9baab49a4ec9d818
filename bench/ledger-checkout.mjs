// One checkout process for bench/ledger.mjs: opens one ledger per design named in argv (JSON: [{ key, options }])
// when asked ({ op: "open", design, poolSize }: that design's ledger opened, every other closed, so that only one
// design's connections exist at a time), then on { op: "run", design, seconds, prefix, inflight } reserves and
// commits orders (a per-customer count and the design's budget key) through that design's ledger until the time is
// up: `inflight` orders at a time (the concurrent requests of one checkout server), each reserved then committed,
// and answers { orders, refused, failed, latencies } (reserve latencies in ms; `failed`: operations that threw).
import { openLedger } from "../packages/ledger/dist/index.js";

const [store, designsJson] = process.argv.slice(2);
const designs = JSON.parse(designsJson);
const ledgers = new Map();
const MAX = 1_000_000_000_000;

async function open(design, poolSize) {
  for (const [d, ledger] of ledgers) {
    if (d === design) continue;
    ledgers.delete(d);
    await ledger.close();
  }
  if (ledgers.has(design)) return;
  const ledger = await openLedger(store, { migrate: false, poolSize, ...designs[design].options });
  ledgers.set(design, ledger);
  // Every pooled connection made now, not in the timed part: as many reads at once as the pool has connections.
  await Promise.all(Array.from({ length: poolSize }, () => ledger.usageFor([designs[design].key])));
}

process.on("message", async (m) => {
  if (m.op === "exit") {
    for (const ledger of ledgers.values()) await ledger.close();
    process.send({ bye: true }, () => process.exit(0));
    return;
  }
  if (m.op === "open") {
    await open(m.design, m.poolSize);
    process.send({ opened: true });
    return;
  }
  await open(m.design, m.poolSize ?? 1);
  const ledger = ledgers.get(m.design);
  const key = designs[m.design].key;
  const latencies = [];
  let orders = 0;
  let refused = 0;
  let failed = 0;
  const deadline = performance.now() + m.seconds * 1000;
  const checkout = async (lane) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const id = `${m.prefix}-${lane}-${i}`;
      const reservations = [
        { promotion: "sale", limit: 0, key: `sale|count|customer:${id}`, amount: 1, max: 1, onCancel: "return" },
        { promotion: "sale", limit: 1, key, amount: 500, max: MAX, onCancel: "return" },
      ];
      try {
        const t = performance.now();
        const reserved = await ledger.reserve(id, reservations);
        latencies.push(performance.now() - t);
        if (!reserved.ok) {
          refused++;
          continue;
        }
        if ((await ledger.commit(id)).ok) orders++;
      } catch (error) {
        // An operation that failed (the store unavailable, retries used up): counted and reported, not fatal.
        failed++;
        if (failed === 1) console.error(`checkout ${process.pid}: ${error?.message ?? error}`);
      }
    }
  };
  await Promise.all(Array.from({ length: m.inflight ?? 1 }, (_, lane) => checkout(lane)));
  process.send({ orders, refused, failed, latencies });
});
process.send({ ready: true });
