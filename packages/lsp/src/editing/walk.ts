import type { ast } from "@promo/dsl";

type Node = ast.Node;

function isNode(value: unknown): value is Node {
  return (
    typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string" && typeof (value as { id?: unknown }).id === "number"
  );
}

/**
 * Every node under `root` (itself included), in no particular order: an iterative walk without the sorting of
 * `locate.ts`'s `allNodes`, for features that visit every node of large files (semantic tokens, inlay hints).
 */
export function everyNode(root: Node, visit: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    for (const key in node) {
      if (key === "span" || key === "opSpan") continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) stack.push(item);
      } else if (isNode(value)) stack.push(value);
    }
  }
}
