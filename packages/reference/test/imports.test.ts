import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The reference model must be independent of what it checks: its static import graph (every module it loads,
 * followed transitively from src/index.ts) reaches nothing of the runtime's engine, cart, money or time code, and
 * nothing of the dsl's lowering, interpreter or emitter. Type-only imports load nothing, but they are listed too,
 * and may name only the dsl's syntax tree.
 */
const repo = resolve(import.meta.dirname, "..", "..", "..");
const entry = join(repo, "packages", "reference", "src", "index.ts");

interface Edge {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const edges: Edge[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node)
        ? Boolean(node.importClause?.isTypeOnly) ||
          Boolean(
            node.importClause &&
            !node.importClause.name &&
            node.importClause.namedBindings &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.namedBindings.elements.length > 0 &&
            node.importClause.namedBindings.elements.every((e) => e.isTypeOnly),
          )
        : node.isTypeOnly;
      edges.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      edges.push({ from: file, specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, join(base, "index.ts")];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`cannot resolve ${specifier} from ${from}`);
  return found;
}

/** Every module the reference loads at run time, and every type-only import edge. */
function graph(): { loaded: Set<string>; packages: Set<string>; typeOnly: Edge[] } {
  const loaded = new Set<string>();
  const packages = new Set<string>();
  const typeOnly: Edge[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const edge of importsOf(file)) {
      if (edge.typeOnly) typeOnly.push(edge);
      else if (edge.specifier.startsWith(".")) queue.push(resolveRelative(file, edge.specifier));
      else packages.add(edge.specifier);
    }
  }
  return { loaded, packages, typeOnly };
}

describe("the reference model's imports", () => {
  const { loaded, packages, typeOnly } = graph();
  const files = [...loaded].map((f) => relative(repo, f));

  it("load only its own modules, node built-ins and the Temporal polyfill", () => {
    expect(files.every((f) => f.startsWith("packages/reference/src/"))).toBe(true);
    expect([...packages].filter((p) => !p.startsWith("node:") && p !== "temporal-polyfill")).toEqual([]);
    expect(files.length).toBeGreaterThan(4);
  });

  it("reach nothing of the runtime's engine, cart, money or time code, nor the dsl's lowering, interpreter or emitter", () => {
    const forbidden = /^packages\/runtime\/src\/(engine|cart|money|time)\/|^packages\/dsl\/src\/(lower|interpreter|emit|compiler)\//;
    expect(files.filter((f) => forbidden.test(f))).toEqual([]);
    expect([...packages].filter((p) => p.startsWith("@promo/"))).toEqual([]);
  });

  it("import only the dsl's syntax-tree types, and only as types", () => {
    const targets = new Set(typeOnly.map((e) => relative(repo, resolveRelative(e.from, e.specifier))).filter((f) => !f.startsWith("packages/reference/")));
    expect([...targets]).toEqual(["packages/dsl/src/ast/nodes.ts"]);
  });

  it("would notice a forbidden import (the check reads real import syntax)", () => {
    const probe = ts.createSourceFile(
      "probe.ts",
      'import { evaluateProgram } from "../../runtime/src/engine/evaluate.js";\nimport type { X } from "./x.js";',
      ts.ScriptTarget.ES2022,
      true,
    );
    const kinds = probe.statements
      .filter(ts.isImportDeclaration)
      .map((s) => [(s.moduleSpecifier as ts.StringLiteral).text, Boolean(s.importClause?.isTypeOnly)]);
    expect(kinds).toEqual([
      ["../../runtime/src/engine/evaluate.js", false],
      ["./x.js", true],
    ]);
  });
});
