import type { CstNode, IToken } from "chevrotain";
import type * as A from "./nodes.js";
import { buildCampaign, type BuildKit } from "./build-campaign.js";
import { commissionDecl, fundedClause, onReturnClause, type BuildHelpers } from "./build-settlement.js";
import { AFFILIATE_DECLARATION_RULES, buildAffiliate, type AffiliateBuildHelpers } from "./build-attribution.js";

/**
 * CST → AST. The parser recovers from errors, so any child may be missing: every accessor tolerates absence and
 * missing parts become empty names or `Error` expressions that later phases skip silently (the syntax error was
 * already reported once).
 */

let nextId = 1;
export function freshId(): number {
  return nextId++;
}

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}

function validToken(t: IToken | undefined): IToken | undefined {
  if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset)) return undefined;
  return t;
}

function tok(ctx: Children, key: string, index = 0): IToken | undefined {
  const list = ctx[key];
  const item = list?.[index];
  return item && isToken(item) ? validToken(item) : undefined;
}

function sub(ctx: Children, key: string, index = 0): CstNode | undefined {
  const list = ctx[key];
  const item = list?.[index];
  return item && !isToken(item) ? item : undefined;
}

function subs(ctx: Children, key: string): CstNode[] {
  return (ctx[key] ?? []).filter((x): x is CstNode => !isToken(x));
}

/** All CST children of `node` whose rule is in `names`, in source order (alternatives are stored per rule name). */
function orderedChildren(node: CstNode, names: ReadonlySet<string>): CstNode[] {
  const out: { start: number; node: CstNode }[] = [];
  for (const key in node.children) {
    if (!names.has(key)) continue;
    for (const child of node.children[key] ?? []) if (!isToken(child)) out.push({ start: nodeSpan(child, 0).start, node: child });
  }
  if (out.length > 1) out.sort((a, b) => a.start - b.start);
  return out.map((entry) => entry.node);
}

const DECLARATION_RULES = new Set([
  "importDecl",
  "currencyDecl",
  "attributeDecl",
  "scopeDecl",
  "windowDecl",
  "groupDecl",
  "stackingDecl",
  "promotionDecl",
  "earnDecl",
  "exampleDecl",
  "campaignDecl",
  "commissionDecl",
  ...AFFILIATE_DECLARATION_RULES,
]);

const CLAUSE_RULES = new Set([
  "titleClause",
  "descriptionClause",
  "kindClause",
  "codeClause",
  "validClause",
  "collectClause",
  "expiresClause",
  "lockedClause",
  "transferClause",
  "whenClause",
  "giveClause",
  "priorityClause",
  "exclusiveClause",
  "combinesClause",
  "limitClause",
  "onCancelClause",
  "maxPerClause",
  "fundedClause",
]);

const BENEFIT_RULES = ["discountBenefit", "priceBenefit", "packBenefit", "cheapestBenefit", "freeShippingBenefit", "coinsBenefit", "nthUnitBenefit"];

/** `>` and friends, which the parser accepts only to report them: the comparator each one means. */
const SYMBOL_COMPARATORS: Record<string, A.Comparator> = { ">": "exceeds", ">=": "at least", "<": "below", "<=": "at most", "==": "is", "!=": "is not" };

const ORDINALS: Record<string, number> = { second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10 };

function tokenSpan(t: IToken): A.Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}

/**
 * The extent of a CST node: the parser's offsets when they are real, else (a node the parser recovered) the
 * extent of its real tokens.
 */
function nodeSpan(node: CstNode | undefined, fallback: number): A.Span {
  if (!node) return { start: fallback, end: fallback };
  const location = node.location;
  if (location && !node.recoveredNode && Number.isFinite(location.startOffset) && Number.isFinite(location.endOffset)) {
    return { start: location.startOffset, end: location.endOffset! + 1 };
  }
  let start = Infinity;
  let end = -Infinity;
  const visit = (n: CstNode) => {
    for (const list of Object.values(n.children)) {
      for (const child of list ?? []) {
        if (isToken(child)) {
          const t = validToken(child);
          if (!t) continue;
          if (t.startOffset < start) start = t.startOffset;
          const e = (t.endOffset ?? t.startOffset) + 1;
          if (e > end) end = e;
        } else visit(child);
      }
    }
  };
  visit(node);
  return start === Infinity ? { start: fallback, end: fallback } : { start, end };
}

/**
 * What the builder itself finds: an unterminated string, and phrasings the grammar accepts only so that they can
 * be reported once, with the language's own way of saying it (`replacement`, when there is exactly one).
 */
export type BuildProblem =
  | { kind: "unterminated-string"; span: A.Span }
  | { kind: "operator-symbol"; span: A.Span; symbol: string; replacement: A.Comparator }
  | { kind: "max-per-entity"; span: A.Span; written: string; replacement: string }
  | { kind: "nth-unit-benefit"; span: A.Span; written: string; replacement: string | undefined };

export class AstBuilder {
  readonly problems: BuildProblem[] = [];
  private lastOffset = 0;

  constructor(private readonly path: string) {}

  /** What build-settlement.ts needs of the builder. */
  private readonly helpers: BuildHelpers = {
    freshId,
    name: (t, at) => this.name(t, at),
    string: (t, at) => this.string(t, at),
    percent: (t) => (validToken(t) ? this.percent(t!) : undefined),
    span: (node) => this.span(node),
    tok: (node, key) => tok(node.children as Children, key),
    subs: (node, key) => subs(node.children as Children, key),
  };

  file(cst: CstNode | undefined, textLength: number): A.PromoFile {
    return this.fileOf(cst ? this.declarations(cst) : [], textLength);
  }

  /** The declarations of one `file` CST node (a whole file, or a run of its declarations parsed on its own). */
  declarations(cst: CstNode): A.Declaration[] {
    const declarations: A.Declaration[] = [];
    for (const d of orderedChildren(cst, DECLARATION_RULES)) {
      const decl = this.declaration(d);
      if (decl) declarations.push(decl);
    }
    return declarations;
  }

  fileOf(declarations: A.Declaration[], textLength: number): A.PromoFile {
    return { kind: "File", id: freshId(), span: { start: 0, end: textLength }, path: this.path, declarations };
  }

  /** Lent to ast/build-attribution.ts. */
  private readonly affiliateHelpers: AffiliateBuildHelpers = {
    freshId,
    name: (t, at) => this.name(t, at),
    span: (n) => this.span(n),
    windowSpec: (n) => this.windowSpec(n),
    duration: (n) => this.duration(n),
    percent: (t) => this.percent(t),
    string: (t, at) => this.string(t, at),
  };

  private name(t: IToken | undefined, fallbackAt?: number): A.Name {
    const valid = validToken(t);
    if (valid) {
      this.lastOffset = valid.endOffset !== undefined ? valid.endOffset + 1 : valid.startOffset;
      return { kind: "Name", id: freshId(), span: tokenSpan(valid), text: valid.image };
    }
    const at = fallbackAt ?? this.lastOffset;
    return { kind: "Name", id: freshId(), span: { start: at, end: at }, text: "" };
  }

  private idName(node: CstNode | undefined): A.Name {
    if (!node) return this.name(undefined);
    const c = node.children as Children;
    return this.name(tok(c, "Identifier") ?? tok(c, "Kw_coins") ?? tok(c, "Kw_shipping") ?? tok(c, "Kw_order"));
  }

  private span(node: CstNode | undefined): A.Span {
    const s = nodeSpan(node, this.lastOffset);
    if (s.end > this.lastOffset) this.lastOffset = s.end;
    return s;
  }

  private declaration(inner: CstNode): A.Declaration | undefined {
    const ic = inner.children as Children;
    const span = this.span(inner);
    const id = freshId();
    switch (inner.name) {
      case "importDecl":
        return { kind: "Import", id, span, path: this.string(tok(ic, "StringToken"), span.end) };
      case "currencyDecl":
        return { kind: "Currency", id, span, code: this.name(tok(ic, "Identifier"), span.end) };
      case "attributeDecl":
        return {
          kind: "Attribute",
          id,
          span,
          root: this.name(tok(ic, "root")),
          name: this.name(tok(ic, "name")),
          type: this.typeRef(sub(ic, "typeRef"), span.end),
        };
      case "scopeDecl":
        return { kind: "Scope", id, span, name: this.name(tok(ic, "Identifier")), predicate: this.expression(sub(ic, "expression")) };
      case "windowDecl":
        return { kind: "Window", id, span, name: this.name(tok(ic, "Identifier")), window: this.windowSpec(sub(ic, "windowSpec")) };
      case "groupDecl":
        return { kind: "Group", id, span, name: this.name(tok(ic, "Identifier")), members: this.nameList(sub(ic, "nameList")) };
      case "stackingDecl":
        return { kind: "Stacking", id, span, rules: subs(ic, "stackingRule").map((r) => this.stackingRule(r)) };
      case "promotionDecl":
        return {
          kind: "Promotion",
          id,
          span,
          name: this.idName(sub(ic, "idName")),
          clauses: orderedChildren(inner, CLAUSE_RULES).flatMap((cl) => this.clause(cl) ?? []),
        };
      case "earnDecl":
        return {
          kind: "Earn",
          id,
          span,
          coins: this.number(tok(ic, "NumberLiteral")),
          per: sub(ic, "money") ? this.money(sub(ic, "money")) : undefined,
          unit: tok(ic, "unit") ? this.name(tok(ic, "unit")) : undefined,
          scope: sub(ic, "scopeRef") ? this.scopeRef(sub(ic, "scopeRef")) : undefined,
          limits: subs(ic, "limitSpec").map((l) => this.limitSpec(l)),
        };
      case "exampleDecl":
        return this.example(inner, id, span);
      case "campaignDecl":
        return buildCampaign(inner, id, span, this.campaignKit());
      case "commissionDecl":
        return commissionDecl(this.helpers, inner, id, span);
      case "attributionDecl":
      case "affiliateProgramDecl":
        return buildAffiliate(inner, id, span, this.affiliateHelpers);
      default:
        return undefined;
    }
  }

  /** The accessors the campaign builder (ast/build-campaign.ts) shares with this one. */
  private campaignKit(): BuildKit {
    return {
      freshId,
      span: (n) => this.span(n),
      name: (t, at) => this.name(t, at),
      string: (t, at) => this.string(t, at),
      dateTime: (n) => this.dateTime(n),
      windowSpec: (n) => this.windowSpec(n),
      duration: (n) => this.duration(n),
      comparison: (n) => this.comparison(n),
      errorExpr: () => this.errorExpr(),
    };
  }

  private typeRef(node: CstNode | undefined, at: number): A.TypeRef {
    const c = (node?.children ?? {}) as Children;
    const element = tok(c, "element");
    return {
      kind: "TypeRef",
      id: freshId(),
      span: this.span(node),
      head: this.name(tok(c, "head"), at),
      element: element ? this.name(element) : undefined,
    };
  }

  private windowSpec(node: CstNode | undefined): A.WindowSpec {
    const c = (node?.children ?? {}) as Children;
    const span = this.span(node);
    return {
      kind: "WindowSpec",
      id: freshId(),
      span,
      start: this.dateTimeToken(tok(c, "start"), undefined),
      end: this.dateTimeToken(tok(c, "end"), undefined),
      zone: this.name(tok(c, "zone")),
    };
  }

  private nameList(node: CstNode | undefined): A.Name[] {
    const c = (node?.children ?? {}) as Children;
    return subs(c, "idName").map((n) => this.idName(n));
  }

  private selector(node: CstNode | undefined): A.Selector {
    const c = (node?.children ?? {}) as Children;
    const list = sub(c, "nameList");
    return {
      kind: "Selector",
      id: freshId(),
      span: this.span(node),
      names: list ? this.nameList(list) : [this.idName(sub(c, "idName"))],
      bracketed: Boolean(list),
    };
  }

  private stackingRule(node: CstNode): A.StackingRule {
    const c = node.children as Children;
    const span = this.span(node);
    if (c["Kw_select"]) return { kind: "Select", id: freshId(), span, mode: this.name(tok(c, "mode"), span.end) };
    return {
      kind: "AtMost",
      id: freshId(),
      span,
      count: this.number(tok(c, "NumberLiteral")),
      selector: this.selector(sub(c, "selector")),
      per: this.idName(sub(c, "entity")),
    };
  }

  private clause(inner: CstNode): A.Clause | undefined {
    const c = inner.children as Children;
    const span = this.span(inner);
    const id = freshId();
    switch (inner.name) {
      case "titleClause":
        return { kind: "Title", id, span, text: this.string(tok(c, "StringToken"), span.end) };
      case "descriptionClause":
        return { kind: "Description", id, span, text: this.string(tok(c, "StringToken"), span.end) };
      case "kindClause":
        return { kind: "KindClause", id, span, name: this.idName(sub(c, "idName")) };
      case "codeClause":
        return { kind: "Code", id, span, code: this.string(tok(c, "StringToken"), span.end) };
      case "validClause":
        return { kind: "Valid", id, span, window: this.windowRef(c) };
      case "collectClause":
        return { kind: "Collect", id, span, window: this.windowRef(c) };
      case "expiresClause":
        return { kind: "Expires", id, span, duration: this.duration(sub(c, "duration")) };
      case "lockedClause":
        return { kind: "Locked", id, span, duration: this.duration(sub(c, "duration")) };
      case "transferClause":
        return { kind: "NotTransferable", id, span };
      case "whenClause":
        return { kind: "When", id, span, condition: this.expression(sub(c, "expression")) };
      case "giveClause":
        return { kind: "Give", id, span, benefit: this.benefit(c, span.end) };
      case "priorityClause":
        return { kind: "Priority", id, span, value: this.number(tok(c, "NumberLiteral")) };
      case "exclusiveClause": {
        const sel = sub(c, "selector");
        return { kind: "Exclusive", id, span, with: sel ? this.selector(sel) : undefined };
      }
      case "combinesClause":
        return { kind: "Combines", id, span, with: this.selector(sub(c, "selector")) };
      case "limitClause":
        return { kind: "Limit", id, span, limit: this.limitSpec(sub(c, "limitSpec")) };
      case "maxPerClause":
        this.maxPerEntity(inner);
        return undefined;
      case "fundedClause":
        return fundedClause(this.helpers, inner, id, span);
      case "onCancelClause":
        if (tok(c, "event")?.image === "return") return onReturnClause(this.helpers, inner, id, span);
        return {
          kind: "OnCancel",
          id,
          span,
          event: this.name(tok(c, "event"), span.end),
          action: this.name(tok(c, "action"), span.end),
          object: this.name(tok(c, "object"), span.end),
        };
      default:
        return undefined;
    }
  }

  private windowRef(c: Children): A.WindowRef {
    const spec = sub(c, "windowSpec");
    return spec ? this.windowSpec(spec) : this.name(tok(c, "Identifier"));
  }

  private duration(node: CstNode | undefined): A.Duration {
    const c = (node?.children ?? {}) as Children;
    return {
      kind: "Duration",
      id: freshId(),
      span: this.span(node),
      amount: this.number(tok(c, "NumberLiteral")),
      unit: this.name(tok(c, "unit")),
    };
  }

  private limitSpec(node: CstNode | undefined): A.LimitSpec {
    const c = (node?.children ?? {}) as Children;
    const money = sub(c, "money");
    const count = tok(c, "NumberLiteral");
    const unit = tok(c, "unit");
    return {
      kind: "LimitSpec",
      id: freshId(),
      span: this.span(node),
      budget: money ? this.money(money) : undefined,
      count: count ? this.number(count) : undefined,
      unit: unit ? this.name(unit) : undefined,
      per: subs(c, "idName").map((n) => this.idName(n)),
    };
  }

  private benefit(give: Children, at: number): A.Benefit {
    const key = BENEFIT_RULES.find((rule) => give[rule]);
    const inner = key ? sub(give, key) : undefined;
    const c = (inner?.children ?? {}) as Children;
    const span = this.span(inner);
    const id = freshId();
    switch (inner?.name) {
      case "priceBenefit":
        return {
          kind: "FixedPrice",
          id,
          span,
          price: this.money(sub(c, "money")),
          scope: this.scopeRef(sub(c, "scopeRef")),
          maxUnits: this.maxUnits(sub(c, "maxUnits")),
        };
      case "packBenefit":
        return {
          kind: "Pack",
          id,
          span,
          skus: (c["StringToken"] ?? []).flatMap((t) => (isToken(t) && validToken(t) ? [this.string(t, span.end)] : [])),
          price: this.money(sub(c, "money")),
        };
      case "cheapestBenefit":
        return {
          kind: "CheapestFree",
          id,
          span,
          free: this.number(tok(c, "free")),
          every: this.number(tok(c, "every")),
          scope: this.scopeRef(sub(c, "scopeRef")),
        };
      case "freeShippingBenefit":
        return { kind: "FreeShipping", id, span };
      case "nthUnitBenefit": {
        this.nthUnit(inner!);
        // An empty span marks a benefit that could not be read (already reported): the checker skips its kind.
        // A scope it names is kept (as the target of an empty discount), so it is resolved and counts as used.
        const at = { start: span.start, end: span.start };
        const scope = sub(c, "scopeRef");
        if (!scope) return { kind: "FreeShipping", id, span: at };
        const nothing: A.MoneyLit = { kind: "Number", id: freshId(), span: at, text: "", currency: undefined };
        return {
          kind: "Discount",
          id,
          span: at,
          value: nothing,
          eachUnit: false,
          target: this.scopeRef(scope),
          base: undefined,
          cap: undefined,
          maxUnits: undefined,
        };
      }
      case "coinsBenefit": {
        const percent = tok(c, "PercentLiteral");
        const scope = sub(c, "scopeRef");
        return {
          kind: "Coins",
          id,
          span,
          coins: this.number(tok(c, "NumberLiteral")),
          per: this.money(sub(c, "money")),
          capPercent: percent ? this.percent(percent) : undefined,
          capWithShipping: tok(c, "Kw_and") !== undefined,
          scope: scope ? this.scopeRef(scope) : undefined,
        };
      }
      case "discountBenefit": {
        const percent = tok(c, "PercentLiteral");
        const cap = sub(c, "cap");
        const targetNode = sub(c, "target");
        return {
          kind: "Discount",
          id,
          span,
          value: percent ? this.percent(percent) : this.money(sub(c, "money")),
          eachUnit: Boolean(c["Kw_each"]),
          target: targetNode ? this.target(targetNode) : this.scopeRef(sub(c, "scopeRef")),
          base: this.base(sub(c, "discountBase")),
          cap: cap ? this.money(cap) : undefined,
          maxUnits: this.maxUnits(sub(c, "maxUnits")),
        };
      }
      default:
        return { kind: "FreeShipping", id, span: { start: at, end: at } };
    }
  }

  private base(node: CstNode | undefined): A.DiscountBase | undefined {
    if (!node) return undefined;
    return node.children["Kw_after"] ? "after" : "before";
  }

  private maxUnits(node: CstNode | undefined): A.MaxUnits | undefined {
    if (!node) return undefined;
    const c = node.children as Children;
    if (c["perEntity"]) {
      this.maxPerEntity(node);
      return undefined;
    }
    return {
      kind: "MaxUnits",
      id: freshId(),
      span: this.span(node),
      count: this.number(tok(c, "NumberLiteral")),
      unitWord: this.name(tok(c, "Kw_unit") ?? tok(c, "Identifier")),
    };
  }

  /** `max 1 units per customer`: a usage limit, written `limit 1 per customer`. */
  private maxPerEntity(node: CstNode): void {
    const c = node.children as Children;
    const span = this.span(node);
    const count = validToken(tok(c, "NumberLiteral"))?.image ?? "1";
    const unit = validToken(tok(c, "Identifier"))?.image;
    const per = subs(c, "perEntity").map((p) => this.idName(sub(p.children as Children, "idName")).text);
    const words = [tok(c, "Kw_max"), tok(c, "NumberLiteral"), tok(c, "Kw_unit") ?? tok(c, "Identifier")].flatMap((t) => (validToken(t) ? [t!.image] : []));
    const written = [...words, ...per.map((p) => `per ${p}`)].join(" ");
    // `units` counted units of a benefit; a limit counts redemptions, which it names `uses` or `redemptions`.
    const keptUnit = unit === "uses" || unit === "redemptions" ? ` ${unit}` : "";
    this.problems.push({ kind: "max-per-entity", span, written, replacement: `limit ${count}${keptUnit}${per.map((p) => ` per ${p}`).join("")}` });
  }

  /** `second unit at 50%`: the fix is `cheapest 1 free for every N of S` only for a free Nth unit of a named scope. */
  private nthUnit(node: CstNode): void {
    const c = node.children as Children;
    const span = this.span(node);
    const ordinal = validToken(tok(c, "ordinal"))?.image ?? "";
    const every = ORDINALS[ordinal.toLowerCase()];
    const percent = validToken(tok(c, "PercentLiteral"));
    const free = Boolean(c["Kw_free"]) || (percent !== undefined && /^100(\.0+)?%$/.test(percent.image) && Boolean(c["Kw_off"]));
    const scope = sub(c, "scopeRef");
    const scopeText = scope ? this.sourceOf(scope) : undefined;
    const replacement = free && every !== undefined && scopeText !== undefined ? `cheapest 1 free for every ${every} of ${scopeText}` : undefined;
    this.problems.push({ kind: "nth-unit-benefit", span, written: this.sourceOf(node), replacement });
  }

  /** The tokens of a node, joined by single spaces (the source text as the formatter would print a phrase). */
  private sourceOf(node: CstNode): string {
    const tokens: IToken[] = [];
    const visit = (n: CstNode) => {
      for (const list of Object.values(n.children))
        for (const child of list ?? [])
          if (isToken(child)) {
            if (validToken(child)) tokens.push(child);
          } else visit(child);
    };
    visit(node);
    return tokens
      .sort((a, b) => a.startOffset - b.startOffset)
      .map((t) => t.image)
      .join(" ")
      .replace(/\( /g, "(")
      .replace(/ \)/g, ")")
      .replace(/ \./g, ".")
      .replace(/\. /g, ".");
  }

  private target(node: CstNode): A.Target {
    const c = node.children as Children;
    const span = this.span(node);
    if (c["Kw_order"]) return { kind: "OrderTarget", id: freshId(), span };
    if (c["Kw_shipping"]) return { kind: "ShippingTarget", id: freshId(), span };
    return this.scopeRef(sub(c, "scopeRef"));
  }

  private scopeRef(node: CstNode | undefined): A.ScopeRef {
    const c = (node?.children ?? {}) as Children;
    const span = this.span(node);
    const expr = sub(c, "expression");
    if (expr) return { kind: "InlineScope", id: freshId(), span, predicate: this.expression(expr) };
    return { kind: "ScopeName", id: freshId(), span, name: this.name(tok(c, "Identifier"), span.end) };
  }

  private example(node: CstNode, id: number, span: A.Span): A.ExampleDecl {
    const c = node.children as Children;
    const nameToken = tok(c, "Identifier") ?? tok(c, "StringToken");
    let name = this.name(nameToken);
    if (nameToken && nameToken.tokenType.name !== "Identifier") {
      const str = this.string(nameToken, span.end);
      name = { ...name, text: str.value };
    }
    const cart = sub(c, "cart");
    const file = tok(c, "cartFile");
    const expect = sub(c, "expect");
    return {
      kind: "Example",
      id,
      span,
      name,
      cart: cart ? this.record(cart) : undefined,
      cartFile: file ? this.string(file, span.end) : undefined,
      expect: expect ? this.record(expect) : undefined,
    };
  }

  private record(node: CstNode): A.RecordValue {
    const c = node.children as Children;
    return {
      kind: "Record",
      id: freshId(),
      span: this.span(node),
      entries: subs(c, "recordEntry").map((e) => {
        const ec = e.children as Children;
        const wordKey = tok(ec, "Word");
        const stringKey = tok(ec, "StringToken");
        let key = this.name(wordKey ?? stringKey);
        if (!wordKey && stringKey) key = { ...key, text: this.string(stringKey, key.span.end).value };
        return { kind: "Entry" as const, id: freshId(), span: this.span(e), key, value: this.value(sub(ec, "value")) };
      }),
    };
  }

  private value(node: CstNode | undefined): A.Value {
    const c = (node?.children ?? {}) as Children;
    const span = this.span(node);
    const str = tok(c, "StringToken");
    if (str) return this.string(str, span.end);
    const money = sub(c, "money");
    if (money) return this.money(money);
    const percent = tok(c, "PercentLiteral");
    if (percent) return this.percent(percent);
    const dt = sub(c, "dateTime");
    if (dt) return this.dateTime(dt);
    const list = sub(c, "valueList");
    if (list) return { kind: "ListValue", id: freshId(), span, items: subs(list.children as Children, "value").map((v) => this.value(v)) };
    const rec = sub(c, "record");
    if (rec) return this.record(rec);
    const word = tok(c, "Word");
    return { kind: "Word", id: freshId(), span, text: word?.image ?? "" };
  }

  private string(t: IToken | undefined, at: number): A.StringLit {
    const valid = validToken(t);
    if (!valid) return { kind: "String", id: freshId(), span: { start: at, end: at }, value: "", raw: '""' };
    const span = tokenSpan(valid);
    this.lastOffset = span.end;
    let raw = valid.image;
    if (valid.tokenType.name === "UnterminatedString") {
      this.problems.push({ kind: "unterminated-string", span });
      raw = raw + '"';
    }
    let value = raw.slice(1, -1);
    if (value.includes("\\")) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        // an unterminated string may end in a lone backslash; keep its text as written
      }
    }
    return { kind: "String", id: freshId(), span, value, raw };
  }

  private number(t: IToken | undefined): A.MoneyLit {
    const valid = validToken(t);
    if (!valid) return { kind: "Number", id: freshId(), span: { start: this.lastOffset, end: this.lastOffset }, text: "", currency: undefined };
    const span = tokenSpan(valid);
    this.lastOffset = span.end;
    return { kind: "Number", id: freshId(), span, text: valid.image, currency: undefined };
  }

  private money(node: CstNode | undefined): A.MoneyLit {
    const c = (node?.children ?? {}) as Children;
    const n = this.number(tok(c, "NumberLiteral"));
    const cur = tok(c, "currency");
    if (!cur) return n;
    const currency = this.name(cur);
    return { ...n, span: { start: n.span.start, end: currency.span.end }, currency };
  }

  private percent(t: IToken): A.PercentLit {
    const span = tokenSpan(t);
    this.lastOffset = span.end;
    return { kind: "Percent", id: freshId(), span, text: t.image.slice(0, -1) };
  }

  private dateTimeToken(t: IToken | undefined, zone: A.Name | undefined): A.DateTimeLit {
    const valid = validToken(t);
    const span = valid ? tokenSpan(valid) : { start: this.lastOffset, end: this.lastOffset };
    if (valid) this.lastOffset = span.end;
    return { kind: "DateTime", id: freshId(), span, text: valid?.image ?? "", zone };
  }

  private dateTime(node: CstNode): A.DateTimeLit {
    const c = node.children as Children;
    const lit = this.dateTimeToken(tok(c, "DateTimeLiteral"), undefined);
    const zoneToken = tok(c, "zone");
    if (!zoneToken) return lit;
    const zone = this.name(zoneToken);
    return { ...lit, zone, span: { start: lit.span.start, end: Math.max(lit.span.end, zone.span.end) } };
  }

  // ---- expressions ----

  /** Rebuilds precedence from the flat chain: `or` separates groups of `and`-ed operands. */
  expression(node: CstNode | undefined): A.Expr {
    if (!node) return this.errorExpr();
    const c = node.children as Children;
    const operands = subs(c, "unary").map((n) => this.unary(n));
    if (operands.length === 0) return this.errorExpr();
    const operators = [...(c["Kw_and"] ?? []), ...(c["Kw_or"] ?? [])]
      .filter((t): t is IToken => isToken(t))
      .sort((a, b) => a.startOffset - b.startOffset)
      .map((t) => t.image);
    const groups: A.Expr[][] = [[operands[0]!]];
    for (let i = 1; i < operands.length; i++) {
      if (operators[i - 1] === "or") groups.push([operands[i]!]);
      else groups[groups.length - 1]!.push(operands[i]!);
    }
    const conjunctions = groups.map((g) => (g.length === 1 ? g[0]! : this.nary("And", g)));
    return conjunctions.length === 1 ? conjunctions[0]! : this.nary("Or", conjunctions);
  }

  private nary(kind: "And" | "Or", operands: A.Expr[]): A.Expr {
    const span = { start: operands[0]!.span.start, end: operands[operands.length - 1]!.span.end };
    return { kind, id: freshId(), span, operands };
  }

  private unary(node: CstNode): A.Expr {
    const c = node.children as Children;
    let expr = this.comparison(node);
    const nots = (c["Kw_not"] ?? []).filter((t): t is IToken => isToken(t) && validToken(t) !== undefined);
    for (let i = nots.length - 1; i >= 0; i--) {
      expr = { kind: "Not", id: freshId(), span: { start: nots[i]!.startOffset, end: expr.span.end }, operand: expr };
    }
    return expr;
  }

  private comparison(node: CstNode): A.Expr {
    const c = node.children as Children;
    const left = this.operand(sub(c, "left"));
    const comparator = sub(c, "comparator");
    if (!comparator) return left;
    const cc = comparator.children as Children;
    let op: A.Comparator;
    if (cc["Kw_exceeds"]) op = "exceeds";
    else if (cc["Kw_least"]) op = "at least";
    else if (cc["Kw_most"]) op = "at most";
    else if (cc["Kw_below"]) op = "below";
    else if (cc["Kw_is"]) op = cc["Kw_not"] ? "is not" : "is";
    else if (cc["Kw_contains"]) op = "contains";
    else if (cc["ComparisonSymbol"]) op = "exceeds";
    else op = cc["Kw_not"] ? "not in" : "in";
    const opSpan = this.span(comparator);
    const symbol = validToken(tok(cc, "ComparisonSymbol"));
    if (symbol) {
      op = SYMBOL_COMPARATORS[symbol.image] ?? "exceeds";
      this.problems.push({ kind: "operator-symbol", span: opSpan, symbol: symbol.image, replacement: op });
    }
    const right = this.operand(sub(c, "right"));
    return { kind: "Compare", id: freshId(), span: { start: left.span.start, end: Math.max(right.span.end, opSpan.end) }, op, opSpan, left, right };
  }

  private operand(node: CstNode | undefined): A.Expr {
    if (!node) return this.errorExpr();
    const c = node.children as Children;
    const span = this.span(node);
    const expr = sub(c, "expression");
    if (expr) return this.expression(expr);
    const list = sub(c, "listExpr");
    if (list) return { kind: "List", id: freshId(), span, items: subs(list.children as Children, "expression").map((e) => this.expression(e)) };
    const agg = sub(c, "aggregate");
    if (agg) return this.aggregate(agg);
    const str = tok(c, "StringToken");
    if (str) return this.string(str, span.end);
    if (c["NumberLiteral"]) return this.money(node);
    const percent = tok(c, "PercentLiteral");
    if (percent) return this.percent(percent);
    const dt = sub(c, "dateTime");
    if (dt) return this.dateTime(dt);
    if (tok(c, "Kw_true")) return { kind: "Bool", id: freshId(), span, value: true };
    if (tok(c, "Kw_false")) return { kind: "Bool", id: freshId(), span, value: false };
    if (c["root"]) {
      const pc = c;
      const segments = [this.name(tok(pc, "root"))];
      const rest = pc["segment"] ?? [];
      for (let i = 0; i < rest.length; i++) segments.push(this.name(tok(pc, "segment", i)));
      // A dot without its field means the parser recovered here; the syntax error is the only report.
      const dots = (pc["Dot"] ?? []).length;
      if (segments.some((s) => s.text === "") || dots !== segments.length - 1) return this.errorExpr();
      return { kind: "Path", id: freshId(), span, segments };
    }
    return this.errorExpr();
  }

  private aggregate(node: CstNode): A.AggregateExpr {
    const c = node.children as Children;
    const fn: A.AggregateFn = c["Kw_subtotal"] ? "subtotal" : c["Kw_quantity"] ? "quantity" : "count";
    const scope = sub(c, "scopeRef");
    return {
      kind: "Aggregate",
      id: freshId(),
      span: this.span(node),
      fn,
      scope: scope ? this.scopeRef(scope) : undefined,
      base: this.base(sub(c, "discountBase")),
    };
  }

  private errorExpr(): A.ErrorExpr {
    return { kind: "Error", id: freshId(), span: { start: this.lastOffset, end: this.lastOffset } };
  }
}
