import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { SourceHost } from "./host.js";

/**
 * The project root: `import` and `cart from` may only reach files inside it, so a rule file cannot make the tools
 * read (and show in a diagnostic) a file elsewhere on the machine, such as `/proc/self/environ` or `../../.env`.
 *
 * By default the root is the deepest directory that contains every file (or directory) given on the command line;
 * `--root <dir>` sets it explicitly (it may widen or narrow it). Paths are compared after resolving symbolic links,
 * so a link inside the root that points outside it counts as outside.
 */
export class ProjectRoot {
  private readonly real: string;

  constructor(readonly dir: string) {
    this.real = realOrResolved(dir);
  }

  /** The common ancestor directory of `paths` (files or directories), resolved against `cwd`. */
  static around(paths: readonly string[], cwd: string): ProjectRoot {
    const dirs = paths.map((p) => {
      const full = resolve(cwd, p);
      return isDirectory(full) ? full : dirname(full);
    });
    let common = dirs[0] ?? cwd;
    for (const d of dirs.slice(1)) while (!within(common, d)) common = dirname(common);
    return new ProjectRoot(common);
  }

  /** Whether `path` (absolute, or relative to `cwd`) lies inside the root once symbolic links are resolved. */
  contains(path: string, cwd: string): boolean {
    return within(this.real, realOrResolved(resolve(cwd, path)));
  }
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `path` with every symbolic link resolved. A path that does not exist (an import of a missing file) is resolved
 * through its deepest existing ancestor, so `root/link-to-etc/missing` is still seen to be outside.
 */
function realOrResolved(path: string): string {
  let head = path;
  const tail: string[] = []; // the missing components, innermost first
  for (;;) {
    try {
      return resolve(realpathSync.native(head), ...[...tail].reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return path;
      tail.push(head.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      head = parent;
    }
  }
}

/** `host` limited to `root`: `import` and `cart from` outside it are refused (relative paths are taken from `cwd`). */
export function confinedHost(host: SourceHost, root: ProjectRoot, cwd = process.cwd()): SourceHost {
  return {
    readFile: (path) => host.readFile(path),
    resolve: (from, importPath) => host.resolve(from, importPath),
    contains: (path) => root.contains(path, cwd) && (host.contains?.(path) ?? true),
  };
}
