/**
 * Links generated code with the runtime without passing the generated code through esbuild.
 *
 * A large rule set emits megabytes of specialised functions that need no bundling: they import a handful of
 * names and nothing else. So esbuild bundles only what they import — a small module re-exporting those names from
 * the runtime and the cart-schema check — and the linker puts that bundle's body inside a function that returns
 * the names, followed by the generated code:
 *
 *     const { compare, hydrateProgram, … } = (() => {
 *       …the runtime bundle, its closing `export { … }` turned into a return…
 *     })();
 *     …the generated code (emitted with `linked: true`, so without import declarations)…
 *
 * The function keeps every top-level name of the runtime bundle out of the generated code's scope, so the two
 * cannot collide. The result is one ES module, like esbuild's output, and is checked for inertness the same way.
 */
import { bundleModule } from "./bundle.js";
import type { ModuleImport } from "./emit.js";
import { IDENTIFIER, isSafeIdentifier, literal } from "./code.js";
import { tokenize, type Token } from "./inert.js";

export interface LinkOptions {
  /** The generated module, without import declarations: the names of `imports` are free in it. */
  code: string;
  imports: readonly ModuleImport[];
  /** Where the runtime's imports resolve from (absolute). */
  resolveDir: string;
  virtualModules?: Readonly<Record<string, string>>;
}

export interface LinkResult {
  code: string;
  warnings: string[];
}

export async function linkModule(options: LinkOptions): Promise<LinkResult> {
  const locals = options.imports.flatMap((i) => i.names.map((n) => n.local));
  // The code builder's identifier rule, the one used for all generated text: locals become bindings in the
  // generated scope, so they must be safe identifiers (no reserved words or globals); imported names are export
  // names, which may be any identifier-shaped word (`default`).
  for (const i of options.imports)
    for (const n of i.names)
      if (!isSafeIdentifier(n.local) || !IDENTIFIER.test(n.imported))
        throw new Error(`cannot link the import name ${JSON.stringify(isSafeIdentifier(n.local) ? n.imported : n.local)}`);
  if (new Set(locals).size !== locals.length) throw new Error("the same local name is imported twice");
  const reexports = options.imports
    .map((i) => `export { ${i.names.map((n) => `${n.imported} as ${n.local}`).join(", ")} } from ${literal(i.specifier).toString()};`)
    .join("\n");
  const runtime = await bundleModule({ entrySource: reexports, resolveDir: options.resolveDir, virtualModules: options.virtualModules });
  const { body, exported } = splitFinalExport(runtime.code);
  for (const name of locals) if (!exported.has(name)) throw new Error(`the runtime bundle does not export ${name}`);
  const returned = locals.map((name) => (exported.get(name) === name ? name : `${name}: ${exported.get(name)}`)).join(", ");
  const code = [`const { ${locals.join(", ")} } = (() => {`, body.trimEnd(), `return { ${returned} };`, `})();`, options.code].join("\n");
  return { code, warnings: runtime.warnings };
}

/** An esbuild ES module bundle → its code before the closing `export { local as name, … };`, and that map. */
function splitFinalExport(code: string): { body: string; exported: Map<string, string> } {
  const tokens = tokenize(code).filter((t) => t.kind !== "comment");
  const at = lastIndexWhere(tokens, (t) => t.kind === "ident" && t.text === "export");
  const fail = (): never => {
    throw new Error("the runtime bundle does not end in one `export { … };` clause");
  };
  if (at < 0) fail();
  const clause = tokens.slice(at + 1);
  if (clause[0]?.text !== "{" || clause.at(-1)?.text !== ";" || clause.at(-2)?.text !== "}") fail();
  const exported = new Map<string, string>();
  const inner = clause.slice(1, -2);
  for (let i = 0; i < inner.length;) {
    const local = inner[i];
    if (local?.kind !== "ident") fail();
    let name = local!.value;
    i++;
    if (inner[i]?.kind === "ident" && inner[i]!.text === "as") {
      const alias = inner[i + 1];
      if (alias?.kind !== "ident") fail();
      name = alias!.value;
      i += 2;
    }
    exported.set(name, local!.value);
    if (i < inner.length) {
      if (inner[i]!.text !== ",") fail();
      i++;
    }
  }
  return { body: code.slice(0, tokens[at]!.start), exported };
}

function lastIndexWhere(tokens: readonly Token[], test: (t: Token) => boolean): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (test(tokens[i]!)) return i;
  return -1;
}
