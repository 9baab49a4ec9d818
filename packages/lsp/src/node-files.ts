import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { diskHost } from "@promo/dsl";
import type { WorkspaceFiles } from "./workspace.js";

/** The workspace's files on the local disk: the `promo-lsp --stdio` server's view. */
export const nodeFiles: WorkspaceFiles = {
  host: diskHost,
  list: (dir, limit) => walk(dir, limit),
};

function walk(dir: string, limit: number): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0 && out.length < limit) {
    const current = stack.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(current);
    } catch {
      continue;
    }
    for (const name of entries) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const full = join(current, name);
      try {
        const stat = statSync(full);
        if (stat.isDirectory()) stack.push(full);
        else if (name.endsWith(".promo")) out.push(full);
      } catch {
        // unreadable entries are skipped
      }
    }
  }
  return out.sort();
}
