import type { AttributionRules, RuleSource } from "@promo/runtime";
import type * as A from "../ast/nodes.js";
import { affiliateOf } from "../checker/attribution.js";
import type { CheckedProject } from "../checker/checker.js";
import type { FileContext } from "../checker/context.js";

/**
 * The project's `attribution` and `affiliate program` as the rules data the runtime's `attribute` reads, with the
 * source of every rule so that an explanation points at it. Undefined when the project declares no attribution,
 * or when what it declares did not check (the checker reported why).
 */
export function lowerAttribution(project: CheckedProject): AttributionRules | undefined {
  const { attribution: a, program: p } = affiliateOf(project);
  if (!a || !p || a.defaultModel === undefined || a.lookbackMs === undefined || p.storeRateBp === undefined) return undefined;
  const sources: Record<string, RuleSource> = {};
  const source = (file: FileContext, span: A.Span): RuleSource => {
    const pos = file.source.positionAt(span.start);
    const text = file.source.text.slice(span.start, span.end);
    return { file: file.source.path, line: pos.line, column: pos.column, text: text.length > 200 ? text.slice(0, 199) + "…" : text };
  };
  const clause = (kind: string) => a.decl.clauses.find((c) => c.kind === kind);
  const priority = clause("AttributionPriority");
  sources["priority"] = source(a.file, (priority ?? a.decl).span);
  a.windows.forEach((w, i) => (sources[`window:${i}`] = source(a.file, w.clause.span)));
  const otherwise = a.decl.clauses.find((c) => c.kind === "AttributionModel" && c.window === undefined);
  if (otherwise) sources["default"] = source(a.file, otherwise.span);
  if (a.sale) sources["sale"] = source(a.file, a.sale.clause.span);
  const exclude = clause("AttributionExclude");
  if (exclude) sources["coupon"] = source(a.file, exclude.span);
  const minimum = p.decl.clauses.find((c) => c.head.text === "minimum");
  if (minimum) sources["store-rate"] = source(p.file, minimum.span);
  if (p.premium) sources["premium"] = source(p.file, p.premium.clause.span);

  // Later `featured` clauses win for goods listed twice; a goods' rate is the highest that applies anyway.
  const featured: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const f of p.featured) for (const g of f.goods) featured[g] = Math.max(featured[g] ?? 0, f.rateBp);
  return {
    priority: a.priority,
    windows: a.windows.map((w) => ({ from: w.from, to: w.to, model: w.model })),
    defaultModel: a.defaultModel,
    lookbackMs: a.lookbackMs,
    ...(a.sale ? { salePeriod: { from: a.sale.from, to: a.sale.to } } : {}),
    couponExclusion: a.couponExclusion,
    storeRateBp: p.storeRateBp,
    featured: { ...featured },
    ...(p.premium ? { premium: { webmasters: p.premium.webmasters, rateBp: p.premium.rateBp, from: p.premium.from, to: p.premium.to } } : {}),
    sources,
  };
}
