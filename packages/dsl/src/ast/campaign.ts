import type { CompareExpr, DateTimeLit, Duration, Expr, Name, Span, StringLit, WindowSpec } from "./nodes.js";

/**
 * A platform campaign (docs/language.md, Platform campaigns): its calendar, the requirements a product and its
 * store must meet to be registered, and the edits a seller may make to a registration.
 */
export interface CampaignDecl {
  kind: "Campaign";
  id: number;
  span: Span;
  /** The campaign's name: an identifier, or the text of a string (`campaign "11.11"`). */
  name: Name;
  clauses: CampaignClause[];
}

export type CampaignClause = CampaignTitle | CampaignDate | CampaignRequire | CampaignAllow;

export interface CampaignTitle {
  kind: "CampaignTitle";
  id: number;
  span: Span;
  text: StringLit;
}

/** `registration opens 2026-10-01 00:00 in Asia/Shanghai`, `sale from … to … in …`: one or two words and a time. */
export interface CampaignDate {
  kind: "CampaignDate";
  id: number;
  span: Span;
  words: Name[];
  at: DateTimeLit | undefined;
  window: WindowSpec | undefined;
}

/** `require REASON: FACT COMPARATOR VALUE [and FACT exceeds 0]`. */
export interface CampaignRequire {
  kind: "CampaignRequire";
  id: number;
  span: Span;
  reason: Name;
  /** A comparison of a fact path with a value (anything else is a parse recovery: an `Error` expression). */
  test: CompareExpr | Expr;
  /** `and product.sales30d exceeds 0`: the requirement holds only with a positive gate fact. */
  gate: CompareExpr | Expr | undefined;
}

/** `allow discount increase until 1 day before registration closes`. */
export interface CampaignAllow {
  kind: "CampaignAllow";
  id: number;
  span: Span;
  field: Name;
  change: Name;
  until: { duration: Duration; event: Name[] } | undefined;
}
