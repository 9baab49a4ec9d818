/**
 * Appends `items` to `target` one by one. `target.push(...items)` passes every item as an argument and throws a
 * RangeError once `items` has more than about 100,000 elements (a flat `and` chain of that many operands is a
 * valid file under the size limit), so code that handles user-sized arrays uses this instead.
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}

/** The largest value of a non-empty list without spreading it into arguments (see `appendAll`); `fallback` when empty. */
export function maxOf(values: readonly number[], fallback = -Infinity): number {
  let max = fallback;
  for (const v of values) if (v > max) max = v;
  return max;
}
