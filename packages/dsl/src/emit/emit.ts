import type * as A from "../ast/nodes.js";
import type { Tables } from "../checker/context.js";
import { isLiteral, literalValue, valueKind } from "../lower/describe.js";
import { comparisonHead, comparisonTail, literalComparisonFails, negationFails, NONE_HOLDS, notTrue, REASON_SEPARATOR } from "../lower/failure-messages.js";
import type { LoweredProgram } from "../lower/lower.js";
import { programData } from "../lower/program-data.js";
import { packProgramData } from "@promo/runtime";
import { ATTRIBUTION_NAMES, attributionExport } from "./attribution.js";
import type { SourceFile } from "../util/source.js";
import { _, block, join, lines, literal, NameScope, type Code, type Name } from "./code.js";

/**
 * The emitter: a lowered program becomes one ES module of specialised functions — a predicate per scope and a
 * function per condition, with constants folded — plus the program's data. Semantics mirror the interpreter
 * (interpreter/interpret.ts) exactly; the conformance tests hold the two together. User text only ever enters
 * the output as escaped literals through the `_` builder.
 */
export interface EmitOptions {
  /** Module specifier of the runtime core (no ajv at run time). */
  runtimeImport: string;
  /** Module specifier of the standalone cart-schema validator generated beside the program. */
  validatorImport: string;
  /**
   * Module specifier whose default export is the program's data as JSON text. Without it the data is written
   * into the module as one string literal; with it the compiler can keep megabytes of data out of the bundler
   * and put the literal in afterwards (compile.ts).
   */
  dataImport?: string;
  /**
   * Leave the import declarations out, for a linker that puts the imported names in scope (link.ts): the module
   * then starts with its own declarations, and `imports` says what it expects.
   */
  linked?: boolean;
}

/** One module the emitted code imports from, and the names it takes (`imported` is "default" for a default import). */
export interface ModuleImport {
  specifier: string;
  names: { imported: string; local: string }[];
}

export interface EmittedModule {
  /** The entry module. */
  code: string;
  /** The modules it imports from (written as import declarations at its top unless `linked`). */
  imports: ModuleImport[];
  /** The program's data as JSON text (inlined in `code` unless `dataImport` was given). */
  dataJson: string;
}

/** The module's own fixed names (its exports and tables). */
const MODULE_NAMES = ["program", "programData", "attributes", "evaluator", "evaluate", "tryEvaluate", "validate", "validateCartSchema", "conditions", "scopes"];

const RUNTIME_NAMES = [
  "createEvaluatorWith",
  "hydrateProgram",
  "compare",
  "describeValue",
  "lineField",
  "cartField",
  "InvalidCartError",
  "settle",
  "refund",
  "attributeWithRules",
] as const;

export function emitModule(program: LoweredProgram, options: EmitOptions): string {
  return emitProgram(program, options).code;
}

export function emitProgram(program: LoweredProgram, options: EmitOptions): EmittedModule {
  const emitter = new Emitter(program.project.tables);
  const data = programData(program, {
    condition: (expr, file) => emitter.conditions.push(emitter.condition(expr, file)) - 1,
    scope: (expr) => emitter.ref(expr),
  });
  const runtime = join(RUNTIME_NAMES.map((n) => emitter.names.get(n)!).map((n) => _`${n}`));
  // Compact and packed: the fields that equal their defaults are left out, object keys and repeated strings are
  // written once; hydrateProgram puts everything back.
  const dataJson = JSON.stringify(packProgramData(data));
  const imports: ModuleImport[] = [
    { specifier: options.runtimeImport, names: RUNTIME_NAMES.map((n) => ({ imported: n, local: emitter.names.get(n)!.toString() })) },
    { specifier: options.validatorImport, names: [{ imported: "default", local: "validateCartSchema" }] },
  ];
  if (options.dataImport !== undefined) imports.push({ specifier: options.dataImport, names: [{ imported: "default", local: "programData" }] });
  const body = lines([
    options.linked === true ? _`` : _`import { ${runtime} } from ${options.runtimeImport};`,
    options.linked === true ? _`` : _`import validateCartSchema from ${options.validatorImport};`,
    options.dataImport === undefined || options.linked === true ? _`` : _`import programData from ${options.dataImport};`,
    _``,
    lines(emitter.hoisted),
    _``,
    _`const conditions = [${join(emitter.conditions.map((n) => _`${n}`))}];`,
    _`const scopes = [${join(emitter.scopeTable.map((n) => _`${n}`))}];`,
    // Data, not code: one JSON literal (every string in it escaped), parsed once at load.
    options.dataImport === undefined
      ? _`export const program = ${emitter.names.get("hydrateProgram")!}(JSON.parse(${dataJson}), conditions, scopes);`
      : _`export const program = ${emitter.names.get("hydrateProgram")!}(JSON.parse(programData), conditions, scopes);`,
    _`export const attributes = ${program.attributes.map((a) => ({ ...a }))};`,
    _`const evaluator = ${emitter.names.get("createEvaluatorWith")!}(program, attributes, validateCartSchema);`,
    _`/** Prices a cart (contract v1); throws InvalidCartError, whose errors name JSON paths, for bad input. */`,
    _`export function evaluate(cart, options) {`,
    _`  return evaluator.evaluate(cart, options);`,
    _`}`,
    _`export function tryEvaluate(cart, options) {`,
    _`  return evaluator.tryEvaluate(cart, options);`,
    _`}`,
    _`export function validate(cart) {`,
    _`  return evaluator.validate(cart);`,
    _`}`,
    _`export { ${emitter.names.get("InvalidCartError")!} as InvalidCartError };`,
    // Settlement and returns of a result this bundle priced (docs/language.md, Settlement and Returns).
    _`export { ${emitter.names.get("settle")!} as settle, ${emitter.names.get("refund")!} as refund };`,
    attributionExport(program, emitter.names.get("attributeWithRules")!),
  ]);
  return { code: body.toString() + "\n", imports, dataJson };
}

class Emitter {
  readonly scope = new NameScope([...MODULE_NAMES, ...ATTRIBUTION_NAMES]);
  /** Function tables the data refers to by index. */
  readonly conditions: Name[] = [];
  readonly scopeTable: Name[] = [];
  private readonly scopeIndex = new Map<Name, number>();
  readonly names = new Map<string, Name>();
  readonly hoisted: Code[] = [];
  private readonly predicates = new Map<A.Expr, Name>();
  /** Predicates by their code: equal scopes written in different places share one function. */
  private readonly predicatesByCode = new Map<string, Name>();
  private readonly sets = new Map<string, Name>();
  /** The parameters of every predicate: the same names everywhere, so equal predicates have equal code. */
  private readonly lineParam: Name;
  private readonly cartParam: Name;

  constructor(private readonly tables: Tables) {
    for (const n of RUNTIME_NAMES) this.names.set(n, this.scope.reserve(n));
    this.lineParam = this.scope.reserve("line");
    this.cartParam = this.scope.reserve("cart");
  }

  private rt(name: (typeof RUNTIME_NAMES)[number]): Name {
    return this.names.get(name)!;
  }

  /** The index of a scope predicate in the bundle's function table. */
  ref(expr: A.Expr): number {
    const name = this.predicate(expr);
    let index = this.scopeIndex.get(name);
    if (index === undefined) {
      index = this.scopeTable.push(name) - 1;
      this.scopeIndex.set(name, index);
    }
    return index;
  }

  /** A hoisted `(line, cart) => boolean` for a scope predicate, one per distinct expression. */
  private predicate(expr: A.Expr): Name {
    let name = this.predicates.get(expr);
    if (!name) {
      const env: Env = { line: this.lineParam, cart: this.cartParam, ctx: null, coupon: null };
      // A predicate is one expression over its two parameters (no locals), so its code says all it does.
      const body = this.bool(expr, env);
      const key = body.toString();
      name = this.predicatesByCode.get(key);
      if (!name) {
        name = this.scope.name("scope");
        this.predicatesByCode.set(key, name);
        this.hoisted.push(_`const ${name} = (${this.lineParam}, ${this.cartParam}) => ${body};`);
      }
      this.predicates.set(expr, name);
    }
    return name;
  }

  /** A list of literals becomes one Set built once at module load. */
  private constantSet(items: readonly (string | number | boolean | null)[]): Name {
    const key = JSON.stringify(items);
    let name = this.sets.get(key);
    if (!name) {
      name = this.scope.name("set");
      this.sets.set(key, name);
      this.hoisted.push(_`const ${name} = new Set(${items});`);
    }
    return name;
  }

  /**
   * Names local to the condition being emitted. Each condition numbers its locals afresh (their prefixes are
   * never used for module-level names, and the module's fixed names are reserved), so equal conditions have
   * equal code and share one function.
   */
  private locals = new NameScope();
  private readonly conditionsByCode = new Map<string, Name>();

  /** A hoisted condition `(ctx) => undefined | reason`. */
  condition(expr: A.Expr, file: SourceFile): Name {
    this.locals = new NameScope([...MODULE_NAMES, ...ATTRIBUTION_NAMES, ...RUNTIME_NAMES, "line", "cart"]);
    const ctx = this.locals.name("ctx");
    const cart = this.locals.name("cart");
    const coupon = this.locals.name("coupon");
    const env: Env = { line: null, cart, ctx, coupon };
    const failure = this.failure(expr, file, env);
    // Locals only where read (most conditions never read the coupon): ten thousand conditions make a bundle. A name
    // that merely appears inside a string literal costs one unused local, never a missing one.
    const text = failure.toString();
    const locals = [
      text.includes(cart.toString()) ? _`const ${cart} = ${ctx}.cart;` : _``,
      text.includes(coupon.toString()) ? _`const ${coupon} = ${ctx}.coupon;` : _``,
    ];
    const body = block([...locals, failure, _`return undefined;`]);
    const key = body.toString();
    let name = this.conditionsByCode.get(key);
    if (!name) {
      name = this.scope.name("condition");
      this.conditionsByCode.set(key, name);
      this.hoisted.push(_`const ${name} = (${ctx}) => ${body};`);
    }
    return name;
  }

  /** Statements that `return` the reason `expr` fails and fall through when it holds (interpreter: failure()). */
  private failure(expr: A.Expr, file: SourceFile, env: Env): Code {
    switch (expr.kind) {
      case "And":
        return lines(expr.operands.map((o) => this.failure(o, file, env)));
      case "Or": {
        const reasons = expr.operands.map(() => this.locals.name("reason"));
        const fns = expr.operands.map((o) => {
          const fn = this.scope.name("alternative");
          this.hoisted.push(_`const ${fn} = (${env.ctx!}, ${env.cart}, ${env.coupon!}) => ${block([this.failure(o, file, env), _`return undefined;`])};`);
          return fn;
        });
        // Nested: each alternative is tried only when the ones before it failed; all failing gives every reason.
        let inner: Code = _`return ${NONE_HOLDS} + ${join(
          reasons.map((r) => _`${r}`),
          _` + ${REASON_SEPARATOR} + `,
        )};`;
        for (let i = fns.length - 1; i >= 0; i--) {
          inner = block([_`const ${reasons[i]!} = ${fns[i]!}(${env.ctx!}, ${env.cart}, ${env.coupon!});`, _`if (${reasons[i]!} !== undefined) ${inner}`]);
        }
        return inner;
      }
      case "Not":
        return _`if (${this.bool(expr.operand, env)}) return ${negationFails(file, expr.operand)};`;
      case "Compare": {
        const left = this.locals.name("left");
        const right = this.locals.name("right");
        const subject = isLiteral(expr.left)
          ? literal(literalComparisonFails(file, expr))
          : _`${comparisonHead(file, expr)} + ${this.rt("describeValue")}(${left}, ${valueKind(this.tables, expr.left)}, ${env.cart}.currency) + ${comparisonTail(file, expr)}`;
        // A literal right side goes in as it is: it has no effects to order, and a local would only add bytes.
        const rightValue = this.value(expr.right, env);
        const rightLocal = isLiteral(expr.right) ? undefined : right;
        return block([
          _`const ${left} = ${this.value(expr.left, env)};`,
          rightLocal === undefined ? _`` : _`const ${rightLocal} = ${rightValue};`,
          _`if (!${this.rt("compare")}(${expr.op}, ${left}, ${rightLocal ?? rightValue})) return ${subject};`,
        ]);
      }
      default: {
        const v = this.locals.name("value");
        return block([
          _`const ${v} = ${this.value(expr, env)};`,
          _`if (${v} !== true) return ${v} === null || ${v} === undefined ? ${notTrue(file, expr, true)} : ${notTrue(file, expr, false)};`,
        ]);
      }
    }
  }

  private bool(expr: A.Expr, env: Env): Code {
    // And, Or and Not combine booleans (value() builds them from bool()), so they need no `=== true`.
    if (expr.kind === "And" || expr.kind === "Or" || expr.kind === "Not") return this.value(expr, env);
    return this.lineComparison(expr, env) ?? _`(${this.value(expr, env)} === true)`;
  }

  /**
   * A comparison of a built-in line field with a constant, as plain JavaScript (`line.store === "acme"`,
   * `set3.has(line.category)`, `line.unitPrice >= 500`): these fields are never missing in a normalised line, so
   * the runtime's `compare` would do exactly this. Scope predicates run once per line and promotion, so they are
   * the hot path. Undefined for anything else, which goes through `compare`. Field names select among the
   * templates below; no user text becomes code.
   */
  private lineComparison(expr: A.Expr, env: Env): Code | undefined {
    if (expr.kind !== "Compare" || !env.line || expr.left.kind !== "Path" || expr.left.segments.length !== 2) return undefined;
    const [root, field] = expr.left.segments;
    if (root!.text !== "line") return undefined;
    // Maps, not records: a declared attribute may be called `constructor` or `toString`.
    const read = LINE_FIELD_READS.get(field!.text);
    const kind = LINE_FIELD_KINDS.get(field!.text);
    if (read === undefined || kind === undefined) return undefined;
    const left = read(env.line);
    if (expr.op === "in" || expr.op === "not in") {
      if (expr.right.kind !== "List" || !expr.right.items.every((i) => isLiteral(i) || isBareCode(i, this.tables))) return undefined;
      const set = this.constantSet(expr.right.items.map((i) => constantOf(i, this.tables)));
      return expr.op === "in" ? _`${set}.has(${left})` : _`!${set}.has(${left})`;
    }
    if (!isLiteral(expr.right)) return undefined;
    const right = literalValue(this.tables, expr.right);
    if (kind === "set") return expr.op === "contains" && typeof right === "string" ? _`${left}.has(${right})` : undefined;
    if (typeof right !== (kind === "string" ? "string" : "number")) return undefined;
    const constant = right as string | number;
    switch (expr.op) {
      case "is":
        return _`(${left} === ${constant})`;
      case "is not":
        return _`(${left} !== ${constant})`;
    }
    if (kind !== "number") return undefined;
    switch (expr.op) {
      case "exceeds":
        return _`(${left} > ${constant})`;
      case "at least":
        return _`(${left} >= ${constant})`;
      case "at most":
        return _`(${left} <= ${constant})`;
      case "below":
        return _`(${left} < ${constant})`;
      default:
        return undefined;
    }
  }

  /** An expression computing the value of `expr` (interpreter: value()). */
  private value(expr: A.Expr, env: Env): Code {
    switch (expr.kind) {
      case "Number":
      case "Percent":
      case "String":
      case "Bool":
      case "DateTime":
        return literal(literalValue(this.tables, expr) ?? null);
      case "List": {
        const constant = expr.items.every((i) => isLiteral(i) || isBareCode(i, this.tables));
        if (constant) return _`${this.constantSet(expr.items.map((i) => constantOf(i, this.tables)))}`;
        return _`new Set([${join(expr.items.map((i) => this.value(i, env)))}])`;
      }
      case "And":
        return _`(${join(
          expr.operands.map((o) => this.bool(o, env)),
          _` && `,
        )})`;
      case "Or":
        return _`(${join(
          expr.operands.map((o) => this.bool(o, env)),
          _` || `,
        )})`;
      case "Not":
        return _`!${this.bool(expr.operand, env)}`;
      case "Compare":
        return this.lineComparison(expr, env) ?? _`${this.rt("compare")}(${expr.op}, ${this.value(expr.left, env)}, ${this.value(expr.right, env)})`;
      case "Aggregate": {
        if (!env.ctx) return literal(null);
        const scopeExpr = !expr.scope ? null : expr.scope.kind === "InlineScope" ? expr.scope.predicate : this.scopeDecl(expr.scope.name);
        const scope = scopeExpr ? _`${this.predicate(scopeExpr)}` : literal(null);
        if (expr.fn === "subtotal") return _`${env.ctx}.subtotal(${scope}, ${expr.base === "after"})`;
        return expr.fn === "quantity" ? _`${env.ctx}.quantity(${scope})` : _`${env.ctx}.count(${scope})`;
      }
      case "Path":
        return this.path(expr, env);
      case "Error":
        return literal(null);
    }
  }

  private scopeDecl(name: A.Name): A.Expr | null {
    const symbol = this.tables.refs.get(name.id);
    return symbol?.kind === "scope" ? symbol.decl.predicate : null;
  }

  private path(expr: A.PathExpr, env: Env): Code {
    const [root, field] = expr.segments;
    if (!field) {
      const symbol = this.tables.refs.get(root!.id);
      if (symbol?.kind === "scope") return env.line ? _`${this.predicate(symbol.decl.predicate)}(${env.line}, ${env.cart})` : literal(null);
      return literal(root!.text);
    }
    if (root!.text === "line") return env.line ? _`${this.rt("lineField")}(${env.line}, ${field.text})` : literal(null);
    return _`${this.rt("cartField")}(${env.cart}, ${env.coupon ?? literal(null)}, ${root!.text}, ${field.text})`;
  }
}

/** Reads of the built-in line fields: the same in every normalised line (types.ts), never missing. */
const LINE_FIELD_READS: ReadonlyMap<string, (line: Name) => Code> = new Map([
  ["id", (line: Name) => _`${line}.id`],
  ["sku", (line: Name) => _`${line}.sku`],
  ["product", (line: Name) => _`${line}.product`],
  ["store", (line: Name) => _`${line}.store`],
  ["category", (line: Name) => _`${line}.category`],
  ["tags", (line: Name) => _`${line}.tags`],
  ["unitPrice", (line: Name) => _`${line}.unitPrice`],
  ["quantity", (line: Name) => _`${line}.quantity`],
  ["subtotal", (line: Name) => _`${line}.subtotal`],
]);

const LINE_FIELD_KINDS: ReadonlyMap<string, "string" | "number" | "set"> = new Map([
  ["id", "string"],
  ["sku", "string"],
  ["product", "string"],
  ["store", "string"],
  ["category", "string"],
  ["tags", "set"],
  ["unitPrice", "number"],
  ["quantity", "number"],
  ["subtotal", "number"],
] as const);

interface Env {
  line: Name | null;
  cart: Name;
  ctx: Name | null;
  coupon: Name | null;
}

function isBareCode(expr: A.Expr, tables: Tables): boolean {
  if (expr.kind !== "Path" || expr.segments.length !== 1) return false;
  const symbol = tables.refs.get(expr.segments[0]!.id);
  return symbol === undefined || symbol.kind === "region";
}

function constantOf(expr: A.Expr, tables: Tables): string | number | boolean | null {
  // A bare code (US, EUR) is its own text; every other constant is a literal.
  return expr.kind === "Path" ? expr.segments[0]!.text : (literalValue(tables, expr) ?? null);
}
