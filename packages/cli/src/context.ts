/** What the CLI talks to; `bin/promo.js` passes the process, tests a capturing object. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (colour is used only then). */
  isTTY: boolean;
  /** Relative paths on the command line are resolved against this directory. */
  cwd: string;
  /** Environment variables (NO_COLOR, PROMO_DEBUG); defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Exit codes, as documented in the usage text. */
export const EXIT = {
  /** Clean: no errors (warnings allowed), every file formatted. */
  ok: 0,
  /** Errors found (check), files not formatted or not parseable (fmt). */
  problems: 1,
  /** Usage or I/O error, or an internal error. */
  usage: 2,
} as const;

export interface CommandContext {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
  /** ANSI colour in human-readable output. */
  color: boolean;
  /** `--json`: stdout holds exactly one JSON document (see `runCli`). */
  json: boolean;
}

/** A mistake on the command line: reported as one line plus a pointer to the help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at, if any. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** A path that does not exist or cannot be read or written: reported as one line, exit code 2. */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colour off. */
export function useColor(io: CliIo, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env["NO_COLOR"];
  return io.isTTY && (noColor === undefined || noColor === "");
}

/** A short reason for a file-system error: `no such file or directory` rather than the whole errno text. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EISDIR":
      return "is a directory";
    case "ELOOP":
      return "too many symbolic links";
    case "ENAMETOOLONG":
      return "name too long";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
