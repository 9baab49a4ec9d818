import { typeName, type ast, type Type } from "@promo/dsl";
import type { Analysis } from "../workspace.js";

/** A declared name as completion shows it. */
export interface NameInfo {
  detail: string;
  doc?: string;
}

export interface AttributeInfo {
  /** As shown: `String`, `Set<String>`. */
  display: string;
  /** The element type in lower case (`region` for `Region` and `Set<Region>`), for typed completion. */
  base: string;
}

/** The declared names completion offers: the project's (imports included) and the current text's. */
export interface Names {
  scopes: Map<string, NameInfo>;
  windows: Map<string, NameInfo>;
  groups: Map<string, NameInfo>;
  promotions: Map<string, NameInfo>;
  /** By `root.name`: `customer.vipTier`. */
  attributes: Map<string, AttributeInfo>;
  currency: string | undefined;
}

export function utcInstant(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function baseOf(type: Type): string {
  return type.t === "set" ? baseOf(type.element) : type.t;
}

function sourceText(text: string, span: ast.Span, max = 300): string {
  const s = text.slice(span.start, span.end);
  return s.length > max ? s.slice(0, max) + "…" : s;
}

/** The names of a checked project. */
function fromAnalysis(analysis: Analysis, names: Names): void {
  const { symbols, tables } = analysis.project;
  for (const [name, s] of symbols.scopes) names.scopes.set(name, { detail: "scope", doc: "```promo\n" + sourceText(s.file.text, s.decl.span) + "\n```" });
  for (const [name, s] of symbols.windows) {
    const resolved = tables.windows.get(s.decl.window.id);
    const utc = resolved ? `\n\n${utcInstant(resolved.startMs)} … ${utcInstant(resolved.endMs)} (UTC)` : "";
    names.windows.set(name, { detail: "window", doc: "```promo\n" + sourceText(s.file.text, s.decl.span) + "\n```" + utc });
  }
  for (const [name, s] of symbols.groups) names.groups.set(name, { detail: "group", doc: "```promo\n" + sourceText(s.file.text, s.decl.span) + "\n```" });
  for (const [name, s] of symbols.promotions) {
    const title = s.decl.clauses.find((c): c is ast.TitleClause => c.kind === "Title");
    const kind = s.decl.clauses.find((c): c is ast.KindClause => c.kind === "KindClause");
    names.promotions.set(name, { detail: kind && kind.name.text ? `promotion (${kind.name.text})` : "promotion", ...(title ? { doc: title.text.value } : {}) });
  }
  for (const [key, s] of symbols.attributes) {
    if (s.kind === "attribute") names.attributes.set(key, { display: typeName(s.type), base: baseOf(s.type) });
  }
  const file = analysis.project.files.find((f) => f.parsed.source.path === analysis.path);
  names.currency = file?.currency;
}

const DECLARED = /^[ \t]*(scope|window|group|promotion)[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)/gm;
const ATTRIBUTE = /^[ \t]*attribute[ \t]+(customer|line)[ \t]*\.[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*([a-z]+)(?:[ \t]+of[ \t]+([a-z]+))?/gm;
const CURRENCY = /^[ \t]*currency[ \t]+([A-Z]{3})\b/m;

const DISPLAY: Record<string, string> = {
  int: "Int",
  decimal: "Decimal",
  string: "String",
  bool: "Bool",
  percent: "Percent",
  money: "Money",
  date: "Date",
  datetime: "DateTime",
  region: "Region",
  currency: "Currency",
};

/** Names declared in the current text, found lexically (the analysis may be one edit old). */
function fromText(text: string, names: Names): void {
  const maps: Record<string, Map<string, NameInfo>> = { scope: names.scopes, window: names.windows, group: names.groups, promotion: names.promotions };
  for (const m of text.matchAll(DECLARED)) {
    const map = maps[m[1]!]!;
    if (!map.has(m[2]!)) map.set(m[2]!, { detail: m[1]! });
  }
  for (const m of text.matchAll(ATTRIBUTE)) {
    const key = `${m[1]}.${m[2]}`;
    if (names.attributes.has(key)) continue;
    const head = m[3]!;
    const element = m[4];
    const base = head === "set" && element ? element : head;
    const display = head === "set" && element ? `Set<${DISPLAY[element] ?? element}>` : (DISPLAY[head] ?? head);
    names.attributes.set(key, { display, base });
  }
  const currency = CURRENCY.exec(text)?.[1];
  if (currency) names.currency = currency;
}

const cache = new Map<string, { version: number; analysis: Analysis | undefined; names: Names }>();
const ofAnalysis = new WeakMap<Analysis, Names>();

function empty(): Names {
  return { scopes: new Map(), windows: new Map(), groups: new Map(), promotions: new Map(), attributes: new Map(), currency: undefined };
}

/** The names for a document at a version (memoised per version and analysis; the analysis part per analysis). */
export function namesFor(uri: string, version: number, text: string, analysis: Analysis | undefined): Names {
  const cached = cache.get(uri);
  if (cached && cached.version === version && cached.analysis === analysis) return cached.names;
  let checked = analysis ? ofAnalysis.get(analysis) : undefined;
  if (analysis && !checked) {
    checked = empty();
    fromAnalysis(analysis, checked);
    ofAnalysis.set(analysis, checked);
  }
  const names: Names = checked
    ? {
        scopes: new Map(checked.scopes),
        windows: new Map(checked.windows),
        groups: new Map(checked.groups),
        promotions: new Map(checked.promotions),
        attributes: new Map(checked.attributes),
        currency: checked.currency,
      }
    : empty();
  fromText(text, names);
  cache.set(uri, { version, analysis, names });
  return names;
}

export function forgetNames(uri: string): void {
  cache.delete(uri);
}
