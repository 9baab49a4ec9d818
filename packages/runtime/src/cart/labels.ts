/**
 * The one empty label set every normalised cart shares (a line without tags, a customer without segments or risk
 * flags): most lines have no tags, and a Set per line was most of what validating a cart allocated. Normalised
 * carts' sets must not be changed (evaluator.ts `validate`); this one refuses to be, so that sharing it cannot
 * leak one cart's labels into another.
 */
function lockedEmptySet(): ReadonlySet<string> {
  const set = new Set<string>();
  const refuse = (): never => {
    throw new TypeError("a normalised cart's label sets cannot be changed");
  };
  Object.defineProperties(set, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  return Object.freeze(set);
}

export const NO_LABELS: ReadonlySet<string> = lockedEmptySet();
