import { createReadStream, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";

/**
 * Streaming cart input: NDJSON files (one cart per line), optionally gzip-compressed, or a directory of such
 * files. Lines are read a chunk at a time, so memory does not grow with the input.
 */

/** Extensions read from a directory (a file named on the command line is read whatever its name). */
const CART_FILE = /\.(ndjson|jsonl|json)(\.gz)?$/i;
const GZIP_MAGIC = [0x1f, 0x8b];

export interface InputFile {
  /** Absolute path. */
  path: string;
  /** As shown in the report: relative to the working directory when inside it. */
  label: string;
  bytes: number;
}

export class InputError extends Error {}

/** The files of an input path, in code-point order of their labels (the input order of the report). */
export function listInputFiles(path: string, cwd: string): InputFile[] {
  const full = resolve(cwd, path);
  let stat;
  try {
    stat = statSync(full);
  } catch (error) {
    throw new InputError(
      `cannot read '${path}': ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : String((error as Error).message)}`,
    );
  }
  const files: InputFile[] = [];
  const label = (p: string) => {
    const rel = relative(cwd, p);
    return rel.startsWith("..") || rel === "" ? p : rel;
  };
  if (stat.isDirectory()) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.isFile() && CART_FILE.test(entry.name)) files.push({ path: p, label: label(p), bytes: statSync(p).size });
      }
    };
    walk(full);
  } else {
    files.push({ path: full, label: label(full), bytes: stat.size });
  }
  return files.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export interface LineChunk {
  file: InputFile;
  /** Line number (from 1) of each text; blank lines are skipped. */
  lines: number[];
  texts: string[];
  /** Bytes of the file read so far (compressed bytes for gzip). */
  bytesRead: number;
}

/** Lines longer than this are reported as one problem and skipped (a cart is far smaller). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Reads a file's non-blank lines in chunks. A read error (e.g. truncated gzip) ends the file: `onError` gets the
 * message and the last line number reached; what was read before is kept.
 */
export async function* readLines(
  file: InputFile,
  onError: (message: string, line: number) => void,
  onLongLine: (line: number) => void,
): AsyncGenerator<LineChunk> {
  const gzip = await isGzip(file.path);
  // Compressed input in smaller reads, so that progress (measured in the file's bytes) moves smoothly.
  const raw = createReadStream(file.path, { highWaterMark: gzip ? 1 << 16 : 1 << 20 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on("error", (error) => stream.destroy(error));
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNo = 0;
  let skipping = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = carry + decoder.write(chunk);
      const lines: number[] = [];
      const texts: string[] = [];
      let start = 0;
      for (;;) {
        const nl = text.indexOf("\n", start);
        if (nl < 0) break;
        lineNo++;
        if (skipping) skipping = false;
        else {
          const line = text.slice(start, nl);
          if (line.trim().length > 0) {
            lines.push(lineNo);
            texts.push(line);
          }
        }
        start = nl + 1;
      }
      carry = text.slice(start);
      if (carry.length > MAX_LINE_CHARS) {
        onLongLine(lineNo + 1);
        carry = "";
        skipping = true;
      }
      if (texts.length > 0) yield { file, lines, texts, bytesRead: raw.bytesRead };
    }
    const rest = carry + decoder.end();
    if (!skipping && rest.trim().length > 0) yield { file, lines: [lineNo + 1], texts: [rest], bytesRead: raw.bytesRead };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "Z_BUF_ERROR" || /unexpected end of file/i.test((error as Error).message)
        ? "truncated gzip data: the rest of the file could not be read"
        : code === "Z_DATA_ERROR"
          ? `corrupt gzip data: ${(error as Error).message}`
          : `cannot read: ${(error as Error).message}`;
    // Lines read before the error were simulated; a line cut by the error is not.
    onError(message, lineNo + 1);
  }
}

async function isGzip(path: string): Promise<boolean> {
  const { open } = await import("node:fs/promises");
  let handle;
  try {
    handle = await open(path, "r");
    const buf = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}
