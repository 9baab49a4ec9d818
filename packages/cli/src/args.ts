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
 * Parses `argv` against the option list of one command. Accepts `--name value`, `--name=value`, short aliases,
 * and `--` to end options (so a file may be called `--weird.promo`). Anything else starting with `-` is a usage
 * error; a lone `-` is a positional.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command: string): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byLong.get(name);
    } else if (arg.length === 2) {
      spec = byShort.get(arg.slice(1));
    }
    if (!spec) throw new UsageError(`unknown option '${arg}' for 'promo ${command}'`, command);
    if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`option '--${spec.name}' does not take a value`, command);
      options.set(spec.name, true);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option '--${spec.name}' needs a value ${spec.value}`, command);
      value = next;
      i++;
    }
    options.set(spec.name, value);
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
