import { CURRENCY_CODES, isCurrencyCode, isRegionCode, REGION_CODES } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { FileContext, Reporter, Symbol, WritableTables } from "./context.js";
import type { Literals } from "./literals.js";
import type { SymbolTable } from "./symbols.js";
import { BUILTIN_FIELDS, builtinFieldsOf, compatible, isNumeric, T, typeName, type Type } from "./types.js";

/** Where an expression is evaluated: once per cart (conditions) or once per line (scope predicates). */
export interface ExprEnv {
  file: FileContext;
  mode: "cart" | "line";
  /** Coupon fields exist only in promotions triggered by a code. */
  couponAvailable: boolean;
  /** Scopes reached while checking a scope's own predicate, to report cycles instead of looping. */
  scopeStack?: string[];
}

const ORDERING = new Set<A.Comparator>(["exceeds", "at least", "at most", "below"]);

export class ExpressionChecker {
  constructor(
    private readonly reporter: Reporter,
    private readonly tables: WritableTables,
    private readonly literals: Literals,
    private readonly symbols: SymbolTable,
  ) {}

  private at(env: ExprEnv, span: A.Span) {
    return this.reporter.at(env.file.source, span);
  }

  /** Checks `expr` where a Bool is required (a condition or a scope predicate). */
  condition(expr: A.Expr, env: ExprEnv, what: string): void {
    const type = this.check(expr, env);
    if (type.t !== "bool" && type.t !== "unknown") {
      this.reporter.report(Diagnostics.typeMismatch(this.at(env, expr.span), `${what} must be true or false, but this is ${typeName(type)}`));
    }
  }

  check(expr: A.Expr, env: ExprEnv): Type {
    const type = this.infer(expr, env);
    this.tables.types.set(expr.id, type);
    return type;
  }

  private infer(expr: A.Expr, env: ExprEnv): Type {
    switch (expr.kind) {
      case "Error":
        return T.unknown;
      case "Bool":
        return T.bool;
      case "String":
        return T.string;
      case "Percent":
        this.literals.percent(env.file, expr, "a percentage");
        return T.percent;
      case "Number":
        if (!expr.currency) return /^-?\d+$/.test(expr.text) ? T.int : T.decimal;
        {
          const currency = this.literals.currencyCode(env.file, expr.currency);
          if (currency) this.literals.money(env.file, expr, "an amount");
          return T.money(currency);
        }
      case "DateTime": {
        if (!expr.zone) {
          if (expr.text.length <= 10) {
            this.literals.localDateTime(env.file, expr);
            return T.date;
          }
          // An instant is only meaningful in a zone: which 05:00 would it be?
          this.reporter.report(
            Diagnostics.invalidDateTime(this.at(env, expr.span), expr.text, "a date-time in a condition needs its zone, e.g. 'in America/Los_Angeles'"),
          );
          return T.unknown;
        }
        const zone = this.literals.zone(env.file, expr.zone);
        this.literals.instant(env.file, expr, zone);
        return T.datetime;
      }
      case "And":
      case "Or":
        for (const operand of expr.operands) this.condition(operand, env, `each side of '${expr.kind.toLowerCase()}'`);
        return T.bool;
      case "Not":
        this.condition(expr.operand, env, "the operand of 'not'");
        return T.bool;
      case "List":
        return this.list(expr, env);
      case "Aggregate":
        return this.aggregate(expr, env);
      case "Path":
        return this.path(expr, env);
      case "Compare":
        return this.compare(expr, env);
    }
  }

  private list(expr: A.ListExpr, env: ExprEnv): Type {
    const types = expr.items.map((item) => this.check(item, env));
    // Region codes may be written bare (US) or quoted ("US"); a list mixing both is a list of regions.
    if (types.some((t) => t.t === "region") && expr.items.every((item, i) => types[i]!.t !== "string" || item.kind === "String")) {
      this.regionString(expr, env);
      return T.set(T.region);
    }
    let element: Type = T.unknown;
    for (const [i, item] of expr.items.entries()) {
      const type = types[i]!;
      if (type.t === "unknown") continue;
      if (element.t === "unknown") element = type;
      else if (!compatible(element, type)) {
        this.reporter.report(
          Diagnostics.typeMismatch(
            this.at(env, item.span),
            `a list holds values of one type: this is ${typeName(type)} but the list holds ${typeName(element)}`,
          ),
        );
      }
    }
    return T.set(element);
  }

  aggregate(expr: A.AggregateExpr, env: ExprEnv): Type {
    if (env.mode === "line") {
      this.reporter.report(
        Diagnostics.fieldNotAvailable(
          this.at(env, expr.span),
          `'${expr.fn}' sums the cart and is not available inside a scope; use line.subtotal or line.quantity`,
        ),
      );
    }
    if (expr.scope) this.scopeRef(expr.scope, env.file);
    if (expr.base && expr.fn !== "subtotal") {
      this.reporter.report(
        Diagnostics.clauseNotAllowed(this.at(env, expr.span), `only 'subtotal' can be taken ${expr.base} discounts; '${expr.fn}' counts units or lines`),
      );
    }
    return expr.fn === "subtotal" ? T.money(env.file.currency) : T.int;
  }

  /** Resolves a scope reference (named or inline) and checks its predicate per line. */
  scopeRef(ref: A.ScopeRef, file: FileContext): void {
    if (ref.kind === "InlineScope") {
      this.condition(ref.predicate, { file, mode: "line", couponAvailable: false }, "a scope");
      return;
    }
    this.resolveScopeName(ref.name, file);
  }

  resolveScopeName(name: A.Name, file: FileContext): Symbol | undefined {
    if (name.text === "") return undefined;
    const symbol = this.symbols.scopes.get(name.text);
    if (symbol) {
      this.tables.refs.set(name.id, symbol);
      this.symbols.markUsed(symbol);
      return symbol;
    }
    this.reporter.report(Diagnostics.unknownName(this.reporter.at(file.source, name.span), "scope", name.text, suggest(name.text, this.symbols.scopes.keys())));
    return undefined;
  }

  private path(expr: A.PathExpr, env: ExprEnv): Type {
    const [root, field, ...extra] = expr.segments;
    if (!root || root.text === "") return T.unknown;
    if (!field) return this.bareName(root, env);

    const fields = builtinFieldsOf(root.text);
    if (!fields) {
      const candidates = [...Object.keys(BUILTIN_FIELDS)];
      this.reporter.report(Diagnostics.unknownName(this.at(env, root.span), "name", root.text, suggest(root.text, candidates)));
      return T.unknown;
    }
    if (root.text === "line" && env.mode === "cart") {
      this.reporter.report(
        Diagnostics.fieldNotAvailable(
          this.at(env, expr.span),
          `line fields exist per line, inside a scope; write e.g. 'subtotal of (${expr.segments.map((s) => s.text).join(".")} ...)' or declare a scope`,
        ),
      );
      return T.unknown;
    }
    if (root.text !== "line" && env.mode === "line") {
      this.reporter.report(
        Diagnostics.fieldNotAvailable(
          this.at(env, expr.span),
          `a scope selects lines and can only use line fields (line.sku, line.tags, ...), not ${root.text} fields`,
        ),
      );
      return T.unknown;
    }
    if (root.text === "coupon" && !env.couponAvailable) {
      this.reporter.report(Diagnostics.fieldNotAvailable(this.at(env, expr.span), "coupon fields exist only in promotions triggered by a code"));
      return T.unknown;
    }
    if (field.text === "") return T.unknown;
    let type: Type | undefined;
    const builtin = Object.hasOwn(fields, field.text) ? fields[field.text] : undefined;
    if (builtin) {
      type = builtin === "money" ? T.money(env.file.currency) : builtin;
      this.tables.refs.set(field.id, { kind: "field", name: `${root.text}.${field.text}`, type });
    } else {
      const attribute = this.symbols.attributes.get(`${root.text}.${field.text}`);
      if (attribute && attribute.kind === "attribute") {
        type = attribute.type;
        this.tables.refs.set(field.id, attribute);
        this.symbols.markUsed(attribute);
      }
    }
    if (!type) {
      const known = [...Object.keys(fields), ...this.symbols.attributeNames(root.text)];
      this.reporter.report(Diagnostics.unknownField(this.at(env, field.span), root.text, field.text, suggest(field.text, known)));
      return T.unknown;
    }
    if (extra.length > 0) {
      this.reporter.report(Diagnostics.unknownField(this.at(env, extra[0]!.span), `${root.text}.${field.text}`, extra[0]!.text, []));
      return T.unknown;
    }
    return type;
  }

  /** A one-word name: a scope (inside scopes), a region code such as US, or a currency code such as EUR. */
  private bareName(name: A.Name, env: ExprEnv): Type {
    const scope = this.symbols.scopes.get(name.text);
    if (scope) {
      this.tables.refs.set(name.id, scope);
      this.symbols.markUsed(scope);
      if (env.mode === "cart") {
        this.reporter.report(
          Diagnostics.typeMismatch(
            this.at(env, name.span),
            `scope '${name.text}' is a set of lines; use 'subtotal of ${name.text}', 'quantity of ${name.text}' or 'count of ${name.text}'`,
          ),
        );
        return T.unknown;
      }
      const stack = env.scopeStack ?? [];
      if (stack.includes(name.text)) return T.bool; // the cycle itself is reported once, by the symbol table
      return T.bool;
    }
    if (/^[A-Z]{2}$/.test(name.text)) {
      if (isRegionCode(name.text)) {
        this.tables.refs.set(name.id, { kind: "region", name: name.text });
        return T.region;
      }
      this.reporter.report(Diagnostics.unknownRegion(this.at(env, name.span), name.text, regionSuggestions(name.text)));
      return T.unknown;
    }
    if (/^[A-Z]{3}$/.test(name.text) && isCurrencyCode(name.text)) return T.currency;
    const record = builtinFieldsOf(name.text);
    if (record) {
      this.reporter.report(
        Diagnostics.typeMismatch(this.at(env, name.span), `'${name.text}' is a record; name one of its fields, e.g. ${name.text}.${Object.keys(record)[0]}`),
      );
      return T.unknown;
    }
    const candidates = [...this.symbols.scopes.keys(), ...Object.keys(BUILTIN_FIELDS)];
    const suggestions = /^[A-Z]{3}$/.test(name.text) ? suggest(name.text, CURRENCY_CODES, 3) : suggest(name.text, candidates);
    this.reporter.report(Diagnostics.unknownName(this.at(env, name.span), env.mode === "line" ? "scope or field" : "name", name.text, suggestions));
    return T.unknown;
  }

  private compare(expr: A.CompareExpr, env: ExprEnv): Type {
    const left = this.check(expr.left, env);
    const right = this.check(expr.right, env);
    if (left.t === "unknown" || right.t === "unknown") return T.bool;
    const where = `'${expr.op}'`;
    if (ORDERING.has(expr.op)) {
      this.comparable(expr, left, right, env, where);
    } else if (expr.op === "is" || expr.op === "is not") {
      this.comparable(expr, left, right, env, where);
    } else if (expr.op === "in" || expr.op === "not in") {
      if (right.t !== "set") {
        this.reporter.report(
          Diagnostics.typeMismatch(this.at(env, expr.right.span), `${where} needs a list on its right, e.g. [US, CA]; this is ${typeName(right)}`),
        );
      } else this.comparable(expr, left, right.element, env, where);
    } else if (expr.op === "contains") {
      if (left.t !== "set") {
        this.reporter.report(
          Diagnostics.typeMismatch(this.at(env, expr.left.span), `'contains' needs a set on its left (e.g. customer.segments); this is ${typeName(left)}`),
        );
      } else this.comparable(expr, left.element, right, env, where);
    }
    return T.bool;
  }

  /** Whether two sides may be compared with `op`; reports money-vs-percent, currency mismatches and the rest. */
  private comparable(expr: A.CompareExpr, left: Type, right: Type, env: ExprEnv, where: string): void {
    if (left.t === "unknown" || right.t === "unknown") return;
    const money = left.t === "money" ? left : right.t === "money" ? right : undefined;
    const other = money === left ? right : left;
    const otherNode = money === left ? expr.right : expr.left;
    if (money && other.t === "percent") {
      this.reporter.report(Diagnostics.moneyVsPercent(this.at(env, expr.span), where));
      return;
    }
    if (money && isNumeric(other) && otherNode.kind === "Number") {
      this.reporter.report(
        Diagnostics.missingCurrency(
          this.at(env, otherNode.span),
          otherNode.text,
          money.t === "money" ? (money.currency ?? env.file.currency) : env.file.currency,
        ),
      );
      return;
    }
    if (left.t === "money" && right.t === "money") {
      // A literal in another currency was already reported against the file's currency.
      const literal = expr.left.kind === "Number" || expr.right.kind === "Number";
      if (!literal && left.currency && right.currency && left.currency !== right.currency) {
        this.reporter.report(Diagnostics.currencyMismatch(this.at(env, expr.right.span), left.currency, right.currency, "the right side"));
      }
      return;
    }
    if (ORDERING.has(expr.op)) {
      const ordered = (isNumeric(left) && isNumeric(right)) || (left.t === right.t && ["percent", "date", "datetime"].includes(left.t));
      if (!ordered) {
        this.reporter.report(
          Diagnostics.typeMismatch(
            this.at(env, expr.opSpan),
            `${where} is not defined for ${typeName(left)} and ${typeName(right)}; it compares numbers, money, percentages or dates of one kind`,
          ),
        );
      }
      return;
    }
    // Strings written where a region is expected are checked as region codes.
    if (left.t === "region" && right.t === "string" && this.regionString(otherOrSelf(expr, "right"), env)) return;
    if (right.t === "region" && left.t === "string" && this.regionString(otherOrSelf(expr, "left"), env)) return;
    if (!compatible(left, right)) {
      this.reporter.report(Diagnostics.typeMismatch(this.at(env, expr.opSpan), `${where} is not defined between ${typeName(left)} and ${typeName(right)}`));
    }
  }

  private regionString(node: A.Expr, env: ExprEnv): boolean {
    const strings = node.kind === "List" ? node.items : [node];
    for (const s of strings) {
      if (s.kind !== "String") continue;
      if (!isRegionCode(s.value)) this.reporter.report(Diagnostics.unknownRegion(this.at(env, s.span), s.value, regionSuggestions(s.value)));
    }
    return true;
  }
}

/** Common codes that are not ISO 3166-1 alpha-2 map to the code meant (UK is GB, EL is GR). */
const REGION_ALIASES: Record<string, string> = { UK: "GB", EL: "GR" };

function regionSuggestions(code: string): string[] {
  const alias = REGION_ALIASES[code.toUpperCase()];
  return alias ? [alias] : suggest(code.toUpperCase(), REGION_CODES, 3);
}

function otherOrSelf(expr: A.CompareExpr, side: "left" | "right"): A.Expr {
  return side === "left" ? expr.left : expr.right;
}
