/**
 * `node bench/perf-isolated.mjs <bundle.mjs> <carts.json> <seconds> <warm-seconds>`: times the bundle's
 * `evaluate` over the carts in this fresh process and prints the figures as JSON (bench/performance.mjs, section 3).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { measureSync } from "./perf-measure.mjs";

const [bundleFile, cartsFile, seconds, warm] = process.argv.slice(2);
const bundle = await import(pathToFileURL(bundleFile).href);
const carts = JSON.parse(readFileSync(cartsFile, "utf8"));
console.log(JSON.stringify(measureSync((cart) => bundle.evaluate(cart), carts, { seconds: Number(seconds), warm: Number(warm) })));
