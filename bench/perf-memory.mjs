/**
 * Child process of bench/performance.mjs: the heap one evaluator retains, measured in a fresh process so that
 * nothing else the benchmark does (compiles, other evaluators) moves the figure.
 *
 *   node --expose-gc bench/perf-memory.mjs <bundle|interpreter|hand-written|json-rules-engine> <file> <cart.json>
 *
 * <file> is a bundle (.mjs) or a rule text (.promo). Everything the evaluator needs is read and built between
 * the two measurements, and only what it keeps afterwards counts. Prints {"heap": bytes} on stdout.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [kind, file, cartFile] = process.argv.slice(2);
const here = (p) => new URL(p, import.meta.url);
const cart = JSON.parse(readFileSync(cartFile, "utf8"));
const heapUsed = () => {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

// Code the evaluator shares with any program (the compiler front end, the baselines, the engine) is loaded first.
const modules = {};
if (kind === "interpreter") {
  modules.host = await import(here("../packages/dsl/dist/project/host.js"));
  modules.frontend = await import(here("../packages/dsl/dist/pipeline/frontend.js"));
  modules.interpreter = await import(here("../packages/dsl/dist/interpreter/evaluator.js"));
}
if (kind === "hand-written" || kind === "json-rules-engine") {
  modules.workload = await import(here("./perf-workload.mjs"));
  modules.baselines = await import(here("./perf-baselines.mjs"));
}
if (kind === "json-rules-engine") modules.jre = await import("json-rules-engine");
// Warm the shared code on a tiny input so that its lazily compiled functions are not counted.
if (modules.workload) modules.workload.parsePromotions(modules.workload.activePromotionsText(10, 1));

const before = heapUsed();
let evaluate;
if (kind === "bundle") {
  const bundle = await import(pathToFileURL(file).href);
  evaluate = (c) => bundle.evaluate(c);
} else if (kind === "interpreter") {
  const { project } = modules.frontend.checkProject(["rules.promo"], modules.host.memoryHost({ "rules.promo": readFileSync(file, "utf8") }));
  const interpreter = modules.interpreter.interpreterEvaluator(project);
  evaluate = (c) => interpreter.evaluate(c);
} else if (kind === "hand-written") {
  evaluate = modules.baselines.handWrittenPricer(modules.workload.parsePromotions(readFileSync(file, "utf8")));
} else if (kind === "json-rules-engine") {
  const jre = modules.baselines.jsonRulesEngineBaseline(modules.workload.parsePromotions(readFileSync(file, "utf8")), modules.jre.Engine);
  evaluate = (c) => jre.price(c);
} else throw new Error(`unknown evaluator ${kind}`);
await evaluate(cart);
const after = heapUsed();
await evaluate(cart); // keeps the evaluator alive through the measurement
process.stdout.write(JSON.stringify({ heap: after - before }));
