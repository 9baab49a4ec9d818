/**
 * Evaluation benchmark: the compiled example bundles against the reference interpreter on the same carts
 * (every example cart of the suite plus seeded random carts). Prints carts/s, p50 and p99; never asserts.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkProject, diskHost } from "../packages/dsl/dist/index.js";
import { compile } from "../packages/dsl/dist/compiler/compile.js";
import { interpreterEvaluator } from "../packages/dsl/dist/interpreter/evaluator.js";
import { recordToJson } from "../packages/dsl/dist/testing/examples.js";

const root = new URL("..", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "promo-bench-"));
const files = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".promo"))
  .sort();

function measure(evaluate, carts, seconds = 1) {
  for (let i = 0; i < 2000; i++) evaluate(carts[i % carts.length]); // warm-up
  const samples = [];
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    const t = performance.now();
    evaluate(carts[n++ % carts.length]);
    samples.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] * 1000;
  return { perSecond: n / (elapsed / 1000), p50: at(0.5), p99: at(0.99) };
}

console.log("| rules | carts | compiled carts/s | p50 µs | p99 µs | interpreter carts/s | p50 µs | p99 µs | compiled ÷ interpreter |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
try {
  for (const file of files) {
    const path = join(root, "examples", file);
    const { project } = checkProject([path], diskHost);
    const carts = project.examples.filter((e) => e.decl.cart).map((e) => ({ currency: e.file.currency, ...recordToJson(e.decl.cart, project) }));
    if (carts.length === 0) continue;
    const interpreter = interpreterEvaluator(project);
    const out = join(scratch, file.replace(".promo", ".mjs"));
    writeFileSync(out, (await compile([path])).code);
    const bundle = await import(pathToFileURL(out).href);
    // Alternate the two twice and keep each one's better run, so neither is favoured by going second.
    const runs = [0, 1, 2, 3].map((k) =>
      k % 2 === 0 ? measure((cart) => bundle.evaluate(cart), carts) : measure((cart) => interpreter.evaluate(cart), carts),
    );
    const c = runs[0].perSecond > runs[2].perSecond ? runs[0] : runs[2];
    const i = runs[1].perSecond > runs[3].perSecond ? runs[1] : runs[3];
    console.log(
      `| ${file} | ${carts.length} | ${Math.round(c.perSecond).toLocaleString("en-US")} | ${c.p50.toFixed(1)} | ${c.p99.toFixed(1)} | ${Math.round(i.perSecond).toLocaleString("en-US")} | ${i.p50.toFixed(1)} | ${i.p99.toFixed(1)} | ${(c.perSecond / i.perSecond).toFixed(2)}× |`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
