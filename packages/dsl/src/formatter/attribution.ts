import type { AttributionClause, ProgramClause } from "../ast/nodes.js";
import type * as A from "../ast/nodes.js";
import { KEYWORD_TEXTS } from "../lexer/tokens.js";

/** What the printer lends (formatter/printer.ts): how it writes windows and durations everywhere else. */
export interface AffiliateTextHelpers {
  windowRef(w: A.WindowRef): string;
  duration(d: A.Duration): string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;
const KEYWORDS = new Set(KEYWORD_TEXTS);
/** Goods and webmaster ids: as identifiers when they read as one (and are not keywords), else as JSON strings. */
function list(names: readonly A.Name[]): string {
  return `[${names.map((n) => (IDENTIFIER.test(n.text) && !KEYWORDS.has(n.text) ? n.text : JSON.stringify(n.text))).join(", ")}]`;
}

export function attributionClauseText(c: AttributionClause, h: AffiliateTextHelpers): string {
  switch (c.kind) {
    case "AttributionPriority":
      return `priority ${c.actions.map((a) => a.text).join(" > ")}`;
    case "AttributionModel":
      return c.window === undefined ? `${c.model.text} otherwise` : `${c.model.text} during ${h.windowRef(c.window)}`;
    case "AttributionLookback":
      return `${c.head.text} ${h.duration(c.duration)}`;
    case "AttributionPer":
      return `per ${c.granularity.text}`;
    case "AttributionPayment":
      return `payment during ${h.windowRef(c.window)}`;
    case "AttributionExclude":
      return `${c.head.text} ${c.exclusion.text}`;
  }
}

export function programClauseText(c: ProgramClause, h: AffiliateTextHelpers): string {
  const listed = c.list === undefined ? "" : ` ${list(c.list)}`;
  const during = c.window === undefined ? "" : ` during ${h.windowRef(c.window)}`;
  return `${c.head.text}${listed} ${c.rate.text}%${during}`;
}
