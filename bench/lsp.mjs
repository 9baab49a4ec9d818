/**
 * Language-server latency: a generated ~5,000-line rule file is opened in the real server (the built
 * `packages/lsp/bin/promo-lsp.js --stdio`, as an editor starts it), then small edits, completion, hover,
 * formatting, code actions and code lenses are timed over stdio, and the server's memory is read from
 * /proc/<pid>/status. Prints a table; not a test (never part of `npm test`). Needs the build: `npm run build`.
 *
 * The edit row is the incremental check (a memo of the last check replays the declarations an edit left alone).
 * So that the row cannot claim it without doing it, the same edits are then applied to the same server code in
 * this process, and the declarations its check counted as checked and replayed are printed beside the row.
 *
 *   node bench/lsp.mjs [--lines 5000] [--runs 20]
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PassThrough } from "node:stream";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { generatePromotions } from "./generate.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "packages", "lsp", "bin", "promo-lsp.js");
const argValue = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const TARGET_LINES = argValue("lines", 5000);
const RUNS = argValue("runs", 20);
const TIMEOUT = 60_000;

if (!existsSync(join(ROOT, "packages", "lsp", "dist", "main.js"))) {
  console.error("bench/lsp.mjs: build first (npm run build)");
  process.exit(2);
}

/** The promotions whose file comes closest to TARGET_LINES lines (the generator is deterministic). */
function generateLines(target) {
  const lineCount = (text) => text.split("\n").length;
  const per = lineCount(generatePromotions(100)) / 100;
  let count = Math.max(1, Math.round(target / per));
  let text = generatePromotions(count);
  while (lineCount(text) > target && count > 1) text = generatePromotions(--count);
  return text;
}

const text = generateLines(TARGET_LINES);
const lines = text.split("\n");

const child = spawn(process.execPath, [BIN, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
child.stdin.on("error", () => {});
const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const waiters = new Map();
connection.onNotification("textDocument/publishDiagnostics", (p) => {
  const waiter = waiters.get(p.version);
  if (waiter) {
    waiters.delete(p.version);
    waiter(p);
  }
});
connection.onNotification("window/logMessage", () => {});
connection.listen();

function withTimeout(promise, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT)))]).finally(() =>
    clearTimeout(timer),
  );
}
const diagnosticsFor = (version) => withTimeout(new Promise((resolve) => waiters.set(version, resolve)), `diagnostics v${version}`);

/**
 * The server's CPU time so far, in milliseconds (user + system, from /proc/<pid>/stat; 10 ms ticks). Unlike the
 * wall-clock rows it hardly grows when other work shares the machine, so before/after comparisons can use it.
 */
function serverCpuMs() {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function memory() {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
    return { rss: field("VmRSS"), peak: field("VmHWM") };
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/**
 * The same edits applied to the server's code in this process (over in-memory streams), counting what each
 * edit's check did: "checked" declarations ran through the checker, "replayed" ones reused the last check.
 * Counted, not timed: this is what makes the timed row the incremental path.
 */
async function countEditWork(uri, openText, edits) {
  const [{ startServer, FEATURES, nodeFiles }, { createConnection }] = await Promise.all([
    import("../packages/lsp/dist/index.js"),
    import("vscode-languageserver/node"),
  ]);
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const workspace = startServer(server, FEATURES, nodeFiles);
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published = new Map();
  client.onNotification("textDocument/publishDiagnostics", (p) => published.get(p.version)?.(p));
  client.onNotification("window/logMessage", () => {});
  client.listen();
  const publishedFor = (v) => withTimeout(new Promise((resolve) => published.set(v, resolve)), `in-process diagnostics v${v}`);
  try {
    await client.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} });
    client.sendNotification("initialized", {});
    let wait = publishedFor(1);
    client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "promo", version: 1, text: openText } });
    await wait;
    const counts = [];
    for (const [i, change] of edits.entries()) {
      wait = publishedFor(i + 2);
      client.sendNotification("textDocument/didChange", { textDocument: { uri, version: i + 2 }, contentChanges: [change] });
      await wait;
      counts.push(workspace.analyze(uri).project.incremental);
    }
    const checked = counts.map((c) => c.checked).sort((a, b) => a - b);
    const total = counts[0].checked + counts[0].reused;
    return `declarations checked per edit: median ${checked[Math.floor(checked.length / 2)]}, max ${checked[checked.length - 1]} of ${total} (the rest replayed)`;
  } finally {
    client.dispose();
    server.dispose();
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const results = [];
function record(name, times, note = "") {
  const sorted = [...times].sort((a, b) => a - b);
  results.push({ name, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1], note });
}

/** Times `fn` RUNS times; a MethodNotFound answer means the feature is not registered (reported, not timed). */
async function timeRequests(name, make, target, count = RUNS) {
  const times = [];
  let answered = 0;
  for (let i = 0; i < count; i++) {
    const [method, params] = make(i);
    const start = performance.now();
    try {
      const result = await withTimeout(connection.sendRequest(method, params), name);
      times.push(performance.now() - start);
      if (result !== null && result !== undefined && !(Array.isArray(result) && result.length === 0)) answered++;
    } catch (error) {
      if (error?.code === -32601) {
        results.push({ name, n: 0, note: "not registered (MethodNotFound)" });
        return;
      }
      throw error;
    }
  }
  record(name, times, `${answered}/${count} non-empty${target ? `, target ≤ ${target} ms` : ""}`);
}

try {
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
  connection.sendNotification("initialized", {});
  const uri = "file:///bench/generated.promo";

  let start = performance.now();
  let published = diagnosticsFor(1);
  connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "promo", version: 1, text } });
  const first = await published;
  record("open → diagnostics", [performance.now() - start], `${first.diagnostics.length} diagnostics`);

  // Small edits: append a character to the title of a different promotion each time, then wait for the
  // diagnostics of exactly that version.
  const titleLines = lines.flatMap((l, i) => (l.startsWith('  title "') ? [i] : []));
  const titleEdits = Array.from({ length: RUNS }, (_, i) => {
    const line = titleLines[Math.floor((i * titleLines.length) / RUNS)];
    const character = lines[line].length - 1; // before the closing quote
    return { range: { start: { line, character }, end: { line, character } }, text: "x" };
  });
  const editTimes = [];
  const cpuBefore = serverCpuMs();
  let version = 1;
  for (let i = 0; i < RUNS; i++) {
    version++;
    published = diagnosticsFor(version);
    start = performance.now();
    connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [titleEdits[i]] });
    const p = await published;
    editTimes.push(performance.now() - start);
    // Warnings are expected (the generator's coupons carry no stacking rule); an error would mean a broken edit.
    const errors = p.diagnostics.filter((d) => d.severity === 1);
    if (errors.length > 0) throw new Error(`edit ${i} made the file invalid: ${errors[0].message}`);
  }
  const cpuPerEdit = (serverCpuMs() - cpuBefore) / RUNS;
  const work = await countEditWork(uri, text, titleEdits);
  record(
    "edit → diagnostics (incremental check)",
    editTimes,
    `${RUNS} edits, target ≤ 50 ms; ${work}; server CPU ${Number.isNaN(cpuPerEdit) ? "unknown" : `${cpuPerEdit.toFixed(1)} ms`} per edit`,
  );

  // Positions spread over the file: after `kind `, inside `when` conditions, after a field dot.
  const kindLines = lines.flatMap((l, i) => (l.startsWith("  kind ") ? [i] : []));
  const whenLines = lines.flatMap((l, i) => (l.startsWith("  when ") ? [i] : []));
  const pick = (list, i) => list[Math.floor((i * list.length) / RUNS)];
  await timeRequests(
    "completion",
    (i) => {
      if (i % 2 === 0) return ["textDocument/completion", { textDocument: { uri }, position: { line: pick(kindLines, i), character: 7 } }];
      const line = pick(whenLines, i);
      const dot = lines[line].indexOf(".");
      return ["textDocument/completion", { textDocument: { uri }, position: { line, character: dot > 0 ? dot + 1 : 7 } }];
    },
    20,
  );
  await timeRequests("hover", (i) => {
    const line = i % 2 === 0 ? pick(kindLines, i) : pick(whenLines, i);
    return ["textDocument/hover", { textDocument: { uri }, position: { line, character: 9 } }];
  });
  await timeRequests("definition", (i) => {
    const line = pick(whenLines, i);
    const at = lines[line].indexOf("cat-");
    return ["textDocument/definition", { textDocument: { uri }, position: { line, character: at > 0 ? at + 2 : 9 } }];
  });
  await timeRequests("formatting (whole file)", () => ["textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }]);
  await timeRequests("codeAction", (i) => {
    const line = pick(kindLines, i);
    return [
      "textDocument/codeAction",
      { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 5 } }, context: { diagnostics: [] } },
    ];
  });
  await timeRequests("codeLens", () => ["textDocument/codeLens", { textDocument: { uri } }]);

  const mem = memory();
  const fmt = (ms) => (ms === undefined ? "" : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  console.log(
    `promo-lsp: ${lines.length} lines, ${(text.length / 1024).toFixed(0)} KiB, ${titleLines.length} promotions; Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}`,
  );
  console.log("");
  console.log("| operation | n | p50 ms | p95 ms | max ms | note |");
  console.log("|---|---:|---:|---:|---:|---|");
  for (const r of results) console.log(`| ${r.name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${r.note} |`);
  console.log("");
  console.log(`server memory: VmRSS ${mem.rss.toFixed(0)} MiB, peak (VmHWM) ${mem.peak.toFixed(0)} MiB`);
} finally {
  try {
    await withTimeout(connection.sendRequest("shutdown"), "shutdown");
    connection.sendNotification("exit");
  } catch {
    // the server is killed below
  }
  setTimeout(() => {
    if (child.exitCode === null) child.kill();
    connection.dispose();
  }, 500).unref();
}
