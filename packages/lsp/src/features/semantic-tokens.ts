import { lex, type ast, type ResolvedSymbol } from "@promo/dsl";
import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams, SemanticTokensRangeParams } from "vscode-languageserver/node";
import type { Feature } from "../feature.js";
import { analysesOf } from "../editing/analysis.js";
import { everyNode } from "../editing/walk.js";
import type { Analysis } from "../workspace.js";

/** Token types and modifiers, in legend order (the index is what the encoding carries). */
export const TOKEN_TYPES = ["keyword", "type", "property", "variable", "enumMember", "string", "number", "comment", "operator"] as const;
export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenKind = (typeof TOKEN_TYPES)[number];
const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<TokenKind, number>;
const DECLARATION = 1;
const READONLY = 2;
const LIBRARY = 4;

interface Classified {
  type: number;
  modifiers: number;
}

/** One highlighted token: its offsets in the analysed text and its class. */
interface Highlight {
  start: number;
  end: number;
  type: number;
  modifiers: number;
}

function ofSymbol(symbol: ResolvedSymbol): Classified {
  switch (symbol.kind) {
    case "scope":
    case "window":
    case "group":
      return { type: T.variable, modifiers: READONLY };
    case "promotion":
      return { type: T.variable, modifiers: 0 };
    case "attribute":
      return { type: T.property, modifiers: 0 };
    case "field":
      return { type: T.property, modifiers: LIBRARY };
    case "kind":
      return { type: T.type, modifiers: 0 };
    case "builtin-group":
      return { type: T.type, modifiers: LIBRARY };
    case "region":
      return { type: T.enumMember, modifiers: 0 };
  }
}

/** Classes of names by their start offset, from the AST and the checker's resolved references. */
function classifyNames(analysis: Analysis): { byStart: Map<number, Classified>; operators: ast.Span[] } {
  const byStart = new Map<number, Classified>();
  const operators: ast.Span[] = [];
  const refs = analysis.project.tables.refs;
  const set = (name: { span: ast.Span } | undefined, type: number, modifiers = 0) => {
    if (name && name.span.end > name.span.start && !byStart.has(name.span.start)) byStart.set(name.span.start, { type, modifiers });
  };
  const nodes: ast.Node[] = [];
  everyNode(analysis.parsed.ast, (node) => nodes.push(node));
  // Resolved references first: they know what a name means.
  for (const node of nodes) {
    const symbol = refs.get(node.id);
    if (symbol) set(node, ofSymbol(symbol).type, ofSymbol(symbol).modifiers);
  }
  for (const node of nodes) {
    switch (node.kind) {
      case "Scope":
      case "Window":
      case "Group":
        set(node.name, T.variable, DECLARATION | READONLY);
        break;
      case "Promotion":
        set(node.name, T.variable, DECLARATION);
        break;
      case "Example":
        set(node.name, T.variable, DECLARATION);
        break;
      case "Attribute":
        set(node.root, T.variable, READONLY | LIBRARY);
        set(node.name, T.property, DECLARATION);
        break;
      case "TypeRef":
        set(node.head, T.type);
        set(node.element, T.type);
        break;
      case "KindClause":
        set(node.name, T.type);
        break;
      case "Currency":
        set(node.code, T.enumMember);
        break;
      case "Number":
        set(node.currency, T.enumMember);
        break;
      case "WindowSpec":
      case "DateTime":
        set(node.zone, T.enumMember);
        break;
      case "Duration":
        set(node.unit, T.keyword);
        break;
      case "MaxUnits":
        set(node.unitWord, T.keyword);
        break;
      case "LimitSpec":
        set(node.unit, T.keyword);
        for (const per of node.per) set(per, T.keyword);
        break;
      case "AtMost":
        set(node.per, T.keyword);
        break;
      case "Select":
        set(node.mode, T.enumMember, LIBRARY);
        break;
      case "ScopeName":
        set(node.name, T.variable, READONLY);
        break;
      case "Path": {
        const [root, field] = node.segments;
        if (field) {
          set(root, T.variable, READONLY | LIBRARY);
          set(field, T.property);
        } else if (root && /^[A-Z]{3}$/.test(root.text)) set(root, T.enumMember);
        else set(root, T.variable);
        break;
      }
      case "Entry":
        set(node.key, T.property);
        break;
      case "Word":
        set(node, ["true", "false", "null"].includes(node.text) ? T.keyword : T.enumMember);
        break;
      case "Selector":
        for (const name of node.names) set(name, T.variable);
        break;
      case "Compare":
        operators.push(node.opSpan);
        break;
      default:
        break;
    }
  }
  operators.sort((a, b) => a.start - b.start);
  return { byStart, operators };
}

function defaultClass(typeName: string): Classified | undefined {
  if (typeName.startsWith("Kw_")) return { type: T.keyword, modifiers: 0 };
  switch (typeName) {
    case "StringLiteral":
    case "UnterminatedString":
      return { type: T.string, modifiers: 0 };
    case "NumberLiteral":
    case "PercentLiteral":
    case "DateTimeLiteral":
      return { type: T.number, modifiers: 0 };
    case "TimeZoneName":
      return { type: T.enumMember, modifiers: 0 };
    case "Identifier":
      return { type: T.variable, modifiers: 0 };
    default:
      return undefined;
  }
}

/** Every highlighted token of an analysis, in source order. */
function highlights(analysis: Analysis): Highlight[] {
  const { byStart, operators } = classifyNames(analysis);
  const lexed = lex(analysis.text);
  const out: Highlight[] = [];
  const comments = lexed.comments;
  let c = 0;
  let op = 0;
  const pushComment = (t: (typeof comments)[number]) =>
    out.push({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1, type: T.comment, modifiers: 0 });
  for (const token of lexed.tokens) {
    while (c < comments.length && comments[c]!.startOffset < token.startOffset) pushComment(comments[c++]!);
    const start = token.startOffset;
    const end = (token.endOffset ?? start) + 1;
    while (op < operators.length && operators[op]!.end <= start) op++;
    const inOperator = op < operators.length && operators[op]!.start <= start && end <= operators[op]!.end;
    const isString = token.tokenType.name === "StringLiteral" || token.tokenType.name === "UnterminatedString";
    const cls = inOperator ? { type: T.operator, modifiers: 0 } : ((isString ? undefined : byStart.get(start)) ?? defaultClass(token.tokenType.name));
    if (cls) out.push({ start, end, ...cls });
  }
  while (c < comments.length) pushComment(comments[c++]!);
  return out;
}

/** LSP's relative encoding: per token, line delta, start delta (from the previous token on the same line), length, type, modifiers. */
function encode(analysis: Analysis, list: readonly Highlight[]): number[] {
  const source = analysis.parsed.source;
  const data: number[] = [];
  let previousLine = 0;
  let previousChar = 0;
  for (const h of list) {
    const { line, column } = source.positionAt(h.start);
    const l = line - 1;
    const ch = column - 1;
    data.push(l - previousLine, l === previousLine ? ch - previousChar : ch, h.end - h.start, h.type, h.modifiers);
    previousLine = l;
    previousChar = ch;
  }
  return data;
}

const cache = new WeakMap<Analysis, Highlight[]>();

function highlightsOf(analysis: Analysis): Highlight[] {
  let list = cache.get(analysis);
  if (!list) {
    list = highlights(analysis);
    cache.set(analysis, list);
  }
  return list;
}

export function semanticTokens(
  analysis: Analysis,
  range?: { start: { line: number; character: number }; end: { line: number; character: number } },
): SemanticTokens {
  let list = highlightsOf(analysis);
  if (range) {
    const source = analysis.parsed.source;
    const from = source.offsetAt(range.start.line + 1, range.start.character + 1);
    const to = source.offsetAt(range.end.line + 1, range.end.character + 1);
    list = list.filter((h) => h.end > from && h.start < to);
  }
  return { data: encode(analysis, list) };
}

export const semanticTokensFeature: Feature = {
  name: "semanticTokens",
  capabilities: { semanticTokensProvider: { legend: LEGEND, full: true, range: true } },
  register({ connection, workspace, guard }) {
    const analyses = analysesOf(workspace);
    connection.languages.semanticTokens.on(
      guard("semanticTokens", { data: [] } as SemanticTokens, (params: SemanticTokensParams) => {
        const analysis = analyses.current(params.textDocument.uri);
        return analysis ? semanticTokens(analysis) : { data: [] };
      }),
    );
    connection.languages.semanticTokens.onRange(
      guard("semanticTokensRange", { data: [] } as SemanticTokens, (params: SemanticTokensRangeParams) => {
        const analysis = analyses.current(params.textDocument.uri);
        return analysis ? semanticTokens(analysis, params.range) : { data: [] };
      }),
    );
  },
};
