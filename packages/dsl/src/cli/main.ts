import { readFileSync } from "node:fs";
import { suggest } from "../util/similar.js";
import { parseArgs, type OptionSpec } from "./args.js";
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
export const COMMANDS: readonly Command[] = [checkCommand, fmtCommand, compileCommand, evalCommand, testCommand, ledgerCommand, simulateCommand];

const HELP_OPTION: OptionSpec = { name: "help", short: "h", description: "show this help" };

/**
 * Runs `promo <argv...>` and returns the exit code. Never throws and never prints a stack trace (unless
 * PROMO_DEBUG=1): command-line mistakes and unreadable paths exit 2 with one line on stderr, and an unexpected
 * exception is reported as an internal error, also exit 2.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const ctx: CommandContext = { io, env, color: useColor(io, env) };
  try {
    return await dispatch(argv, ctx);
  } catch (error) {
    return reportFailure(error, ctx);
  }
}

async function dispatch(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("missing command");
  if (first === "--help" || first === "-h") {
    io.stdout(globalUsage());
    return EXIT.ok;
  }
  if (first === "--version") {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout(globalUsage());
      return EXIT.ok;
    }
    io.stdout(commandUsage(findCommand(topic)));
    return EXIT.ok;
  }
  if (first.startsWith("-")) throw new UsageError(`unknown option '${first}'`);

  const command = findCommand(first);
  const args = parseArgs(rest, [...command.options, HELP_OPTION], command.name);
  if (args.options.has(HELP_OPTION.name)) {
    io.stdout(commandUsage(command));
    return EXIT.ok;
  }
  return await command.run(args, ctx);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const close = suggest(name, COMMANDS.map((c) => c.name), 1);
  throw new UsageError(`unknown command '${name}'${close[0] ? `; did you mean '${close[0]}'?` : ""}`);
}

function reportFailure(error: unknown, ctx: CommandContext): number {
  const { io, env } = ctx;
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
     that does not exist or cannot be read or written, invalid --at; or an
     internal error
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
  const options = [...command.options, HELP_OPTION];
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

/** The version of the dsl package, read from its package.json (two levels above dist/cli and src/cli). */
export function version(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
      cachedVersion = typeof pkg.version === "string" ? pkg.version : "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
