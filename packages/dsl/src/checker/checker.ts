import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { MAX_DIAGNOSTICS_PER_FILE, type ParseResult } from "../parser/parse.js";
import { newTables, Reporter, type FileContext, type Tables } from "./context.js";
import { DEFAULT_COST_BUDGET, reportCostOverBudget, reportDeepReferences, reportScopeCycles } from "./bounds.js";
import { ExampleChecker } from "./examples.js";
import { ExpressionChecker } from "./expressions.js";
import { Literals } from "./literals.js";
import { PromotionChecker, type CheckedPromotion } from "./promotions.js";
import { findNeverTrue } from "./satisfiable.js";
import { SymbolTable } from "./symbols.js";

export interface CheckOptions {
  /** Epoch milliseconds of "now" for the window-passed warning (`promo check --at`). */
  at?: number;
  /** The static cost a promotion may have, in operations per cart line (default DEFAULT_COST_BUDGET). */
  costBudget?: number;
}

export interface CheckedFile {
  parsed: ParseResult;
  currency: string | undefined;
}

/** A checked project: the AST of each file plus side tables; the input of the compiler, interpreter and editor. */
export interface CheckedProject {
  files: CheckedFile[];
  diagnostics: Diagnostic[];
  tables: Tables;
  symbols: SymbolTable;
  promotions: CheckedPromotion[];
  stacking: { rule: A.AtMostRule; file: CheckedFile }[];
  selection: "best-for-buyer" | "first-by-priority";
  earn: { decl: A.EarnDecl; file: CheckedFile } | undefined;
  examples: { decl: A.ExampleDecl; file: CheckedFile }[];
}

/** Type-checks a project (a root file and its imports). Never throws on user input; problems are diagnostics. */
export function check(files: ParseResult[], options: CheckOptions = {}): CheckedProject {
  const reporter = new Reporter();
  const tables = newTables();
  const symbols = new SymbolTable(reporter);
  const literals = new Literals(reporter, tables);
  const expressions = new ExpressionChecker(reporter, tables, literals, symbols);
  const promotions = new PromotionChecker(reporter, tables, literals, symbols, expressions);
  const examples = new ExampleChecker(reporter, tables, literals, symbols);

  const checkedFiles = files.map((parsed) => ({ parsed, currency: fileCurrency(parsed, literals, reporter) }));
  const contexts = new Map(checkedFiles.map((f) => [f, { source: f.parsed.source, currency: f.currency } satisfies FileContext]));
  symbols.collect(files);

  const project: CheckedProject = {
    files: checkedFiles,
    diagnostics: reporter.diagnostics,
    tables,
    symbols,
    promotions: [],
    stacking: [],
    selection: "best-for-buyer",
    earn: undefined,
    examples: [],
  };
  const selections: { mode: string; span: A.Span; file: FileContext }[] = [];

  // Windows first: promotions refer to them by name and read their resolved instants.
  for (const file of checkedFiles) {
    const ctx = contexts.get(file)!;
    for (const decl of file.parsed.ast.declarations) if (decl.kind === "Window") promotions.windowSpec(decl.window, ctx);
  }
  for (const file of checkedFiles) {
    const ctx = contexts.get(file)!;
    for (const decl of file.parsed.ast.declarations) {
      switch (decl.kind) {
        case "Scope":
          expressions.condition(decl.predicate, { file: ctx, mode: "line", couponAvailable: false }, "a scope");
          findNeverTrue(decl.predicate, ctx, tables, reporter);
          break;
        case "Group":
          promotions.group(decl, ctx);
          break;
        case "Promotion": {
          const checked = promotions.promotion(decl, ctx);
          if (checked.condition) findNeverTrue(checked.condition, ctx, tables, reporter);
          project.promotions.push(checked);
          break;
        }
        case "Stacking":
          promotions.stacking(decl, ctx, selections);
          for (const rule of decl.rules) if (rule.kind === "AtMost") project.stacking.push({ rule, file });
          break;
        case "Earn":
          if (project.earn) {
            reporter.report(Diagnostics.duplicateClause(reporter.at(file.parsed.source, decl.span), "earn", reporter.at(project.earn.file.parsed.source, project.earn.decl.span)));
            break;
          }
          project.earn = { decl, file };
          literals.count(ctx, decl.coins, "the coins earned", 1);
          literals.money(ctx, decl.per, "the amount that earns them", { allowZero: false });
          for (const limit of decl.limits) promotions.limit(limit, ctx, "earn");
          break;
        case "Example":
          project.examples.push({ decl, file });
          break;
        default:
          break;
      }
    }
  }
  for (const { decl, file } of project.examples) examples.example(decl, contexts.get(file)!);
  const mode = selections[0]?.mode;
  if (mode === "first-by-priority" || mode === "best-for-buyer") project.selection = mode;

  const scopeRoots = checkedFiles.flatMap((file) =>
    file.parsed.ast.declarations.flatMap((decl) => (decl.kind === "Scope" && symbols.scopes.get(decl.name.text)?.decl === decl ? [decl.name.text] : [])),
  );
  reportScopeCycles(scopeRoots, symbols, reporter);
  reportDeepReferences(symbols, reporter);
  reportCostOverBudget(project.promotions, symbols, options.costBudget ?? DEFAULT_COST_BUDGET, reporter);
  reportDuplicateCodes(project.promotions, reporter);
  reportPriorityTies(project.promotions, reporter);
  reportExampleNames(project.examples, reporter);
  reportUnused(checkedFiles, symbols, reporter);
  if (options.at !== undefined) reportPassedWindows(project.promotions, options.at, reporter);
  capBrokenFiles(files, reporter.diagnostics);
  return project;
}

/**
 * A file that did not parse is checked as far as recovery got, but declarations recovered from pasted junk yield
 * mostly noise: its checker diagnostics are capped like its syntax errors (the first 100, then a count).
 */
function capBrokenFiles(files: readonly ParseResult[], diagnostics: Diagnostic[]): void {
  const broken = new Set(files.filter((f) => f.recovery !== undefined).map((f) => f.source.path));
  if (broken.size === 0) return;
  const kept = new Map<string, number>();
  const dropped = new Map<string, { first: Diagnostic; count: number }>();
  const result = diagnostics.filter((d) => {
    if (!broken.has(d.span.file)) return true;
    const n = kept.get(d.span.file) ?? 0;
    if (n < MAX_DIAGNOSTICS_PER_FILE) {
      kept.set(d.span.file, n + 1);
      return true;
    }
    const entry = dropped.get(d.span.file);
    if (entry) entry.count++;
    else dropped.set(d.span.file, { first: d, count: 1 });
    return false;
  });
  for (const { first, count } of dropped.values()) {
    const at = { ...first.span, end: first.span.start, endLine: first.span.startLine, endColumn: first.span.startColumn };
    result.push(Diagnostics.tooManyErrors(at, MAX_DIAGNOSTICS_PER_FILE, MAX_DIAGNOSTICS_PER_FILE + count));
  }
  diagnostics.length = 0;
  for (const d of result) diagnostics.push(d);
}

function fileCurrency(parsed: ParseResult, literals: Literals, reporter: Reporter): string | undefined {
  const decls = parsed.ast.declarations.filter((d): d is A.CurrencyDecl => d.kind === "Currency");
  const ctx: FileContext = { source: parsed.source, currency: undefined };
  for (const extra of decls.slice(1)) {
    reporter.report(Diagnostics.duplicateClause(reporter.at(parsed.source, extra.span), "currency", reporter.at(parsed.source, decls[0]!.span)));
  }
  if (decls[0]) return literals.currencyCode(ctx, decls[0].code);
  const needsCurrency = parsed.ast.declarations.find((d) => d.kind === "Promotion" || d.kind === "Earn");
  if (needsCurrency) {
    const guess = /\d\s+([A-Z]{3})\b/.exec(parsed.source.text)?.[1];
    const span = { start: needsCurrency.span.start, end: needsCurrency.span.start };
    reporter.report(Diagnostics.fileCurrencyMissing(reporter.at(parsed.source, span), guess));
  }
  return undefined;
}

function reportDuplicateCodes(promotions: CheckedPromotion[], reporter: Reporter): void {
  const byCode = new Map<string, CheckedPromotion>();
  for (const p of promotions) {
    if (!p.code) continue;
    const key = p.code.toUpperCase();
    const first = byCode.get(key);
    const clause = p.decl.clauses.find((c): c is A.CodeClause => c.kind === "Code")!;
    if (first) {
      const firstClause = first.decl.clauses.find((c): c is A.CodeClause => c.kind === "Code")!;
      reporter.report(Diagnostics.duplicateCode(reporter.at(p.file, clause.code.span), p.code, first.id, reporter.at(first.file, firstClause.code.span)));
    } else byCode.set(key, p);
  }
}

function reportPriorityTies(promotions: CheckedPromotion[], reporter: Reporter): void {
  const byPriority = new Map<number, CheckedPromotion>();
  const used = new Set(promotions.flatMap((p) => (p.priority === undefined ? [] : [p.priority])));
  for (const p of promotions) {
    if (p.priority === undefined) continue;
    const first = byPriority.get(p.priority);
    if (!first) {
      byPriority.set(p.priority, p);
      continue;
    }
    let free = p.priority + 1;
    while (used.has(free)) free++;
    used.add(free);
    const clause = p.decl.clauses.find((c): c is A.PriorityClause => c.kind === "Priority")!;
    const firstClause = first.decl.clauses.find((c): c is A.PriorityClause => c.kind === "Priority")!;
    reporter.report(Diagnostics.priorityTie(reporter.at(p.file, clause.value.span), String(p.priority), first.id, reporter.at(first.file, firstClause.value.span), free));
  }
}

function reportExampleNames(examples: CheckedProject["examples"], reporter: Reporter): void {
  const seen = new Map<string, { decl: A.ExampleDecl; file: CheckedFile }>();
  for (const example of examples) {
    const name = example.decl.name.text;
    const first = seen.get(name);
    if (first) {
      reporter.report(Diagnostics.duplicateId(reporter.at(example.file.parsed.source, example.decl.name.span), "example", name, reporter.at(first.file.parsed.source, first.decl.name.span)));
    } else seen.set(name, example);
  }
}

/** Unused scopes, windows and groups, in files that declare promotions (a file without any is a library). */
function reportUnused(files: CheckedFile[], symbols: SymbolTable, reporter: Reporter): void {
  for (const file of files) {
    if (!file.parsed.ast.declarations.some((d) => d.kind === "Promotion")) continue;
    for (const decl of file.parsed.ast.declarations) {
      const symbol =
        decl.kind === "Scope" ? symbols.scopes.get(decl.name.text) : decl.kind === "Window" ? symbols.windows.get(decl.name.text) : decl.kind === "Group" ? symbols.groups.get(decl.name.text) : undefined;
      if (!symbol || symbol.decl !== decl || symbols.isUsed(symbol)) continue;
      reporter.report(Diagnostics.unusedDeclaration(reporter.at(file.parsed.source, decl.name.span), decl.kind.toLowerCase(), decl.name.text));
    }
  }
}

function reportPassedWindows(promotions: CheckedPromotion[], at: number, reporter: Reporter): void {
  for (const p of promotions) {
    if (!p.valid || p.valid.endMs >= at) continue;
    const clause = p.decl.clauses.find((c) => c.kind === "Valid")!;
    reporter.report(Diagnostics.windowPassed(reporter.at(p.file, clause.span), new Date(p.valid.endMs - 999).toISOString().replace(".000Z", "Z"), new Date(at).toISOString()));
  }
}
