import type { OptionSpec, ParsedArgs } from "./args.js";
import type { CommandContext } from "./context.js";

/**
 * One subcommand. To add one (`compile`, `eval`, `test`, ...): write `cli/<name>.ts` exporting a Command and add
 * it to COMMANDS in `cli/main.ts`. Argument parsing, `--help`, the usage text, error handling and exit codes
 * come from the table; `run` only does the work and returns an exit code (see EXIT in `cli/context.ts`). It
 * throws UsageError for command-line mistakes and PathError for unreadable paths (both exit 2).
 */
export interface Command {
  name: string;
  /** One line for the command list in `promo --help`. */
  summary: string;
  /** The synopsis, e.g. `promo check <files|dirs...> [--json]`. */
  usage: string;
  /** A few lines for `promo <name> --help`. */
  description: string;
  options: OptionSpec[];
  /** Lines such as `1  errors found`, shown in `promo <name> --help`. */
  exitCodes: string[];
  run(args: ParsedArgs, ctx: CommandContext): number | Promise<number>;
}
