/**
 * The shapes the checker's stages share: the options, the checked project they build and the state they pass along
 * (kept apart from checker.ts, which runs the stages, so that a stage module depends on these types only).
 */
import type * as A from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ParseResult } from "../parser/parse.js";
import type { CommissionTable } from "@promo/runtime";
import type { CampaignData } from "./campaign.js";
import type { DeclarationMemo, IncrementalStats } from "./declaration-memo.js";
import type { CheckOptions, FileContext, Reporter, Tables, WritableTables } from "./context.js";
import type { ExampleChecker } from "./examples.js";
import type { ExpressionChecker } from "./expressions.js";
import type { Literals } from "./literals.js";
import type { CheckedPromotion, PromotionChecker } from "./promotions.js";
import type { SymbolTable } from "./symbols.js";

export type { CheckOptions };

export interface CheckedFile {
  parsed: ParseResult;
  currency: string | undefined;
}

/** A checked project: the AST of each file plus side tables; the input of the compiler, interpreter and editor. */
export interface CheckedProject {
  files: CheckedFile[];
  diagnostics: Diagnostic[];
  /** Read-only after checking: only the checker's stages write the tables (through CheckState.tables). */
  tables: Tables;
  symbols: SymbolTable;
  promotions: CheckedPromotion[];
  stacking: { rule: A.AtMostRule; file: CheckedFile }[];
  selection: "best-for-buyer" | "first-by-priority";
  /** The `earn` rules in declaration order (files in project order). */
  earn: { decl: A.EarnDecl; file: CheckedFile }[];
  examples: { decl: A.ExampleDecl; file: CheckedFile }[];
  /** The `campaign` declarations, each with its lowered data when it has no error (checker/campaign.ts). */
  campaigns: { decl: A.CampaignDecl; file: CheckedFile; data: CampaignData | undefined }[];
  /** The project's `commission` table (checker/settlement.ts); null without one or when it has errors. */
  commission?: CommissionTable | null;
  /** Each checker stage's time, in stage order. */
  timings: CheckStageTiming[];
  /** With a memo (an editor's incremental check): how many declarations were checked and how many replayed. */
  incremental?: IncrementalStats;
}

/** What the stages share while checking one project; each stage reads what earlier stages left here. */
export interface CheckState {
  readonly files: readonly ParseResult[];
  readonly options: CheckOptions;
  readonly reporter: Reporter;
  readonly tables: WritableTables;
  readonly symbols: SymbolTable;
  readonly literals: Literals;
  readonly expressions: ExpressionChecker;
  readonly promotions: PromotionChecker;
  readonly examples: ExampleChecker;
  readonly project: CheckedProject;
  /** Per checked file: its source and currency (set by the `currencies` stage). */
  readonly contexts: Map<CheckedFile, FileContext>;
  /** `select` rules of every stacking declaration, in file order (set by `declarations`). */
  readonly selections: { mode: string; span: A.Span; file: FileContext }[];
  /** An editor's memo of the last check: unchanged declarations are replayed, not checked (checker/declaration-memo.ts). */
  readonly memo: DeclarationMemo | undefined;
}

/** One pass of the checker (OPA's compiler style): a name for timings and tests, and the work. */
export interface CheckStage {
  readonly name: string;
  run(state: CheckState): void;
}

/** How long one stage took, in milliseconds (`promo check --timings` lists them as `check:<name>`). */
export interface CheckStageTiming {
  stage: string;
  ms: number;
}
