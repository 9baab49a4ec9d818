import type * as A from "../ast/nodes.js";
import type { Diagnostic, DiagnosticSpan } from "../diagnostics/diagnostic.js";
import { spanIn } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../util/source.js";
import type { Type } from "./types.js";

/** What a name resolves to; kept in the `refs` side table keyed by the Name node's id. */
export type Symbol =
  | { kind: "scope"; name: string; decl: A.ScopeDecl; file: SourceFile }
  | { kind: "window"; name: string; decl: A.WindowDecl; file: SourceFile }
  | { kind: "group"; name: string; decl: A.GroupDecl; file: SourceFile }
  | { kind: "promotion"; name: string; decl: A.PromotionDecl; file: SourceFile }
  | { kind: "attribute"; name: string; decl: A.AttributeDecl; file: SourceFile; type: Type }
  | { kind: "field"; name: string; type: Type }
  | { kind: "kind"; name: string }
  | { kind: "region"; name: string }
  | { kind: "builtin-group"; name: string };

export interface ResolvedWindow {
  /** Epoch milliseconds of the first instant inside the window. */
  startMs: number;
  /** Epoch milliseconds of the last instant inside the window: the end second is inclusive, so `:59.999`. */
  endMs: number;
  zone: string;
}

/** Side tables keyed by node id (cel-go's way): the AST itself stays immutable. */
export interface Tables {
  types: Map<number, Type>;
  refs: Map<number, Symbol>;
  /** Money literals in minor units of their currency. */
  money: Map<number, { minor: number; currency: string }>;
  /** Date-time literals resolved to epoch milliseconds (literals with a zone only). */
  instants: Map<number, number>;
  /** Window specs resolved to epoch milliseconds. */
  windows: Map<number, ResolvedWindow>;
  /** Duration nodes resolved to an amount and a canonical plural unit. */
  durations: Map<number, { amount: number; unit: DurationUnit }>;
}

export type DurationUnit = "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years";

export function newTables(): Tables {
  return { types: new Map(), refs: new Map(), money: new Map(), instants: new Map(), windows: new Map(), durations: new Map() };
}

/** Per-file state while checking: the file (for spans) and its declared currency. */
export interface FileContext {
  source: SourceFile;
  currency: string | undefined;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  at(file: SourceFile, span: A.Span): DiagnosticSpan {
    return spanIn(file, span);
  }
  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }
}
