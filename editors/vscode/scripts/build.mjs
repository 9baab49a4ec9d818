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

/**
 * The compiler's bundler (esbuild, a native binary) is reachable from @promo/dsl's index but never used by the
 * language server: the server bundle gets a stand-in that throws if it ever were.
 */
const noBundler = {
  name: "no-bundler",
  setup(b) {
    b.onResolve({ filter: /^esbuild$/ }, () => ({ path: "esbuild", namespace: "no-bundler" }));
    b.onLoad({ filter: /.*/, namespace: "no-bundler" }, () => ({
      contents: 'const missing = () => { throw new Error("bundling is not available in the editor"); };\nexport const build = missing, buildSync = missing;\n',
      loader: "js",
    }));
  },
};

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
  plugins: [noBundler],
  // ES module code reads import.meta.url (the CLI's version lookup); in the CommonJS bundle it is this file.
  define: { "import.meta.url": "__promoImportMetaUrl" },
  banner: { js: 'const __promoImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
