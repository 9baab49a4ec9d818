import type * as A from "../ast/nodes.js";

/** What the campaign printer borrows from the file printer (formatter/printer.ts). */
export interface PrintKit {
  /** The source text (the campaign's name is printed as written: a string keeps its quotes and escapes). */
  text: string;
  expr(e: A.Expr): string;
  dateTime(d: A.DateTimeLit): string;
  windowSpec(w: A.WindowSpec): string;
  duration(d: A.Duration): string;
}

/** The header of a campaign declaration: `campaign NAME`. */
export function campaignHeader(d: A.CampaignDecl, kit: PrintKit): string {
  return `campaign ${kit.text.slice(d.name.span.start, d.name.span.end)}`;
}

/** One clause of a campaign, on one line. */
export function campaignClauseText(c: A.CampaignClause, kit: PrintKit): string {
  switch (c.kind) {
    case "CampaignTitle":
      return `title ${c.text.raw}`;
    case "CampaignDate": {
      const when = c.window ? kit.windowSpec(c.window) : c.at ? kit.dateTime(c.at) : "";
      return `${c.words.map((w) => w.text).join(" ")} ${when}`;
    }
    case "CampaignRequire":
      return `require ${c.reason.text}: ${kit.expr(c.test)}${c.gate ? ` and ${kit.expr(c.gate)}` : ""}`;
    case "CampaignAllow": {
      const until = c.until ? ` until ${kit.duration(c.until.duration)} before ${c.until.event.map((w) => w.text).join(" ")}` : "";
      return `allow ${c.field.text} ${c.change.text}${until}`;
    }
  }
}
