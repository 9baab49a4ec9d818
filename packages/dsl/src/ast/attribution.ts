import type { Duration, Name, PercentLit, Span, StringLit, WindowRef } from "./nodes.js";

/** `attribution NAME { … }`: how a line's affiliate touchpoints are weighed (docs/language.md, Affiliate attribution). */
export interface AttributionDecl {
  kind: "Attribution";
  id: number;
  span: Span;
  name: Name;
  clauses: AttributionClause[];
}

export type AttributionClause =
  | { kind: "AttributionPriority"; id: number; span: Span; actions: Name[] }
  /** `first-cookie during WINDOW`, or `last-cookie otherwise` (window undefined). */
  | { kind: "AttributionModel"; id: number; span: Span; model: Name; window: WindowRef | undefined }
  /** `lookback 30 days` (head: the word `lookback`). */
  | { kind: "AttributionLookback"; id: number; span: Span; head: Name; duration: Duration }
  | { kind: "AttributionPer"; id: number; span: Span; granularity: Name }
  | { kind: "AttributionPayment"; id: number; span: Span; window: WindowRef }
  /** `exclude coupon-via-another-webmaster` (head: the word `exclude`). */
  | { kind: "AttributionExclude"; id: number; span: Span; head: Name; exclusion: Name };

/** `affiliate program NAME { … }`: the store's commission rates. */
export interface AffiliateProgramDecl {
  kind: "AffiliateProgram";
  id: number;
  span: Span;
  /** The word after `affiliate` (must be `program`). */
  keyword: Name;
  name: Name;
  clauses: ProgramClause[];
}

/**
 * `minimum 3%`, `featured [FEAT, "lamp-01"] 8%`, `premium [U1] 10% during WINDOW`: one shape, read by its head word
 * (the checker says which parts each head needs). Listed ids are identifiers or strings (a string's text is its value).
 */
export interface ProgramClause {
  kind: "ProgramRate";
  id: number;
  span: Span;
  head: Name;
  list: Name[] | undefined;
  rate: PercentLit;
  window: WindowRef | undefined;
}

/** `attribution example "NAME" from "case.json"`: the case file holds `order`, `journey` and the expected `lines`. */
export interface AttributionExampleDecl {
  kind: "AttributionExample";
  id: number;
  span: Span;
  name: StringLit;
  file: StringLit;
}

export type AffiliateDeclaration = AttributionDecl | AffiliateProgramDecl | AttributionExampleDecl;
