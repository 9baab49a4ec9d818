import type { NormalizedLine } from "./types.js";

/**
 * The order the cart gave its lines in. Pricing works on lines sorted by id (so the order lines are given in never
 * changes a result), but settlement lists stores and lines in cart order (docs/language.md, Settlement). The sort
 * keeps that order on the sorted array as a hidden (non-enumerable) property: the cart's index of each sorted line.
 * Lines given already sorted need nothing; a normalised cart built without it is taken in id order.
 */
const CART_INDEX: unique symbol = Symbol.for("@promo/runtime.cart-index") as never;

/** Sorts `lines` by id (code-unit order) in place, remembering the order they were given in. */
export function sortLinesById(lines: NormalizedLine[]): void {
  let sorted = true;
  for (let i = 1; i < lines.length && sorted; i++) if (lines[i - 1]!.id > lines[i]!.id) sorted = false;
  if (sorted) return;
  const index = lines.map((_, i) => i);
  // Ids are unique once validated, so this is the one order; equal ids (a duplicate still to be reported) stay adjacent.
  index.sort((a, b) => (lines[a]!.id < lines[b]!.id ? -1 : lines[a]!.id > lines[b]!.id ? 1 : 0));
  const given = lines.slice();
  for (let k = 0; k < index.length; k++) lines[k] = given[index[k]!]!;
  Object.defineProperty(lines, CART_INDEX, { value: index, enumerable: false });
}

/** Whether `lines` (sorted by id) are also in the order the cart gave them (then cartOrder is 0, 1, 2, …). */
export function inCartOrder(lines: readonly NormalizedLine[]): boolean {
  const index = (lines as { [CART_INDEX]?: readonly number[] })[CART_INDEX];
  return index === undefined || index.length !== lines.length;
}

/** The indexes of `lines` (sorted by id) in the order the cart gave them. */
export function cartOrder(lines: readonly NormalizedLine[]): number[] {
  const order = new Array<number>(lines.length);
  if (inCartOrder(lines)) {
    for (let k = 0; k < lines.length; k++) order[k] = k;
    return order;
  }
  const index = (lines as { [CART_INDEX]?: readonly number[] })[CART_INDEX]!;
  // `index` is a permutation (sorted position → cart position): its inverse, without sorting.
  for (let k = 0; k < lines.length; k++) order[index[k]!] = k;
  return order;
}
