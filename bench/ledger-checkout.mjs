// One checkout process for bench/ledger.mjs: opens one ledger per design named in argv (JSON: [{ key, options }],
// one connection each), then on { op: "run", design, seconds, prefix } reserves and commits orders (a per-customer
// count and the design's budget key) back to back through that design's ledger until the time is up, and answers
// { orders, refused, latencies } (reserve latencies in ms).
import { openLedger } from "../packages/ledger/dist/index.js";

const [store, designsJson] = process.argv.slice(2);
const designs = JSON.parse(designsJson);
const ledgers = [];
for (const d of designs) ledgers.push(await openLedger(store, { migrate: false, poolSize: 1, ...d.options }));
const MAX = 1_000_000_000_000;

process.on("message", async (m) => {
  if (m.op === "exit") {
    for (const ledger of ledgers) await ledger.close();
    process.send({ bye: true }, () => process.exit(0));
    return;
  }
  const ledger = ledgers[m.design];
  const key = designs[m.design].key;
  const latencies = [];
  let orders = 0;
  let refused = 0;
  const deadline = performance.now() + m.seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    const id = `${m.prefix}-${i}`;
    const reservations = [
      { promotion: "sale", limit: 0, key: `sale|count|customer:${id}`, amount: 1, max: 1, onCancel: "return" },
      { promotion: "sale", limit: 1, key, amount: 500, max: MAX, onCancel: "return" },
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
