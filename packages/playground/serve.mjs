#!/usr/bin/env node
// A tiny static file server for the built playground (dist/), on localhost only.
//   node serve.mjs [--port 8420] [--dir dist]
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on 127.0.0.1:`port` (0 picks a free port); resolves with its URL and a way to stop it. */
export function serveStatic(dir, port = 0) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = normalize(join(base, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    let size;
    try {
      if (!file.startsWith(base + sep)) throw new Error("outside");
      size = statSync(file).isFile() ? statSync(file).size : undefined;
    } catch {
      size = undefined;
    }
    if (size === undefined || req.method !== "GET") {
      res.writeHead(req.method === "GET" ? 404 : 405, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size, "cache-control": "no-cache" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolvePromise({ url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const port = Number(option("--port", "8420"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, not '${option("--port")}'`);
    process.exit(2);
  }
  const dir = resolve(option("--dir", join(fileURLToPath(new URL(".", import.meta.url)), "dist")));
  try {
    statSync(join(dir, "index.html"));
  } catch {
    console.error(`no playground build in ${dir}: run 'npm run build -w packages/playground' first`);
    process.exit(2);
  }
  const { url } = await serveStatic(dir, port).catch((error) => {
    console.error(`cannot serve on port ${port}: ${error.message}`);
    process.exit(2);
  });
  console.log(`playground: ${url}  (Ctrl-C to stop)`);
}
