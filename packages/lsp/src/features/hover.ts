import { BUILTIN_FIELDS, CAMPAIGN_FACTS, FIELD_DOCS, typeName, type ast, type ResolvedSymbol, type ResolvedWindow } from "@promo/dsl";
import { MarkupKind, type Hover } from "vscode-languageserver/node";
import { rangeOf } from "../convert.js";
import type { Feature } from "../feature.js";
import { nodesAt } from "../locate.js";
import { BUILTIN_GROUP_DOCS, entryOf, kindDoc, KEYWORD_DOCS, REASON_DOCS } from "../navigation/docs.js";
import { keywordAt } from "../navigation/keywords.js";
import { code, excerpt, instant, moneyLines, windowLines } from "../navigation/present.js";
import { isDeclared, symbolOf, textOf, type DeclaredSymbol } from "../navigation/resolve.js";
import type { Analysis } from "../workspace.js";

/**
 * Hover: fields (type and documentation), declared names (what they are, their source, resolved windows),
 * money literals (minor units and the currency's exponent), keywords (one line each), kinds (meaning and stage).
 */
export const hoverFeature: Feature = {
  name: "hover",
  capabilities: { hoverProvider: true },
  register({ connection, workspace, guard }) {
    connection.onHover(
      guard("hover", null, (params): Hover | null => {
        const analysis = workspace.analyze(params.textDocument.uri);
        if (!analysis) return null;
        return hoverAt(analysis, analysis.document.offsetAt(params.position));
      }),
    );
  },
};

export function hoverAt(analysis: Analysis, offset: number): Hover | null {
  const { project, document } = analysis;
  const chain = nodesAt(analysis.parsed.ast, offset);
  const node = chain[chain.length - 1]!;
  const parent = chain[chain.length - 2];
  const answer = (value: string | undefined, span: ast.Span): Hover | null =>
    value === undefined ? null : { contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(document, span) };

  if ((node.kind === "Name" || node.kind === "Word") && node.span.end > node.span.start) {
    const { symbol } = symbolOf(project, node);
    if (symbol) return answer(symbolHover(analysis, symbol), node.span);
    if (parent?.kind === "Number" && parent.currency === node) return answer(moneyHover(analysis, parent), parent.span);
    if (parent?.kind === "DateTime" && parent.zone === node) return answer(dateTimeHover(analysis, parent, chain), parent.span);
    if (parent?.kind === "WindowSpec" && parent.zone === node) return answer(windowSpecHover(analysis, parent), parent.span);
    if (parent?.kind === "Path" && chain.some((n) => (n.kind as string) === "CampaignRequire")) {
      const hover = campaignFactHover(parent.segments.map((s) => s.text).join("."));
      if (hover) return answer(hover, parent.span);
    }
    if (parent?.kind === "Path" && parent.segments[0] === node && parent.segments.length > 1) return answer(recordHover(analysis, node.text), node.span);
    if (parent?.kind === "Entry") {
      if (node.kind === "Word" && parent.key.text === "reason" && Object.hasOwn(REASON_DOCS, node.text)) {
        return answer(`${code(`reason: ${node.text}`)}\n\nRejection reason: ${entryOf(REASON_DOCS, node.text)}.`, node.span);
      }
      // Keys of example records are plain words even when they spell a keyword (`at:`, `cart:`).
      if (parent.key === node) return null;
    }
  }
  if (node.kind === "Number" && node.currency) return answer(moneyHover(analysis, node), node.span);
  if (node.kind === "DateTime") return answer(dateTimeHover(analysis, node, chain), node.span);

  const keyword = keywordAt(analysis, offset);
  if (keyword) {
    const doc = entryOf(KEYWORD_DOCS, keyword.text);
    if (!doc) return null;
    const lines = [code(keyword.text), "", doc];
    const window = clauseWindow(analysis, chain, keyword.text);
    if (window) lines.push("", "Resolved:", ...windowLines(window));
    return answer(lines.join("\n"), keyword.span);
  }
  return null;
}

function symbolHover(analysis: Analysis, symbol: ResolvedSymbol): string | undefined {
  switch (symbol.kind) {
    case "field": {
      const doc = entryOf(FIELD_DOCS, symbol.name);
      return [code(`${symbol.name}: ${typeName(symbol.type)}`), "", `Built-in field.${doc ? ` ${doc}` : ""}`].join("\n");
    }
    case "kind": {
      const doc = kindDoc(symbol.name);
      return doc ? [code(`kind ${symbol.name}`), "", doc].join("\n") : undefined;
    }
    case "builtin-group":
      return [code(symbol.name), "", entryOf(BUILTIN_GROUP_DOCS, symbol.name) ?? "A built-in selector."].join("\n");
    case "region":
      return [code(symbol.name), "", `Region ${symbol.name}${regionName(symbol.name)} (ISO 3166-1 alpha-2).`].join("\n");
    default:
      return isDeclared(symbol) ? declaredHover(analysis, symbol) : undefined;
  }
}

function declaredHover(analysis: Analysis, symbol: DeclaredSymbol): string {
  const { project } = analysis;
  const where = declaredAt(analysis, symbol);
  const source = excerpt(textOf(symbol.file, symbol.decl.span));
  switch (symbol.kind) {
    case "attribute":
      return [code(source), "", `Declared attribute \`${symbol.name}\` of type \`${typeName(symbol.type)}\`${where}.`].join("\n");
    case "scope":
      return [code(source), "", `Scope: a set of cart lines${where}.`].join("\n");
    case "group":
      return [code(source), "", `Group: a named selector for stacking rules${where}.`].join("\n");
    case "window": {
      const window = project.tables.windows.get(symbol.decl.window.id);
      const lines = [code(source), "", `Window${where}.`];
      if (window) lines.push("", ...windowLines(window));
      return lines.join("\n");
    }
    case "promotion": {
      const checked = project.promotions.find((p) => p.decl === symbol.decl);
      const clauses = symbol.decl.clauses;
      const title = checked?.title ?? clauses.find((c): c is ast.TitleClause => c.kind === "Title")?.text.value;
      const kind = checked?.kind ?? clauses.find((c): c is ast.KindClause => c.kind === "KindClause")?.name.text;
      const couponCode = checked?.code ?? clauses.find((c): c is ast.CodeClause => c.kind === "Code")?.code.value;
      const lines = [code(`promotion ${symbol.name}`), ""];
      if (title) lines.push(`**${escape(title)}**`, "");
      const facts = [`Promotion${where}.`];
      if (kind) facts.push(`Kind: \`${kind}\`${stageOf(kind)}.`);
      facts.push(couponCode ? `Code: \`${couponCode}\` (a coupon).` : "No code: it applies automatically.");
      lines.push(facts.join("  \n"));
      if (checked?.valid) lines.push("", "Valid:", ...windowLines(checked.valid));
      if (checked?.collect) lines.push("", "Collect:", ...windowLines(checked.collect));
      return lines.join("\n");
    }
  }
}

function declaredAt(analysis: Analysis, symbol: DeclaredSymbol): string {
  const line = symbol.file.positionAt(symbol.decl.span.start).line;
  if (symbol.file.path === analysis.path) return ` (line ${line})`;
  const name = symbol.file.path.slice(symbol.file.path.lastIndexOf("/") + 1);
  return `, declared in \`${name}\` line ${line}`;
}

function stageOf(kind: string): string {
  const doc = kindDoc(kind);
  const match = doc ? /Stage (\d+) of (\d+)/.exec(doc) : null;
  return match ? `, stage ${match[1]} of ${match[2]} in the application order` : "";
}

/** A fact a campaign requirement tests (`product.rating`, `store.evaluation`): its type and the snapshot path read. */
function campaignFactHover(key: string): string | undefined {
  const fact = entryOf(CAMPAIGN_FACTS, key);
  if (!fact) return undefined;
  return [code(`${key}: ${fact.type}`), "", `Campaign fact: ${fact.doc}. Read from \`${fact.path}\` of the product and store snapshot.`].join("\n");
}

function recordHover(analysis: Analysis, root: string): string | undefined {
  const fields = entryOf(BUILTIN_FIELDS, root);
  if (!fields) return undefined;
  const attributes = analysis.project.symbols.attributeNames(root);
  const lines = [
    code(root),
    "",
    `The cart's \`${root}\` record. Fields: ${Object.keys(fields)
      .map((f) => `\`${f}\``)
      .join(", ")}.`,
  ];
  if (attributes.length > 0) lines.push(`Declared attributes: ${attributes.map((a) => `\`${a}\``).join(", ")}.`);
  return lines.join("\n");
}

function moneyHover(analysis: Analysis, lit: ast.MoneyLit): string | undefined {
  if (!lit.currency || lit.currency.text === "") return undefined;
  const folded = analysis.project.tables.money.get(lit.id);
  const currency = folded?.currency ?? lit.currency.text;
  return [code(`${lit.text} ${currency}`), "", ...moneyLines(folded?.minor, currency).map((l, i, all) => (i < all.length - 1 ? `${l}  ` : l))].join("\n");
}

function dateTimeHover(analysis: Analysis, lit: ast.DateTimeLit, chain: ast.Node[]): string | undefined {
  const spec = [...chain].reverse().find((n): n is ast.WindowSpec => n.kind === "WindowSpec");
  if (spec && (spec.start === lit || spec.end === lit)) return windowSpecHover(analysis, spec);
  const ms = analysis.project.tables.instants.get(lit.id);
  const zone = lit.zone?.text;
  if (ms === undefined || !zone) return undefined;
  return [code(`${lit.text} in ${zone}`), "", instant(ms, zone)].join("\n");
}

function windowSpecHover(analysis: Analysis, spec: ast.WindowSpec): string | undefined {
  const window = analysis.project.tables.windows.get(spec.id);
  if (!window) return undefined;
  return [code(`from ${spec.start.text} to ${spec.end.text} in ${spec.zone.text}`), "", ...windowLines(window)].join("\n");
}

/** The window of the `valid`/`collect` clause or `window` declaration a keyword belongs to, when it resolved. */
function clauseWindow(analysis: Analysis, chain: ast.Node[], keyword: string): ResolvedWindow | undefined {
  const { tables } = analysis.project;
  const owner = [...chain].reverse().find((n) => n.kind === "Valid" || n.kind === "Collect" || n.kind === "Window" || n.kind === "WindowSpec");
  if (!owner) return undefined;
  if (owner.kind === "WindowSpec") return tables.windows.get(owner.id);
  if (owner.kind === "Window") return keyword === "window" ? tables.windows.get(owner.window.id) : undefined;
  if (owner.kind !== "Valid" && owner.kind !== "Collect") return undefined;
  if (owner.window.kind === "WindowSpec") return tables.windows.get(owner.window.id);
  const symbol = tables.refs.get(owner.window.id);
  return symbol?.kind === "window" ? tables.windows.get(symbol.decl.window.id) : undefined;
}

let regionNames: Intl.DisplayNames | undefined | null;

function regionName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    const name = regionNames.of(code);
    return name && name !== code ? `: ${name}` : "";
  } catch {
    regionNames = null;
    return "";
  }
}

function escape(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, "\\$1");
}
