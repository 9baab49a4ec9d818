import { BUILTIN_FIELDS, BUILTIN_GROUPS, CAMPAIGN_FACTS, FIELD_DOCS, KINDS, REJECTION_REASONS, typeName } from "@promo/dsl";
import { CURRENCY_CODES, currencyExponent, listTimeZones, REGION_CODES } from "@promo/runtime";
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Position,
  type Range,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Feature } from "../feature.js";
import { analysesOf } from "../editing/analysis.js";
import { assist, type NextToken } from "../editing/assist.js";
import { cursorContext, isKeyword, isType, keywordText, openBracket, type CursorContext, type Token } from "../editing/lexical.js";
import { forgetNames, namesFor, type Names } from "../editing/names.js";
import { describeShape, recordSpot, valueKinds } from "../editing/records.js";
import { declarationSnippets } from "../editing/snippets.js";
import { entryOf } from "../navigation/docs.js";
import {
  ATTRIBUTE_TYPES,
  BUILTIN_GROUP_DOCS,
  DURATION_UNITS,
  KEYWORD_DOCS,
  KIND_DOCS,
  LIMIT_ENTITIES,
  LIMIT_PERIODS,
  LIMIT_UNITS,
  LOCK_UNITS,
  ROOT_DOCS,
  SELECTION_MODES,
  STACKING_ENTITIES,
} from "../editing/vocabulary.js";

let zoneSet: Set<string> | undefined;
function isZone(name: string): boolean {
  zoneSet ??= new Set(listTimeZones());
  return zoneSet.has(name);
}

/** How many time zones one answer lists (the list is marked incomplete, so typing more asks again). */
const MAX_ZONES = 100;

/** Sort groups: values that fit the position first, then keywords, then snippets. */
const SORT = { first: "0", value: "1", keyword: "2", snippet: "3" } as const;

class Items {
  private readonly items = new Map<string, CompletionItem>();
  incomplete = false;

  constructor(private readonly range: Range) {}

  add(
    label: string,
    kind: CompletionItemKind,
    sort: string,
    extra: { detail?: string; doc?: string; insert?: string; snippet?: boolean; preselect?: boolean } = {},
  ): void {
    if (this.items.has(label)) return;
    const item: CompletionItem = {
      label,
      kind,
      sortText: `${sort}_${label}`,
      filterText: label,
      textEdit: { range: this.range, newText: extra.insert ?? label },
    };
    if (extra.detail) item.detail = extra.detail;
    if (extra.doc) item.documentation = { kind: MarkupKind.Markdown, value: extra.doc };
    if (extra.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
    if (extra.preselect) item.preselect = true;
    this.items.set(label, item);
  }

  keyword(phrase: string, depth: number): void {
    const doc = entryOf(KEYWORD_DOCS, phrase);
    this.add(phrase, CompletionItemKind.Keyword, `${SORT.keyword}${String(99 - Math.min(depth, 99)).padStart(2, "0")}`, doc ? { detail: doc } : {});
  }

  list(): CompletionItem[] {
    return [...this.items.values()];
  }
}

/** Keywords that read better completed with the words that always follow them in that rule. */
function phrases(keyword: string, rule: string | undefined): string[] {
  switch (`${rule}:${keyword}`) {
    case "comparator:at":
      return ["at least", "at most"];
    case "comparator:is":
      return ["is", "is not"];
    case "comparator:not":
      return ["not in"];
    case "stackingRule:at":
      return ["at most"];
    case "discountBase:before":
      return ["before discounts"];
    case "discountBase:after":
      return ["after discounts"];
    case "discountBenefit:up":
    case "coinsBenefit:up":
      return ["up to"];
    case "expiresClause:after":
      return ["after activation"];
    case "lockedClause:after":
      return ["after failed payment"];
    case "transferClause:not":
      return ["not transferable"];
    case "combinesClause:combines":
      return ["combines with"];
    case "discountBenefit:each":
      return ["each unit of"];
    case "freeShippingBenefit:free":
      return ["free shipping"];
    default:
      return [keyword];
  }
}

class Completer {
  constructor(
    private readonly c: CursorContext,
    private readonly names: Names,
    private readonly items: Items,
  ) {}

  private typedCache: { value: string | undefined } | undefined;
  /** Long lists already added (several grammar paths may ask for the same one). */
  private readonly added = new Set<string>();

  private first(list: string): boolean {
    if (this.added.has(list)) return false;
    this.added.add(list);
    return true;
  }

  /** The type of the field compared at the cursor (see `comparedType`), computed once. */
  get typed(): string | undefined {
    this.typedCache ??= { value: this.comparedType() };
    return this.typedCache.value;
  }

  private get last(): Token | undefined {
    return this.c.tokens[this.c.tokens.length - 1];
  }

  fields(root: string): void {
    if (root === "product" || root === "store") return this.campaignFacts(root);
    const builtin = entryOf(BUILTIN_FIELDS, root);
    if (!builtin) return;
    for (const [name, type] of Object.entries(builtin)) {
      const detail = type === "money" ? (this.names.currency ? `Money(${this.names.currency})` : "Money") : typeName(type);
      const doc = entryOf(FIELD_DOCS, `${root}.${name}`);
      this.items.add(name, CompletionItemKind.Field, SORT.first, { detail, ...(doc ? { doc } : {}) });
    }
    for (const [key, info] of this.names.attributes) {
      if (!key.startsWith(root + ".")) continue;
      const name = key.slice(root.length + 1);
      this.items.add(name, CompletionItemKind.Field, SORT.first, { detail: info.display, doc: `Declared attribute \`${key}\`.` });
    }
  }

  /** The facts a campaign requirement may test on a product or store snapshot (`require … : product.rating …`). */
  campaignFacts(root: string): void {
    for (const [key, fact] of Object.entries(CAMPAIGN_FACTS)) {
      if (!key.startsWith(root + ".")) continue;
      this.items.add(key.slice(root.length + 1), CompletionItemKind.Field, SORT.first, { detail: fact.type, doc: `${fact.doc} (\`${fact.path}\`)` });
    }
  }

  kinds(): void {
    for (const kind of KINDS) this.items.add(kind, CompletionItemKind.EnumMember, SORT.first, { detail: "kind", doc: KIND_DOCS[kind] });
  }

  scopes(): void {
    for (const [name, info] of this.names.scopes)
      this.items.add(name, CompletionItemKind.Variable, SORT.first, info.doc ? { detail: info.detail, doc: info.doc } : { detail: info.detail });
  }

  windows(): void {
    for (const [name, info] of this.names.windows)
      this.items.add(name, CompletionItemKind.Variable, SORT.first, info.doc ? { detail: info.detail, doc: info.doc } : { detail: info.detail });
  }

  promotions(sort: string = SORT.first): void {
    for (const [name, info] of this.names.promotions)
      this.items.add(name, CompletionItemKind.Reference, sort, info.doc ? { detail: info.detail, doc: info.doc } : { detail: info.detail });
  }

  /** What a stacking selector, a group or `exclusive with` / `combines with` may name. */
  selectors(): void {
    this.kinds();
    for (const name of BUILTIN_GROUPS)
      this.items.add(name, CompletionItemKind.EnumMember, SORT.first, { detail: "selector", doc: BUILTIN_GROUP_DOCS[name] ?? "" });
    for (const [name, info] of this.names.groups)
      this.items.add(name, CompletionItemKind.Variable, SORT.first, info.doc ? { detail: info.detail, doc: info.doc } : { detail: info.detail });
    this.promotions(SORT.value);
  }

  currencies(): void {
    if (!this.first("currencies")) return;
    const mine = this.names.currency;
    for (const code of CURRENCY_CODES) {
      const digits = currencyExponent(code);
      const detail = `ISO 4217${digits === undefined ? "" : `, ${digits} decimal${digits === 1 ? "" : "s"}`}${code === mine ? " (the file's currency)" : ""}`;
      this.items.add(code, CompletionItemKind.EnumMember, code === mine ? SORT.first : SORT.value, { detail, preselect: code === mine });
    }
  }

  regions(): void {
    if (!this.first("regions")) return;
    for (const code of REGION_CODES) this.items.add(code, CompletionItemKind.EnumMember, SORT.first, { detail: "ISO 3166-1 region" });
  }

  zones(): void {
    if (!this.first("zones")) return;
    const prefix = this.c.word.toLowerCase();
    const fits = (z: string) => z.toLowerCase().startsWith(prefix) || z.toLowerCase().includes("/" + prefix);
    // Zones the file already uses come first, then UTC, then the rest in order.
    const used = new Set((this.c.text.match(/\b[A-Z][A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+/g) ?? []).filter((z) => isZone(z)));
    const rank = (z: string) => (used.has(z) ? "a" : z === "UTC" ? "b" : "c");
    const matching = listTimeZones()
      .filter(fits)
      .sort((a, b) => rank(a).localeCompare(rank(b)) || (a < b ? -1 : a > b ? 1 : 0));
    if (matching.length > MAX_ZONES) this.items.incomplete = true;
    for (const zone of matching.slice(0, MAX_ZONES)) {
      this.items.add(zone, CompletionItemKind.EnumMember, SORT.first + rank(zone), {
        detail: used.has(zone) ? "IANA time zone (used in this file)" : "IANA time zone",
      });
    }
  }

  map(entries: Record<string, string>, kind: CompletionItemKind = CompletionItemKind.EnumMember): void {
    for (const [label, doc] of Object.entries(entries)) this.items.add(label, kind, SORT.first, { doc });
  }

  /** An operand of a condition: the field roots (or `line` and scopes, inside a scope), or typed values. */
  operand(rules: readonly string[]): void {
    const typed = this.typed;
    if (typed === "region") return this.regions();
    if (typed === "currency") return this.currencies();
    if (rules.includes("scopeDecl") || rules.includes("scopeRef")) {
      this.items.add("line", CompletionItemKind.Module, SORT.first, { doc: ROOT_DOCS["line"]! });
      this.scopes();
      return;
    }
    for (const root of ["customer", "cart", "shipping", "coupon"]) this.items.add(root, CompletionItemKind.Module, SORT.first, { doc: ROOT_DOCS[root]! });
  }

  /**
   * The element type of the field on the left of the comparison whose right side the cursor is in:
   * `customer.region in [US, <|>` → `region`.
   */
  comparedType(): string | undefined {
    const tokens = this.c.tokens;
    let i = tokens.length - 1;
    if (isType(tokens[i], "Comma", "LBracket")) {
      const open = openBracket(tokens);
      if (open < 0 || !isType(tokens[open], "LBracket")) return undefined;
      i = open - 1;
    }
    const t = tokens[i];
    if (isKeyword(t, "in")) i -= isKeyword(tokens[i - 1], "not") ? 2 : 1;
    else if (isKeyword(t, "not") && isKeyword(tokens[i - 1], "is")) i -= 2;
    else if (isKeyword(t, "is", "contains", "exceeds", "below")) i -= 1;
    else if (isKeyword(t, "least", "most") && isKeyword(tokens[i - 1], "at")) i -= 2;
    else return undefined;
    const field = tokens[i];
    const root = tokens[i - 2];
    if (!field || !root || !isType(tokens[i - 1], "Dot")) return undefined;
    const builtin = entryOf(BUILTIN_FIELDS, root.image);
    const type = builtin && Object.hasOwn(builtin, field.image) ? builtin[field.image] : undefined;
    if (type) return type === "money" ? "money" : type.t === "set" ? type.element.t : type.t;
    return this.names.attributes.get(`${root.image}.${field.image}`)?.base;
  }

  /** A name where the grammar expects an id (`idName`): what it names depends on the rule around it. */
  idName(parent: string | undefined): void {
    switch (parent) {
      case "kindClause":
        return this.kinds();
      case "selector":
      case "nameList":
        return this.selectors();
      case "stackingRule":
        return this.map(STACKING_ENTITIES);
      case "limitSpec": {
        // One entity and one period per limit: offer what is still missing.
        const said = this.limitPers();
        if (!said.some((w) => Object.hasOwn(LIMIT_ENTITIES, w))) this.map(LIMIT_ENTITIES);
        if (!said.some((w) => Object.hasOwn(LIMIT_PERIODS, w))) this.map(LIMIT_PERIODS);
        return;
      }
      default:
        return;
    }
  }

  /** The words after `per` in the limit being typed. */
  private limitPers(): string[] {
    const out: string[] = [];
    const tokens = this.c.tokens;
    for (let i = tokens.length - 1; i > 0; i--) {
      const t = tokens[i]!;
      if (isKeyword(t, "limit")) break;
      if (isKeyword(tokens[i - 1], "per")) out.push(t.image);
    }
    return out;
  }

  next(n: NextToken): void {
    const rule = n.rules[n.rules.length - 1];
    const parent = n.rules[n.rules.length - 2];
    if (rule === "idName") return this.idName(parent);
    const kw = keywordText(n.type);
    if (rule === "operand" && (kw === "shipping" || kw === "cart" || kw === "coins")) return this.operand(n.rules);
    if (kw !== undefined) {
      if (this.typed === "region" || this.typed === "currency") return;
      // Aggregates sum a cart's lines; a scope describes one line.
      if (rule === "aggregate" && (n.rules.includes("scopeDecl") || n.rules.includes("scopeRef"))) return;
      // Deeper rules continue what is being typed; shallower ones start something new.
      for (const phrase of phrases(kw, rule)) this.items.keyword(phrase, n.rules.length);
      return;
    }
    switch (rule) {
      case "scopeRef":
        if (n.type.name === "Identifier") this.scopes();
        return;
      case "validClause":
      case "collectClause":
        if (n.type.name === "Identifier") this.windows();
        return;
      case "money":
      case "currencyDecl":
        if (n.type.name === "Identifier") this.currencies();
        return;
      case "operand":
        if (isType(this.last, "NumberLiteral")) return this.currencies();
        if (n.type.name === "Identifier") this.operand(n.rules);
        return;
      case "windowSpec":
      case "dateTime":
        if (n.type.name === "TimeZoneName" || n.type.name === "Identifier") this.zones();
        return;
      case "attributeDecl":
        if (n.type.name === "Identifier") {
          for (const root of ["customer", "line"]) this.items.add(root, CompletionItemKind.Module, SORT.first, { doc: ROOT_DOCS[root]! });
        }
        return;
      case "typeRef":
        if (isKeyword(this.last, "of")) {
          for (const [name, doc] of Object.entries(ATTRIBUTE_TYPES))
            if (name !== "set" && name !== "money") this.items.add(name, CompletionItemKind.TypeParameter, SORT.first, { doc });
        } else this.map(ATTRIBUTE_TYPES, CompletionItemKind.TypeParameter);
        return;
      case "duration": {
        const units = parent === "lockedClause" ? LOCK_UNITS : DURATION_UNITS;
        const one = this.last?.image === "1";
        for (const unit of units) this.items.add(one ? unit.slice(0, -1) : unit, CompletionItemKind.EnumMember, SORT.first, { detail: "unit" });
        return;
      }
      case "limitSpec":
        if (n.type.name === "Identifier") this.map(LIMIT_UNITS);
        return;
      case "maxUnits":
        this.items.add(this.last?.image === "1" ? "unit" : "units", CompletionItemKind.Keyword, SORT.first);
        return;
      case "stackingRule":
        if (n.type.name === "Identifier") this.map(SELECTION_MODES);
        return;
      default:
        return;
    }
  }

  /** Keys and values inside an example's `cart { … }` and `expect { … }`. */
  record(): void {
    const spot = recordSpot(this.c.tokens);
    if (!spot) return;
    if (spot.at === "key") {
      const attributes = spot.shape.open !== undefined && Object.keys(spot.shape.fields).length === 0;
      if (attributes) {
        for (const [key, info] of this.names.attributes) {
          const [root, name] = key.split(".");
          if (root === spot.shape.open && name && !spot.present.has(name))
            this.items.add(name, CompletionItemKind.Property, SORT.first, { detail: info.display, insert: `${name}: ` });
        }
        return;
      }
      const required = new Set(spot.shape.required ?? []);
      for (const [key, shape] of Object.entries(spot.shape.fields)) {
        if (spot.present.has(key)) continue;
        this.items.add(key, CompletionItemKind.Property, SORT.first, {
          detail: `${describeShape(shape)}${required.has(key) ? " (required)" : ""}`,
          insert: `${key}: `,
        });
      }
      return;
    }
    let kinds: Set<string>;
    let nullable = false;
    if (spot.open && spot.key) {
      kinds = new Set([this.names.attributes.get(`${spot.open}.${spot.key}`)?.base ?? ""]);
    } else ({ kinds, nullable } = valueKinds(spot.shape));
    if (kinds.has("region")) this.regions();
    if (kinds.has("currency")) this.currencies();
    if (kinds.has("promotion")) this.promotions();
    if (kinds.has("reason"))
      for (const reason of REJECTION_REASONS) this.items.add(reason, CompletionItemKind.EnumMember, SORT.first, { detail: "rejection reason" });
    if (kinds.has("bool")) for (const b of ["true", "false"]) this.items.add(b, CompletionItemKind.Keyword, SORT.first);
    if (kinds.has("instant")) {
      this.items.add("date-time in zone", CompletionItemKind.Snippet, SORT.value, {
        detail: "2026-11-10 12:00:00 in UTC",
        insert: "${1:2026-11-10 12:00:00} in ${2:UTC}",
        snippet: true,
      });
    }
    if (nullable) this.items.add("null", CompletionItemKind.Keyword, SORT.first);
  }

  snippets(): void {
    for (const s of declarationSnippets(this.names.currency))
      this.items.add(s.label, CompletionItemKind.Snippet, SORT.snippet, {
        detail: s.detail,
        doc:
          "```promo\n" +
          s.body
            .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, "$1")
            .replace(/\$\{\d+:([^}]*)\}/g, "$1")
            .replace(/\$\{?\d+\}?/g, "") +
          "\n```",
        insert: s.body,
        snippet: true,
      });
  }
}

/** The completion list at `offset` of `text`: lexical context, then the grammar's view of what may follow. */
export function complete(text: string, offset: number, positionAt: (offset: number) => Position, names: () => Names): CompletionList {
  const c = cursorContext(text, offset);
  const empty: CompletionList = { isIncomplete: false, items: [] };
  if (c.inComment || c.inString || c.glued) return empty;
  const items = new Items({ start: positionAt(c.wordStart), end: positionAt(offset) });
  const completer = new Completer(c, names(), items);
  const tokens = c.tokens;
  const last = tokens[tokens.length - 1];

  if (isType(last, "Dot")) {
    // A field path: `customer.<|>` (an attribute declaration names a new field: nothing to offer).
    if (!isKeyword(tokens[0], "attribute")) completer.fields(tokens[tokens.length - 2]?.image ?? "");
    return { isIncomplete: false, items: items.list() };
  }
  const next = assist(tokens, c.newLine);
  if (next.decl === "example") completer.record();
  for (const n of next.next) completer.next(n);
  if (next.depth === 0 && next.next.some((n) => n.type.name === "Kw_promotion")) completer.snippets();
  return { isIncomplete: items.incomplete, items: items.list() };
}

export const completionFeature: Feature = {
  name: "completion",
  capabilities: { completionProvider: { triggerCharacters: [".", "/", "["], resolveProvider: false } },
  register({ connection, workspace, guard }) {
    const analyses = analysesOf(workspace);
    workspace.documents.onDidClose((event) => forgetNames(event.document.uri));
    connection.onCompletion(
      guard("completion", null as CompletionList | null, (params: CompletionParams) => {
        const doc: TextDocument | undefined = workspace.documents.get(params.textDocument.uri);
        if (!doc) return null;
        const text = doc.getText();
        const offset = doc.offsetAt(params.position);
        return complete(
          text,
          offset,
          (o) => doc.positionAt(o),
          () => namesFor(doc.uri, doc.version, text, analyses.recent(doc.uri)),
        );
      }),
    );
  },
};
