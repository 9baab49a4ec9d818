/**
 * Bundles the extension with esbuild:
 *   dist/extension.js  the client (src/extension.ts + vscode-languageclient), `vscode` left to the editor;
 *   dist/server.js     the language server (packages/lsp/dist/main.js with @promo/dsl, @promo/runtime and
 *                      vscode-languageserver), one CommonJS file that runs on the Node inside VS Code.
 * The server is built from the repository's packages: run `npm run build` at the repository root first.
 *
 *   node scripts/build.mjs [--production]   (--production minifies and drops source maps)
 */
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = join(here, "..", "..");
const production = process.argv.includes("--production");
const serverEntry = join(repo, "packages", "lsp", "dist", "main.js");
if (!existsSync(serverEntry)) {
  console.error(`build: ${serverEntry} is missing; run \`npm ci && npm run build\` at the repository root first`);
  process.exit(1);
}

rmSync(join(here, "dist"), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  minify: production,
  sourcemap: production ? false : "linked",
  logLevel: "info",
  legalComments: "none",
};

await build({
  ...common,
  entryPoints: [join(here, "src", "extension.ts")],
  outfile: join(here, "dist", "extension.js"),
  external: ["vscode"],
});

await build({
  ...common,
  entryPoints: [serverEntry],
  outfile: join(here, "dist", "server.js"),
  // ES module code may read import.meta.url; in the CommonJS bundle it is this file.
  define: { "import.meta.url": "__promoImportMetaUrl" },
  banner: { js: 'const __promoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
