#!/usr/bin/env node
// Builds the playground into dist/: index.html, style.css, main.js (the page) and worker.js (the language server
// and the pricing engine in a Web Worker), bundled by esbuild for the browser. The example rule files and carts of
// examples/ are bundled in as data. The output is a folder any static host can serve.
//   node build.mjs [--outdir dist] [--no-minify]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

/** Example rule files and their carts: examples/NAME.promo with examples/carts/NAME-*.json. */
export function collectExamples(dir = join(root, "examples")) {
  const carts = readdirSync(join(dir, "carts")).filter((f) => f.endsWith(".json"));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".promo"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -".promo".length);
      const rules = readFileSync(join(dir, file), "utf8");
      const title = /^#\s*(.+)$/m.exec(rules)?.[1]?.replace(/[.:].*$/, "") ?? name;
      return {
        name,
        title,
        rules,
        carts: carts
          .filter((c) => c.startsWith(`${name}-`))
          .sort()
          .map((c) => ({ name: c.slice(name.length + 1, -".json".length), text: readFileSync(join(dir, "carts", c), "utf8") })),
      };
    })
    .filter((e) => e.carts.length > 0);
}

/** Browser stand-ins for the Node modules the front end and the language server import. */
const browserShims = {
  name: "browser-shims",
  setup(b) {
    const shim = (name) => join(here, "src", "shims", `${name}.ts`);
    b.onResolve({ filter: /^node:(fs|path|url)$/ }, (args) => ({ path: shim(args.path.slice("node:".length)) }));
    b.onResolve({ filter: /^vscode-languageserver\/node$/ }, (args) =>
      b.resolve("vscode-languageserver/browser", { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer }),
    );
    b.onResolve({ filter: /^playground:examples$/ }, () => ({ path: "examples", namespace: "playground" }));
    b.onLoad({ filter: /.*/, namespace: "playground" }, () => ({ contents: JSON.stringify(collectExamples()), loader: "json" }));
  },
};

export async function buildPlayground({ outdir = join(here, "dist"), minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(here, "src", "main.ts"), worker: join(here, "src", "worker.ts") },
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome110", "firefox110", "safari16"],
    minify,
    sourcemap: "linked",
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [browserShims],
    logLevel: "warning",
    metafile: true,
  });
  for (const file of ["index.html", "style.css"]) copyFileSync(join(here, "src", file), join(outdir, file));
  const sizes = Object.fromEntries(
    readdirSync(outdir)
      .filter((f) => !f.endsWith(".map"))
      .map((f) => [f, statSync(join(outdir, f)).size]),
  );
  return { outdir, sizes, metafile: result.metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outdir = args.includes("--outdir") ? resolve(args[args.indexOf("--outdir") + 1]) : undefined;
  const { outdir: out, sizes } = await buildPlayground({ outdir, minify: !args.includes("--no-minify") });
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(
    `playground built in ${out}: ${Object.entries(sizes)
      .map(([f, s]) => `${f} ${(s / 1024).toFixed(0)} KiB`)
      .join(", ")} (${(total / 1024).toFixed(0)} KiB)`,
  );
}
