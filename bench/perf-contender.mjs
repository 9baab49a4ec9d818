/**
 * One contender of the performance benchmark in its own fresh process (forked by bench/performance.mjs, which
 * drives every contender of a configuration in turn, batch by batch, over IPC):
 *
 *   { op: "run", ms }        calls the contender on the carts in turn (a cursor that wraps) for about `ms`
 *                            milliseconds, at least one call; keeps each call's latency; replies { calls, ms }
 *   { op: "warm", ms }       the same, latencies dropped
 *   { op: "throughput", ms, inFlight }  asynchronous contenders: `inFlight` calls kept in flight; replies { calls, ms }
 *   { op: "finish", atLeast } replies the latency summary, the carts measured (every cart when the cursor wrapped,
 *                            else the first `cursor`) and, computed after all timing, the fingerprint of each
 *                            measured cart's result (bench/perf-check.mjs), of at least the first `atLeast` carts
 *                            (a reference prices every cart the others measured); then exits
 *
 * Contenders (argv[2], JSON): bundle, bundle-once (the carts validated before any timing), bundle-settlement
 * (pricing, then reading `result.settlement`), bundle-settlement-strings (and every money string in it), interpreter, hand,
 * json-rules-engine, json-rules-engine-indexed, zen, exhaustive. On start it measures the heap the contender
 * retains once built (gc'd heapUsed delta) and the time to import/build it and to price the first cart; at
 * `finish`, after all timing, the bytes allocated per cart (heapUsed growth over calls between which no collection
 * ran).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import { fingerprint } from "./perf-check.mjs";
import { summarise } from "./perf-measure.mjs";

const config = JSON.parse(process.argv[2]);
const here = (p) => new URL(p, import.meta.url);
const carts = JSON.parse(readFileSync(config.carts, "utf8"));
const heapUsed = () => {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

// Shared code is loaded before the heap is read, so that only what the contender builds and keeps counts.
const workload = await import(here("./perf-workload.mjs"));
const baselines = await import(here("./perf-baselines.mjs"));
const before = heapUsed();
const loadStart = performance.now();
let call; // (i) => result or promise
switch (config.kind) {
  case "bundle":
  case "bundle-once": {
    const bundle = await import(pathToFileURL(config.file).href);
    if (config.kind === "bundle") call = (i) => bundle.evaluate(carts[i]);
    else {
      const validated = carts.map((cart) => {
        const r = bundle.validate(cart);
        if (!r.ok) throw new Error(`benchmark cart is invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
        return r.cart;
      });
      call = (i) => bundle.evaluate(validated[i]);
    }
    break;
  }
  case "bundle-settlement":
  case "bundle-settlement-strings": {
    // Pricing, then reading the settlement the result computes when read (docs/language.md, Settlement): its figures
    // in minor units, or (-strings) also every money string, which are made when `stores` and `totals` are read.
    const bundle = await import(pathToFileURL(config.file).href);
    const strings = config.kind === "bundle-settlement-strings";
    call = (i) => {
      const result = bundle.evaluate(carts[i]);
      const settlement = result.settlement;
      if (settlement === undefined) throw new Error("the result has no settlement");
      if (strings && (settlement.stores.length === 0 || settlement.totals.paid === undefined)) throw new Error("an empty settlement");
      return result;
    };
    break;
  }
  case "interpreter": {
    const { memoryHost } = await import(here("../packages/dsl/dist/project/host.js"));
    const { checkProject } = await import(here("../packages/dsl/dist/pipeline/frontend.js"));
    const { interpreterEvaluator } = await import(here("../packages/dsl/dist/interpreter/evaluator.js"));
    const { project } = checkProject(["rules.promo"], memoryHost({ "rules.promo": readFileSync(config.file, "utf8") }));
    const interpreter = interpreterEvaluator(project);
    call = (i) => interpreter.evaluate(carts[i]);
    break;
  }
  case "hand": {
    const price = baselines.handWrittenPricer(workload.parsePromotions(readFileSync(config.file, "utf8")));
    call = (i) => price(carts[i]);
    break;
  }
  case "json-rules-engine":
  case "json-rules-engine-indexed": {
    const jre = await import("json-rules-engine");
    const engine = baselines.jsonRulesEngineBaseline(workload.parsePromotions(readFileSync(config.file, "utf8")), jre, {
      prefilter: config.kind === "json-rules-engine-indexed",
    });
    call = (i) => engine.price(carts[i]);
    break;
  }
  case "zen": {
    const { ZenEngine } = await import("@gorules/zen-engine");
    const zen = baselines.zenBaseline(workload.parsePromotions(readFileSync(config.file, "utf8")), ZenEngine);
    call = (i) => zen.price(carts[i]);
    break;
  }
  case "exhaustive": {
    const price = baselines.exhaustiveBestForBuyer(JSON.parse(readFileSync(config.file, "utf8")));
    call = (i) => price(carts[i]);
    break;
  }
  default:
    throw new Error(`unknown contender ${config.kind}`);
}
const loadMs = performance.now() - loadStart;
const firstStart = performance.now();
await call(0);
const firstMs = performance.now() - firstStart;
const retained = heapUsed() - before;
const isAsync = config.kind.startsWith("json-rules-engine") || config.kind === "zen";

/**
 * Bytes allocated per cart: heapUsed growth over a run of calls during which no garbage collection ran (v8's
 * GCProfiler lists every collection between start and stop, synchronously). Best of up to 10 such runs (the
 * fewest bytes are those of fully optimised code); runs of 50 calls, fewer when two runs meet a collection (large
 * carts); at most about 3 s in all.
 */
async function allocationPerCart() {
  const deadline = performance.now() + 3000;
  let best = Infinity;
  for (const count of [50, 20, 5, 1]) {
    let misses = 0;
    for (let attempt = 0; attempt < 10 && misses < 2 && performance.now() < deadline; attempt++) {
      heapUsed();
      const profiler = new v8.GCProfiler();
      profiler.start();
      const start = process.memoryUsage().heapUsed;
      for (let i = 0; i < count; i++) await call(i % carts.length);
      const grown = process.memoryUsage().heapUsed - start;
      if (profiler.stop().statistics.length === 0) best = Math.min(best, grown / count);
      else misses++;
    }
    if (Number.isFinite(best) || performance.now() >= deadline) break;
  }
  return Number.isFinite(best) ? best : null;
}

const samples = new Float64Array(4_000_000);
let n = 0;
let cursor = 0;
let wrapped = false;
let measuredMs = 0;
const next = () => {
  const i = cursor;
  if (++cursor === carts.length) {
    cursor = 0;
    wrapped = true;
  }
  return i;
};

async function run(ms, keep) {
  const start = performance.now();
  const end = start + ms;
  let calls = 0;
  do {
    const i = keep ? next() : calls % carts.length;
    const t = performance.now();
    if (isAsync) await call(i);
    else call(i);
    const took = performance.now() - t;
    if (keep && n < samples.length) samples[n++] = took;
    calls++;
  } while (performance.now() < end);
  const spent = performance.now() - start;
  if (keep) measuredMs += spent;
  return { calls, ms: spent };
}

let throughputCalls = 0;
let throughputMs = 0;
async function throughput(ms, inFlight) {
  const start = performance.now();
  const end = start + ms;
  let calls = 0;
  let k = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await call(k++ % carts.length);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const spent = performance.now() - start;
  throughputCalls += calls;
  throughputMs += spent;
  return { calls, ms: spent };
}

process.on("message", async (msg) => {
  if (msg.op === "run") process.send(await run(msg.ms, true));
  else if (msg.op === "warm") process.send(await run(msg.ms, false));
  else if (msg.op === "throughput") process.send(await throughput(msg.ms, msg.inFlight));
  else if (msg.op === "finish") {
    // After all timing, on warmed-up code: what the steady state allocates, not the first calls' lazy work.
    const allocated = config.allocation ? await allocationPerCart() : null;
    const summary = n > 0 ? summarise(samples, n, measuredMs, false) : null;
    const measured = throughputCalls > 0 || wrapped ? carts.length : cursor;
    const priced = Math.min(carts.length, Math.max(measured, msg.atLeast ?? 0));
    const fingerprints = [];
    const extra = [];
    for (let i = 0; i < priced; i++) {
      const result = await call(i);
      fingerprints.push(fingerprint(result, carts[i]));
      extra.push({
        candidates: Array.isArray(result.rejected) ? result.applied.length + result.rejected.length : null,
        applied: Array.isArray(result.applied) ? result.applied.length : null,
        optimal: typeof result.optimal === "boolean" ? result.optimal : null,
        nodes: result.nodes ?? null,
      });
    }
    process.send({
      summary,
      throughput: throughputCalls > 0 ? { calls: throughputCalls, perSecond: throughputCalls / (throughputMs / 1000) } : null,
      measured,
      fingerprints,
      extra,
      loadMs,
      firstMs,
      retained,
      allocated,
    });
    process.disconnect();
  }
});
process.send({ ready: true });
