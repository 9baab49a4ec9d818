/**
 * @promo/dsl: the front end of the .promo language (lex, parse, check, lower, interpret, format), shared by the CLI
 * and the language server. The code generator and bundler live behind `@promo/dsl/compiler`, the only entry that
 * loads esbuild.
 */
export * as ast from "./ast/nodes.js";
export type { Span, PromoFile, Declaration, PromotionDecl, Expr, Benefit } from "./ast/nodes.js";
export { lex } from "./lexer/lexer.js";
export { KEYWORD_TEXTS } from "./lexer/tokens.js";
export { parseSource, decodeSource, MAX_NESTING, MAX_FILE_BYTES, type ParseResult, type Comment } from "./parser/parse.js";
export { getParser } from "./parser/parser.js";
export { reparse } from "./parser/incremental.js";
export { check, type CheckedProject, type CheckedFile, type CheckOptions } from "./checker/checker.js";
export { DeclarationMemo, type IncrementalStats } from "./checker/declaration-memo.js";
export { CLAUSE_WORDS, type CheckedPromotion } from "./checker/promotions.js";
export type { Tables, Symbol as ResolvedSymbol, ResolvedWindow } from "./checker/context.js";
export { KINDS, BUILTIN_GROUPS, type PromotionKind } from "./checker/symbols.js";
export { BUILTIN_FIELDS, FIELD_DOCS, typeName, type Type } from "./checker/types.js";
export { CART_SHAPE, EXPECT_SHAPE, REJECTION_REASONS, type Shape } from "./checker/examples.js";
export { CODES, Diagnostics, type DiagnosticCode } from "./diagnostics/catalogue.js";
export { sortDiagnostics, hasErrors, type Diagnostic, type DiagnosticSpan, type Fix, type TextEdit, type Severity } from "./diagnostics/diagnostic.js";
export { checkFiles, checkProject, checkSource, loadProject, readAndParse, type FrontEndResult, type Project, type StageTiming } from "./pipeline/frontend.js";
export { lowerCampaigns } from "./lower/campaign.js";
export {
  CAMPAIGN_FACTS,
  CAMPAIGN_DATES,
  CAMPAIGN_EDIT_FIELDS,
  type CampaignData,
  type CampaignCalendarData,
  type CampaignEditData,
  type CampaignRequirementData,
} from "./checker/campaign.js";
export { lower, type LoweredProgram, type LoweredPromotion, type LoweredBenefit } from "./lower/lower.js";
export { lowerAttribution } from "./lower/attribution.js";
export { affiliateOf, type CheckedAffiliate } from "./checker/attribution.js";
export { interpret } from "./interpreter/interpret.js";
export { interpreterEvaluator } from "./interpreter/evaluator.js";
export { runExamples, recordToJson, type ExampleOutcome, type CartEvaluator } from "./testing/examples.js";
export { diskHost, memoryHost, normalize, type SourceHost } from "./project/host.js";
export { confinedHost, ProjectRoot } from "./project/root.js";
export { SourceFile } from "./util/source.js";
export { formatSource, formatParsed, formatRange, type FormatResult, type FormatEdit, type RangeFormatResult } from "./formatter/format.js";
export { renderDiagnostic, renderSummary } from "./diagnostics/render.js";
