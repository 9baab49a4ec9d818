import { attributionSchemaDefs, cartSchema, cartSchemaModuleSource } from "@promo/runtime/node";
import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckOptions } from "../checker/checker.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { bundleModule } from "../emit/bundle.js";
import { safeSingleQuoted, safeStringify } from "../emit/code.js";
import { emitProgram } from "../emit/emit.js";
import { inertnessViolations } from "../emit/inert.js";
import { linkModule } from "../emit/link.js";
import { lower, type LoweredProgram } from "../lower/lower.js";
import { checkProject, type StageTiming } from "../pipeline/frontend.js";
import { diskHost, type SourceHost } from "../project/host.js";
import { declarationFile } from "./declarations.js";

export interface CompileResult {
  /** The bundle: one self-contained, inert ES module exporting `evaluate`. Empty when there are errors. */
  code: string;
  /** TypeScript declarations for the bundle. */
  dts: string;
  /** JSON Schema of the carts the bundle accepts. */
  schema: object;
  diagnostics: Diagnostic[];
  timings: (StageTiming | { stage: "lower" | "emit" | "bundle"; ms: number })[];
}

export interface CompileOptions extends CheckOptions {
  host?: SourceHost;
  minify?: boolean;
}

/** Where `@promo/runtime` resolves from: this package's directory (workspace or installed). */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const VALIDATOR = "promo:cart-schema";
const DATA = "promo:program-data";

/**
 * Compiles rule files into a bundle. The stages (check, lower, emit, bundle) each return their value plus
 * diagnostics; the bundle is built only from a program without errors, and refused if it is not inert.
 */
export async function compile(files: readonly string[], options: CompileOptions = {}): Promise<CompileResult> {
  const { project, diagnostics, timings } = checkProject(files, options.host ?? diskHost, options);
  const stages: CompileResult["timings"] = [...timings];
  if (hasErrors(diagnostics)) return { code: "", dts: "", schema: {}, diagnostics, timings: stages };
  const time = <T>(stage: "lower" | "emit" | "bundle", work: () => T): T => {
    const start = performance.now();
    const value = work();
    stages.push({ stage, ms: performance.now() - start });
    return value;
  };
  const program = time("lower", () => lower(project));
  const minify = options.minify ?? false;
  // Unminified, the generated code is linked to a bundle of the runtime rather than bundled with it (link.ts).
  const entry = time("emit", () => emitProgram(program, { runtimeImport: "@promo/runtime", validatorImport: VALIDATOR, dataImport: DATA, linked: !minify }));
  const start = performance.now();
  // The data (most of a large bundle) goes around the bundler and the inertness scan: a short marker string takes
  // its place, and the data's literal replaces the marker at the end. The literal comes from safeSingleQuoted, so it
  // is one string token, and scanning the bundle with the marker is scanning it with the data.
  const marker = `promo-program-data-${createHash("sha256").update(entry.dataJson).digest("hex")}`;
  const virtualModules = { [VALIDATOR]: cartSchemaModuleSource(program.attributes), [DATA]: `export default ${safeStringify(marker)};` };
  const linked = minify
    ? await bundleModule({ entrySource: entry.code, resolveDir: PACKAGE_DIR, minify, virtualModules })
    : await linkModule({ code: entry.code, imports: entry.imports, resolveDir: PACKAGE_DIR, virtualModules });
  const violations = inertnessViolations(linked.code);
  if (violations.length > 0) throw new Error(`the bundle is not inert: ${violations.slice(0, 5).join("; ")}`);
  const code = spliceLiteral(linked.code, safeStringify(marker), safeSingleQuoted(entry.dataJson));
  stages.push({ stage: "bundle", ms: performance.now() - start });
  return { code, dts: declarationFile(program), schema: withJourneys(cartSchema(program.attributes)), diagnostics, timings: stages };
}

/** The cart schema with the definitions of `attribute`'s inputs added (`#/definitions/journey`, `…/attributionOrder`). */
function withJourneys(schema: object): object {
  const s = schema as { definitions?: Record<string, object> };
  return { ...schema, definitions: { ...s.definitions, ...attributionSchemaDefs() } };
}

/** `code` with its one occurrence of the string literal `marker` replaced by `literal`. */
function spliceLiteral(code: string, marker: string, literal: string): string {
  const at = code.indexOf(marker);
  if (at < 0 || code.indexOf(marker, at + 1) >= 0) throw new Error("the bundle does not hold the program data's marker exactly once");
  return code.slice(0, at) + literal + code.slice(at + marker.length);
}

export type { LoweredProgram };
