import { isCurrencyCode, isRegionCode } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { FileContext, Reporter, WritableTables } from "./context.js";
import type { Literals } from "./literals.js";
import type { SymbolTable } from "./symbols.js";
import type { Type } from "./types.js";

/**
 * The shape of example carts and expectations. It mirrors the cart contract (v1) that the runtime validates with
 * JSON Schema; here the same shape is checked on the literal syntax of examples, so a wrong example is a compile
 * error with a position rather than a failing test.
 */
export type Shape =
  | { s: "string" | "int" | "money" | "bool" | "region" | "currency" | "instant" | "promotion" | "reason" | "percent" }
  | { s: "nullable"; inner: Shape }
  | { s: "list"; item: Shape }
  | { s: "record"; fields: Record<string, Shape>; required?: string[]; open?: "customer" | "line" }
  | { s: "either"; options: Shape[] };

const str: Shape = { s: "string" };
const int: Shape = { s: "int" };
const money: Shape = { s: "money" };
const bool: Shape = { s: "bool" };
const strings: Shape = { s: "list", item: str };

export const REJECTION_REASONS = [
  "condition",
  "window",
  "not-collected",
  "expired",
  "locked",
  "owner",
  "currency",
  "not-combinable",
  "not-best",
  "no-eligible-lines",
  "limit",
  "missing-data",
] as const;

export const CART_SHAPE: Shape = {
  s: "record",
  required: ["at", "lines"],
  fields: {
    currency: { s: "currency" },
    at: { s: "instant" },
    customer: {
      s: "record",
      open: "customer",
      fields: {
        id: str,
        region: { s: "region" },
        previousOrders: int,
        segments: strings,
        riskFlags: strings,
        coins: int,
        coinsEarnedToday: int,
        attributes: { s: "record", fields: {}, open: "customer" },
      },
    },
    lines: {
      s: "list",
      item: {
        s: "record",
        required: ["id", "sku", "unitPrice", "quantity"],
        fields: {
          id: str,
          sku: str,
          product: str,
          store: str,
          category: str,
          unitPrice: money,
          quantity: int,
          tags: strings,
          attributes: { s: "record", fields: {}, open: "line" },
        },
      },
    },
    shipping: { s: "record", fields: { country: { s: "region" }, price: money } },
    coupons: {
      s: "list",
      item: {
        s: "record",
        required: ["code"],
        fields: { code: str, activatedAt: { s: "instant" }, owner: str, lastFailedPaymentAt: { s: "nullable", inner: { s: "instant" } } },
      },
    },
    useCoins: bool,
    paymentMethod: str,
  },
};

const promotionRef: Shape = { s: "promotion" };
const lineAmount: Shape = { s: "record", fields: { line: str, amount: money }, required: ["line", "amount"] };

export const EXPECT_SHAPE: Shape = {
  s: "record",
  fields: {
    subtotal: money,
    discount: money,
    shipping: money,
    total: money,
    optimal: bool,
    coins: { s: "record", fields: { used: int, amount: money, earned: int } },
    applied: {
      s: "list",
      item: {
        s: "either",
        options: [promotionRef, { s: "record", fields: { id: promotionRef, amount: money, lines: { s: "list", item: lineAmount } }, required: ["id"] }],
      },
    },
    rejected: {
      s: "list",
      item: { s: "either", options: [promotionRef, { s: "record", fields: { id: promotionRef, reason: { s: "reason" }, message: str }, required: ["id"] }] },
    },
    lines: {
      s: "list",
      item: { s: "record", fields: { id: str, subtotal: money, discount: money, total: money }, required: ["id"] },
    },
    settlement: {
      s: "record",
      fields: {
        totals: { s: "record", fields: settlementFigures() },
        stores: { s: "list", item: { s: "record", fields: { store: str, ...settlementFigures() }, required: ["store"] } },
      },
    },
  },
};

/** The money figures of a settlement's store or totals (docs/language.md, Settlement). */
function settlementFigures(): Record<string, Shape> {
  const funded: Shape = { s: "record", fields: { total: money, platform: money, seller: money } };
  return { items: money, discount: funded, coins: funded, shipping: money, shippingDiscount: funded, paid: money, commission: money, sellerNet: money };
}

export class ExampleChecker {
  private currency: string | undefined;

  constructor(
    private readonly reporter: Reporter,
    private readonly tables: WritableTables,
    private readonly literals: Literals,
    private readonly symbols: SymbolTable,
  ) {}

  example(decl: A.ExampleDecl, file: FileContext): void {
    const span = this.reporter.at(file.source, decl.name.span.end > decl.name.span.start ? decl.name.span : decl.span);
    if (!decl.cart && !decl.cartFile)
      this.reporter.report(Diagnostics.invalidExample(span, `example '${decl.name.text}' has no cart: add 'cart { ... }' or 'cart from "file.json"'`));
    if (!decl.expect) this.reporter.report(Diagnostics.invalidExample(span, `example '${decl.name.text}' has no 'expect { ... }'`));
    this.currency = file.currency;
    if (decl.cart) {
      const declared = decl.cart.entries.find((e) => e.key.text === "currency");
      if (declared?.value.kind === "Word" && isCurrencyCode(declared.value.text)) this.currency = declared.value.text;
      this.value(decl.cart, CART_SHAPE, file, "cart");
    }
    if (decl.expect) this.value(decl.expect, EXPECT_SHAPE, file, "expect");
  }

  private bad(file: FileContext, node: A.Node, message: string): void {
    this.reporter.report(Diagnostics.invalidExample(this.reporter.at(file.source, node.span), message));
  }

  private value(node: A.Value, shape: Shape, file: FileContext, path: string): void {
    switch (shape.s) {
      case "either": {
        const fits = shape.options.find((o) => roughKind(o) === roughKindOfValue(node));
        this.value(node, fits ?? shape.options[0]!, file, path);
        return;
      }
      case "nullable":
        if (node.kind === "Word" && node.text === "null") return;
        this.value(node, shape.inner, file, path);
        return;
      case "list":
        if (node.kind !== "ListValue") return this.bad(file, node, `${path} must be a list [ ... ]`);
        node.items.forEach((item, i) => this.value(item, shape.item, file, `${path}[${i}]`));
        return;
      case "record":
        return this.record(node, shape, file, path);
      case "string":
        if (node.kind !== "String") this.bad(file, node, `${path} must be a string in double quotes`);
        return;
      case "int":
        if (node.kind !== "Number" || node.currency || !/^\d+$/.test(node.text)) this.bad(file, node, `${path} must be a whole number`);
        return;
      case "money":
        if (node.kind !== "Number") return this.bad(file, node, `${path} must be an amount such as 19.99 ${this.currency ?? "USD"}`);
        if (!node.currency) {
          this.reporter.report(Diagnostics.missingCurrency(this.reporter.at(file.source, node.span), node.text, this.currency));
          return;
        }
        this.literals.money({ ...file, currency: this.currency }, node, path, { allowNegative: false });
        return;
      case "percent":
        if (node.kind !== "Percent") this.bad(file, node, `${path} must be a percentage`);
        return;
      case "bool":
        if (node.kind !== "Word" || (node.text !== "true" && node.text !== "false")) this.bad(file, node, `${path} must be true or false`);
        return;
      case "region": {
        const code = node.kind === "Word" ? node.text : node.kind === "String" ? node.value : undefined;
        if (code === undefined || !isRegionCode(code))
          this.reporter.report(Diagnostics.unknownRegion(this.reporter.at(file.source, node.span), code ?? "?", []));
        return;
      }
      case "currency": {
        const code = node.kind === "Word" ? node.text : node.kind === "String" ? node.value : undefined;
        if (code === undefined || !isCurrencyCode(code)) this.bad(file, node, `${path} must be an ISO 4217 currency code such as USD`);
        return;
      }
      case "instant":
        if (node.kind !== "DateTime" || !node.zone)
          return this.bad(file, node, `${path} must be a date-time with its zone, e.g. 2026-11-10 05:00:00 in America/Los_Angeles`);
        this.literals.instant(file, node, this.literals.zone(file, node.zone));
        return;
      case "promotion": {
        if (node.kind !== "Word") return this.bad(file, node, `${path} must be a promotion id`);
        const symbol = this.symbols.promotions.get(node.text);
        if (!symbol) {
          this.reporter.report(
            Diagnostics.unknownName(this.reporter.at(file.source, node.span), "promotion", node.text, suggest(node.text, this.symbols.promotions.keys())),
          );
          return;
        }
        this.tables.refs.set(node.id, symbol);
        return;
      }
      case "reason":
        if (node.kind !== "Word" || !(REJECTION_REASONS as readonly string[]).includes(node.text)) {
          const text = node.kind === "Word" ? node.text : "?";
          this.reporter.report(Diagnostics.unknownName(this.reporter.at(file.source, node.span), "rejection reason", text, suggest(text, REJECTION_REASONS)));
        }
        return;
    }
  }

  private record(node: A.Value, shape: Extract<Shape, { s: "record" }>, file: FileContext, path: string): void {
    if (node.kind !== "Record") return this.bad(file, node, `${path} must be a record { ... }`);
    const seen = new Map<string, A.RecordEntry>();
    for (const entry of node.entries) {
      const key = entry.key.text;
      const first = seen.get(key);
      if (first) {
        this.reporter.report(Diagnostics.duplicateId(this.reporter.at(file.source, entry.key.span), "key", key, this.reporter.at(file.source, first.key.span)));
        continue;
      }
      seen.set(key, entry);
      const fieldShape = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
      if (fieldShape) {
        this.value(entry.value, fieldShape, file, `${path}.${key}`);
        continue;
      }
      if (shape.open && key !== "attributes" && path.endsWith(".attributes")) {
        const attribute = this.symbols.attributes.get(`${shape.open}.${key}`);
        if (attribute) {
          this.tables.refs.set(entry.key.id, attribute);
          this.attributeValue(entry.value, attribute.type, file, `${path}.${key}`);
          continue;
        }
        const known = this.symbols.attributeNames(shape.open);
        this.reporter.report(
          Diagnostics.unknownField(
            this.reporter.at(file.source, entry.key.span),
            `${shape.open} attributes (declare it: attribute ${shape.open}.${key}: string)`,
            key,
            suggest(key, known),
          ),
        );
        continue;
      }
      this.reporter.report(Diagnostics.unknownField(this.reporter.at(file.source, entry.key.span), path, key, suggest(key, Object.keys(shape.fields))));
    }
    for (const required of shape.required ?? []) {
      if (!seen.has(required)) this.bad(file, node, `${path} needs '${required}'`);
    }
  }

  private attributeValue(node: A.Value, type: Type, file: FileContext, path: string): void {
    const shapeOf = (t: Type): Shape | undefined => {
      switch (t.t) {
        case "int":
          return int;
        case "string":
          return str;
        case "bool":
          return bool;
        case "money":
          return money;
        case "region":
          return { s: "region" };
        case "currency":
          return { s: "currency" };
        case "datetime":
          return { s: "instant" };
        case "percent":
          return { s: "percent" };
        case "set": {
          const item = shapeOf(t.element);
          return item ? { s: "list", item } : undefined;
        }
        default:
          return undefined;
      }
    };
    const shape = shapeOf(type);
    if (shape) this.value(node, shape, file, path);
  }
}

function roughKind(shape: Shape): string {
  return shape.s === "record" ? "record" : shape.s === "list" ? "list" : "scalar";
}

function roughKindOfValue(node: A.Value): string {
  return node.kind === "Record" ? "record" : node.kind === "ListValue" ? "list" : "scalar";
}
