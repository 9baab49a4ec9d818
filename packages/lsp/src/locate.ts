import type { ast } from "@promo/dsl";

type Node = ast.Node;

function isNode(value: unknown): value is Node {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string" &&
    typeof (value as { span?: unknown }).span === "object"
  );
}

/** The child nodes of a node, in source order. */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "span" || key === "opSpan") continue;
    if (Array.isArray(value))
      for (const item of value) {
        if (isNode(item)) out.push(item);
      }
    else if (isNode(value)) out.push(value);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The chain of nodes containing `offset`, outermost first (the file itself first). */
export function nodesAt(root: Node, offset: number): Node[] {
  const chain: Node[] = [root];
  let current: Node | undefined = root;
  while (current) {
    const next: Node | undefined = children(current).find((c) => c.span.start <= offset && offset <= c.span.end && c.span.end > c.span.start);
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return chain;
}

/** Every node under `root`, depth first (iterative: deep expressions cannot overflow the stack). */
export function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}
