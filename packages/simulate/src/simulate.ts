import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Program } from "@promo/runtime";
import {
  priceInOrder,
  priceUnlimited,
  prepareCart,
  recordFailure,
  type BundleModule,
  type CartRecord,
  type UsageState,
  type Versions,
} from "./evaluate-cart.js";
import { InputError, listInputFiles, readLines, type InputFile } from "./input.js";
import { shardReason } from "./merge.js";
import { buildReport, rulesInfo, type SimulationReport } from "./report.js";
import { declarePromotions, emptyTally, mergeTally, recordProblem, type Tally } from "./tally.js";
import type { BatchDone, BatchMessage, WorkerInit } from "./worker.js";

/** A compiled bundle (the output of `promo compile`, or `compile(...).code`): its source, or a file to import. */
export type BundleSource = { code: string; label?: string } | { path: string; label?: string };

export interface SimulateOptions {
  /** The older rules to compare with (`--against`). */
  against?: BundleSource;
  /** Worker threads; default one per core. 0 prices in the calling thread (no workers). */
  workers?: number;
  /** Simulate only the first N carts (after sharding); the report is then marked incomplete. */
  sample?: number;
  /** Simulate only shard `index` of `count` (1-based): the lines whose ordinal among non-blank lines ≡ index−1 mod count. */
  shard?: { index: number; count: number };
  /** Initial use of usage limits by limit key (as a ledger would hold it); default none. */
  usage?: Readonly<Record<string, number>>;
  /** Resolves relative cart paths and shortens the file names in the report; default process.cwd(). */
  cwd?: string;
  /** Lines per batch sent to a worker. */
  batchSize?: number;
  /** Minimum time between progress events. */
  progressIntervalMs?: number;
}

export interface ProgressEvent {
  type: "progress";
  /** Lines taken (after sharding and sampling) and priced or rejected so far. */
  records: number;
  /** Lines taken and sent to be priced so far (records + those in flight). */
  taken: number;
  bytesRead: number;
  bytesTotal: number;
  elapsedMs: number;
}

export type SimulateEvent = ProgressEvent | { type: "report"; report: SimulationReport };

/** Bad rules or options: nothing could be simulated. */
export class SimulateError extends Error {}

const DEFAULT_BATCH = 500;

/** The worker's compiled file: beside this module in dist (tests run the sources, the worker from dist). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts") ? new URL("../dist/worker.js", here) : new URL("./worker.js", here);
}

async function bundleUrl(source: BundleSource, dir: string, name: string, cwd: string): Promise<string> {
  if ("path" in source) return pathToFileURL(resolve(cwd, source.path)).href;
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, source.code, "utf8");
  return pathToFileURL(file).href;
}

async function loadBundle(url: string, label: string): Promise<BundleModule> {
  let module: Partial<BundleModule>;
  try {
    module = (await import(url)) as Partial<BundleModule>;
  } catch (error) {
    throw new SimulateError(`cannot load the compiled rules ${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof module.evaluate !== "function" || typeof module.validate !== "function" || typeof module.program !== "object" || module.program === null) {
    throw new SimulateError(`${label} is not a compiled promo bundle (it must export program, validate and evaluate)`);
  }
  return module as BundleModule;
}

/** The rules' currency: that of their promotions (the most common one, should a bundle mix them). */
function rulesCurrency(program: Program, label: string): string {
  const counts = new Map<string, number>();
  for (const p of program.promotions) counts.set(p.currency, (counts.get(p.currency) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (!best) throw new SimulateError(`${label} declares no promotions: nothing to simulate`);
  return best[0];
}

/** A pool of workers taking batches; each answers a batch with a BatchDone. */
class Pool {
  private readonly outstanding: number[];
  private failure: Error | null = null;
  private readonly tallies: Tally[] = [];
  private readonly waiting = new Set<() => void>();

  private constructor(
    private readonly workers: Worker[],
    private readonly onDone: (done: BatchDone) => void,
  ) {
    this.outstanding = workers.map(() => 0);
  }

  static async start(count: number, init: WorkerInit, onDone: (done: BatchDone) => void): Promise<Pool> {
    const workers: Worker[] = [];
    const pool = new Pool(workers, onDone);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerUrl(), { workerData: init });
      workers.push(worker);
      pool.outstanding.push(0);
      ready.push(
        new Promise<void>((resolveReady, rejectReady) => {
          worker.once("message", (m: { type: string }) => (m.type === "ready" ? resolveReady() : rejectReady(new Error(`unexpected message ${m.type}`))));
          worker.once("error", rejectReady);
        }),
      );
      worker.on("message", (m: BatchDone | { type: "tally"; tally: Tally } | { type: "ready" }) => {
        if (m.type === "done") {
          pool.outstanding[i]!--;
          pool.onDone(m);
          pool.wake();
        } else if (m.type === "tally") {
          pool.tallies.push(m.tally);
          pool.wake();
        }
      });
      worker.on("error", (error) => {
        pool.failure ??= error;
        pool.wake();
      });
      worker.on("exit", (code) => {
        if (code !== 0) pool.failure ??= new Error(`a worker stopped with exit code ${code}`);
        pool.wake();
      });
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.terminate();
      throw new SimulateError(`a worker could not load the compiled rules: ${error instanceof Error ? error.message : String(error)}`);
    }
    return pool;
  }

  get inFlight(): number {
    return this.outstanding.reduce((a, b) => a + b, 0);
  }

  send(batch: BatchMessage): void {
    let best = 0;
    for (let i = 1; i < this.outstanding.length; i++) if (this.outstanding[i]! < this.outstanding[best]!) best = i;
    this.outstanding[best]!++;
    this.workers[best]!.postMessage(batch);
  }

  private wake(): void {
    for (const w of [...this.waiting]) w();
  }

  /** Resolves when `condition` holds (checked after every message), rejects when a worker failed. */
  async until(condition: () => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw new SimulateError(`a worker failed: ${this.failure.message}`);
      if (condition()) return;
      await new Promise<void>((wake) => {
        const w = () => {
          this.waiting.delete(w);
          wake();
        };
        this.waiting.add(w);
      });
    }
  }

  async finish(): Promise<Tally[]> {
    await this.until(() => this.inFlight === 0);
    for (const w of this.workers) w.postMessage({ type: "finish" });
    await this.until(() => this.tallies.length === this.workers.length);
    return this.tallies;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Replays carts against compiled rules: an async iterator of progress events, ending with the report. Carts are
 * read streaming from NDJSON files (optionally gzip-compressed, or directories of such files) and priced on
 * worker threads with the bundle compiled once. Invalid carts are counted and listed, never fatal; a read error
 * ends that file and marks the report incomplete. Usage limits are simulated in memory, in input order: carts
 * where a limited promotion is a candidate are priced again, in order, in this thread (nothing is written).
 * Throws SimulateError when nothing can be simulated (rules that do not load, a cart path that does not exist).
 */
export async function* simulate(
  rules: BundleSource,
  carts: string | readonly string[],
  options: SimulateOptions = {},
): AsyncGenerator<SimulateEvent, void, undefined> {
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const interval = options.progressIntervalMs ?? 200;
  const workerCount = options.workers ?? availableParallelism();
  if (!Number.isInteger(workerCount) || workerCount < 0) throw new SimulateError(`invalid worker count ${workerCount}`);
  const shard = options.shard;
  if (shard && !(Number.isInteger(shard.index) && Number.isInteger(shard.count) && shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count)) {
    throw new SimulateError(`invalid shard ${shard.index}/${shard.count}: expected i/n with 1 ≤ i ≤ n`);
  }
  const sample = options.sample;
  if (sample !== undefined && !(Number.isSafeInteger(sample) && sample >= 1)) throw new SimulateError(`invalid sample size ${sample}`);

  const tmp = await mkdtemp(join(tmpdir(), "promo-simulate-"));
  let pool: Pool | null = null;
  try {
    const currentLabel = rules.label ?? ("path" in rules ? rules.path : "the rules");
    const againstLabel = options.against?.label ?? (options.against && "path" in options.against ? options.against.path : "the --against rules");
    const currentUrl = await bundleUrl(rules, tmp, "current", cwd);
    const againstUrl = options.against ? await bundleUrl(options.against, tmp, "against", cwd) : null;
    const current = await loadBundle(currentUrl, currentLabel);
    const against = againstUrl ? await loadBundle(againstUrl, againstLabel) : null;
    const currency = rulesCurrency(current.program, currentLabel);
    if (against) {
      const old = rulesCurrency(against.program, againstLabel);
      if (old !== currency)
        throw new SimulateError(`${againstLabel} are in ${old}, ${currentLabel} in ${currency}: versions in different currencies cannot be compared`);
    }
    const limited = new Set<string>();
    for (const program of [current.program, against?.program]) for (const p of program?.promotions ?? []) if (p.limits.length > 0) limited.add(p.id);
    const versions: Versions = { current, against, currency, limited };

    let files: InputFile[];
    try {
      files = (typeof carts === "string" ? [carts] : carts).flatMap((p) => listInputFiles(p, cwd));
    } catch (error) {
      if (error instanceof InputError) throw new SimulateError(error.message);
      throw error;
    }
    const bytesTotal = files.reduce((a, f) => a + f.bytes, 0);

    const tally = emptyTally(against !== null);
    declarePromotions(tally.current, current.program.promotions);
    if (against && tally.against) declarePromotions(tally.against, against.program.promotions);
    const incomplete: string[] = [];
    const notes: string[] = [];
    if (files.length === 0) incomplete.push(`no cart files found (looked for *.ndjson, *.jsonl, *.json and their .gz in ${[carts].flat().join(", ")})`);
    if (shard) incomplete.push(shardReason(shard.index, shard.count));
    if (limited.size > 0) {
      notes.push(
        `usage limits of ${[...limited].sort().join(", ")} simulated in memory in input order${options.usage ? ", from the initial usage given" : ", from no use"}; nothing was written to a ledger`,
      );
      if (shard) notes.push("a shard counts usage limits over its own carts only: merged shards of rules with usage limits can differ from one unsharded run");
    }

    const usage = { current: new Map(Object.entries(options.usage ?? {})) as UsageState, against: new Map(Object.entries(options.usage ?? {})) as UsageState };
    const inOrder = (record: CartRecord) => {
      try {
        const ready = prepareCart(record, versions, tally);
        if (ready) priceInOrder(ready, versions, tally, usage);
      } catch (error) {
        recordFailure(record, tally, error);
      }
    };

    // Batches sent to workers, kept until answered (their deferred lines are priced here, in batch order).
    const sent = new Map<number, BatchMessage>();
    const answered = new Map<number, BatchDone>();
    let nextInOrder = 0;
    let records = 0;
    const onDone = (done: BatchDone) => {
      answered.set(done.seq, done);
      while (answered.has(nextInOrder)) {
        const d = answered.get(nextInOrder)!;
        const batch = sent.get(nextInOrder)!;
        for (const i of d.deferred) inOrder({ file: batch.file, line: batch.lines[i]!, text: batch.texts[i]! });
        records += d.count;
        answered.delete(nextInOrder);
        sent.delete(nextInOrder);
        nextInOrder++;
      }
    };
    if (workerCount > 0) {
      pool = await Pool.start(workerCount, { current: currentUrl, against: againstUrl, currency, limited: [...limited] }, onDone);
    }
    const take = async (batch: BatchMessage) => {
      if (pool) {
        sent.set(batch.seq, batch);
        pool.send(batch);
        const p = pool;
        await p.until(() => p.inFlight < workerCount * 4);
        return;
      }
      for (let i = 0; i < batch.texts.length; i++) {
        const record = { file: batch.file, line: batch.lines[i]!, text: batch.texts[i]! };
        try {
          const ready = prepareCart(record, versions, tally);
          if (ready && !priceUnlimited(ready, versions, tally)) priceInOrder(ready, versions, tally, usage);
        } catch (error) {
          recordFailure(record, tally, error);
        }
      }
      records += batch.texts.length;
    };

    let seq = 0;
    let ordinal = 0;
    let taken = 0;
    let bytesBefore = 0;
    let lastProgress = Date.now();
    let sampleReached = false;
    for (const file of files) {
      if (sampleReached) break;
      const reader = readLines(
        file,
        (message, line) => {
          incomplete.push(`${file.label}: ${message} (from line ${line}); the carts before were simulated`);
          recordProblem(tally.input, { file: file.label, line, path: "", message });
        },
        (line) => {
          tally.input.records++;
          tally.input.invalid++;
          recordProblem(tally.input, { file: file.label, line, path: "", message: "line too long to be a cart: skipped" });
        },
      );
      let bytesRead = 0;
      for await (const chunk of reader) {
        bytesRead = chunk.bytesRead;
        let lines: number[] = [];
        let texts: string[] = [];
        const flush = async () => {
          if (texts.length === 0) return;
          await take({ type: "batch", seq: seq++, file: file.label, lines, texts });
          lines = [];
          texts = [];
        };
        for (let i = 0; i < chunk.texts.length; i++) {
          const mine = !shard || ordinal % shard.count === shard.index - 1;
          ordinal++;
          if (!mine) continue;
          if (sample !== undefined && taken >= sample) {
            sampleReached = true;
            break;
          }
          taken++;
          lines.push(chunk.lines[i]!);
          texts.push(chunk.texts[i]!);
          if (texts.length >= batchSize) await flush();
        }
        await flush();
        if (Date.now() - lastProgress >= interval) {
          lastProgress = Date.now();
          yield { type: "progress", records, taken, bytesRead: bytesBefore + bytesRead, bytesTotal, elapsedMs: Date.now() - started };
        }
        if (sampleReached) break;
      }
      bytesBefore += file.bytes;
    }
    if (sampleReached) incomplete.push(`--sample ${sample}: only the first ${sample} carts were simulated`);

    if (pool) {
      const tallies = await pool.finish();
      for (const t of tallies) mergeTally(tally, t);
    }
    const elapsedMs = Date.now() - started;
    yield { type: "progress", records: tally.input.records, taken, bytesRead: bytesTotal, bytesTotal, elapsedMs };
    const report = buildReport(tally, {
      currency,
      rules: { current: rulesInfo(currentLabel, current.program), against: against ? rulesInfo(againstLabel, against.program) : null },
      incomplete,
      notes,
      shards: shard ? { count: shard.count, included: [shard.index] } : null,
      sample: sample ?? null,
      initialUsage: options.usage !== undefined,
      run: {
        startedAt: new Date(started).toISOString(),
        elapsedMs,
        workers: workerCount,
        cartsPerSecond: elapsedMs > 0 ? Math.round((tally.input.records * 1000) / elapsedMs) : 0,
      },
    });
    yield { type: "report", report };
  } finally {
    await pool?.terminate();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Runs a simulation to its end and returns the report (progress events dropped). */
export async function simulateToReport(rules: BundleSource, carts: string | readonly string[], options: SimulateOptions = {}): Promise<SimulationReport> {
  for await (const event of simulate(rules, carts, options)) if (event.type === "report") return event.report;
  throw new SimulateError("the simulation ended without a report");
}
