// A checkout process for the ledger's multi-process tests: opens the store named in argv, then does what the parent
// asks over IPC ({ op: "reserve" | "commit" | "release" | "race", ... }) and answers { id, result } or { id, error }.
import { openLedger } from "../dist/index.js";

const [store, holdMs] = process.argv.slice(2);
const ledger = await openLedger(store, { holdMs: Number(holdMs), migrate: false, poolSize: 4 });

process.on("message", async (message) => {
  const { id, op } = message;
  try {
    let result;
    if (op === "reserve") result = await ledger.reserve(message.orderId, message.reservations);
    else if (op === "commit") result = await ledger.commit(message.orderId);
    else if (op === "release") result = await ledger.release(message.orderId);
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
