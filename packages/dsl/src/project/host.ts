import { readFileSync, statSync } from "node:fs";

/** How the front end reads files; the CLI uses the disk, the language server its open documents. */
export interface SourceHost {
  /** The file's bytes, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Uint8Array | undefined;
  resolve(fromFile: string, importPath: string): string;
  /**
   * Whether the project may read `path` (a resolved `import` or `cart from` path): false for a path outside the
   * project root (see project/root.ts), which is then reported as `path-outside-project` and never read. A host
   * without it (memory hosts, the bare `diskHost`) puts no limit.
   */
  contains?(path: string): boolean;
}

export const diskHost: SourceHost = {
  readFile(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  resolve(fromFile, importPath) {
    const slash = fromFile.lastIndexOf("/");
    const dir = slash >= 0 ? fromFile.slice(0, slash) : ".";
    return normalize(importPath.startsWith("/") ? importPath : `${dir}/${importPath}`);
  },
};

/** Collapses `.` and `..` without touching the disk, keeping paths as the user wrote them (relative stays relative). */
export function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (part !== ".." || !absolute) out.push(part);
  }
  return (absolute ? "/" : "") + out.join("/");
}

/** An in-memory host for tests, the language server and the playground. */
export function memoryHost(files: Record<string, string>): SourceHost {
  const encoder = new TextEncoder();
  return {
    readFile: (path) => (Object.hasOwn(files, path) ? encoder.encode(files[path]!) : undefined),
    resolve: diskHost.resolve,
  };
}
