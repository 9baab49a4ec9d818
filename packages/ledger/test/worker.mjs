// A checkout process for the ledger's multi-process tests: opens the store named in argv (with the ledger options
// given as JSON in the third argument, e.g. hot limits), then does what the parent asks over IPC
// ({ op: "reserve" | "commit" | "release" | "race" | "checkouts", ... }) and answers { id, result } or { id, error }.
import { setTimeout as sleep } from "node:timers/promises";
import { LedgerUnavailableError, openLedger } from "../dist/index.js";

const [store, holdMs, extra] = process.argv.slice(2);
const ledger = await openLedger(store, { holdMs: Number(holdMs), migrate: false, poolSize: 4, ...(extra ? JSON.parse(extra) : {}) });

/** Retries an operation the store could not run (connection dropped, server restarting): each is idempotent by order id. */
async function patiently(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof LedgerUnavailableError) || attempt >= 600) throw error;
      await sleep(25);
    }
  }
}

process.on("message", async (message) => {
  const { id, op } = message;
  try {
    let result;
    if (op === "reserve") result = await ledger.reserve(message.orderId, message.reservations);
    else if (op === "commit") result = await ledger.commit(message.orderId);
    else if (op === "release") result = await ledger.release(message.orderId);
    else if (op === "releaseLeases") result = await patiently(() => ledger.releaseLeases());
    else if (op === "race") {
      // Reserve and commit every order at once; report which went through.
      result = await Promise.all(
        message.orders.map(async (o) => {
          const reserved = await ledger.reserve(o.orderId, o.reservations);
          if (!reserved.ok) return { orderId: o.orderId, ok: false, reason: reserved.reason };
          const committed = await ledger.commit(o.orderId);
          return { orderId: o.orderId, ok: committed.ok };
        }),
      );
    } else if (op === "checkouts") {
      // `concurrency` checkouts at once, each taking the next order: reserve, pause up to `pauseMs` (the window a
      // kill can land in), commit; through dropped connections and restarts. Reports every outcome.
      const queue = [...message.orders];
      const outcomes = [];
      const checkout = async () => {
        for (let o = queue.shift(); o; o = queue.shift()) {
          const reserved = await patiently(() => ledger.reserve(o.orderId, o.reservations));
          if (!reserved.ok) {
            outcomes.push({ orderId: o.orderId, ok: false, reason: reserved.reason });
            continue;
          }
          if (message.pauseMs) await sleep(Math.floor(Math.random() * message.pauseMs));
          const committed = await patiently(() => ledger.commit(o.orderId));
          outcomes.push({ orderId: o.orderId, ok: committed.ok });
        }
      };
      await Promise.all(Array.from({ length: message.concurrency ?? 1 }, checkout));
      result = outcomes;
    } else if (op === "exit") {
      await ledger.close();
      process.send({ id, result: "bye" }, () => process.exit(0));
      return;
    }
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.message ?? error) });
  }
});
process.send({ ready: true });
