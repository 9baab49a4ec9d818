import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { MAX_DIAGNOSTICS_PER_FILE, type ParseResult } from "../parser/parse.js";
import { newTables, Reporter, type FileContext, type WritableTables } from "./context.js";
import { DEFAULT_COST_BUDGET, reportCostOverBudget, reportDeepReferences, reportScopeCycles } from "./bounds.js";
import { affiliateStage } from "./attribution.js";
import { reportCouponsMayStack } from "./coupons.js";
import { ExampleChecker } from "./examples.js";
import { ExpressionChecker } from "./expressions.js";
import { Literals } from "./literals.js";
import { PromotionChecker, type CheckedPromotion } from "./promotions.js";
import { findNeverTrue } from "./satisfiable.js";
import { SymbolTable } from "./symbols.js";
import { CampaignChecker } from "./campaign.js";
import { settlementStage } from "./settlement.js";
import type { DeclarationMemo } from "./declaration-memo.js";
import { WatchedMap } from "./watched-map.js";

export type { CheckOptions, CheckedFile, CheckedProject, CheckState, CheckStage, CheckStageTiming } from "./state.js";
import type { CheckOptions, CheckedFile, CheckedProject, CheckState, CheckStage } from "./state.js";

/**
 * The checker's passes, in the order they must run. Each comment says what the stage needs from the stages
 * before it; a stage's tests are in packages/dsl/test/checker/<name>.test.ts.
 */
export const CHECK_STAGES: readonly CheckStage[] = [
  {
    // Needs nothing: reads each file's `currency` declaration. Every later stage checks money against it.
    name: "currencies",
    run(state) {
      for (const parsed of state.files) {
        const file: CheckedFile = { parsed, currency: fileCurrency(parsed, state.literals, state.reporter) };
        state.project.files.push(file);
        state.contexts.set(file, { source: parsed.source, currency: file.currency });
      }
    },
  },
  {
    // Needs nothing: declares every name (scopes, windows, groups, promotions, attributes), so that a reference
    // may come before its declaration; reports duplicate and reserved names.
    name: "symbols",
    run(state) {
      state.symbols.collect(state.files);
    },
  },
  {
    // Needs currencies and symbols: resolves named windows to instants, which promotions read by name.
    name: "windows",
    run(state) {
      for (const file of state.project.files) {
        const ctx = state.contexts.get(file)!;
        for (const decl of file.parsed.ast.declarations) {
          if (decl.kind !== "Window") continue;
          const resolve = () => void state.promotions.windowSpec(decl.window, ctx);
          if (state.memo) state.memo.check("windows", decl, state, ctx, resolve);
          else resolve();
        }
      }
    },
  },
  {
    // Needs windows resolved and every name declared: types scopes, groups, promotions, stacking and earn rules,
    // fills the side tables, and collects promotions, stacking rules and examples into the project.
    name: "declarations",
    run(state) {
      for (const file of state.project.files) {
        const ctx = state.contexts.get(file)!;
        for (const decl of file.parsed.ast.declarations) {
          if (!TYPED_DECLARATIONS.has(decl.kind)) continue;
          const typeIt = () => declaration(state, decl, file, ctx);
          if (state.memo) state.memo.check("declarations", decl, state, ctx, typeIt);
          else typeIt();
        }
      }
      const mode = state.selections[0]?.mode;
      if (mode === "first-by-priority" || mode === "best-for-buyer") state.project.selection = mode;
    },
  },
  // Needs the checked promotions' kinds: funders with the kinds' defaults, `on return`, the commission table.
  settlementStage,
  // Needs windows resolved (checker/attribution.ts): attribution and affiliate program declarations.
  affiliateStage,
  {
    // Needs the declarations' types and the project's promotions: an example's cart and expectations name them.
    name: "examples",
    run(state) {
      for (const { decl, file } of state.project.examples) state.examples.example(decl, state.contexts.get(file)!);
    },
  },
  {
    // Needs the symbols' references (recorded while typing declarations): follows scopes through scopes.
    name: "scope-cycles",
    run(state) {
      const { symbols } = state;
      const scopeRoots = state.project.files.flatMap((file) =>
        file.parsed.ast.declarations.flatMap((decl) => (decl.kind === "Scope" && symbols.scopes.get(decl.name.text)?.decl === decl ? [decl.name.text] : [])),
      );
      reportScopeCycles(scopeRoots, symbols, state.reporter);
    },
  },
  {
    // Needs scope cycles reported (a cycle is not also reported as too deep) and the references.
    name: "reference-depth",
    run(state) {
      reportDeepReferences(state.symbols, state.reporter);
    },
  },
  {
    // Needs the checked promotions and the references, with cycles known: the cost expands named scopes.
    name: "cost",
    run(state) {
      reportCostOverBudget(state.project.promotions, state.symbols, state.options.costBudget ?? DEFAULT_COST_BUDGET, state.reporter);
    },
  },
  {
    // Needs the checked promotions (their codes).
    name: "duplicate-codes",
    run(state) {
      reportDuplicateCodes(state.project.promotions, state.reporter);
    },
  },
  {
    // Needs the checked promotions (their priorities).
    name: "priority-ties",
    run(state) {
      reportPriorityTies(state.project.promotions, state.reporter);
    },
  },
  {
    // Needs the checked promotions and the stacking rules.
    name: "coupon-stacking",
    run(state) {
      reportCouponsMayStack(state.project, state.reporter);
    },
  },
  {
    // Needs the collected examples.
    name: "example-names",
    run(state) {
      reportExampleNames(state.project.examples, state.reporter);
    },
  },
  {
    // Needs every reference recorded: by declarations (scopes, windows, groups in promotions) and examples.
    name: "unused",
    run(state) {
      reportUnused(state.project.files, state.symbols, state.reporter);
    },
  },
  {
    // Needs the checked promotions' resolved windows; runs only with `--at`.
    name: "passed-windows",
    run(state) {
      if (state.options.at !== undefined) reportPassedWindows(state.project.promotions, state.options.at, state.reporter);
    },
  },
];

/**
 * Type-checks a project (a root file and its imports). Never throws on user input; problems are diagnostics.
 * With a `memo` (kept by an editor from one check to the next), declarations that an edit did not touch and
 * whose names still resolve as before are replayed rather than checked again (checker/declaration-memo.ts).
 */
export function check(files: ParseResult[], options: CheckOptions = {}, memo?: DeclarationMemo): CheckedProject {
  return runStages(CHECK_STAGES, files, options, memo);
}

/** Runs the given stages in order (all of CHECK_STAGES, or a prefix of them in a stage's tests), timing each. */
export function runStages(stages: readonly CheckStage[], files: ParseResult[], options: CheckOptions = {}, memo?: DeclarationMemo): CheckedProject {
  const reporter = new Reporter();
  const tables: WritableTables = newTables(memo?.watch);
  const symbols = new SymbolTable(reporter, memo?.watch);
  const literals = new Literals(reporter, tables);
  const expressions = new ExpressionChecker(reporter, tables, literals, symbols);
  const promotions = new PromotionChecker(reporter, tables, literals, symbols, expressions);
  const examples = new ExampleChecker(reporter, tables, literals, symbols);
  const project: CheckedProject = {
    files: [],
    diagnostics: reporter.diagnostics,
    tables,
    symbols,
    promotions: [],
    stacking: [],
    selection: "best-for-buyer",
    earn: [],
    examples: [],
    campaigns: [],
    timings: [],
  };
  const state: CheckState = {
    files,
    options,
    reporter,
    tables,
    symbols,
    literals,
    expressions,
    promotions,
    examples,
    project,
    contexts: new Map(),
    selections: [],
    memo,
  };
  memo?.begin(options, watchedMaps(symbols, tables));
  try {
    for (const stage of stages) {
      const start = performance.now();
      stage.run(state);
      project.timings.push({ stage: stage.name, ms: performance.now() - start });
    }
  } finally {
    memo?.end();
  }
  if (memo) project.incremental = memo.lastRun;
  capBrokenFiles(files, reporter.diagnostics);
  return project;
}

/** The maps an incremental check records reads and writes of. */
function watchedMaps(symbols: SymbolTable, tables: WritableTables): WatchedMap<unknown, unknown>[] {
  const maps: Map<unknown, unknown>[] = [symbols.scopes, symbols.windows, symbols.groups, symbols.promotions, symbols.attributes, ...Object.values(tables)];
  return maps.filter((m): m is WatchedMap<unknown, unknown> => m instanceof WatchedMap);
}

/** The kinds the `declarations` stage types (the others are handled by their own stages, or need nothing). */
const TYPED_DECLARATIONS: ReadonlySet<A.Declaration["kind"]> = new Set(["Scope", "Group", "Promotion", "Stacking", "Earn", "Example", "Campaign"]);

function declaration(state: CheckState, decl: A.Declaration, file: CheckedFile, ctx: FileContext): void {
  const { project, reporter, tables, literals, promotions } = state;
  switch (decl.kind) {
    case "Scope":
      state.expressions.condition(decl.predicate, { file: ctx, mode: "line", couponAvailable: false }, "a scope");
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
      promotions.stacking(decl, ctx, state.selections);
      for (const rule of decl.rules) if (rule.kind === "AtMost") project.stacking.push({ rule, file });
      break;
    case "Earn":
      project.earn.push({ decl, file });
      literals.count(ctx, decl.coins, "the coins earned", 1);
      if (decl.per) literals.money(ctx, decl.per, "the amount that earns them", { allowZero: false });
      else if (decl.unit && decl.unit.text !== "purchase")
        reporter.report(Diagnostics.unknownUnit(reporter.at(file.parsed.source, decl.unit.span), decl.unit.text, ["purchase"], ["purchase"]));
      if (decl.scope) state.expressions.scopeRef(decl.scope, ctx);
      for (const limit of decl.limits) promotions.limit(limit, ctx, "earn");
      break;
    case "Example":
      project.examples.push({ decl, file });
      break;
    case "Campaign":
      project.campaigns.push({ decl, file, data: new CampaignChecker(reporter, literals, promotions).campaign(decl, ctx, file.parsed.diagnostics) });
      break;
    default:
      break;
  }
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
    reporter.report(
      Diagnostics.priorityTie(reporter.at(p.file, clause.value.span), String(p.priority), first.id, reporter.at(first.file, firstClause.value.span), free),
    );
  }
}

function reportExampleNames(examples: CheckedProject["examples"], reporter: Reporter): void {
  const seen = new Map<string, { decl: A.ExampleDecl; file: CheckedFile }>();
  for (const example of examples) {
    const name = example.decl.name.text;
    const first = seen.get(name);
    if (first) {
      reporter.report(
        Diagnostics.duplicateId(
          reporter.at(example.file.parsed.source, example.decl.name.span),
          "example",
          name,
          reporter.at(first.file.parsed.source, first.decl.name.span),
        ),
      );
    } else seen.set(name, example);
  }
}

/** Unused scopes, windows and groups, in files that declare promotions (a file without any is a library). */
function reportUnused(files: CheckedFile[], symbols: SymbolTable, reporter: Reporter): void {
  for (const file of files) {
    if (!file.parsed.ast.declarations.some((d) => d.kind === "Promotion")) continue;
    for (const decl of file.parsed.ast.declarations) {
      const symbol =
        decl.kind === "Scope"
          ? symbols.scopes.get(decl.name.text)
          : decl.kind === "Window"
            ? symbols.windows.get(decl.name.text)
            : decl.kind === "Group"
              ? symbols.groups.get(decl.name.text)
              : undefined;
      if (!symbol || symbol.decl !== decl || symbols.isUsed(symbol)) continue;
      reporter.report(Diagnostics.unusedDeclaration(reporter.at(file.parsed.source, decl.name.span), decl.kind.toLowerCase(), decl.name.text));
    }
  }
}

function reportPassedWindows(promotions: CheckedPromotion[], at: number, reporter: Reporter): void {
  for (const p of promotions) {
    if (!p.valid || p.valid.endMs >= at) continue;
    const clause = p.decl.clauses.find((c) => c.kind === "Valid")!;
    reporter.report(
      Diagnostics.windowPassed(reporter.at(p.file, clause.span), new Date(p.valid.endMs - 999).toISOString().replace(".000Z", "Z"), new Date(at).toISOString()),
    );
  }
}
