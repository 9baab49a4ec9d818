/**
 * Error recovery on broken text: 5,000 lines of pasted garbage (bench/garbage.mjs) against a valid generated
 * file of similar size with one error in the middle. Timed two ways, contenders interleaved run by run:
 * in process (`checkSource`: lex, parse, check, as `promo check` does) and through the real language server
 * (open the document, wait for its diagnostics). Target: garbage ≤ 10× the one-error file. Prints a Markdown
 * table for bench/results.md; not a test (`npm test` bounds the same work by counting it).
 *
 *   node --expose-gc bench/recovery.mjs [--lines 5000] [--runs 7] [--write]
 *
 * --write replaces this script's section of bench/results.md (between its markers; bench/performance.mjs keeps it).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { generateGarbage } from "./garbage.mjs";
import { generatePromotions } from "./generate.mjs";
import { writeResultsSection } from "./results-section.mjs";

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
const { checkSource, parseSource } = await import(join(ROOT, "packages", "dsl", "dist", "index.js"));
const { lex } = await import(join(ROOT, "packages", "dsl", "dist", "lexer", "lexer.js"));
const { getParser } = await import(join(ROOT, "packages", "dsl", "dist", "parser", "parser.js"));

/** The previous way, for comparison: the whole token stream through chevrotain's own recovery at once. */
function wholeFileRecovery(text) {
  const parser = getParser();
  parser.input = lex(text).tokens;
  parser.file();
  const errors = parser.errors.length;
  parser.input = [];
  return errors;
}

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
for (const c of contenders) {
  c.parse = [];
  c.whole = [];
  c.wholeErrors = wholeFileRecovery(c.text);
}
for (let run = 0; run < RUNS; run++) {
  for (const c of contenders) {
    gc();
    let start = performance.now();
    checkSource("/bench.promo", c.text);
    c.inProcess.push(performance.now() - start);
    gc();
    start = performance.now();
    parseSource("/bench.promo", c.text);
    c.parse.push(performance.now() - start);
    gc();
    start = performance.now();
    wholeFileRecovery(c.text);
    c.whole.push(performance.now() - start);
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
const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
const table = [
  `Command: \`node --expose-gc bench/recovery.mjs --runs ${RUNS} --write\`; ${RUNS} interleaved runs, medians; ${cpus().length} cores, load average (1 min) ${loadavg()[0].toFixed(1)} at the end; ${new Date().toISOString().slice(0, 10)}.`,
  "",
  "| text | lines | diagnostics (check) | diagnostics published | parse p50 ms | checkSource p50 ms | server: open → diagnostics p50 ms | whole-file recovery (before): errors, p50 ms |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
  ...contenders.map(
    (c) =>
      `| ${c.name} | ${c.lines.toLocaleString("en")} | ${c.diagnostics} | ${c.published} | ${ms(median(c.parse))} | ${ms(median(c.inProcess))} | ${ms(median(c.server))} | ${c.wholeErrors.toLocaleString("en")}, ${ms(median(c.whole))} |`,
  ),
  `| **garbage ÷ one-error file** (target ≤ 10×) | | | | **${ratio(garbage.parse, valid.parse)}×** | **${ratio(garbage.inProcess, valid.inProcess)}×** | **${ratio(garbage.server, valid.server)}×** | ${ratio(garbage.whole, valid.whole)}× |`,
].join("\n");
console.log(`\n${table}`);

if (process.argv.includes("--write")) {
  writeResultsSection(
    "recovery.mjs",
    `## 4. Error recovery on broken text\n\n${table}\n
"garbage" is 5,000 lines of pasted junk with the language's keywords sprinkled in (bench/garbage.mjs); the other
file is a generated valid file of similar size with \`give\` misspelt once half-way. The last column is the parser
as it was before bounded recovery: the whole token stream through chevrotain's own recovery, which made thousands
of recovery steps on the junk and grew with it. Now a file that does not parse is cut at line-starting
declaration keywords and each piece parsed on its own (packages/dsl/src/parser/recovery.ts), with at most 3 errors
shown per declaration and 100 per file and phase; packages/dsl/test/recovery.test.ts bounds the same work by
counting it.`,
  );
  console.log("wrote the error-recovery section of bench/results.md");
}
