import { CART_SHAPE, EXPECT_SHAPE, type Shape } from "@promo/dsl";
import { isKeyword, type Token } from "./lexical.js";

type RecordShape = Extract<Shape, { s: "record" }>;

/** What the cursor completes inside an example's `cart { … }` or `expect { … }`. */
export type RecordSpot =
  | { at: "key"; shape: RecordShape; present: Set<string> }
  | { at: "value"; shape: Shape | undefined; key: string | undefined; open: "customer" | "line" | undefined };

interface Frame {
  bracket: "{" | "[";
  shape: Shape | undefined;
  keys: Set<string>;
}

/** A record or list shape as seen from inside a `{` or `[`: through `either` and `nullable`. */
function settle(shape: Shape | undefined, bracket: "{" | "["): Shape | undefined {
  if (!shape) return undefined;
  if (shape.s === "nullable") return settle(shape.inner, bracket);
  if (shape.s === "either") {
    for (const option of shape.options) {
      const settled = settle(option, bracket);
      if (settled && (bracket === "{" ? settled.s === "record" : settled.s === "list")) return settled;
    }
    return undefined;
  }
  return shape;
}

function fieldShape(parent: Shape | undefined, key: string | undefined): Shape | undefined {
  if (!parent) return undefined;
  if (parent.s === "list") return parent.item;
  if (parent.s === "record" && key !== undefined && Object.hasOwn(parent.fields, key)) return parent.fields[key];
  return undefined;
}

function keyText(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.tokenType.name === "StringLiteral") return token.image.slice(1, -1);
  return /^[A-Za-z_]/.test(token.image) ? token.image : undefined;
}

/**
 * Follows the brackets of an example (lexically, so half-typed records work) to the shape at the cursor:
 * `tokens` are the example's tokens before the cursor, starting with `example`.
 */
export function recordSpot(tokens: readonly Token[]): RecordSpot | undefined {
  const frames: Frame[] = [];
  let pendingKey: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    if (name === "LBrace" || name === "LBracket") {
      const bracket = name === "LBrace" ? "{" : "[";
      const parent = frames[frames.length - 1];
      let shape: Shape | undefined;
      if (frames.length === 1) shape = pendingKey === "cart" ? CART_SHAPE : pendingKey === "expect" ? EXPECT_SHAPE : undefined;
      else if (parent) shape = settle(fieldShape(parent.shape, parent.bracket === "[" ? undefined : pendingKey), bracket);
      frames.push({ bracket, shape, keys: new Set() });
      pendingKey = undefined;
    } else if (name === "RBrace" || name === "RBracket") {
      frames.pop();
      pendingKey = undefined;
    } else if (name === "Colon") {
      pendingKey = keyText(tokens[i - 1]);
      if (pendingKey !== undefined) frames[frames.length - 1]?.keys.add(pendingKey);
    } else if (name === "Comma") pendingKey = undefined;
    else if (frames.length === 1 && isKeyword(t, "cart", "expect")) pendingKey = t.image;
  }
  const frame = frames[frames.length - 1];
  const last = tokens[tokens.length - 1];
  if (!frame || frames.length < 2 || !frame.shape || !last) return undefined;
  const lastName = last.tokenType.name;
  if (frame.bracket === "{" && frame.shape.s === "record") {
    if (lastName === "LBrace" || lastName === "Comma") return { at: "key", shape: frame.shape, present: frame.keys };
    if (lastName === "Colon") {
      const open = frame.shape.open !== undefined && Object.keys(frame.shape.fields).length === 0 ? frame.shape.open : undefined;
      return { at: "value", shape: fieldShape(frame.shape, pendingKey), key: pendingKey, open };
    }
  }
  if (frame.bracket === "[" && frame.shape.s === "list" && (lastName === "LBracket" || lastName === "Comma")) {
    return { at: "value", shape: frame.shape.item, key: undefined, open: undefined };
  }
  return undefined;
}

/** The scalar kinds a value of `shape` may be (`either` and `nullable` unfolded). */
export function valueKinds(shape: Shape | undefined): { kinds: Set<string>; nullable: boolean } {
  const kinds = new Set<string>();
  let nullable = false;
  const visit = (s: Shape | undefined) => {
    if (!s) return;
    if (s.s === "nullable") {
      nullable = true;
      visit(s.inner);
    } else if (s.s === "either") s.options.forEach(visit);
    else kinds.add(s.s);
  };
  visit(shape);
  return { kinds, nullable };
}

export function describeShape(shape: Shape): string {
  switch (shape.s) {
    case "list":
      return `list of ${describeShape(shape.item)}`;
    case "record":
      return "record { … }";
    case "nullable":
      return `${describeShape(shape.inner)} or null`;
    case "either":
      return shape.options.map(describeShape).join(" or ");
    default:
      return shape.s;
  }
}
