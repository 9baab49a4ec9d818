import type * as A from "../ast/nodes.js";
import { attributionClauseText, programClauseText, type AffiliateTextHelpers } from "./attribution.js";
import { lex } from "../lexer/lexer.js";
import { Kw, LBrace, RBrace } from "../lexer/tokens.js";
import type { Comment, ParseResult } from "../parser/parse.js";
import { appendAll } from "../util/arrays.js";
import { campaignClauseText, campaignHeader, type PrintKit } from "./campaign.js";

/** Lines longer than this break (top-level `and`/`or` chains, records and value lists). */
export const MAX_WIDTH = 100;
const INDENT = 2;

/** One printed line before rendering: indentation, code (or a whole comment), an optional trailing comment. */
export interface Line {
  indent: number;
  text: string;
  /** A comment printed at the end of this line, one space after the code. */
  trailing: Comment | undefined;
  /** Print one blank line before this line (ignored at the start of the output and never doubled). */
  blank: boolean;
  /** The line is a comment on its own line. */
  comment: boolean;
}

function codeLine(indent: number, text: string): Line {
  return { indent, text, trailing: undefined, blank: false, comment: false };
}

function commentLine(indent: number, comment: Comment, blank = false): Line {
  return { indent, text: comment.text.trimEnd(), trailing: undefined, blank, comment: true };
}

/**
 * The comments of a file, each handed out exactly once. Printers `take` the comments that lie in the source range
 * they are responsible for, so a comment can be neither lost nor printed twice.
 */
class CommentPool {
  private readonly used: boolean[];

  constructor(private readonly comments: readonly Comment[]) {
    this.used = comments.map(() => false);
  }

  private lowerBound(offset: number): number {
    let low = 0;
    let high = this.comments.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.comments[mid]!.span.start < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The unused comments starting in [start, end), in source order; they are marked used. */
  take(start: number, end: number): Comment[] {
    const found: Comment[] = [];
    for (let i = this.lowerBound(start); i < this.comments.length && this.comments[i]!.span.start < end; i++) {
      if (this.used[i]) continue;
      this.used[i] = true;
      found.push(this.comments[i]!);
    }
    return found;
  }

  has(start: number, end: number): boolean {
    for (let i = this.lowerBound(start); i < this.comments.length && this.comments[i]!.span.start < end; i++) {
      if (!this.used[i]) return true;
    }
    return false;
  }

  rest(): Comment[] {
    return this.take(-Infinity, Infinity);
  }
}

const WHITESPACE = /[ \t\r\n\f\v\u00a0\ufeff]/;

type ExampleItem = { kind: "cart" | "expect"; span: A.Span; record: A.RecordValue } | { kind: "cartFile"; span: A.Span; file: A.StringLit };

/** Line indices (into `Printer.lines`) of one top-level declaration: its first own line and its last line. */
export interface DeclLines {
  first: number;
  last: number;
}

/**
 * Prints a parsed file in the canonical layout, from the AST. The source text is consulted only for what the AST
 * does not keep: comments, blank lines, how a quoted key or example name was written, and `coin` versus `coins`.
 */
export class Printer {
  readonly lines: Line[] = [];
  readonly decls: DeclLines[] = [];
  private readonly text: string;
  private readonly pool: CommentPool;

  constructor(private readonly parsed: ParseResult) {
    this.text = parsed.source.text;
    this.pool = new CommentPool([...parsed.comments].sort((a, b) => a.span.start - b.span.start));
  }

  print(): this {
    this.sequence(this.lines, this.parsed.ast.declarations, 0, undefined, 0, this.text.length, (d, indent) => this.declaration(d, indent), {
      topLevel: true,
      onItem: (_index, first, last) => this.decls.push({ first, last }),
    });
    // Every comment is placed above; should one ever slip through, it is kept at the end rather than lost.
    for (const c of this.pool.rest()) this.lines.push(commentLine(0, c, this.lines.length > 0));
    return this;
  }

  // ---- layout of sequences and comments ----

  /**
   * A sequence of items (declarations, clauses, rules, record entries, list items) between an opener and a closer.
   * Comments between items become trailing comments (same line as the previous item's end) or own-line comments
   * above the next item; comments after the last item stay before the closer. Blank lines follow the source (at most
   * one); at top level a declaration printed on several lines is always separated by one.
   */
  private sequence<T extends { span: A.Span }>(
    out: Line[],
    items: readonly T[],
    indent: number,
    opener: Line | undefined,
    openEnd: number,
    close: number,
    print: (item: T, indent: number) => Line[],
    options: { topLevel?: boolean; onItem?: (index: number, first: number, last: number) => void } = {},
  ): void {
    let prevEnd = openEnd;
    let prevLast = opener;
    let prevMulti = false;
    let started = false;
    items.forEach((item, index) => {
      const leading = this.gap(prevEnd, item.span.start, prevLast);
      const body = print(item, indent);
      let hoisted = 0;
      while (hoisted < body.length && body[hoisted]!.comment) hoisted++;
      const multi = body.length - hoisted > 1;
      const separated = (sourceBlank: boolean) => started && (sourceBlank || (options.topLevel === true && (prevMulti || multi)));
      leading.forEach((c, k) => {
        const blank = this.blankBefore(c.span.start);
        out.push(commentLine(indent, c, k === 0 ? separated(blank) : blank));
      });
      const itemBlank = leading.length > 0 ? this.blankBefore(item.span.start) : separated(this.blankBefore(item.span.start));
      for (let k = 0; k <= hoisted && k < body.length; k++) body[k]!.blank = k === 0 ? itemBlank : false;
      const first = out.length;
      appendAll(out, body);
      options.onItem?.(index, first, out.length - 1);
      prevEnd = item.span.end;
      prevLast = body[body.length - 1];
      prevMulti = multi;
      started = true;
    });
    for (const c of this.gap(prevEnd, close, prevLast)) {
      out.push(commentLine(indent, c, started && this.blankBefore(c.span.start)));
      started = true;
    }
  }

  /** Takes the comments in [from, to): the first becomes `previous`'s trailing comment if it is on its line. */
  private gap(from: number, to: number, previous: Line | undefined): Comment[] {
    const found = this.pool.take(from, to);
    const first = found[0];
    if (first && previous && previous.trailing === undefined && !this.newlineBetween(from, first.span.start)) {
      previous.trailing = first;
      found.shift();
    }
    return found;
  }

  private newlineBetween(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const ch = this.text.charCodeAt(i);
      if (ch === 10 || ch === 13) return true;
    }
    return false;
  }

  /** Whether the whitespace just before `offset` contains a blank line. */
  private blankBefore(offset: number): boolean {
    let breaks = 0;
    for (let i = offset - 1; i >= 0; i--) {
      const ch = this.text[i]!;
      if (!WHITESPACE.test(ch)) break;
      if (ch === "\n" || (ch === "\r" && this.text[i + 1] !== "\n")) breaks++;
    }
    return breaks >= 2;
  }

  /** The offset of the first character at or after `offset` that is neither whitespace nor inside a comment. */
  private skipTrivia(offset: number): number {
    let i = offset;
    while (i < this.text.length) {
      const ch = this.text[i]!;
      if (WHITESPACE.test(ch)) i++;
      else if (ch === "#") {
        while (i < this.text.length && this.text[i] !== "\n" && this.text[i] !== "\r") i++;
      } else break;
    }
    return i;
  }

  private slice(span: A.Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** An item printed on one line; comments inside it go on their own lines above it. */
  private single(span: A.Span, indent: number, text: string): Line[] {
    return [...this.pool.take(span.start, span.end).map((c) => commentLine(indent, c)), codeLine(indent, text)];
  }

  /** `header {` items `}`; comments before the `{` go above the header, comments after it on its line stay there. */
  private block<T extends { span: A.Span }>(
    header: string,
    span: A.Span,
    headerEnd: number,
    items: readonly T[],
    indent: number,
    print: (item: T, indent: number) => Line[],
  ): Line[] {
    const brace = this.skipTrivia(headerEnd);
    const close = span.end - 1;
    const lines = this.pool.take(span.start, brace).map((c) => commentLine(indent, c));
    if (items.length === 0 && !this.pool.has(brace, close)) {
      lines.push(codeLine(indent, `${header} {}`));
      return lines;
    }
    const opener = codeLine(indent, `${header} {`);
    lines.push(opener);
    this.sequence(lines, items, indent + INDENT, opener, brace + 1, close, print);
    lines.push(codeLine(indent, "}"));
    return lines;
  }

  /** The source text of a declaration as written (line ends normalized, trailing whitespace removed). */
  private verbatim(span: A.Span, indent: number): Line[] {
    this.pool.take(span.start, span.end);
    const [first = "", ...rest] = this.slice(span).split(/\r\n|\r|\n/);
    return [codeLine(indent, first.trimEnd()), ...rest.map((l) => codeLine(0, l.trimEnd()))];
  }

  // ---- declarations ----

  private declaration(d: A.Declaration, indent: number): Line[] {
    switch (d.kind) {
      case "Scope":
        return this.exprLines(`scope ${d.name.text} = `, d.predicate, d.span, indent);
      case "Stacking":
        return this.block("stacking", d.span, d.span.start + "stacking".length, d.rules, indent, (r, i) => this.single(r.span, i, this.stackingRule(r)));
      case "Promotion":
        return this.block(`promotion ${d.name.text}`, d.span, d.name.span.end, d.clauses, indent, (c, i) => this.clause(c, i));
      case "Example":
        return this.example(d, indent);
      case "Import":
        return this.single(d.span, indent, `import ${d.path.raw}`);
      case "Currency":
        return this.single(d.span, indent, `currency ${d.code.text}`);
      case "Attribute": {
        const element = d.type.element ? ` of ${d.type.element.text}` : "";
        return this.single(d.span, indent, `attribute ${d.root.text}.${d.name.text}: ${d.type.head.text}${element}`);
      }
      case "Window":
        return this.single(d.span, indent, `window ${d.name.text} = ${this.windowSpec(d.window)}`);
      case "Group":
        return this.single(d.span, indent, `group ${d.name.text} = ${this.nameList(d.members)}`);
      case "Earn": {
        const word = this.text.startsWith("coins", this.skipTrivia(d.coins.span.end)) ? "coins" : "coin";
        const limits = d.limits.map((l) => ` limit ${this.limitSpec(l)}`).join("");
        const per = d.per ? this.money(d.per) : (d.unit?.text ?? "purchase");
        const scope = d.scope ? ` on ${this.scopeRef(d.scope)}` : "";
        return this.single(d.span, indent, `earn ${d.coins.text} ${word} per ${per}${scope}${limits}`);
      }
      case "Campaign": {
        const kit = this.campaignKit();
        return this.block(campaignHeader(d, kit), d.span, d.name.span.end, d.clauses, indent, (c, i) => this.single(c.span, i, campaignClauseText(c, kit)));
      }
      case "Commission":
        return this.block("commission", d.span, d.span.start + "commission".length, d.entries, indent, (e, i) =>
          this.single(e.span, i, `${e.head.text}${e.category ? ` ${e.category.raw}` : ""} ${e.rate.text}%`),
        );
      case "Attribution":
        return this.block(`attribution ${d.name.text}`, d.span, d.name.span.end, d.clauses, indent, (c, i) =>
          this.single(c.span, i, attributionClauseText(c, this.affiliateText)),
        );
      case "AttributionExample":
        return this.single(d.span, indent, `attribution example ${d.name.raw} from ${d.file.raw}`);
      case "AffiliateProgram":
        return this.block(`affiliate ${d.keyword.text} ${d.name.text}`, d.span, d.name.span.end, d.clauses, indent, (c, i) =>
          this.single(c.span, i, programClauseText(c, this.affiliateText)),
        );
    }
  }

  /** The helpers the campaign printer (formatter/campaign.ts) shares with this one. */
  private campaignKit(): PrintKit {
    return {
      text: this.text,
      expr: (e) => this.expr(e),
      dateTime: (d) => this.dateTime(d),
      windowSpec: (w) => this.windowSpec(w),
      duration: (d) => this.duration(d),
    };
  }
  /** Lent to formatter/attribution.ts. */
  private readonly affiliateText: AffiliateTextHelpers = { windowRef: (w) => this.windowRef(w), duration: (d) => this.duration(d) };

  private stackingRule(r: A.StackingRule): string {
    if (r.kind === "Select") return `select ${r.mode.text}`;
    // `of` is optional and the AST does not record it: keep it when it was written.
    const of = /^of(?![A-Za-z0-9_]|-[A-Za-z0-9_])/.test(this.text.slice(this.skipTrivia(r.count.span.end), r.selector.span.start)) ? "of " : "";
    return `at most ${r.count.text} ${of}${this.selector(r.selector)} per ${r.per.text}`;
  }

  private clause(c: A.Clause, indent: number): Line[] {
    if (c.kind === "When") return this.exprLines("when ", c.condition, c.span, indent);
    return this.single(c.span, indent, this.clauseText(c));
  }

  private clauseText(c: Exclude<A.Clause, A.WhenClause>): string {
    switch (c.kind) {
      case "Title":
        return `title ${c.text.raw}`;
      case "Description":
        return `description ${c.text.raw}`;
      case "KindClause":
        return `kind ${c.name.text}`;
      case "Code":
        return `code ${c.code.raw}`;
      case "Valid":
        return `valid ${this.windowRef(c.window)}`;
      case "Collect":
        return `collect ${this.windowRef(c.window)}`;
      case "Expires":
        return `expires ${this.duration(c.duration)} after activation`;
      case "Locked":
        return `locked ${this.duration(c.duration)} after failed payment`;
      case "NotTransferable":
        return "not transferable";
      case "Give":
        return `give ${this.benefit(c.benefit)}`;
      case "Priority":
        return `priority ${c.value.text}`;
      case "Exclusive":
        return c.with ? `exclusive with ${this.selector(c.with)}` : "exclusive";
      case "Combines":
        return `combines with ${this.selector(c.with)}`;
      case "Limit":
        return `limit ${this.limitSpec(c.limit)}`;
      case "OnCancel":
        return `on ${c.event.text} ${c.action.text} ${c.object.text}`;
      case "OnReturn":
        return `on return ${c.action.text} ${c.object.text}`;
      case "Funded":
        return `funded by ${c.shares.map((s) => `${s.party.text}${s.percent ? ` ${s.percent.text}%` : ""}`).join(", ")}`;
    }
  }

  /**
   * A clause or declaration ending in an expression. A top-level `and`/`or` chain breaks before each operand when
   * the line would pass MAX_WIDTH or when comments sit between its operands (so they stay next to their operand).
   */
  private exprLines(prefix: string, expr: A.Expr, span: A.Span, indent: number): Line[] {
    const flat = prefix + this.expr(expr);
    if ((expr.kind === "And" || expr.kind === "Or") && expr.operands.length > 1) {
      const ops = expr.operands;
      const first = ops[0]!;
      if (indent + flat.length > MAX_WIDTH || this.pool.has(first.span.end, span.end)) {
        const word = expr.kind === "And" ? "and" : "or";
        const inner = indent + INDENT;
        const lines = this.pool.take(span.start, first.span.end).map((c) => commentLine(indent, c));
        let previous = codeLine(indent, prefix + this.operand(first));
        lines.push(previous);
        for (let k = 1; k < ops.length; k++) {
          const op = ops[k]!;
          for (const c of this.gap(ops[k - 1]!.span.end, op.span.start, previous)) lines.push(commentLine(inner, c));
          // Operand spans exclude their parentheses: the last operand also owns comments before a closing `)`.
          const end = k === ops.length - 1 ? span.end : op.span.end;
          for (const c of this.pool.take(op.span.start, end)) lines.push(commentLine(inner, c));
          previous = codeLine(inner, `${word} ${this.operand(op)}`);
          lines.push(previous);
        }
        const stray = this.pool.take(span.start, span.end).map((c) => commentLine(indent, c));
        return [...stray, ...lines];
      }
    }
    return this.single(span, indent, flat);
  }

  // ---- examples and values ----

  private example(d: A.ExampleDecl, indent: number): Line[] {
    const items = this.exampleItems(d);
    // The grammar accepts repeated `cart`/`expect` but the AST keeps the first of each: never drop the others.
    if (!items) return this.verbatim(d.span, indent);
    return this.block(`example ${this.slice(d.name.span)}`, d.span, d.name.span.end, items, indent, (item, i) => this.exampleItem(item, i));
  }

  /** The `cart`/`expect` entries of an example in source order, with the span each covers from its keyword on. */
  private exampleItems(d: A.ExampleDecl): ExampleItem[] | undefined {
    const tokens = lex(this.slice(d.span)).tokens;
    const base = d.span.start;
    const open = tokens.findIndex((t) => t.tokenType === LBrace);
    const found: { kind: "cart" | "expect"; start: number; end: number; from: boolean }[] = [];
    let depth = 0;
    for (let i = open + 1; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenType === RBrace && depth === 0) break;
      if (depth === 0 && (t.tokenType === Kw.cart || t.tokenType === Kw.expect)) {
        const from = tokens[i + 1]?.tokenType === Kw.from;
        found.push({ kind: t.tokenType === Kw.cart ? "cart" : "expect", start: base + t.startOffset, end: base + t.startOffset, from });
      }
      if (t.tokenType === LBrace) depth++;
      else if (t.tokenType === RBrace) depth--;
      const current = found[found.length - 1];
      if (current) current.end = base + (t.endOffset ?? t.startOffset) + 1;
    }
    const carts = found.filter((f) => f.kind === "cart");
    const expects = found.filter((f) => f.kind === "expect");
    if (carts.length !== (d.cart || d.cartFile ? 1 : 0) || expects.length !== (d.expect ? 1 : 0)) return undefined;
    const items: ExampleItem[] = [];
    for (const f of found) {
      const span = { start: f.start, end: f.end };
      if (f.kind === "expect" && d.expect) items.push({ kind: "expect", span, record: d.expect });
      else if (f.kind === "cart" && f.from && d.cartFile) items.push({ kind: "cartFile", span, file: d.cartFile });
      else if (f.kind === "cart" && !f.from && d.cart) items.push({ kind: "cart", span, record: d.cart });
      else return undefined;
    }
    return items;
  }

  private exampleItem(item: ExampleItem, indent: number): Line[] {
    if (item.kind === "cartFile") return this.single(item.span, indent, `cart from ${item.file.raw}`);
    const hoisted = this.pool.take(item.span.start, item.record.span.start).map((c) => commentLine(indent, c));
    return [...hoisted, ...this.valueLines(item.record, indent, `${item.kind} `, "")];
  }

  /**
   * `prefix` + value + `suffix`. A record or list stays on one line when it fits, holds no record and no comment;
   * otherwise it prints one entry per line, each followed by a comma.
   */
  private valueLines(v: A.Value, indent: number, prefix: string, suffix: string): Line[] {
    if (v.kind !== "Record" && v.kind !== "ListValue") return [codeLine(indent, prefix + this.value(v) + suffix)];
    const children: readonly A.Value[] = v.kind === "Record" ? v.entries.map((e) => e.value) : v.items;
    const hasComments = this.pool.has(v.span.start, v.span.end);
    if (!hasComments) {
      const flat = prefix + this.value(v) + suffix;
      if (children.length === 0 || (!containsRecord(v) && indent + flat.length <= MAX_WIDTH)) return [codeLine(indent, flat)];
    }
    const [open, close] = v.kind === "Record" ? ["{", "}"] : ["[", "]"];
    const opener = codeLine(indent, prefix + open);
    const lines = [opener];
    const inner = indent + INDENT;
    if (v.kind === "Record") {
      this.sequence(lines, v.entries, inner, opener, v.span.start + 1, v.span.end - 1, (e, i) => this.entryLines(e, i));
    } else {
      this.sequence(lines, v.items, inner, opener, v.span.start + 1, v.span.end - 1, (item, i) => this.itemLines(item, i));
    }
    lines.push(codeLine(indent, close + suffix));
    return lines;
  }

  private entryLines(e: A.RecordEntry, indent: number): Line[] {
    const nested = e.value.kind === "Record" || e.value.kind === "ListValue";
    const hoisted = this.pool.take(e.span.start, nested ? e.value.span.start : e.span.end).map((c) => commentLine(indent, c));
    return [...hoisted, ...this.valueLines(e.value, indent, `${this.slice(e.key.span)}: `, ",")];
  }

  private itemLines(v: A.Value, indent: number): Line[] {
    if (v.kind === "Record" || v.kind === "ListValue") return this.valueLines(v, indent, "", ",");
    return this.single(v.span, indent, this.value(v) + ",");
  }

  /** A value on one line. */
  private value(v: A.Value): string {
    switch (v.kind) {
      case "String":
        return v.raw;
      case "Number":
        return this.money(v);
      case "Percent":
        return `${v.text}%`;
      case "DateTime":
        return this.dateTime(v);
      case "Word":
        return v.text;
      case "ListValue":
        return `[${v.items.map((i) => this.value(i)).join(", ")}]`;
      case "Record":
        if (v.entries.length === 0) return "{}";
        return `{ ${v.entries.map((e) => `${this.slice(e.key.span)}: ${this.value(e.value)}`).join(", ")} }`;
    }
  }

  // ---- small pieces ----

  private money(m: A.MoneyLit): string {
    return m.currency ? `${m.text} ${m.currency.text}` : m.text;
  }

  private dateTime(d: A.DateTimeLit): string {
    return d.zone ? `${d.text} in ${d.zone.text}` : d.text;
  }

  private windowSpec(w: A.WindowSpec): string {
    return `from ${w.start.text} to ${w.end.text} in ${w.zone.text}`;
  }

  private windowRef(w: A.WindowRef): string {
    return w.kind === "WindowSpec" ? this.windowSpec(w) : w.text;
  }

  private duration(d: A.Duration): string {
    return `${d.amount.text} ${d.unit.text}`;
  }

  private nameList(names: readonly A.Name[]): string {
    return `[${names.map((n) => n.text).join(", ")}]`;
  }

  private selector(s: A.Selector): string {
    return s.bracketed ? this.nameList(s.names) : (s.names[0]?.text ?? "");
  }

  private limitSpec(l: A.LimitSpec): string {
    const parts: string[] = [];
    if (l.budget) parts.push(`budget ${this.money(l.budget)}`);
    else if (l.count) parts.push(l.unit ? `${l.count.text} ${l.unit.text}` : l.count.text);
    for (const p of l.per) parts.push(`per ${p.text}`);
    return parts.join(" ");
  }

  private maxUnits(m: A.MaxUnits | undefined): string {
    return m ? ` max ${m.count.text} ${m.unitWord.text}` : "";
  }

  private scopeRef(s: A.ScopeRef): string {
    return s.kind === "ScopeName" ? s.name.text : `(${this.expr(s.predicate)})`;
  }

  private benefit(b: A.Benefit): string {
    switch (b.kind) {
      case "Discount": {
        const value = b.value.kind === "Percent" ? `${b.value.text}%` : this.money(b.value);
        const target = b.target.kind === "OrderTarget" ? "order" : b.target.kind === "ShippingTarget" ? "shipping" : this.scopeRef(b.target);
        const base = b.base ? ` ${b.base} discounts` : "";
        const cap = b.cap ? ` up to ${this.money(b.cap)}` : "";
        return `${value} off ${b.eachUnit ? "each unit of " : ""}${target}${base}${cap}${this.maxUnits(b.maxUnits)}`;
      }
      case "FixedPrice":
        return `price ${this.money(b.price)} on ${this.scopeRef(b.scope)}${this.maxUnits(b.maxUnits)}`;
      case "Pack":
        return `pack [${b.skus.map((s) => s.raw).join(", ")}] for ${this.money(b.price)}`;
      case "CheapestFree":
        return `cheapest ${b.free.text} free for every ${b.every.text} of ${this.scopeRef(b.scope)}`;
      case "FreeShipping":
        return "free shipping";
      case "Coins": {
        const cap = b.capPercent ? ` up to ${b.capPercent.text}% of order${b.capWithShipping ? " and shipping" : ""}` : "";
        const scope = b.scope ? ` on ${this.scopeRef(b.scope)}` : "";
        return `coins at ${b.coins.text} per ${this.money(b.per)}${cap}${scope}`;
      }
    }
  }

  // ---- expressions ----

  /** An operand of an n-ary `and`/`or`: a nested chain keeps its parentheses, so the AST survives a round trip. */
  private operand(e: A.Expr): string {
    return e.kind === "And" || e.kind === "Or" ? `(${this.expr(e)})` : this.expr(e);
  }

  private expr(e: A.Expr): string {
    switch (e.kind) {
      case "Or":
        return e.operands.map((o) => this.operand(o)).join(" or ");
      case "And":
        return e.operands.map((o) => this.operand(o)).join(" and ");
      case "Not": {
        const inner = this.expr(e.operand);
        const wrap = e.operand.kind === "And" || e.operand.kind === "Or" || e.operand.kind === "Compare";
        return `not ${wrap ? `(${inner})` : inner}`;
      }
      case "Compare": {
        // A zone-less date before `in` would read as the date's time zone: `2026-01-01 in X`.
        const dateBeforeIn = e.op === "in" && e.left.kind === "DateTime" && e.left.zone === undefined;
        return `${this.side(e.left, dateBeforeIn)} ${e.op} ${this.side(e.right, false)}`;
      }
      case "List":
        return `[${e.items.map((i) => this.expr(i)).join(", ")}]`;
      case "Aggregate": {
        const scope = e.scope ? ` of ${this.scopeRef(e.scope)}` : "";
        const base = e.base ? ` ${e.base} discounts` : "";
        return `${e.fn}${scope}${base}`;
      }
      case "Path":
        return e.segments.map((s) => s.text).join(".");
      case "String":
        return e.raw;
      case "Number":
        return this.money(e);
      case "Percent":
        return `${e.text}%`;
      case "DateTime":
        return this.dateTime(e);
      case "Bool":
        return e.value ? "true" : "false";
      case "Error":
        return "";
    }
  }

  private side(e: A.Expr, force: boolean): string {
    const wrap = force || e.kind === "And" || e.kind === "Or" || e.kind === "Not" || e.kind === "Compare";
    return wrap ? `(${this.expr(e)})` : this.expr(e);
  }
}

function containsRecord(v: A.Value): boolean {
  if (v.kind === "Record") return v.entries.some((e) => e.value.kind === "Record" || containsRecord(e.value));
  if (v.kind === "ListValue") return v.items.some((i) => i.kind === "Record" || containsRecord(i));
  return false;
}

/** The printed lines as text, with the output offsets where each line starts and ends (before its newline). */
export function render(lines: readonly Line[]): { text: string; starts: number[]; ends: number[] } {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const line of lines) {
    if (line.blank && out.length > 0 && out[out.length - 1] !== "") {
      out.push("");
      offset += 1;
    }
    const trailing = line.trailing ? ` ${line.trailing.text.trimEnd()}` : "";
    const text = (line.text === "" && !trailing ? "" : " ".repeat(line.indent) + line.text + trailing).trimEnd();
    starts.push(offset);
    ends.push(offset + text.length);
    out.push(text);
    offset += text.length + 1;
  }
  return { text: out.length > 0 ? out.join("\n") + "\n" : "", starts, ends };
}
