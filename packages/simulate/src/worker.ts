import { parentPort, workerData } from "node:worker_threads";
import { priceUnlimited, prepareCart, recordFailure, type BundleModule, type Versions } from "./evaluate-cart.js";
import { declarePromotions, emptyTally } from "./tally.js";

/**
 * A simulation worker: loads the compiled bundle(s) once, then prices batches of lines sent by the main thread.
 * It keeps its own tally (sent back at the end) and returns, per batch, the lines whose carts must be priced in
 * input order because a promotion with usage limits is among their candidates.
 */
export interface WorkerInit {
  current: string;
  against: string | null;
  currency: string;
  limited: string[];
}

export interface BatchMessage {
  type: "batch";
  seq: number;
  file: string;
  lines: number[];
  texts: string[];
}

export interface BatchDone {
  type: "done";
  seq: number;
  count: number;
  deferred: number[];
}

const init = workerData as WorkerInit;
const port = parentPort!;
const current = (await import(init.current)) as BundleModule;
const against = init.against === null ? null : ((await import(init.against)) as BundleModule);
const versions: Versions = { current, against, currency: init.currency, limited: new Set(init.limited) };
const tally = emptyTally(against !== null);
declarePromotions(tally.current, current.program.promotions);
if (against && tally.against) declarePromotions(tally.against, against.program.promotions);

port.on("message", (message: BatchMessage | { type: "finish" }) => {
  if (message.type === "finish") {
    port.postMessage({ type: "tally", tally });
    return;
  }
  const deferred = processBatch(message);
  const done: BatchDone = { type: "done", seq: message.seq, count: message.texts.length, deferred };
  port.postMessage(done);
});
port.postMessage({ type: "ready" });

function processBatch(batch: BatchMessage): number[] {
  const deferred: number[] = [];
  for (let i = 0; i < batch.texts.length; i++) {
    const record = { file: batch.file, line: batch.lines[i]!, text: batch.texts[i]! };
    try {
      const ready = prepareCart(record, versions, tally);
      if (ready && !priceUnlimited(ready, versions, tally)) deferred.push(i);
    } catch (error) {
      recordFailure(record, tally, error);
    }
  }
  return deferred;
}
