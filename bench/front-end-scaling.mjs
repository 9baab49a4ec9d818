/**
 * Wall-clock scaling of the front end (check + format) on inputs of size 1× and 16× (bench/scale-shapes.mjs):
 * linear is a ratio near 16, quadratic near 256. The 1× and 16× runs are interleaved so that a change in machine
 * load hits both sides alike; the best of the runs is kept. Prints figures, never asserts: the test suite checks
 * the same growth by counted work (test/fuzz/frontend.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { checkSource } from "../packages/dsl/dist/index.js";
import { formatSource } from "../packages/dsl/dist/formatter/format.js";
import { scaleShapes } from "./scale-shapes.mjs";

const examplesDir = new URL("../examples/", import.meta.url);
const example = readFileSync(
  new URL(
    readdirSync(examplesDir)
      .filter((f) => f.endsWith(".promo"))
      .sort()[0],
    examplesDir,
  ),
  "utf8",
);
const RUNS = 5;

function once(text) {
  const start = performance.now();
  checkSource("/scale.promo", text);
  formatSource("/scale.promo", text);
  return performance.now() - start;
}

console.log("| input shape | 1× (best of 5) | 16× (best of 5) | ratio (linear ≈ 16, quadratic ≈ 256) |");
console.log("|---|---:|---:|---:|");
for (const [name, make] of scaleShapes(example)) {
  const small = make(1);
  const large = make(16);
  once(small); // warm-up
  let best1 = Infinity;
  let best16 = Infinity;
  for (let i = 0; i < RUNS; i++) {
    best1 = Math.min(best1, once(small));
    best16 = Math.min(best16, once(large));
  }
  console.log(`| ${name} | ${best1.toFixed(1)} ms | ${best16.toFixed(1)} ms | ${(best16 / Math.max(best1, 0.1)).toFixed(1)}× |`);
}
