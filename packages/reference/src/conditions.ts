import type * as A from "../../dsl/src/ast/nodes.js";
import type { RefCart, RefCoupon, RefLine, Value } from "./cart.js";
import { compareRational, parseMinor, parseRational } from "./money.js";
import { wallToEpoch } from "./time.js";

/** Everything a condition or a scope may read: the cart, the buyer's coupon, and what is left of each line. */
export interface Context {
  cart: RefCart;
  coupon: RefCoupon | null;
  scopes: ReadonlyMap<string, A.Expr>;
  /** Each line's value after the discounts applied so far (same order as cart.lines). */
  remaining: readonly bigint[];
  /** The file's currency digits, for money literals. */
  digits: number;
}

const NULL: Value = { t: "null" };
const str = (s: string | null): Value => (s === null ? NULL : { t: "str", s });
const num = (n: number | bigint): Value => ({ t: "num", r: { num: BigInt(n), den: 1n } });
const strSet = (xs: Iterable<string>): Value => ({ t: "set", items: [...xs].map((s) => ({ t: "str", s }) as Value) });

export function truthy(expr: A.Expr, ctx: Context, line: RefLine | null): boolean {
  const v = evaluate(expr, ctx, line);
  return v.t === "bool" && v.b;
}

/** Whether a line is in a scope (null: the whole order). */
export function inScope(scope: A.Expr | null, ctx: Context, line: RefLine): boolean {
  return scope === null || truthy(scope, ctx, line);
}

function evaluate(expr: A.Expr, ctx: Context, line: RefLine | null): Value {
  switch (expr.kind) {
    case "Or":
      return { t: "bool", b: expr.operands.some((e) => truthy(e, ctx, line)) };
    case "And":
      return { t: "bool", b: expr.operands.every((e) => truthy(e, ctx, line)) };
    case "Not":
      return { t: "bool", b: !truthy(expr.operand, ctx, line) };
    case "Compare":
      return { t: "bool", b: compare(expr.op, evaluate(expr.left, ctx, line), expr.right, ctx, line) };
    case "Bool":
      return { t: "bool", b: expr.value };
    case "String":
      return { t: "str", s: expr.value };
    case "Number":
      return expr.currency ? { t: "money", m: parseMinor(expr.text, ctx.digits)! } : { t: "num", r: parseRational(expr.text)! };
    case "Percent":
      return { t: "num", r: parseRational(expr.text)! };
    case "DateTime":
      if (expr.zone) return { t: "instant", ms: wallToEpoch(expr.text, expr.zone.text) };
      return /^\d{4}-\d{2}-\d{2}$/.test(expr.text) ? { t: "date", s: expr.text } : { t: "instant", ms: wallToEpoch(expr.text, "UTC") };
    case "List":
      return { t: "set", items: expr.items.map((e) => evaluate(e, ctx, line)) };
    case "Aggregate":
      return aggregate(expr, ctx);
    case "Path":
      return path(
        expr.segments.map((s) => s.text),
        ctx,
        line,
      );
    case "Error":
      return NULL;
  }
}

/**
 * docs/language.md, gate 8 (`missing-data`): whether the condition reads a customer, cart or shipping field that
 * the cart does not give. Such a condition fails whatever it says.
 */
export function readsMissingData(expr: A.Expr, ctx: Context): boolean {
  switch (expr.kind) {
    case "Or":
    case "And":
      return expr.operands.some((e) => readsMissingData(e, ctx));
    case "Not":
      return readsMissingData(expr.operand, ctx);
    case "Compare":
      return readsMissingData(expr.left, ctx) || readsMissingData(expr.right, ctx);
    case "List":
      return expr.items.some((e) => readsMissingData(e, ctx));
    case "Path": {
      const segments = expr.segments.map((s) => s.text);
      if (segments.length !== 2 || !["customer", "cart", "shipping"].includes(segments[0]!)) return false;
      return path(segments, ctx, null).t === "null";
    }
    default:
      return false;
  }
}

function aggregate(expr: A.AggregateExpr, ctx: Context): Value {
  const scope = expr.scope ? (expr.scope.kind === "InlineScope" ? expr.scope.predicate : ctx.scopes.get(expr.scope.name.text)!) : null;
  let subtotal = 0n;
  let quantity = 0;
  let count = 0;
  ctx.cart.lines.forEach((l, i) => {
    if (!inScope(scope, ctx, l)) return;
    subtotal += expr.base === "after" ? ctx.remaining[i]! : l.subtotal;
    quantity += l.quantity;
    count += 1;
  });
  if (expr.fn === "subtotal") return { t: "money", m: subtotal };
  return num(expr.fn === "quantity" ? quantity : count);
}

function path(segments: string[], ctx: Context, line: RefLine | null): Value {
  const [root, field] = segments;
  if (segments.length === 1) {
    const scope = ctx.scopes.get(root!);
    if (scope && line) return { t: "bool", b: truthy(scope, ctx, line) };
    return { t: "str", s: root! }; // a bare region or currency code
  }
  const { cart, coupon } = ctx;
  const c = cart.customer;
  switch (root) {
    case "customer":
      switch (field) {
        case "id":
          return str(c.id);
        case "region":
          return str(c.region);
        case "previousOrders":
          return c.previousOrders === null ? NULL : num(c.previousOrders);
        case "firstOrder":
          return c.previousOrders === null ? NULL : { t: "bool", b: c.previousOrders === 0 };
        case "segments":
          return strSet(c.segments);
        case "riskFlags":
          return strSet(c.riskFlags);
        case "coins":
          return num(c.coins);
        case "coinsEarnedToday":
          return num(c.coinsEarnedToday);
        default:
          return c.attributes.get(field!) ?? NULL;
      }
    case "cart":
      switch (field) {
        case "currency":
          return str(cart.currency);
        case "at":
          return { t: "instant", ms: cart.at };
        case "paymentMethod":
          return str(cart.paymentMethod);
        case "useCoins":
          return { t: "bool", b: cart.useCoins };
        default:
          return NULL;
      }
    case "shipping":
      return field === "country" ? str(cart.shipping.country) : field === "price" ? { t: "money", m: cart.shipping.price } : NULL;
    case "coupon":
      if (!coupon) return NULL;
      return field === "code"
        ? str(coupon.code)
        : field === "owner"
          ? str(coupon.owner)
          : field === "activatedAt"
            ? coupon.activatedAt === null
              ? NULL
              : { t: "instant", ms: coupon.activatedAt }
            : NULL;
    case "line": {
      if (!line) return NULL;
      switch (field) {
        case "id":
          return str(line.id);
        case "sku":
          return str(line.sku);
        case "product":
          return str(line.product);
        case "store":
          return str(line.store);
        case "category":
          return str(line.category);
        case "tags":
          return strSet(line.tags);
        case "unitPrice":
          return { t: "money", m: line.unitPrice };
        case "quantity":
          return num(line.quantity);
        case "subtotal":
          return { t: "money", m: line.subtotal };
        default:
          return line.attributes.get(field!) ?? NULL;
      }
    }
    default:
      return NULL;
  }
}

function equal(a: Value, b: Value): boolean {
  if (a.t === "num" && b.t === "num") return compareRational(a.r, b.r) === 0;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case "money":
      return a.m === (b as typeof a).m;
    case "str":
    case "date":
      return a.s === (b as typeof a).s;
    case "bool":
      return a.b === (b as typeof a).b;
    case "instant":
      return a.ms === (b as typeof a).ms;
    case "set": {
      const other = b as typeof a;
      return a.items.every((x) => other.items.some((y) => equal(x, y))) && other.items.every((y) => a.items.some((x) => equal(x, y)));
    }
    case "null":
      return true;
  }
  return false;
}

/** -1, 0, 1, or undefined when the two cannot be ordered (a missing value among them). */
function order(a: Value, b: Value): number | undefined {
  if (a.t === "num" && b.t === "num") return compareRational(a.r, b.r);
  if (a.t === "money" && b.t === "money") return a.m < b.m ? -1 : a.m > b.m ? 1 : 0;
  if (a.t === "instant" && b.t === "instant") return Math.sign(a.ms - b.ms);
  if (a.t === "date" && b.t === "date") return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  return undefined;
}

function compare(op: A.Comparator, left: Value, rightExpr: A.Expr, ctx: Context, line: RefLine | null): boolean {
  const right = evaluate(rightExpr, ctx, line);
  switch (op) {
    case "is":
      return equal(left, right);
    case "is not":
      return !equal(left, right);
    case "in":
      return right.t === "set" && right.items.some((x) => equal(left, x));
    case "not in":
      return !(right.t === "set" && right.items.some((x) => equal(left, x)));
    case "contains":
      return left.t === "set" && left.items.some((x) => equal(x, right));
    default: {
      const o = order(left, right);
      if (o === undefined) return false;
      return op === "exceeds" ? o > 0 : op === "at least" ? o >= 0 : op === "at most" ? o <= 0 : o < 0;
    }
  }
}
