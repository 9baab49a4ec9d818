import { replaceFix, type Diagnostic, type DiagnosticSpan, type Fix, type RelatedInformation, type Severity } from "./diagnostic.js";
import { excerpt } from "@promo/runtime";

/**
 * Every diagnostic code, with one constructor each. Codes are stable: tools and tests match on them, and
 * docs/diagnostics.md documents each one (a test keeps the two in step).
 */
export const CODES = {
  // reading and syntax
  "invalid-utf8": "error",
  "file-too-large": "error",
  "path-outside-project": "error",
  "time-in-dst-gap": "warning",
  "time-in-dst-overlap": "warning",
  "unexpected-character": "error",
  "unterminated-string": "error",
  "syntax-error": "error",
  "nesting-too-deep": "error",
  "too-many-errors": "warning",
  "operator-symbol": "error",
  "nth-unit-benefit": "error",
  // names
  "duplicate-id": "error",
  "unknown-name": "error",
  "unknown-field": "error",
  "field-not-available": "error",
  "unknown-kind": "error",
  "reserved-name": "error",
  "scope-cycle": "error",
  "reference-too-deep": "error",
  "import-not-found": "error",
  // types and values
  "type-mismatch": "error",
  "money-vs-percent": "error",
  "currency-mismatch": "error",
  "unknown-currency": "error",
  "missing-currency": "error",
  "file-currency-missing": "error",
  "too-many-decimals": "error",
  "percent-over-100": "error",
  "negative-amount": "error",
  "invalid-number": "error",
  "unknown-unit": "error",
  "unknown-time-zone": "error",
  "invalid-date-time": "error",
  "window-end-before-start": "error",
  "unknown-region": "error",
  // promotions and stacking
  "missing-clause": "error",
  "duplicate-clause": "error",
  "clause-not-allowed": "error",
  "duplicate-code": "error",
  "priority-tie": "error",
  "conflicting-selection": "error",
  "invalid-example": "error",
  "invalid-limit": "error",
  "cost-over-budget": "error",
  // platform campaigns (checker/campaign.ts)
  "campaign-date-missing": "error",
  "registration-closes-before-opens": "error",
  "sale-before-registration-closes": "error",
  "review-after-sale": "error",
  "warm-up-not-before-sale": "error",
  "campaign-ends-before-sale": "error",
  "invalid-requirement": "error",
  "edit-not-allowed": "error",
  // funding and commission (checker/settlement.ts)
  "unknown-funder": "error",
  "funding-duplicate-party": "error",
  "funding-split-sum": "error",
  "duplicate-commission": "error",
  "duplicate-commission-category": "error",
  "invalid-commission-rate": "error",
  "commission-default-missing": "error",
  // warnings
  "never-true": "warning",
  "window-passed": "warning",
  "unused-declaration": "warning",
  "cancel-without-limit": "warning",
  "coupons-may-stack": "warning",
  "funding-implicit": "warning",
  // affiliate attribution and programs (checker/attribution.ts)
  "affiliate-unknown-word": "error",
  "affiliate-invalid-priority": "error",
  "affiliate-missing-clause": "error",
  "affiliate-declared-twice": "error",
  "affiliate-rate-below-minimum": "error",
  "affiliate-rate-not-higher": "warning",
} as const satisfies Record<string, Severity>;

export type DiagnosticCode = keyof typeof CODES;

/**
 * A name or text from the rule file as a message quotes it: in single quotes, cut to its first 40 characters plus
 * "…" and its length when longer, so that a 5 MB identifier never becomes a 5 MB message.
 */
function quoted(text: string): string {
  return `'${excerpt(text)}'`;
}

function make(code: DiagnosticCode, span: DiagnosticSpan, message: string, extra: { related?: RelatedInformation[]; fixes?: Fix[] } = {}): Diagnostic {
  return { code, severity: CODES[code], message, span, related: extra.related ?? [], fixes: extra.fixes ?? [] };
}

function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return "";
  if (suggestions.length === 1) return `; did you mean ${quoted(suggestions[0]!)}?`;
  return `; did you mean ${suggestions.map((s) => `${quoted(s)}`).join(", ")}?`;
}

function suggestionFixes(span: DiagnosticSpan, suggestions: readonly string[]): Fix[] {
  return suggestions.map((s) => replaceFix(`Change to ${quoted(s)}`, span, s));
}

export const Diagnostics = {
  invalidUtf8: (span: DiagnosticSpan, byteOffset: number) =>
    make("invalid-utf8", span, `the file is not valid UTF-8 (first invalid byte at byte offset ${byteOffset}); rule files must be UTF-8 text`),
  fileTooLarge: (span: DiagnosticSpan, bytes: number, limit: number) =>
    make("file-too-large", span, `the file has ${bytes} bytes; the limit is ${limit} bytes`),
  unexpectedCharacter: (span: DiagnosticSpan, text: string) =>
    make(
      "unexpected-character",
      span,
      `unexpected character${text.length > 1 ? "s" : ""} ${JSON.stringify(text.length > 20 ? text.slice(0, 20) + "…" : text)}`,
    ),
  unterminatedString: (span: DiagnosticSpan) =>
    make("unterminated-string", span, "unterminated string: add the closing '\"' on the same line", {
      fixes: [replaceFix("Close the string", { ...span, start: span.end, startLine: span.endLine, startColumn: span.endColumn }, '"')],
    }),
  syntaxError: (span: DiagnosticSpan, message: string) => make("syntax-error", span, message),
  nestingTooDeep: (span: DiagnosticSpan, limit: number) =>
    make("nesting-too-deep", span, `nesting is deeper than ${limit} levels; the rest of the file was not parsed`),
  operatorSymbol: (span: DiagnosticSpan, symbol: string, word: string) =>
    make("operator-symbol", span, `comparisons are written in words: '${symbol}' is '${word}' (see Operators in docs/language.md)`, {
      fixes: [replaceFix(`Change to '${word}'`, span, word)],
    }),
  nthUnitBenefit: (span: DiagnosticSpan, written: string, replacement: string | undefined) =>
    make(
      "nth-unit-benefit",
      span,
      `'${written}' is not a benefit of the language: a free Nth unit is 'cheapest 1 free for every N of S', a percentage off every unit of a scope is 'P% off S', a set price for a set of SKUs is 'pack [...] for AMOUNT'`,
      { fixes: replacement ? [replaceFix(`Change to '${replacement}'`, span, replacement)] : [] },
    ),
  tooManyErrors: (span: DiagnosticSpan, shown: number, total: number, where: "file" | "declaration" = "file") =>
    make("too-many-errors", span, `${total - shown} more diagnostics in this ${where} were not shown (limit ${shown})`),

  duplicateId: (span: DiagnosticSpan, what: string, name: string, first: DiagnosticSpan) =>
    make("duplicate-id", span, `duplicate ${what} ${quoted(name)}`, { related: [{ message: `${quoted(name)} is first declared here`, span: first }] }),
  unknownName: (span: DiagnosticSpan, what: string, name: string, suggestions: readonly string[]) =>
    make("unknown-name", span, `unknown ${what} ${quoted(name)}${didYouMean(suggestions)}`, { fixes: suggestionFixes(span, suggestions) }),
  unknownField: (span: DiagnosticSpan, owner: string, name: string, suggestions: readonly string[]) =>
    make("unknown-field", span, `${quoted(owner)} has no field ${quoted(name)}${didYouMean(suggestions)}`, { fixes: suggestionFixes(span, suggestions) }),
  fieldNotAvailable: (span: DiagnosticSpan, message: string) => make("field-not-available", span, message),
  unknownKind: (span: DiagnosticSpan, name: string, suggestions: readonly string[], known: readonly string[]) =>
    make("unknown-kind", span, `unknown kind ${quoted(name)}${didYouMean(suggestions)} (kinds: ${known.join(", ")})`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  reservedName: (span: DiagnosticSpan, name: string) =>
    make("reserved-name", span, `${quoted(name)} is reserved by the language and cannot name a declaration`),
  scopeCycle: (span: DiagnosticSpan, cycle: readonly string[]) =>
    make("scope-cycle", span, `scope ${quoted(cycle[0] ?? "")} refers to itself: ${cycle.map((name) => excerpt(name)).join(" → ")}`),
  referenceTooDeep: (span: DiagnosticSpan, what: "scope" | "group", name: string, limit: number) =>
    make("reference-too-deep", span, `${what} ${quoted(name)} is built from ${what}s more than ${limit} levels deep; the limit is ${limit}`),
  timeInDstGap: (span: DiagnosticSpan, text: string, zone: string, resolved: string) =>
    make("time-in-dst-gap", span, `${excerpt(text)} does not exist in ${zone} (the clocks skip it); it is read as ${resolved}`),
  timeInDstOverlap: (span: DiagnosticSpan, text: string, zone: string, first: string, second: string) =>
    make("time-in-dst-overlap", span, `${excerpt(text)} happens twice in ${zone} (the clocks go back); it is read as the first, ${first}, not ${second}`),
  pathOutsideProject: (span: DiagnosticSpan, path: string, what: "import" | "cart from") =>
    make("path-outside-project", span, `cannot read ${quoted(path)} (${what}): it is outside the project root; give the root with --root to widen it`),
  importNotFound: (span: DiagnosticSpan, path: string, reason: string) => make("import-not-found", span, `cannot import ${quoted(path)}: ${reason}`),

  typeMismatch: (span: DiagnosticSpan, message: string) => make("type-mismatch", span, message),
  moneyVsPercent: (span: DiagnosticSpan, context: string) =>
    make(
      "money-vs-percent",
      span,
      `money is compared with a percentage in ${context}; compare money with money (e.g. 25.00 USD) or a percentage with a percentage`,
    ),
  /** `replacement`: the literal rewritten in the expected currency, offered as the fix (a literal only). */
  currencyMismatch: (span: DiagnosticSpan, expected: string, actual: string, context: string, replacement?: string) =>
    make("currency-mismatch", span, `${context} is in ${actual} but ${expected} is expected`, {
      fixes: replacement === undefined ? [] : [replaceFix(`Use ${expected}, the file's currency`, span, replacement)],
    }),
  unknownCurrency: (span: DiagnosticSpan, code: string, suggestions: readonly string[]) =>
    make("unknown-currency", span, `unknown currency ${quoted(code)} (not an ISO 4217 code)${didYouMean(suggestions)}`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  missingCurrency: (span: DiagnosticSpan, text: string, currency: string | undefined) =>
    make("missing-currency", span, `${excerpt(text)} is money and needs a currency${currency ? ` (this file is in ${currency})` : ""}`, {
      fixes: currency ? [replaceFix(`Add ${currency}`, span, `${text} ${currency}`)] : [],
    }),
  fileCurrencyMissing: (span: DiagnosticSpan, suggested: string | undefined) =>
    make("file-currency-missing", span, "a file with promotions must declare its currency, e.g. 'currency USD'", {
      fixes: suggested
        ? [
            {
              title: `Declare currency ${suggested}`,
              edits: [{ span: { ...span, end: span.start, endLine: span.startLine, endColumn: span.startColumn }, newText: `currency ${suggested}\n\n` }],
            },
          ]
        : [],
    }),
  tooManyDecimals: (span: DiagnosticSpan, text: string, currency: string, allowed: number, given: number) =>
    make("too-many-decimals", span, `${excerpt(text)} ${currency} has ${given} decimal${given === 1 ? "" : "s"} but ${currency} has ${allowed}`),
  percentOver100: (span: DiagnosticSpan, text: string) => make("percent-over-100", span, `${excerpt(text)} is over 100%`),
  negativeAmount: (span: DiagnosticSpan, text: string, what: string) => make("negative-amount", span, `${what} cannot be negative (${excerpt(text)})`),
  invalidNumber: (span: DiagnosticSpan, message: string) => make("invalid-number", span, message),
  unknownUnit: (span: DiagnosticSpan, unit: string, allowed: readonly string[], suggestions: readonly string[]) =>
    make("unknown-unit", span, `unknown unit ${quoted(unit)}${didYouMean(suggestions)} (expected ${allowed.join(", ")})`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  unknownTimeZone: (span: DiagnosticSpan, zone: string, suggestions: readonly string[]) =>
    make("unknown-time-zone", span, `unknown time zone ${quoted(zone)} (expected an IANA name such as America/Los_Angeles)${didYouMean(suggestions)}`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  invalidDateTime: (span: DiagnosticSpan, text: string, reason: string) => make("invalid-date-time", span, `invalid date-time ${excerpt(text)}: ${reason}`),
  windowEndBeforeStart: (span: DiagnosticSpan, start: string, end: string) =>
    make("window-end-before-start", span, `the window ends (${end}) before it starts (${start})`),
  unknownRegion: (span: DiagnosticSpan, code: string, suggestions: readonly string[]) =>
    make("unknown-region", span, `unknown region ${quoted(code)} (not an ISO 3166-1 alpha-2 code)${didYouMean(suggestions)}`, {
      fixes: suggestionFixes(span, suggestions),
    }),

  missingClause: (span: DiagnosticSpan, promotion: string, clause: string, example: string) =>
    make("missing-clause", span, `promotion ${quoted(promotion)} has no ${quoted(clause)} clause (e.g. ${example})`),
  duplicateClause: (span: DiagnosticSpan, clause: string, first: DiagnosticSpan) =>
    make("duplicate-clause", span, `${quoted(clause)} is given twice`, { related: [{ message: "first given here", span: first }] }),
  clauseNotAllowed: (span: DiagnosticSpan, message: string) => make("clause-not-allowed", span, message),
  duplicateCode: (span: DiagnosticSpan, code: string, other: string, first: DiagnosticSpan) =>
    make("duplicate-code", span, `code ${quoted(code)} is already used by promotion ${quoted(other)} (codes compare case-insensitively)`, {
      related: [{ message: `${quoted(other)} uses it here`, span: first }],
    }),
  priorityTie: (span: DiagnosticSpan, priority: string, other: string, first: DiagnosticSpan, free: number) =>
    make("priority-tie", span, `priority ${priority} is also the priority of ${quoted(other)}; priorities must differ so the order is explicit`, {
      related: [{ message: `${quoted(other)} has priority ${priority}`, span: first }],
      fixes: [replaceFix(`Change to priority ${free}`, span, String(free))],
    }),
  conflictingSelection: (span: DiagnosticSpan, mode: string, other: string, first: DiagnosticSpan) =>
    make("conflicting-selection", span, `selection ${quoted(mode)} conflicts with ${quoted(other)}`, { related: [{ message: "declared here", span: first }] }),
  costOverBudget: (span: DiagnosticSpan, promotion: string, cost: string, budget: number) =>
    make(
      "cost-over-budget",
      span,
      `promotion ${quoted(promotion)} costs ${cost} operations per cart line (its condition and benefit, named scopes expanded); the budget is ${budget}`,
    ),
  invalidExample: (span: DiagnosticSpan, message: string) => make("invalid-example", span, message),
  invalidLimit: (span: DiagnosticSpan, message: string, replacement?: string) =>
    make("invalid-limit", span, message, { fixes: replacement ? [replaceFix(`Change to '${replacement}'`, span, replacement)] : [] }),

  campaignDateMissing: (span: DiagnosticSpan, campaign: string, date: string, example: string) =>
    make("campaign-date-missing", span, `campaign ${quoted(campaign)} has no ${quoted(date)} (e.g. ${example})`),
  registrationClosesBeforeOpens: (span: DiagnosticSpan, closes: string, opens: string) =>
    make("registration-closes-before-opens", span, `registration closes (${excerpt(closes)}) before it opens (${excerpt(opens)})`),
  saleBeforeRegistrationCloses: (span: DiagnosticSpan, sale: string, closes: string) =>
    make(
      "sale-before-registration-closes",
      span,
      `the sale starts (${excerpt(sale)}) before registration closes (${excerpt(closes)}); registered products are reviewed before the sale`,
    ),
  reviewAfterSale: (span: DiagnosticSpan, reviewEnd: string, sale: string) =>
    make("review-after-sale", span, `the review ends (${excerpt(reviewEnd)}) after the sale starts (${excerpt(sale)}); the review must end before the sale`),
  warmUpNotBeforeSale: (span: DiagnosticSpan, warmUpEnd: string, sale: string) =>
    make(
      "warm-up-not-before-sale",
      span,
      `the warm-up ends (${excerpt(warmUpEnd)}) when or after the sale starts (${excerpt(sale)}); the warm-up shows the sale price before the sale`,
    ),
  campaignEndsBeforeSale: (span: DiagnosticSpan, end: string, saleEnd: string) =>
    make("campaign-ends-before-sale", span, `the campaign ends (${excerpt(end)}) before its sale is over (${excerpt(saleEnd)})`),
  invalidRequirement: (span: DiagnosticSpan, message: string) => make("invalid-requirement", span, message),
  editNotAllowed: (span: DiagnosticSpan, message: string) => make("edit-not-allowed", span, message),

  neverTrue: (span: DiagnosticSpan, message: string, related: RelatedInformation[] = []) => make("never-true", span, message, { related }),
  windowPassed: (span: DiagnosticSpan, end: string, at: string) =>
    make("window-passed", span, `the window ended at ${end}, before ${at}: this promotion can no longer apply`),
  unusedDeclaration: (span: DiagnosticSpan, what: string, name: string) => make("unused-declaration", span, `${what} ${quoted(name)} is never used`),
  cancelWithoutLimit: (span: DiagnosticSpan, promotion: string) =>
    make("cancel-without-limit", span, `promotion ${quoted(promotion)} has no usage limit kept across orders, so 'on cancel' has nothing to give back or keep`),
  couponsMayStack: (span: DiagnosticSpan, promotion: string, other: string) =>
    make(
      "coupons-may-stack",
      span,
      `coupon ${quoted(promotion)} can apply together with ${quoted(other)} in one order: no stacking rule, 'exclusive' or 'combines with' says how it combines with other coupons (the usual rule is one coupon per order: 'at most 1 of coupons per order')`,
    ),

  unknownFunder: (span: DiagnosticSpan, name: string, suggestions: readonly string[]) =>
    make("unknown-funder", span, `unknown funder ${quoted(name)}${didYouMean(suggestions)} (funders: platform, seller)`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  fundingDuplicateParty: (span: DiagnosticSpan, party: string, first: DiagnosticSpan) =>
    make("funding-duplicate-party", span, `${quoted(party)} is named twice in 'funded by'; name each party once`, {
      related: [{ message: "first named here", span: first }],
    }),
  fundingSplitSum: (span: DiagnosticSpan, message: string) => make("funding-split-sum", span, message),
  duplicateCommission: (span: DiagnosticSpan, first: DiagnosticSpan) =>
    make("duplicate-commission", span, "a project has at most one 'commission' declaration; merge the two tables", {
      related: [{ message: "first declared here", span: first }],
    }),
  duplicateCommissionCategory: (span: DiagnosticSpan, category: string, first: DiagnosticSpan) =>
    make("duplicate-commission-category", span, `category ${quoted(category)} has two commission rates`, {
      related: [{ message: "first rate given here", span: first }],
    }),
  invalidCommissionRate: (span: DiagnosticSpan, message: string) => make("invalid-commission-rate", span, message),
  commissionDefaultMissing: (span: DiagnosticSpan) =>
    make("commission-default-missing", span, "a commission table needs a 'default P%' row for the categories it does not list (e.g. default 8%)"),
  fundingImplicit: (span: DiagnosticSpan, promotion: string) =>
    make(
      "funding-implicit",
      span,
      `promo code ${quoted(promotion)} has no 'funded by' clause, so the platform funds it; a promo code may be the platform's or a seller's: say which ('funded by platform' or 'funded by seller')`,
    ),
  affiliateUnknownWord: (span: DiagnosticSpan, what: string, word: string, known: readonly string[], suggestions: readonly string[]) =>
    make("affiliate-unknown-word", span, `unknown ${what} ${quoted(word)}${didYouMean(suggestions)} (${what}s: ${known.join(", ")})`, {
      fixes: suggestionFixes(span, suggestions),
    }),
  affiliateInvalidPriority: (span: DiagnosticSpan, written: string) =>
    make(
      "affiliate-invalid-priority",
      span,
      `the action priority must name coupon, cart and click once each, highest first (the 11.11 rule is 'priority coupon > cart > click'), not ${quoted(written)}`,
    ),
  affiliateMissingClause: (span: DiagnosticSpan, owner: string, missing: string, example: string) =>
    make("affiliate-missing-clause", span, `${owner} has no ${missing} (e.g. ${example})`),
  affiliateDeclaredTwice: (span: DiagnosticSpan, what: string, first: DiagnosticSpan) =>
    make("affiliate-declared-twice", span, `a project has at most one ${what}`, { related: [{ message: "first declared here", span: first }] }),
  affiliateRateBelowMinimum: (span: DiagnosticSpan, rate: string) =>
    make("affiliate-rate-below-minimum", span, `an affiliate commission of ${rate} is below the 3% minimum for each sale`, {
      fixes: [replaceFix("Change to 3%", span, "3%")],
    }),
  affiliateRateNotHigher: (span: DiagnosticSpan, what: string, rate: string, minimum: string) =>
    make("affiliate-rate-not-higher", span, `the ${what} rate ${rate} is not above the store-wide minimum ${minimum}, so it never changes a commission`),
};
