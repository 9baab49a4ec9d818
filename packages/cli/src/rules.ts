import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Diagnostic, renderDiagnostic, renderSummary, MAX_FILE_BYTES, SourceFile } from "@promo/dsl";
import { describeFsError, PathError, UsageError, type CommandContext } from "./context.js";
import { expandPaths } from "./files.js";

/**
 * Helpers shared by the commands that take rule files and produce something from them (`compile`, `eval`,
 * `test`): code frames for the diagnostics, timings, ANSI styles and atomic writes of new files.
 */

/**
 * Sources for code frames, decoded from the bytes the checker read. A file that is not valid UTF-8 gets no code
 * frame: it may not be a rule file at all, and its bytes are never shown.
 */
export function sourceLookup(read: ReadonlyMap<string, Uint8Array>): (file: string) => SourceFile | undefined {
  const cache = new Map<string, SourceFile | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const bytes = read.get(file);
      cache.set(file, bytes === undefined || bytes.length > MAX_FILE_BYTES ? undefined : strictSource(file, bytes));
    }
    return cache.get(file);
  };
}

function strictSource(file: string, bytes: Uint8Array): SourceFile | undefined {
  try {
    return new SourceFile(file, new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** Every diagnostic as a code frame (each followed by a blank line), then the `2 errors in 1 file` summary. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], read: ReadonlyMap<string, Uint8Array>, fileCount: number, color: boolean): string {
  const getSource = sourceLookup(read);
  let out = "";
  for (const d of diagnostics) out += renderDiagnostic(d, getSource, { color }) + "\n";
  return out + renderSummary(diagnostics, fileCount) + "\n";
}

/** Only the code frames, no summary (warnings shown beside a successful result). */
export function renderFrames(diagnostics: readonly Diagnostic[], read: ReadonlyMap<string, Uint8Array>, color: boolean): string {
  const getSource = sourceLookup(read);
  return diagnostics.map((d) => renderDiagnostic(d, getSource, { color }) + "\n").join("");
}

/** `--timings`: one line per stage and a total, on stderr, in the format of `promo check --timings`. */
export function printTimings(ctx: CommandContext, timings: readonly { stage: string; ms: number }[]): void {
  const total = timings.reduce((sum, t) => sum + t.ms, 0);
  for (const t of timings) ctx.io.stderr(`${t.stage.padEnd(24)} ${t.ms.toFixed(1).padStart(9)} ms\n`);
  ctx.io.stderr(`${"total".padEnd(24)} ${total.toFixed(1).padStart(9)} ms\n`);
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** ANSI styles; each is the identity when colour is off, so plain output can be compared exactly. */
export function styles(color: boolean) {
  const wrap =
    (...codes: number[]) =>
    (text: string) =>
      color && text.length > 0 ? `\u001b[${codes.join(";")}m${text}\u001b[0m` : text;
  return {
    bold: wrap(1),
    dim: wrap(2),
    red: wrap(31),
    green: wrap(32),
    yellow: wrap(33),
    cyan: wrap(36),
    pass: wrap(1, 32),
    fail: wrap(1, 31),
  };
}

export type Styles = ReturnType<typeof styles>;

/** The visible width of a string that may hold ANSI escapes. */
export function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

/**
 * A table in columns separated by two spaces; `align` is `l` or `r` per column. Cells may be styled: widths
 * count visible characters. Trailing spaces are trimmed.
 */
export function table(rows: readonly (readonly string[])[], align: string, indent = "  "): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((row) => {
      const cells = row.map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - visibleLength(cell));
        return align[i] === "r" ? pad + cell : cell + pad;
      });
      return (indent + cells.join("  ")).replace(/\s+$/, "") + "\n";
    })
    .join("");
}

/** A file size for people: `812 B`, `190 KB`, `1.4 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export interface OutputFile {
  /** Absolute path to write. */
  full: string;
  /** The path as shown to the user. */
  display: string;
  data: string;
}

/**
 * Writes several files as atomically as the file system allows: each is first written and flushed to a temporary
 * file in its target's directory (missing directories are created), and only when all are written are they
 * renamed into place, so a failure leaves no half-written output. A symbolic link at a target is followed and
 * its target replaced. Throws a PathError naming the file that could not be written.
 */
export function writeFilesAtomically(files: readonly OutputFile[]): void {
  const staged: { tmp: string; target: string; display: string }[] = [];
  try {
    for (const file of files) {
      let target = file.full;
      let tmp: string | undefined;
      try {
        target = resolveTarget(file.full);
        mkdirSync(dirname(target), { recursive: true });
        const tmpName = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
        const fd = openSync(tmpName, "wx", 0o666);
        tmp = tmpName;
        staged.push({ tmp, target, display: file.display });
        try {
          const data = Buffer.from(file.data, "utf8");
          let written = 0;
          while (written < data.length) written += writeSync(fd, data, written, data.length - written);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        throw new PathError(`cannot write '${file.display}': ${describeFsError(error)}`);
      }
    }
    while (staged.length > 0) {
      const next = staged[0]!;
      try {
        renameSync(next.tmp, next.target);
      } catch (error) {
        throw new PathError(`cannot write '${next.display}': ${describeFsError(error)}`);
      }
      staged.shift();
    }
  } finally {
    for (const { tmp } of staged) {
      try {
        unlinkSync(tmp);
      } catch {
        // Never created, or already gone.
      }
    }
  }
}

/** The file a write replaces: a symbolic link's target; a directory there is an error. */
function resolveTarget(full: string): string {
  let target = full;
  try {
    target = realpathSync(full);
  } catch {
    return full; // Does not exist yet (or a dangling link: replaced by the new file).
  }
  if (statSync(target).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  return target;
}

/** Expands the rule paths on the command line (see `expandPaths`), warning on stderr about empty directories. */
export function expandRuleFiles(paths: readonly string[], ctx: CommandContext): string[] {
  const { files, emptyDirectories } = expandPaths(paths, ctx.io.cwd);
  for (const dir of emptyDirectories) ctx.io.stderr(`promo: warning: no .promo files found in '${dir}'\n`);
  return files;
}

/** `--cost-budget N`: a whole number of at least 1, or undefined when the option is not given. */
export function costBudgetOption(text: string | undefined, command: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,14}$/.test(text)) throw new UsageError(`invalid --cost-budget '${text}': expected a whole number of at least 1, e.g. 10000`, command);
  return Number(text);
}

/** A diagnostic as plain JSON with a fixed key order, so `--json` output is byte-stable. */
export function diagnosticJson(d: Diagnostic): unknown {
  const span = (s: Diagnostic["span"]) => ({
    file: s.file,
    start: s.start,
    end: s.end,
    startLine: s.startLine,
    startColumn: s.startColumn,
    endLine: s.endLine,
    endColumn: s.endColumn,
  });
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: span(d.span),
    related: d.related.map((r) => ({ message: r.message, span: span(r.span) })),
    fixes: d.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ span: span(e.span), newText: e.newText })) })),
  };
}
