import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ParseResult } from "../parser/parse.js";

export interface CheckOptions {
  /** Epoch milliseconds of "now" for the window-passed warning (`promo check --at`). */
  at?: number;
}

export interface CheckedProject {
  files: ParseResult[];
  diagnostics: Diagnostic[];
}

export function check(files: ParseResult[], _options: CheckOptions = {}): CheckedProject {
  return { files, diagnostics: [] };
}
