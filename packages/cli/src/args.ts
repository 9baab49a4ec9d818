import { parseArgs as parseNodeArgs } from "node:util";
import { suggest } from "@promo/runtime";
import { UsageError } from "./context.js";

/** One option a command accepts: a switch (`--json`) or an option with a value (`--at <instant>`). */
export interface OptionSpec {
  /** The long name without dashes: `json` for `--json`. */
  name: string;
  /** A one-letter alias without the dash, e.g. `h` for `-h`. */
  short?: string;
  /** Placeholder shown in help when the option takes a value, e.g. `<instant>`; absent for switches. */
  value?: string;
  description: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Switches map to `true`, value options to their (last given) value. */
  options: Map<string, string | true>;
}

/**
 * Parses `argv` against the option list of one command with node's `util.parseArgs` (`--name value`,
 * `--name=value`, short aliases, `--` to end options, a lone `-` as a positional). It runs non-strict and returns
 * its tokens so that each mistake gets the CLI's own message: an unknown option with a did-you-mean, a switch given
 * a value, a value option without one.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const config = Object.fromEntries(
    specs.map((s) => [s.name, { type: s.value === undefined ? ("boolean" as const) : ("string" as const), ...(s.short ? { short: s.short } : {}) }]),
  );
  const { tokens } = parseNodeArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const spec = byName.get(token.name);
    if (spec === undefined) {
      const close = token.rawName.startsWith("--")
        ? suggest(
            token.name,
            specs.map((s) => s.name),
            1,
          )[0]
        : undefined;
      throw new UsageError(`unknown option '${token.rawName}' for 'promo ${command}'${close ? `; did you mean '--${close}'?` : ""}`, command);
    }
    if (spec.value === undefined) {
      if (token.value !== undefined) throw new UsageError(`option '--${spec.name}' does not take a value`, command);
      options.set(spec.name, true);
    } else {
      if (token.value === undefined) throw new UsageError(`option '--${spec.name}' needs a value ${spec.value}`, command);
      options.set(spec.name, token.value);
    }
  }
  return { positionals, options };
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.get(name) === true;
}

export function optionValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.options.get(name);
  return typeof value === "string" ? value : undefined;
}
