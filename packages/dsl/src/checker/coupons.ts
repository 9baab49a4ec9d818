import { Diagnostics } from "../diagnostics/catalogue.js";
import type { CheckedProject } from "./state.js";
import type { Reporter } from "./context.js";
import type { CheckedPromotion } from "./promotions.js";

/**
 * `coupons-may-stack`: the seeds' rule is one coupon per order ("Coupons cannot be combined unless otherwise
 * specified; only 1 coupon can be used per order", 001), while a project without stacking rules lets every
 * qualifying promotion apply. A coupon (a promotion with a code, or a code-less selected coupon; coins aside) that
 * no stacking rule, `exclusive` or `combines with` speaks of, in a project with another coupon, is reported once.
 */
export function reportCouponsMayStack(project: CheckedProject, reporter: Reporter): void {
  const coupons = project.promotions.filter(isCoupon);
  if (coupons.length < 2) return;
  const named = new Set<string>();
  const groups = project.symbols.groups;
  const visit = (name: string, seen: Set<string>): void => {
    if (name === "any" || name === "coupons") {
      for (const p of coupons) named.add(p.id);
      return;
    }
    const group = groups.get(name);
    if (group && !seen.has(name)) {
      seen.add(name);
      for (const m of group.decl.members) visit(m.text, seen);
      return;
    }
    // A kind names its promotions; an id names itself.
    for (const p of coupons) if (p.kind === name || p.id === name) named.add(p.id);
  };
  for (const { rule } of project.stacking) for (const n of rule.selector.names) visit(n.text, new Set());
  for (const p of coupons) {
    if (named.has(p.id) || p.exclusiveWith !== undefined || p.combinesWith.length > 0) continue;
    const other = coupons.find((q) => q !== p)!;
    reporter.report(Diagnostics.couponsMayStack(reporter.at(p.file, p.decl.name.span), p.id, other.id));
  }
}

function isCoupon(p: CheckedPromotion): boolean {
  return p.kind !== "coins" && (p.code !== undefined || p.kind === "selected-coupon");
}
