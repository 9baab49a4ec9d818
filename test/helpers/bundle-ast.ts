import { parse, type Node } from "acorn";
import { full } from "acorn-walk";

/**
 * What a promotion bundle must never contain, found by parsing it (acorn) and walking the syntax tree, so that
 * text inside strings, comments and templates can never hide or fake a match:
 *
 * - a reference to `eval`, `Function`, `require`, `process`, `globalThis`, `global`, `module` or `exports`
 *   (member names such as `x.process` and object keys are not references);
 * - `import(…)` or `import.meta`; a static `import`/`export … from` (a bundle is self-contained);
 * - `.constructor`, `.__proto__` or `.prototype` reached through a member (or a computed member with that literal
 *   key), the way from any value to `Function`;
 * - `with` statements and `new` of anything named `Function`.
 */
const BANNED = new Set(["eval", "Function", "require", "process", "globalThis", "global", "module", "exports", "Reflect"]);
const BANNED_MEMBERS = new Set(["constructor", "__proto__", "prototype", "__defineGetter__", "__defineSetter__", "__lookupGetter__"]);

export function parseBundle(code: string): Node {
  return parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true });
}

/**
 * The runtime libraries inside a whole bundle (decimal.js's `new this.constructor(x)`, `Object.prototype`
 * checks in the cart copy) name `.constructor` and `.prototype` with fixed, non-computed names; whole bundles
 * are checked with {@link LIBRARY_MEMBERS} allowed, generated code (the emitter's module) with nothing allowed.
 */
export const LIBRARY_MEMBERS = ["constructor", "prototype"] as const;

export function bundleViolations(code: string, options: { allowedMembers?: readonly string[]; allowStaticImports?: boolean } = {}): string[] {
  const out: string[] = [];
  const at = (node: Node) =>
    `${(node as Node & { loc?: { start: { line: number; column: number } } }).loc?.start.line}:${(node as Node & { loc?: { start: { line: number; column: number } } }).loc?.start.column}`;
  const allowed = new Set(options.allowedMembers ?? []);
  full(parseBundle(code), (node) => {
    const n = node as Node & Record<string, any>;
    switch (n.type) {
      case "Identifier":
        if (BANNED.has(n.name)) out.push(`${at(n)} reference to ${n.name}`);
        break;
      case "ImportExpression":
        out.push(`${at(n)} dynamic import()`);
        break;
      case "MetaProperty":
        out.push(`${at(n)} ${n.meta.name}.${n.property.name}`);
        break;
      case "ImportDeclaration":
        if (!options.allowStaticImports) out.push(`${at(n)} static import`);
        break;
      case "ExportAllDeclaration":
        out.push(`${at(n)} export * from`);
        break;
      case "ExportNamedDeclaration":
        if (n.source && !options.allowStaticImports) out.push(`${at(n)} export … from`);
        break;
      case "WithStatement":
        out.push(`${at(n)} with statement`);
        break;
      case "MemberExpression": {
        const name = n.computed ? (n.property.type === "Literal" ? String(n.property.value) : undefined) : n.property.name;
        if (name !== undefined && BANNED_MEMBERS.has(name) && !allowed.has(name)) out.push(`${at(n)} member .${name}`);
        break;
      }
      default:
        break;
    }
  });
  return out;
}
