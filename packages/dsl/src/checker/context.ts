import type * as A from "../ast/nodes.js";
import type { Diagnostic, DiagnosticSpan } from "../diagnostics/diagnostic.js";
import { spanIn } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../util/source.js";
import type { Type } from "./types.js";
import { WatchedMap, type Watch } from "./watched-map.js";

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

/**
 * Side tables keyed by node id (cel-go's way): the AST itself stays immutable. This is the view every phase after
 * the checker gets (lower, emit, the interpreter, the language server): read-only, so that only the checker
 * decides a node's type, reference or value.
 */
export interface Tables {
  readonly types: ReadonlyMap<number, Type>;
  readonly refs: ReadonlyMap<number, Symbol>;
  /** Money literals in minor units of their currency. */
  readonly money: ReadonlyMap<number, { minor: number; currency: string }>;
  /** Date-time literals resolved to epoch milliseconds (literals with a zone only). */
  readonly instants: ReadonlyMap<number, number>;
  /** Window specs resolved to epoch milliseconds. */
  readonly windows: ReadonlyMap<number, ResolvedWindow>;
  /** Duration nodes resolved to an amount and a canonical plural unit. */
  readonly durations: ReadonlyMap<number, { amount: number; unit: DurationUnit }>;
}

/**
 * The same tables as the checker fills them. Only checker modules import this type; the checked project hands
 * them out typed as `Tables` (the same Maps, not copies, so checking stays as fast).
 */
export interface WritableTables extends Tables {
  readonly types: Map<number, Type>;
  readonly refs: Map<number, Symbol>;
  readonly money: Map<number, { minor: number; currency: string }>;
  readonly instants: Map<number, number>;
  readonly windows: Map<number, ResolvedWindow>;
  readonly durations: Map<number, { amount: number; unit: DurationUnit }>;
}

export type DurationUnit = "seconds" | "minutes" | "hours" | "days" | "weeks" | "months" | "years";

/** Fresh tables; with a `watch`, tables whose reads and writes an incremental check records (checker/watched-map.ts). */
export function newTables(watch?: Watch): WritableTables {
  const map = <K, V>(label: string): Map<K, V> => (watch ? new WatchedMap<K, V>(`tables.${label}`, watch) : new Map<K, V>());
  return { types: map("types"), refs: map("refs"), money: map("money"), instants: map("instants"), windows: map("windows"), durations: map("durations") };
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

// Checked when the package builds: the read-only view of every table offers no writer.
type Writers = "set" | "delete" | "clear";
type HasNoWriters<T> = Extract<keyof T, Writers> extends never ? true : false;
const tablesAreReadOnly: { [K in keyof Tables]: HasNoWriters<Tables[K]> } = {
  types: true,
  refs: true,
  money: true,
  instants: true,
  windows: true,
  durations: true,
};
void tablesAreReadOnly;

export interface CheckOptions {
  /** Epoch milliseconds of "now" for the window-passed warning (`promo check --at`). */
  at?: number;
  /** The static cost a promotion may have, in operations per cart line (default DEFAULT_COST_BUDGET). */
  costBudget?: number;
}
