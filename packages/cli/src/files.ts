import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { diskHost, normalize, ProjectRoot, type SourceHost } from "@promo/dsl";
import { describeFsError, PathError, UsageError } from "./context.js";
import { optionValue, type ParsedArgs } from "./args.js";

export const PROMO_EXTENSION = ".promo";

export interface ExpandedFiles {
  /** Files to process, as paths the user recognises (relative to the working directory when given so). */
  files: string[];
  /** Directory arguments that held no .promo file (worth a warning, not an error). */
  emptyDirectories: string[];
}

/**
 * Expands command-line paths: a file is taken as is (whatever its extension), a directory is searched
 * recursively for `*.promo` files, skipping `node_modules` and dot-directories, sorted by path. Symbolic links to
 * files are followed; symbolic links to directories are not (no cycles). A file named twice is processed once.
 * A path that does not exist or cannot be read throws a PathError.
 */
export function expandPaths(args: readonly string[], cwd: string): ExpandedFiles {
  const files: string[] = [];
  const emptyDirectories: string[] = [];
  const seen = new Set<string>();
  const add = (display: string) => {
    const key = absolute(cwd, display);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(display);
  };

  for (const arg of args) {
    const display = displayPath(arg);
    const full = absolute(cwd, display);
    let stats;
    try {
      stats = statSync(full);
    } catch (error) {
      throw new PathError(`cannot read '${arg}': ${describeFsError(error)}`);
    }
    if (stats.isDirectory()) {
      const found = walk(full, display);
      if (found.length === 0) emptyDirectories.push(arg);
      for (const file of found) add(file);
    } else if (stats.isFile()) {
      try {
        accessSync(full, constants.R_OK);
      } catch (error) {
        throw new PathError(`cannot read '${arg}': ${describeFsError(error)}`);
      }
      add(display);
    } else {
      throw new PathError(`cannot read '${arg}': not a file or directory`);
    }
  }
  // Nothing to work on is a usage error for every command (exit 2), never a silent success.
  if (files.length === 0) throw new UsageError(`no .promo files found in ${args.map((a) => `'${a}'`).join(", ")}`);
  return { files, emptyDirectories };
}

// Hand-written rather than readdirSync({ recursive: true }): it prunes node_modules and dot-directories before
// descending into them (the recursive form lists everything first), and follows symlinked files but not directories.
function walk(fullDir: string, displayDir: string): string[] {
  const out: string[] = [];
  const visit = (full: string, display: string) => {
    let entries;
    try {
      entries = readdirSync(full, { withFileTypes: true });
    } catch (error) {
      throw new PathError(`cannot read directory '${display}': ${describeFsError(error)}`);
    }
    for (const entry of entries) {
      const name = entry.name;
      const childFull = `${full}/${name}`;
      const childDisplay = display === "." ? name : `${display}/${name}`;
      if (entry.isDirectory()) {
        if (name.startsWith(".") || name === "node_modules") continue;
        visit(childFull, childDisplay);
      } else if (name.endsWith(PROMO_EXTENSION) && (entry.isFile() || (entry.isSymbolicLink() && isFile(childFull)))) {
        out.push(childDisplay);
      }
    }
  };
  visit(fullDir, displayDir);
  return out.sort(compareCodeUnits);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `./rules//a.promo` → `rules/a.promo`; `.` stays `.`; absolute paths stay absolute. */
function displayPath(arg: string): string {
  const normalized = normalize(arg);
  return normalized === "" ? "." : normalized;
}

export function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * The disk host, with relative paths read relative to `cwd` (which need not be the process's working
 * directory) while diagnostics keep the paths as the user wrote them. It remembers the bytes it read, so code
 * frames show exactly the text that was checked, and so the CLI can count the files (roots and imports).
 */
export function recordingHost(cwd: string, root: ProjectRoot): { host: SourceHost; read: Map<string, Uint8Array> } {
  const read = new Map<string, Uint8Array>();
  const host: SourceHost = {
    readFile: (path) => {
      const bytes = diskHost.readFile(absolute(cwd, path));
      if (bytes !== undefined) read.set(path, bytes);
      return bytes;
    },
    resolve: (from, importPath) => diskHost.resolve(from, importPath),
    contains: (path) => root.contains(path, cwd),
  };
  return { host, read };
}

/** `--root <dir>`, accepted by every command that reads rule files. */
export const ROOT_OPTION = {
  name: "root",
  value: "<dir>",
  description: "the project root: import and cart from may only read files inside it (default: the directory that contains every file given)",
} as const;

/** The project root of a command: `--root`, else the common ancestor of the paths given on the command line. */
export function projectRoot(args: ParsedArgs, cwd: string, paths: readonly string[] = args.positionals): ProjectRoot {
  const given = optionValue(args, "root");
  return given !== undefined ? new ProjectRoot(absolute(cwd, given)) : ProjectRoot.around(paths, cwd);
}
