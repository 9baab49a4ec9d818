/**
 * Bundles a generated entry module (and the runtime it imports) into one
 * self-contained ES module with esbuild.
 *
 * Output is deterministic and carries no paths of the machine that built it:
 *
 *  - no source maps, no legal comments (the metafile is read, never emitted);
 *  - `absWorkingDir` is set to `resolveDir`, so esbuild never consults the
 *    process's working directory;
 *  - esbuild marks each module in an unminified bundle with a whole-line
 *    comment naming its path (`// <stdin>`, `// ../runtime/dist/index.js`).
 *    We keep unminified output readable and remove those lines afterwards:
 *    the tokenizer of `inert.ts` finds the comment tokens that stand alone
 *    on their line (so nothing inside a string or template literal is ever
 *    touched), and every such line comment is dropped. esbuild does not
 *    otherwise preserve `//` comments, so nothing else is lost. Minified
 *    output has no comments at all;
 *  - as a last check, a bundle that still contains `resolveDir` gets a
 *    warning;
 *  - CommonJS dependencies are the one place esbuild writes a module path
 *    into code rather than a comment (the key of its `__commonJS({"path"(…)})`
 *    wrapper, relative to `resolveDir`). That cannot be stripped safely, so
 *    every CommonJS input is reported as a warning instead; promotion
 *    bundles should only pull in ES modules.
 */
import { build, buildSync, type BuildOptions, type BuildResult, type Message, type Plugin } from "esbuild";
import { isAbsolute, resolve } from "node:path";
import { tokenize, type Token } from "./inert.js";

export { inertnessViolations, tokenize, ScanError } from "./inert.js";
export type { InertnessOptions, Token, TokenKind } from "./inert.js";

export interface BundleOptions {
  /** Source of the entry module (ES module). */
  entrySource: string;
  /** Directory imports in `entrySource` are resolved from. */
  resolveDir: string;
  /** Minify (identifiers, syntax and whitespace). Default false: readable output. */
  minify?: boolean;
  /** How to parse `entrySource`. Default "js". */
  loader?: "js" | "ts";
  /**
   * Modules that exist only in memory, by exact specifier (e.g. the cart-schema check generated ahead of
   * time). Their own imports resolve from `resolveDir`. Async bundling only (esbuild plugins).
   */
  virtualModules?: Readonly<Record<string, string>>;
}

export interface BundleResult {
  /** The bundled ES module. */
  code: string;
  /** esbuild's warnings, formatted as one line each (paths relative to resolveDir). */
  warnings: string[];
}

function esbuildOptions(options: BundleOptions): BuildOptions & { write: false } {
  if (typeof options.entrySource !== "string") throw new TypeError("entrySource must be a string");
  if (typeof options.resolveDir !== "string" || !isAbsolute(options.resolveDir)) {
    throw new TypeError("resolveDir must be an absolute path");
  }
  const resolveDir = resolve(options.resolveDir);
  const minify = options.minify === true;
  return {
    stdin: {
      contents: options.entrySource,
      loader: options.loader ?? "js",
      resolveDir,
      sourcefile: "promotions-entry.js",
    },
    absWorkingDir: resolveDir,
    bundle: true,
    format: "esm",
    platform: "neutral",
    // "neutral" has no default main fields/conditions; resolve like an ES module consumer.
    mainFields: ["module", "main"],
    target: "es2022",
    write: false,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    minify,
    treeShaking: true,
    // Only read to warn about CommonJS inputs; never part of the output.
    metafile: true,
    logLevel: "silent",
    color: false,
    plugins: options.virtualModules ? [virtualModulesPlugin(options.virtualModules, resolveDir)] : [],
  };
}

function virtualModulesPlugin(modules: Readonly<Record<string, string>>, resolveDir: string): Plugin {
  const names = new Set(Object.keys(modules));
  return {
    name: "promo-virtual-modules",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (names.has(args.path) ? { path: args.path, namespace: "promo-virtual" } : undefined));
      build.onLoad({ filter: /.*/, namespace: "promo-virtual" }, (args) => ({ contents: modules[args.path]!, loader: "js", resolveDir }));
    },
  };
}

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ` : "";
  return `${where}${message.text}`;
}

/** Removes esbuild's whole-line `// path` module markers (only real comments, found by the tokenizer). */
export function stripLineComments(code: string): string {
  return stripLineCommentsOf(code, tokenize(code));
}

function stripLineCommentsOf(code: string, tokens: readonly Token[]): string {
  const remove: { start: number; end: number }[] = [];
  for (const token of tokens) {
    if (token.kind !== "comment" || !token.text.startsWith("//")) continue;
    const lineStart = code.lastIndexOf("\n", token.start - 1) + 1;
    if (code.slice(lineStart, token.start).trim() !== "") continue; // code before it on the line
    const end = code[token.end] === "\n" ? token.end + 1 : token.end;
    remove.push({ start: lineStart, end });
  }
  let out = "";
  let at = 0;
  for (const { start, end } of remove) {
    out += code.slice(at, start);
    at = end;
  }
  return out + code.slice(at);
}

function finish(result: BuildResult & { outputFiles: { text: string }[] }, options: BundleOptions): BundleResult {
  const file = result.outputFiles[0];
  if (file === undefined || result.outputFiles.length !== 1) throw new Error(`esbuild produced ${result.outputFiles.length} output files`);
  const code = options.minify === true ? file.text : stripLineComments(file.text);
  const warnings = result.warnings.map(formatMessage);
  for (const [path, input] of Object.entries(result.metafile?.inputs ?? {})) {
    if (input.format === "cjs") {
      warnings.push(`${path}: CommonJS module bundled; esbuild embeds its relative path in the bundle and wraps it in a require shim (prefer ES modules)`);
    }
  }
  const dir = resolve(options.resolveDir);
  if (code.includes(dir)) warnings.push("bundle contains the absolute resolveDir path");
  return { code, warnings };
}

function failure(error: unknown): never {
  const errors = (error as { errors?: Message[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    throw new Error(`bundling failed:\n${errors.map(formatMessage).join("\n")}`, { cause: error });
  }
  throw error;
}

/** Bundles `entrySource` into one self-contained ES module. */
export async function bundleModule(options: BundleOptions): Promise<BundleResult> {
  const esOptions = esbuildOptions(options);
  let result;
  try {
    result = await build(esOptions);
  } catch (error) {
    failure(error);
  }
  return finish(result, options);
}

/** Synchronous {@link bundleModule}. */
export function bundleModuleSync(options: BundleOptions): BundleResult {
  if (options.virtualModules) throw new TypeError("virtualModules need the async bundleModule (esbuild plugins)");
  const esOptions = esbuildOptions(options);
  let result;
  try {
    result = buildSync(esOptions);
  } catch (error) {
    failure(error);
  }
  return finish(result, options);
}
