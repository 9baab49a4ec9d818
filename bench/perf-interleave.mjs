/**
 * Drives benchmark contenders interleaved: each in its own fresh process (bench/perf-contender.mjs), given one
 * batch of about `sliceMs` at a time, round after round with the starting contender rotating (A B C, B C A, …),
 * until each has had `seconds` of calls and at least MIN_SAMPLES calls; a change of load on a shared machine then
 * falls on every contender alike. After all timing, each contender with a `ref` (the name of another contender) is
 * checked equal to it on every cart it measured (bench/perf-check.mjs fingerprints). Used by bench/performance.mjs
 * and bench/perf-compare.mjs.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MIN_SAMPLES } from "./perf-measure.mjs";

const contenderScript = fileURLToPath(new URL("./perf-contender.mjs", import.meta.url));

function request(child, msg) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      child.off("exit", onExit);
      resolve(m);
    };
    const onExit = (code) => {
      child.off("message", onMessage);
      reject(new Error(`contender process exited with ${code}`));
    };
    child.once("message", onMessage);
    child.once("exit", onExit);
    if (msg) child.send(msg);
  });
}

/**
 * Runs the contenders (each { name, kind, file, carts, ref?, throughput?, allocation? }) and returns them with
 * `result` (the contender's `finish` reply) and, for those with a `ref`, `check`: { same, count, measured, first,
 * disagreement } (disagreement: a sentence, or null when every measured cart is equal).
 */
export async function runContenders(label, contenders, { seconds, warmMs, sliceMs, inFlight, progress = () => {} }) {
  for (const c of contenders) {
    progress(`${label}: starting ${c.name}`);
    const config = { kind: c.kind, file: c.file, carts: c.carts, allocation: c.allocation ?? false };
    c.child = fork(contenderScript, [JSON.stringify(config)], {
      execArgv: ["--expose-gc", "--max-old-space-size=4096"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await request(c.child);
  }
  for (const c of contenders) await request(c.child, { op: "warm", ms: warmMs });
  progress(`${label}: measuring ${contenders.length} contenders in turn`);
  for (const c of contenders) Object.assign(c, { spent: 0, calls: 0 });
  const budget = seconds * 1000;
  const minCalls = (c) => (c.throughput ? 1 : MIN_SAMPLES);
  for (let round = 0; ; round++) {
    const open = contenders.filter((c) => c.spent < budget || c.calls < minCalls(c));
    if (open.length === 0) break;
    for (let k = 0; k < open.length; k++) {
      const c = open[(k + round) % open.length];
      const msg = c.throughput ? { op: "throughput", ms: sliceMs, inFlight } : { op: "run", ms: sliceMs };
      const r = await request(c.child, msg);
      c.spent += r.ms;
      c.calls += r.calls;
    }
  }
  progress(`${label}: checking every measured cart`);
  // Contenders checked against a reference finish first; a reference then prices (untimed) at least every cart
  // any of them measured, so that every measured cart is compared even when the reference measured fewer.
  const byName = new Map(contenders.map((c) => [c.name, c]));
  for (const c of contenders) if (c.ref) c.result = await request(c.child, { op: "finish" });
  for (const c of contenders) {
    if (c.ref) continue;
    const atLeast = Math.max(0, ...contenders.filter((d) => d.ref === c.name).map((d) => d.result.measured));
    c.result = await request(c.child, { op: "finish", atLeast });
  }
  for (const c of contenders) {
    if (!c.ref) continue;
    const ref = byName.get(c.ref).result;
    const own = c.result;
    const count = Math.min(own.measured, ref.fingerprints.length);
    let same = 0;
    let first = null;
    for (let i = 0; i < count; i++) {
      if (own.fingerprints[i] === ref.fingerprints[i]) same++;
      else if (first === null) first = i;
    }
    const disagreement =
      same === count && count === own.measured
        ? null
        : `${label}, ${c.name} vs ${c.ref}: ${count - same} of ${count} carts differ` +
          (count < own.measured ? ` (${own.measured - count} measured carts the reference did not price)` : "") +
          (first === null ? "" : `; cart ${first}: ${own.fingerprints[first]} ≠ ${ref.fingerprints[first]}`);
    c.check = { same, count, measured: own.measured, first, disagreement };
  }
  return contenders;
}
