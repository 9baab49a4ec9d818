// One checkout process for bench/ledger.mjs: opens the ledger named in argv (one connection), then on
// { op: "run", key, seconds, prefix } reserves and commits orders (a per-customer count and the budget `key`)
// back to back until the time is up, and answers { orders, refused, latencies } (reserve latencies in ms).
import { openLedger } from "../packages/ledger/dist/index.js";

const [store, hotKey] = process.argv.slice(2);
const ledger = await openLedger(store, { migrate: false, poolSize: 1, hot: { keys: [hotKey], slices: 32 } });
const MAX = 1_000_000_000_000;

process.on("message", async (m) => {
  if (m.op === "exit") {
    await ledger.close();
    process.send({ bye: true }, () => process.exit(0));
    return;
  }
  const latencies = [];
  let orders = 0;
  let refused = 0;
  const deadline = performance.now() + m.seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    const id = `${m.prefix}-${i}`;
    const reservations = [
      { promotion: "sale", limit: 0, key: `sale|count|customer:${id}`, amount: 1, max: 1, onCancel: "return" },
      { promotion: "sale", limit: 1, key: m.key, amount: 500, max: MAX, onCancel: "return" },
    ];
    const t = performance.now();
    const reserved = await ledger.reserve(id, reservations);
    latencies.push(performance.now() - t);
    if (!reserved.ok) {
      refused++;
      continue;
    }
    if ((await ledger.commit(id)).ok) orders++;
  }
  process.send({ orders, refused, latencies });
});
process.send({ ready: true });
