#!/usr/bin/env node
// Writes realistic historical carts (NDJSON, gzip-compressed when the name ends in .gz) for `promo simulate`:
// an 11.11 sale in USD over stores, categories, selected items, collected coupons and coins.
//   node scripts/generate-carts.mjs --carts 1000000 --out /tmp/carts.ndjson.gz [--seed 1111]
//     [--other-currency-every N] [--corrupt-every N]
// Needs the build (npm run build).
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { generateCarts } from "../packages/simulate/dist/generate.js";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const carts = Number(option("carts", "1000"));
const out = option("out");
if (!out || !Number.isSafeInteger(carts) || carts < 0) {
  console.error("usage: node scripts/generate-carts.mjs --carts N --out carts.ndjson[.gz] [--seed S] [--other-currency-every N] [--corrupt-every N]");
  process.exit(2);
}
const file = createWriteStream(out);
const sink = out.endsWith(".gz") ? createGzip({ level: 6 }) : null;
if (sink) sink.pipe(file);
const target = sink ?? file;
let buffer = "";
for (const line of generateCarts({
  carts,
  seed: Number(option("seed", "1111")),
  otherCurrencyEvery: Number(option("other-currency-every", "0")),
  corruptEvery: Number(option("corrupt-every", "0")),
})) {
  buffer += line + "\n";
  if (buffer.length > 1 << 20) {
    if (!target.write(buffer)) await once(target, "drain");
    buffer = "";
  }
}
target.end(buffer);
await once(file, "close");
console.error(`wrote ${carts} carts to ${out}`);
