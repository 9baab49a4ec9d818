import {
  CandidateIndex,
  CartConditionContext,
  computeBenefit,
  createEvaluator,
  denseLines,
  parseAmount,
  staticGate,
  type NormalizedCart,
  type PricingResult,
  type Program,
  type PromotionSpec,
  type StackingRule,
} from "@promo/runtime/node";
import { interpret } from "../../packages/dsl/src/interpreter/interpret.js";
import type { CheckedProject } from "../../packages/dsl/src/checker/checker.js";
import { lower } from "../../packages/dsl/src/lower/lower.js";

/**
 * Independent checks on a pricing result: the money invariants of docs/language.md ("Money, rounding and
 * allocation"), and a brute-force search for the best admissible combination ("Selection") to compare with the
 * engine's branch and bound.
 */

function minor(text: string, currency: string): number {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) throw new Error(`not an amount in ${currency}: ${text}`);
  return parsed.minor;
}

/** Every broken invariant, in words; empty when the result is sound. `cart` is the input (JSON contract). */
export function invariantViolations(r: PricingResult, cart: { lines: { id: string }[]; shipping?: { price: string } }): string[] {
  const out: string[] = [];
  const m = (s: string) => minor(s, r.currency);
  const shippingIn = cart.shipping ? m(cart.shipping.price) : 0;
  for (const a of r.applied) {
    const lines = a.lines.reduce((s, l) => s + m(l.amount), 0);
    const shipping = a.shipping === undefined ? 0 : m(a.shipping);
    const coins = a.kind === "coins" ? m(a.amount) : 0;
    if (lines + shipping + coins !== m(a.amount)) out.push(`${a.id}: allocations ${lines} + shipping ${shipping} + coins ${coins} ≠ amount ${a.amount}`);
    if (m(a.amount) <= 0) out.push(`${a.id}: applied with amount ${a.amount}`);
    for (const l of a.lines) if (m(l.amount) <= 0) out.push(`${a.id}: line ${l.line} share ${l.amount} is not positive`);
  }
  let subtotal = 0;
  let discount = 0;
  for (const line of r.lines) {
    const [s, d, t] = [m(line.subtotal), m(line.discount), m(line.total)];
    if (d < 0 || d > s) out.push(`line ${line.id}: discount ${line.discount} outside 0..${line.subtotal}`);
    if (s - d !== t) out.push(`line ${line.id}: ${line.subtotal} − ${line.discount} ≠ ${line.total}`);
    const allocated = r.applied.reduce((sum, a) => sum + a.lines.filter((l) => l.line === line.id).reduce((x, l) => x + m(l.amount), 0), 0);
    if (allocated !== d) out.push(`line ${line.id}: discount ${line.discount} ≠ the promotions' shares ${allocated}`);
    subtotal += s;
    discount += d;
  }
  if (r.lines.length !== cart.lines.length) out.push(`${r.lines.length} result lines for ${cart.lines.length} cart lines`);
  if (subtotal !== m(r.subtotal)) out.push(`subtotal ${r.subtotal} ≠ Σ lines ${subtotal}`);
  if (discount !== m(r.discount)) out.push(`discount ${r.discount} ≠ Σ line discounts ${discount}`);
  if (m(r.shipping) < 0 || m(r.shipping) > shippingIn) out.push(`shipping ${r.shipping} outside 0..${shippingIn}`);
  const shippingDiscounts = r.applied.reduce((s, a) => s + (a.shipping === undefined ? 0 : m(a.shipping)), 0);
  if (shippingIn - shippingDiscounts !== m(r.shipping)) out.push(`shipping ${r.shipping} ≠ ${shippingIn} − shipping discounts ${shippingDiscounts}`);
  if (m(r.total) < 0) out.push(`total ${r.total} is negative`);
  if (m(r.subtotal) - m(r.discount) - m(r.coins.amount) + m(r.shipping) !== m(r.total)) out.push(`total ${r.total} ≠ subtotal − discount − coins + shipping`);
  const ids = [...r.applied.map((a) => a.id), ...r.rejected.map((x) => x.id)];
  if (new Set(ids).size !== ids.length) out.push(`a promotion is reported twice: ${ids.join(", ")}`);
  return out;
}

/** The program (interpreter form) and a cart validator, for the brute-force search. */
export function oracleFor(project: CheckedProject): { program: Program; normalise(cart: unknown): NormalizedCart | undefined } {
  const lowered = lower(project);
  const program = interpret(lowered);
  const evaluator = createEvaluator(program, lowered.attributes);
  return {
    program,
    normalise(cart) {
      const v = evaluator.validate(cart);
      return v.ok ? v.cart : undefined;
    },
  };
}

interface Step {
  spec: PromotionSpec;
  saving: number;
  lines: number[];
  stores: Set<string>;
}

const excludes = (x: PromotionSpec, y: PromotionSpec) =>
  x.exclusiveWith === "all" || (x.exclusiveWith !== null && x.exclusiveWith !== undefined && x.exclusiveWith.has(y.id));
const combine = (a: PromotionSpec, b: PromotionSpec) => a.combinesWith.has(b.id) || b.combinesWith.has(a.id);

/** Whether a set of applied steps obeys every exclusivity and `at most` rule (docs/language.md, "Stacking"). */
function admissibleSet(steps: readonly Step[], rules: readonly StackingRule[]): boolean {
  for (let i = 0; i < steps.length; i++) {
    for (let j = i + 1; j < steps.length; j++) {
      const a = steps[i]!.spec;
      const b = steps[j]!.spec;
      if (!combine(a, b) && (excludes(a, b) || excludes(b, a))) return false;
    }
  }
  for (const rule of rules) {
    const members = steps.filter((s) => rule.members.has(s.spec.id));
    if (members.length < 2) continue;
    // Groups of members that share the rule's entity.
    const share = (a: Step, b: Step): boolean => {
      if (rule.per === "order" || rule.per === "customer") return true;
      if (rule.per === "store") return [...a.stores].some((s) => b.stores.has(s));
      return a.lines.some((l) => b.lines.includes(l));
    };
    if (rule.max === 1) {
      for (let i = 0; i < members.length; i++)
        for (let j = i + 1; j < members.length; j++) if (share(members[i]!, members[j]!) && !combine(members[i]!.spec, members[j]!.spec)) return false;
      continue;
    }
    // N > 1: at most N members touch any one order / store / line.
    const entities = new Map<string, number>();
    for (const s of members) {
      const keys = rule.per === "order" || rule.per === "customer" ? ["order"] : rule.per === "store" ? [...s.stores] : s.lines.map(String);
      for (const k of keys) entities.set(k, (entities.get(k) ?? 0) + 1);
    }
    if ([...entities.values()].some((n) => n > rule.max)) return false;
  }
  return true;
}

/**
 * The best admissible combination by enumeration: every subset of the qualified promotions, applied in application
 * order; a subset counts when each member applies at its place, the members obey the stacking rules, and every
 * promotion left out either does not apply at its place or would break a rule next to the members. Ties go to
 * the combination whose first differing promotion (in application order) it includes. Undefined when there are
 * more than `limit` qualified promotions.
 */
export function bruteForceBest(program: Program, cart: NormalizedCart, limit = 9): { ids: string[]; saving: number } | undefined {
  const index = new CandidateIndex(program);
  const eligible: { spec: PromotionSpec; rank: number }[] = [];
  for (const rank of index.candidates(cart)) {
    const spec = program.promotions[rank]!;
    if (spec.kind === "coins") continue;
    const coupon = spec.code === null ? null : (cart.coupons.get(spec.code) ?? null);
    if (staticGate(spec, cart, coupon) === undefined) eligible.push({ spec, rank });
  }
  eligible.sort((a, b) => a.rank - b.rank);
  if (eligible.length > limit) return undefined;
  const pristine = cart.lines.map((l) => l.subtotal);
  const apply = (spec: PromotionSpec, remaining: number[], shipping: number): (Step & { lineAmounts: readonly number[]; shipping: number }) | undefined => {
    const coupon = spec.code === null ? null : (cart.coupons.get(spec.code) ?? null);
    if (spec.condition && spec.condition(new CartConditionContext(cart, coupon, remaining)) !== undefined) return undefined;
    const r = computeBenefit(spec.benefit, cart, remaining, shipping);
    if (r.amount + r.shipping <= 0) return undefined;
    const lineAmounts = denseLines(r, cart.lines.length);
    const lines: number[] = [];
    const stores = new Set<string>();
    lineAmounts.forEach((a, i) => {
      if (a > 0) {
        lines.push(i);
        stores.add(cart.lines[i]!.store);
      }
    });
    return { spec, saving: r.amount + r.shipping, lines, stores, lineAmounts, shipping: r.shipping };
  };
  let best: { mask: number; saving: number; ids: string[] } | undefined;
  const k = eligible.length;
  for (let mask = 0; mask < 1 << k; mask++) {
    let remaining = [...pristine];
    let shipping = cart.shipping.price;
    const taken: Step[] = [];
    const skipped: Step[] = [];
    let ok = true;
    for (let i = 0; i < k; i++) {
      const step = apply(eligible[i]!.spec, remaining, shipping);
      if (mask & (1 << i)) {
        if (!step) {
          ok = false;
          break;
        }
        taken.push(step);
        remaining = remaining.map((v, j) => v - step.lineAmounts[j]!);
        shipping -= step.shipping;
      } else if (step) skipped.push(step);
    }
    if (!ok || !admissibleSet(taken, program.stacking)) continue;
    if (skipped.some((s) => admissibleSet([...taken, s], program.stacking))) continue;
    const saving = taken.reduce((s, t) => s + t.saving, 0);
    const better = () => {
      if (!best || saving > best.saving) return true;
      if (saving < best.saving) return false;
      // Equal: the first differing promotion in application order decides; including it wins.
      for (let i = 0; i < k; i++) {
        const a = (mask >> i) & 1;
        const b = (best.mask >> i) & 1;
        if (a !== b) return a === 1;
      }
      return false;
    };
    if (better()) best = { mask, saving, ids: taken.map((t) => t.spec.id) };
  }
  return best ? { ids: best.ids, saving: best.saving } : { ids: [], saving: 0 };
}
