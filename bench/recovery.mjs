/**
 * Error recovery on broken text: 5,000 lines of pasted garbage (bench/garbage.mjs) against a valid generated
 * file of similar size with one error in the middle. Timed two ways, contenders interleaved run by run:
 * in process (`checkSource`: lex, parse, check, as `promo check` does) and through the real language server
 * (open the document, wait for its diagnostics). Target: garbage ≤ 10× the one-error file. Prints a Markdown
 * table for bench/results.md; not a test (`npm test` bounds the same work by counting it).
 *
 *   node bench/recovery.mjs [--lines 5000] [--runs 7]
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { generateGarbage } from "./garbage.mjs";
import { generatePromotions } from "./generate.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "packages", "lsp", "bin", "promo-lsp.js");
const argValue = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const LINES = argValue("lines", 5000);
const RUNS = argValue("runs", 7);
if (!existsSync(join(ROOT, "packages", "dsl", "dist", "index.js"))) {
  console.error("bench/recovery.mjs: build first (npm run build)");
  process.exit(2);
}
const { checkSource } = await import(join(ROOT, "packages", "dsl", "dist", "index.js"));

function validWithOneError(target) {
  const lineCount = (text) => text.split("\n").length;
  const per = lineCount(generatePromotions(100)) / 100;
  let count = Math.max(1, Math.round(target / per));
  let text = generatePromotions(count);
  while (lineCount(text) > target && count > 1) text = generatePromotions(--count);
  const lines = text.split("\n");
  // One typo half-way: a clause keyword misspelt, the error a person makes.
  const middle = lines.findIndex((line, i) => i >= lines.length / 2 && /^\s+give /.test(line));
  lines[middle] = lines[middle].replace("give", "giv");
  return lines.join("\n");
}

const contenders = [
  { name: "valid file, one syntax error", text: validWithOneError(LINES) },
  { name: "garbage", text: generateGarbage(LINES) },
];
for (const c of contenders) c.lines = c.text.split("\n").length;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gc = globalThis.gc ?? (() => {});

// In process.
for (const c of contenders) {
  c.diagnostics = checkSource("/bench.promo", c.text).diagnostics.length;
  c.inProcess = [];
}
for (let run = 0; run < RUNS; run++) {
  for (const c of contenders) {
    gc();
    const start = performance.now();
    checkSource("/bench.promo", c.text);
    c.inProcess.push(performance.now() - start);
  }
}

// Through the server: a fresh document per run, the time until its diagnostics arrive.
const child = spawn(process.execPath, [BIN, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
child.stdin.on("error", () => {});
const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const waiters = new Map();
connection.onNotification("textDocument/publishDiagnostics", (p) => {
  const waiter = waiters.get(p.uri);
  if (waiter) {
    waiters.delete(p.uri);
    waiter(p);
  }
});
connection.onNotification("window/logMessage", () => {});
connection.listen();
await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
connection.sendNotification("initialized", {});
let counter = 0;
async function openAndWait(text) {
  const uri = `file:///bench/recovery-${++counter}.promo`;
  const published = new Promise((resolve) => waiters.set(uri, resolve));
  const start = performance.now();
  connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "promo", version: 1, text } });
  const p = await published;
  const elapsed = performance.now() - start;
  connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
  return { elapsed, count: p.diagnostics.length };
}
for (const c of contenders) {
  c.server = [];
  c.published = (await openAndWait(c.text)).count; // warm-up
}
for (let run = 0; run < RUNS; run++) {
  for (const c of contenders) c.server.push((await openAndWait(c.text)).elapsed);
}
await connection.sendRequest("shutdown");
connection.sendNotification("exit");
setTimeout(() => child.kill(), 500).unref();

const ms = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const [valid, garbage] = contenders;
console.log(`\nError recovery, ${RUNS} interleaved runs, medians (${cpus().length} cores, load ${loadavg()[0].toFixed(1)}), ${new Date().toISOString().slice(0, 10)}\n`);
console.log("| text | lines | diagnostics (check) | diagnostics published | checkSource p50 ms | server: open → diagnostics p50 ms |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const c of contenders) {
  console.log(`| ${c.name} | ${c.lines.toLocaleString("en")} | ${c.diagnostics} | ${c.published} | ${ms(median(c.inProcess))} | ${ms(median(c.server))} |`);
}
const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
console.log(`| **garbage ÷ one-error file** (target ≤ 10×) | | | | **${ratio(garbage.inProcess, valid.inProcess)}×** | **${ratio(garbage.server, valid.server)}×** |`);
