import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Diagnostic, renderDiagnostic, formatSource, decodeSource, SourceFile } from "@promo/dsl";
import { flag, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { describeFsError, EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { absolute, expandPaths } from "./files.js";
import { diagnosticJson } from "./rules.js";

export const fmtCommand: Command = {
  name: "fmt",
  summary: "format .promo files in place",
  usage: "promo fmt <files|dirs...> [--check] [--json]",
  description:
    "Rewrites each file in the canonical layout when it is not already formatted. The new text is written\n" +
    "to a temporary file beside the original and renamed over it, so a file is never left half-written.\n" +
    "Files that do not parse are reported with their problems and left untouched.",
  options: [{ name: "check", description: "write nothing; list the files that are not formatted" }],
  exitCodes: ["0  every file is formatted (or has been rewritten)", "1  files are not formatted (--check) or do not parse", "2  usage or I/O error"],
  run: runFmt,
};

function runFmt(args: ParsedArgs, ctx: CommandContext): number {
  if (args.positionals.length === 0) throw new UsageError("missing file or directory to format", "fmt");
  const checkOnly = flag(args, "check");
  const json = flag(args, "json");
  const problems: Diagnostic[] = [];
  const { files, emptyDirectories } = expandPaths(args.positionals, ctx.io.cwd);
  for (const dir of emptyDirectories) ctx.io.stderr(`promo: warning: no .promo files found in '${dir}'\n`);

  const changed: string[] = [];
  const unparseable: string[] = [];
  for (const file of files) {
    const full = absolute(ctx.io.cwd, file);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(full);
    } catch (error) {
      throw new PathError(`cannot read '${file}': ${describeFsError(error)}`);
    }
    const decoded = decodeSource(file, bytes);
    if (decoded.diagnostics.length > 0) {
      unparseable.push(file);
      problems.push(...decoded.diagnostics);
      // No code frame: the bytes of a file that is not UTF-8 text are never shown.
      if (!json) report(ctx, decoded.diagnostics, new SourceFile(file, ""));
      continue;
    }
    const formatted = formatSource(file, decoded.text);
    if (formatted.text === undefined) {
      unparseable.push(file);
      problems.push(...formatted.diagnostics);
      if (json) continue;
      if (formatted.diagnostics.length === 0) ctx.io.stdout(`error: '${file}' does not parse; it was left unchanged\n\n`);
      report(ctx, formatted.diagnostics, new SourceFile(file, decoded.text));
      continue;
    }
    if (formatted.text === decoded.text) continue;
    changed.push(file);
    if (checkOnly) {
      if (!json) ctx.io.stdout(`${file}\n`);
    } else {
      writeAtomically(full, formatted.text, file);
      if (!json) ctx.io.stdout(`formatted ${file}\n`);
    }
  }

  if (json) {
    const report = { files: files.length, [checkOnly ? "notFormatted" : "formatted"]: changed, unparseable, diagnostics: problems.map(diagnosticJson) };
    ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else ctx.io.stdout(summary(files.length, changed.length, unparseable.length, checkOnly) + "\n");
  if (unparseable.length > 0 || (checkOnly && changed.length > 0)) return EXIT.problems;
  return EXIT.ok;
}

function report(ctx: CommandContext, diagnostics: readonly Diagnostic[], source: SourceFile): void {
  const getSource = (path: string) => (path === source.path ? source : undefined);
  for (const d of diagnostics) ctx.io.stdout(renderDiagnostic(d, getSource, { color: ctx.color }) + "\n");
}

function summary(total: number, changed: number, unparseable: number, checkOnly: boolean): string {
  const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (checkOnly) {
    parts.push(changed === 0 ? `${files(total - unparseable)} formatted` : `${files(changed)} not formatted (run 'promo fmt' to fix)`);
  } else {
    parts.push(`${files(changed)} reformatted`, `${total - changed - unparseable} unchanged`);
  }
  if (unparseable > 0) parts.push(`${files(unparseable)} not parseable (left unchanged)`);
  return parts.join(", ");
}

/**
 * Replaces a file's contents atomically: write and flush a temporary file in the same directory (so the rename
 * stays on one file system), then rename it over the original. A symbolic link is followed and its target
 * replaced; the original permission bits are kept.
 */
function writeAtomically(full: string, text: string, display: string): void {
  let target = full;
  let tmp: string | undefined;
  try {
    target = realpathSync(full);
    const mode = statSync(target).mode & 0o7777;
    const tmpName = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
    const fd = openSync(tmpName, "wx", mode);
    tmp = tmpName;
    try {
      const data = Buffer.from(text, "utf8");
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    tmp = undefined;
  } catch (error) {
    throw new PathError(`cannot write '${display}': ${describeFsError(error)}`);
  } finally {
    if (tmp !== undefined) {
      try {
        unlinkSync(tmp);
      } catch {
        // The temporary file was never created, or is already gone.
      }
    }
  }
}
