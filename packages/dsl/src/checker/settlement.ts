import { parsePercent, type CommissionRate, type CommissionTable } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { suggest } from "../util/similar.js";
import type { CheckStage, CheckState } from "./state.js";
import type { FileContext } from "./context.js";
import type { CheckedPromotion } from "./promotions.js";

/**
 * Funding (`funded by`), `on return` and the `commission` table (docs/language.md, Funding, Commission, Returns).
 * Runs after the declarations: it reads the checked promotions' kinds and writes, on each checked promotion, its
 * funders and return policy, and on the project its commission table.
 */
export const FUNDERS = ["platform", "seller"] as const;

/** Kinds whose default funder is the platform; the rest default to the seller (the runtime's DEFAULT_FUNDER). */
const PLATFORM_KINDS = new Set(["selected-coupon", "platform-coupon", "coins", "promo-code"]);

export interface CheckedFunding {
  /** Each party's weight on a common integer scale (70% and 30% → 70 and 30); absent party: 0. */
  platform: number;
  seller: number;
}

export const settlementStage: CheckStage = {
  name: "settlement",
  run(state) {
    for (const promotion of state.project.promotions) promotionSettlement(state, promotion);
    state.project.commission = commissionTable(state);
  },
};

function contextOf(state: CheckState, promotion: CheckedPromotion): FileContext {
  return { source: promotion.file, currency: promotion.currency };
}

function promotionSettlement(state: CheckState, promotion: CheckedPromotion): void {
  const { reporter } = state;
  const file = contextOf(state, promotion);
  // The first of each clause counts (a second is reported as duplicate-clause by the promotion checker).
  const funded = promotion.decl.clauses.find((c): c is A.FundedClause => c.kind === "Funded");
  const onReturn = promotion.decl.clauses.find((c): c is A.OnReturnClause => c.kind === "OnReturn");
  if (funded) {
    const funders = funding(state, funded, file);
    if (funders) promotion.funders = funders;
  } else if (promotion.kind === "promo-code") {
    reporter.report(Diagnostics.fundingImplicit(reporter.at(file.source, promotion.decl.name.span), promotion.id));
  }
  if (!funded && promotion.kind) {
    promotion.funders = PLATFORM_KINDS.has(promotion.kind) ? { platform: 1, seller: 0 } : { platform: 0, seller: 1 };
  }
  if (onReturn) {
    const action = onReturn.action.text;
    if (action === "" || onReturn.object.text === "") return;
    if ((action !== "keep" && action !== "recover") || onReturn.object.text !== "discount") {
      reporter.report(
        Diagnostics.clauseNotAllowed(
          reporter.at(file.source, onReturn.span),
          `'on return ${action} ${onReturn.object.text}' is not a return policy: write 'on return keep discount' or 'on return recover discount'`,
        ),
      );
      return;
    }
    promotion.onReturn = action;
  }
}

/** The parties' weights, or undefined after reporting why the clause does not say who pays. */
export function funding(state: CheckState, clause: A.FundedClause, file: FileContext): CheckedFunding | undefined {
  const { reporter } = state;
  const at = (span: A.Span) => reporter.at(file.source, span);
  const seen = new Map<string, A.FunderShare>();
  let ok = true;
  const shares: { party: "platform" | "seller"; share: A.FunderShare; ratio: { numerator: number; denominator: number } | null }[] = [];
  for (const share of clause.shares) {
    const party = share.party.text;
    if (party === "") {
      ok = false;
      continue;
    }
    if (!(FUNDERS as readonly string[]).includes(party)) {
      reporter.report(Diagnostics.unknownFunder(at(share.party.span), party, suggest(party, FUNDERS)));
      ok = false;
      continue;
    }
    const first = seen.get(party);
    if (first) {
      reporter.report(Diagnostics.fundingDuplicateParty(at(share.party.span), party, at(first.party.span)));
      ok = false;
      continue;
    }
    seen.set(party, share);
    let ratio: { numerator: number; denominator: number } | null = null;
    if (share.percent) {
      const value = Number(share.percent.text);
      const parsed = parsePercent(share.percent.text.replace(/^0+(?=\d)/, ""));
      if (!parsed || !(value > 0) || value > 100) {
        reporter.report(Diagnostics.fundingSplitSum(at(share.percent.span), `each party's share is more than 0% and at most 100%, not ${share.percent.text}%`));
        ok = false;
        continue;
      }
      ratio = parsed;
    }
    shares.push({ party: party as "platform" | "seller", share, ratio });
  }
  if (!ok || shares.length === 0) return undefined;
  if (shares.length === 1 && shares[0]!.ratio === null) return shares[0]!.party === "platform" ? { platform: 1, seller: 0 } : { platform: 0, seller: 1 };
  if (shares.some((s) => s.ratio === null)) {
    reporter.report(
      Diagnostics.fundingSplitSum(
        at(clause.span),
        "with several parties, give each one's percentage, summing to 100% (e.g. funded by platform 70%, seller 30%)",
      ),
    );
    return undefined;
  }
  const scale = Math.max(...shares.map((s) => s.ratio!.denominator));
  const weights = shares.map((s) => s.ratio!.numerator * (scale / s.ratio!.denominator));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum !== scale) {
    const written = shares.map((s) => `${s.share.percent!.text}%`).join(" + ");
    reporter.report(Diagnostics.fundingSplitSum(at(clause.span), `the funders' shares sum to ${trim((sum * 100) / scale)}% (${written}), not 100%`));
    return undefined;
  }
  const out: CheckedFunding = { platform: 0, seller: 0 };
  shares.forEach((s, k) => (out[s.party] = weights[k]!));
  const g = gcd(out.platform, out.seller);
  return { platform: out.platform / g, seller: out.seller / g };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function trim(n: number): string {
  return String(Number(n.toFixed(10)));
}

/** A rate 0% … 100% with its text as results show it ("7.5%"), or undefined after reporting it. */
function rate(state: CheckState, lit: A.PercentLit, file: FileContext): CommissionRate | undefined {
  if (lit.text === "") return undefined;
  const value = Number(lit.text);
  const parsed = parsePercent(lit.text.replace(/^0+(?=\d)/, ""));
  if (!parsed || !(value >= 0) || value > 100) {
    state.reporter.report(
      Diagnostics.invalidCommissionRate(state.reporter.at(file.source, lit.span), `a commission rate is between 0% and 100%, not ${lit.text}%`),
    );
    return undefined;
  }
  return { numerator: parsed.numerator, denominator: parsed.denominator, text: `${trim(value)}%` };
}

const ROW_HEADS = ["category", "default"];

function commissionTable(state: CheckState): CommissionTable | null {
  const { reporter } = state;
  let table: CommissionTable | null = null;
  let first: { decl: A.CommissionDecl; file: FileContext } | undefined;
  for (const checked of state.project.files) {
    const file = state.contexts.get(checked)!;
    for (const decl of checked.parsed.ast.declarations) {
      if (decl.kind !== "Commission") continue;
      if (first) {
        reporter.report(Diagnostics.duplicateCommission(reporter.at(file.source, decl.span), reporter.at(first.file.source, first.decl.span)));
        continue;
      }
      first = { decl, file };
      table = commission(state, decl, file);
    }
  }
  return table;
}

function commission(state: CheckState, decl: A.CommissionDecl, file: FileContext): CommissionTable | null {
  const { reporter } = state;
  const at = (span: A.Span) => reporter.at(file.source, span);
  const categories = new Map<string, { entry: A.CommissionEntry; rate: CommissionRate | undefined }>();
  let fallback: { entry: A.CommissionEntry; rate: CommissionRate | undefined } | undefined;
  let ok = true;
  for (const entry of decl.entries) {
    const head = entry.head.text;
    if (head === "") {
      ok = false;
      continue;
    }
    if (!ROW_HEADS.includes(head)) {
      reporter.report(Diagnostics.unknownName(at(entry.head.span), "commission row", head, suggest(head, ROW_HEADS)));
      ok = false;
      continue;
    }
    if (head === "category" && !entry.category) {
      reporter.report(Diagnostics.invalidCommissionRate(at(entry.span), 'a category row names its category: category "electronics" 5%'));
      ok = false;
      continue;
    }
    if (head === "default" && entry.category) {
      reporter.report(Diagnostics.invalidCommissionRate(at(entry.category.span), "the default row names no category: default 8%"));
      ok = false;
      continue;
    }
    const r = rate(state, entry.rate, file);
    if (!r) ok = false;
    if (head === "default") {
      if (fallback) {
        reporter.report(Diagnostics.duplicateClause(at(entry.span), "default", at(fallback.entry.span)));
        ok = false;
        continue;
      }
      fallback = { entry, rate: r };
      continue;
    }
    const category = entry.category!.value;
    const previous = categories.get(category);
    if (previous) {
      reporter.report(Diagnostics.duplicateCommissionCategory(at(entry.category!.span), category, at(previous.entry.category!.span)));
      ok = false;
      continue;
    }
    categories.set(category, { entry, rate: r });
  }
  if (!fallback) {
    reporter.report(Diagnostics.commissionDefaultMissing(at({ start: decl.span.start, end: decl.span.start + "commission".length })));
    return null;
  }
  if (!ok || !fallback.rate) return null;
  return {
    categories: [...categories].map(([category, row]) => ({ category, rate: row.rate! })),
    default: fallback.rate,
  };
}
