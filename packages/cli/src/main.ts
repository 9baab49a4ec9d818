import { readFileSync } from "node:fs";
import { suggest } from "@promo/runtime";
import { parseArgs, type OptionSpec } from "./args.js";
import { attributeCommand } from "./attribute.js";
import { campaignCommand } from "./campaign.js";
import { checkCommand } from "./check.js";
import type { Command } from "./command.js";
import { compileCommand } from "./compile.js";
import { EXIT, PathError, UsageError, useColor, type CliIo, type CommandContext } from "./context.js";
import { evalCommand } from "./eval.js";
import { fmtCommand } from "./fmt.js";
import { ledgerCommand } from "./ledger.js";
import { simulateCommand } from "./simulate.js";
import { testCommand } from "./test.js";

export type { CliIo } from "./context.js";
export type { Command } from "./command.js";

/** The subcommands, in the order `promo --help` lists them: one file each plus one entry here (`cli/command.ts`). */
export const COMMANDS: readonly Command[] = [
  checkCommand,
  fmtCommand,
  compileCommand,
  evalCommand,
  testCommand,
  ledgerCommand,
  simulateCommand,
  campaignCommand,
  attributeCommand,
];

const HELP_OPTION: OptionSpec = { name: "help", short: "h", description: "show this help" };
/** Every command takes `--json`: stdout then holds exactly one JSON document, errors included. */
const JSON_OPTION: OptionSpec = { name: "json", description: "print exactly one JSON document on stdout (errors too)" };

function optionsOf(command: Command): OptionSpec[] {
  const own = command.options.some((o) => o.name === JSON_OPTION.name) ? command.options : [...command.options, JSON_OPTION];
  return [...own, HELP_OPTION];
}

/** `--json` anywhere before a `--`: decided before parsing, so a usage error is reported as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * Runs `promo <argv...>` and returns the exit code. Never throws and never prints a stack trace (unless
 * PROMO_DEBUG=1): command-line mistakes and unreadable paths exit 2 with one line on stderr, and an unexpected
 * exception is reported as an internal error, also exit 2.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  if (!wantsJson(argv)) {
    const ctx: CommandContext = { io, env, color: useColor(io, env), json: false };
    try {
      return await dispatch(argv, ctx);
    } catch (error) {
      return reportFailure(error, ctx);
    }
  }
  // JSON mode: stdout is held back so that a failure part-way replaces whatever was written with one error document.
  let held = "";
  const ctx: CommandContext = { io: { ...io, stdout: (text) => void (held += text) }, env, color: false, json: true };
  let code: number;
  try {
    code = await dispatch(argv, ctx);
  } catch (error) {
    held = "";
    code = reportFailure(error, ctx);
    io.stdout(held);
    return code;
  }
  io.stdout(held);
  return code;
}

async function dispatch(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const [first, ...rest] = argv;
  const text = (value: string, key: "help" | "version") => io.stdout(ctx.json ? `${JSON.stringify({ [key]: value }, null, 2)}\n` : value);
  if (first === undefined || (first === "--json" && rest.length === 0)) throw new UsageError("missing command");
  if (first === "--help" || first === "-h" || (first === "--json" && (rest[0] === "--help" || rest[0] === "-h"))) {
    text(globalUsage(), "help");
    return EXIT.ok;
  }
  if (first === "--version" || (first === "--json" && rest[0] === "--version")) {
    text(ctx.json ? version() : `${version()}\n`, "version");
    return EXIT.ok;
  }
  if (first === "help") {
    const topic = rest.find((a) => a !== "--json");
    text(topic === undefined ? globalUsage() : commandUsage(findCommand(topic)), "help");
    return EXIT.ok;
  }
  if (first.startsWith("-")) {
    const close = suggest(first.replace(/^-+/, ""), ["help", "version"], 1)[0];
    throw new UsageError(`unknown option '${first}'${close ? `; did you mean '--${close}'?` : ""}`);
  }

  const command = findCommand(first);
  const args = parseArgs(rest, optionsOf(command), command.name);
  if (args.options.has(HELP_OPTION.name)) {
    text(commandUsage(command), "help");
    return EXIT.ok;
  }
  return await command.run(args, ctx);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const close = suggest(
    name,
    COMMANDS.map((c) => c.name),
    1,
  );
  throw new UsageError(`unknown command '${name}'${close[0] ? `; did you mean '${close[0]}'?` : ""}`);
}

function reportFailure(error: unknown, ctx: CommandContext): number {
  const { io, env } = ctx;
  if (ctx.json) {
    const kind = error instanceof UsageError ? "usage" : error instanceof PathError ? "io" : "internal";
    const message = error instanceof Error ? error.message : String(error);
    io.stdout(`${JSON.stringify({ error: { kind, message } }, null, 2)}\n`);
    if (env["PROMO_DEBUG"] === "1" && kind === "internal" && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.stderr(`promo: ${error.message}\n`);
    io.stderr(`run 'promo ${error.command ? `${error.command} ` : ""}--help' for usage\n`);
    return EXIT.usage;
  }
  if (error instanceof PathError) {
    io.stderr(`promo: ${error.message}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`promo: internal error: ${message}\n`);
  if (env["PROMO_DEBUG"] === "1" && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT.usage;
}

const EXIT_CODES = `Exit codes:
  0  clean: no errors (warnings allowed); every file formatted; compiled;
     the cart was priced; every example passed
  1  errors found (check, compile, eval, test); files not formatted or not
     parseable (fmt); an invalid cart (eval); a failing example (test)
  2  usage or I/O error: unknown command or option, missing argument, a path
     that does not exist or cannot be read or written, no .promo files in
     the given paths, invalid --at; or an internal error

Output: with --json (every command), stdout holds exactly one JSON document,
errors included ({"error": {"kind", "message"}} for usage and I/O errors);
amounts are decimal strings, instants ISO 8601. Without --json, reports go
to stdout and errors that stop a command to stderr; colour only on a terminal.
`;

export function globalUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), "help".length) + 2;
  const commands = [
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${"help".padEnd(width)}show help for a command: promo help <command>`,
  ].join("\n");
  const synopses = COMMANDS.map((c) => `  ${c.usage}`).join("\n");
  return `promo ${version()} — check, format, compile and test .promo promotion rules

Usage:
${synopses}
  promo help [command]
  promo --version

Commands:
${commands}

Options:
  -h, --help     show help (also 'promo <command> --help')
      --version  print the version

Files and directories: a directory is searched recursively for *.promo files,
skipping node_modules and dot-directories.

${EXIT_CODES}
Environment:
  NO_COLOR=1     no colour (colour is used only when stdout is a terminal)
  PROMO_DEBUG=1  print the stack trace of an internal error
`;
}

export function commandUsage(command: Command): string {
  const options = optionsOf(command);
  const labels = options.map((o) => `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` ${o.value}` : ""}`);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const optionLines = options.map((o, i) => `  ${labels[i]!.padEnd(width)}${o.description}`).join("\n");
  return `Usage: ${command.usage}

${command.description}

Options:
${optionLines}

Exit codes:
${command.exitCodes.map((line) => `  ${line}`).join("\n")}
`;
}

let cachedVersion: string | undefined;

/** The version of the cli package, read from its package.json (one level above dist/ and src/). */
export function version(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
      cachedVersion = typeof pkg.version === "string" ? pkg.version : "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
