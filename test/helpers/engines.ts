import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cartSchemaModuleSource, type AttributeSpec, type EvaluateOutcome } from "@promo/runtime/node";
import type { CheckedProject } from "../../packages/dsl/src/checker/checker.js";
import { compile } from "../../packages/dsl/src/compiler/compile.js";
import type { Diagnostic } from "../../packages/dsl/src/diagnostics/diagnostic.js";
import { emitModule } from "../../packages/dsl/src/emit/emit.js";
import { interpreterEvaluator } from "../../packages/dsl/src/interpreter/evaluator.js";
import { lower } from "../../packages/dsl/src/lower/lower.js";
import { checkProject } from "../../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../../packages/dsl/src/project/host.js";
import { repoRoot } from "./cli.js";

/**
 * The two engines for one rule text: the reference interpreter, and compiled code loaded as a module. Compiled
 * code comes in two forms:
 *
 * - `emitted`: the emitter's module (what `promo compile` bundles), imported with the runtime it names by URL and
 *   the standalone cart-schema validator; a few milliseconds per rule file, so properties can compile thousands;
 * - `bundled`: the real esbuild bundle of `compile()` (a few hundred milliseconds), used on fewer rule files.
 *
 * Needs the build (`npm test` builds first): the compiled code imports the built runtime.
 */
export interface Engine {
  tryEvaluate(cart: unknown, options?: { maxSearchSteps?: number }): EvaluateOutcome;
}

const RULES = "/rules.promo";
let scratch: string | undefined;
let counter = 0;
const validators = new Map<string, string>();

/**
 * Inside the repository, not the system's temporary directory: a cart validator for declared attributes imports
 * ajv's runtime helpers (`ajv/dist/runtime/equal`), which resolve only from under the repository's node_modules.
 */
function scratchDir(): string {
  const cache = join(repoRoot, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  scratch ??= mkdtempSync(join(cache, "promo-engines-"));
  return scratch;
}

/** Removes the modules written so far (call from afterAll). */
export function cleanEngines(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
  validators.clear();
}

export function checkRules(text: string, path = RULES): { project: CheckedProject; diagnostics: Diagnostic[] } {
  return checkProject([path], memoryHost({ [path]: text }));
}

export function errorsOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn} ${d.message}`);
}

export function interpreterFor(project: CheckedProject): Engine {
  return interpreterEvaluator(project);
}

function validatorUrl(attributes: readonly AttributeSpec[]): string {
  const key = JSON.stringify(attributes);
  let url = validators.get(key);
  if (!url) {
    const file = join(scratchDir(), `validator-${validators.size}.mjs`);
    const imports = new Set<string>();
    // ajv's standalone code requires its runtime helpers (set attributes need `equal`); an ES module imports them.
    const source = cartSchemaModuleSource(attributes).replace(/require\("(ajv\/dist\/runtime\/[a-z]+)"\)/g, (_m, path: string) => {
      const name = `__ajv_${path.split("/").pop()}`;
      imports.add(`import ${name} from "${path}.js";`);
      return name;
    });
    writeFileSync(file, [...imports].join("\n") + "\n" + source);
    url = pathToFileURL(file).href;
    validators.set(key, url);
  }
  return url;
}

const runtimeUrl = pathToFileURL(join(repoRoot, "packages", "runtime", "dist", "index.js")).href;

/** The emitter's module for a checked project, loaded. */
export async function emittedFor(project: CheckedProject): Promise<Engine & { source: string }> {
  const program = lower(project);
  const source = emitModule(program, { runtimeImport: runtimeUrl, validatorImport: validatorUrl(program.attributes) });
  const file = join(scratchDir(), `emitted-${counter++}.mjs`);
  writeFileSync(file, source);
  const module = (await import(pathToFileURL(file).href)) as Engine;
  return { tryEvaluate: module.tryEvaluate, source };
}

/** The real bundle of `compile()` for a rule text, loaded. */
export async function bundledFor(text: string, options: { costBudget?: number } = {}): Promise<Engine & { evaluate(cart: unknown): unknown; code: string }> {
  const result = await compile([RULES], { host: memoryHost({ [RULES]: text }), ...options });
  if (result.code === "") throw new Error(`does not compile:\n${errorsOf(result.diagnostics).join("\n")}\n${text}`);
  const file = join(scratchDir(), `bundle-${counter++}.mjs`);
  writeFileSync(file, result.code);
  const module = (await import(pathToFileURL(file).href)) as Engine & { evaluate(cart: unknown): unknown };
  return { tryEvaluate: module.tryEvaluate, evaluate: module.evaluate, code: result.code };
}
