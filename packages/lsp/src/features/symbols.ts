import { CLAUSE_WORDS, parseSource, type ast, type ParseResult, type Span } from "@promo/dsl";
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from "vscode-languageserver/node";
import { uriToPath } from "../convert.js";
import type { Feature } from "../feature.js";
import { rangeIn, textOf } from "../navigation/resolve.js";
import type { Workspace } from "../workspace.js";

/**
 * Document symbols (the outline): every declaration of the file, promotions with their clauses as children, the
 * stacking block with its rules. Built from the AST alone, so a broken file (a half-typed promotion) still has
 * its outline.
 */
export const documentSymbolFeature: Feature = {
  name: "documentSymbol",
  capabilities: { documentSymbolProvider: { label: "promo" } },
  register({ connection, workspace, guard }) {
    connection.onDocumentSymbol(
      guard("documentSymbol", [] as DocumentSymbol[], (params): DocumentSymbol[] => {
        const analysis = workspace.analyze(params.textDocument.uri);
        return analysis ? documentSymbols(analysis.parsed) : [];
      }),
    );
  },
};

/** Workspace symbols: promotions, scopes, windows, groups and examples of every workspace file, by query. */
export const workspaceSymbolFeature: Feature = {
  name: "workspaceSymbol",
  capabilities: { workspaceSymbolProvider: true },
  register({ connection, workspace, guard }) {
    const index = new SymbolIndex(workspace);
    connection.onWorkspaceSymbol(guard("workspaceSymbol", [] as SymbolInformation[], (params): SymbolInformation[] => index.search(params.query)));
  },
};

const MAX_DETAIL = 80;

function clip(text: string, max = MAX_DETAIL): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function documentSymbols(parsed: ParseResult): DocumentSymbol[] {
  const { source } = parsed;
  const text = (span: Span) => textOf(source, span);
  const symbol = (name: string, kind: SymbolKind, span: Span, nameSpan: Span | undefined, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => {
    // The selection must lie inside the range; a name the parser had to invent may sit elsewhere.
    const selection = nameSpan && nameSpan.start >= span.start && nameSpan.end <= span.end ? nameSpan : { start: span.start, end: span.start };
    const out: DocumentSymbol = {
      name: name.trim() === "" ? "(unnamed)" : name,
      kind,
      range: rangeIn(source, span),
      selectionRange: rangeIn(source, selection),
    };
    if (detail) out.detail = detail;
    if (children) out.children = children;
    return out;
  };
  const named = (name: ast.Name, fallback: string) => (name.text === "" ? fallback : name.text);

  const out: DocumentSymbol[] = [];
  for (const decl of parsed.ast.declarations) {
    switch (decl.kind) {
      case "Import":
        out.push(symbol(decl.path.value || "(import)", SymbolKind.Module, decl.span, decl.path.span, "import"));
        break;
      case "Currency":
        out.push(symbol(named(decl.code, "(currency)"), SymbolKind.Constant, decl.span, decl.code.span, "currency"));
        break;
      case "Attribute":
        out.push(symbol(`${decl.root.text}.${decl.name.text}`, SymbolKind.Property, decl.span, decl.name.span, `attribute: ${clip(text(decl.type.span))}`));
        break;
      case "Scope":
        out.push(symbol(named(decl.name, "(unnamed scope)"), SymbolKind.Variable, decl.span, decl.name.span, `scope = ${clip(text(decl.predicate.span))}`));
        break;
      case "Window":
        out.push(symbol(named(decl.name, "(unnamed window)"), SymbolKind.Event, decl.span, decl.name.span, `window ${clip(text(decl.window.span))}`));
        break;
      case "Group":
        out.push(
          symbol(
            named(decl.name, "(unnamed group)"),
            SymbolKind.Array,
            decl.span,
            decl.name.span,
            `group [${decl.members
              .map((m) => m.text)
              .filter(Boolean)
              .join(", ")}]`,
          ),
        );
        break;
      case "Stacking":
        out.push(
          symbol(
            "stacking",
            SymbolKind.Namespace,
            decl.span,
            undefined,
            `${decl.rules.length} rule${decl.rules.length === 1 ? "" : "s"}`,
            decl.rules.map((rule) =>
              symbol(clip(text(rule.span)) || rule.kind, SymbolKind.Property, rule.span, rule.span, rule.kind === "AtMost" ? "at most" : "select"),
            ),
          ),
        );
        break;
      case "Promotion": {
        const kind = decl.clauses.find((c): c is ast.KindClause => c.kind === "KindClause")?.name.text;
        const code = decl.clauses.find((c): c is ast.CodeClause => c.kind === "Code")?.code.value;
        const detail = [kind || "promotion", code ? `code "${code}"` : undefined].filter(Boolean).join(" · ");
        const children = decl.clauses.map((c) => {
          const word = CLAUSE_WORDS[c.kind];
          const rest = text(c.span).slice(word.length).trim();
          return symbol(word, SymbolKind.Property, c.span, c.span, clip(rest) || undefined);
        });
        out.push(symbol(named(decl.name, "(unnamed promotion)"), SymbolKind.Class, decl.span, decl.name.span, detail, children));
        break;
      }
      case "Earn":
        out.push(symbol("earn", SymbolKind.Constant, decl.span, undefined, clip(text(decl.span).replace(/^earn\s*/, ""))));
        break;
      case "Campaign": {
        const children = decl.clauses.map((c) =>
          symbol(clip(text(c.span).split(/[:\s]/)[0] ?? c.kind), SymbolKind.Property, c.span, c.span, clip(text(c.span)) || undefined),
        );
        out.push(symbol(named(decl.name, "(unnamed campaign)"), SymbolKind.Event, decl.span, decl.name.span, "campaign", children));
        break;
      }
      case "Attribution":
      case "AffiliateProgram":
        out.push(
          symbol(
            named(decl.name, "(unnamed)"),
            SymbolKind.Object,
            decl.span,
            decl.name.span,
            decl.kind === "Attribution" ? "attribution" : "affiliate program",
            decl.clauses.map((c) => symbol(clip(text(c.span)) || c.kind, SymbolKind.Property, c.span, c.span)),
          ),
        );
        break;
      case "Example":
        out.push(
          symbol(
            named(decl.name, "(unnamed example)"),
            SymbolKind.Method,
            decl.span,
            decl.name.span,
            decl.cartFile ? `example, cart from "${decl.cartFile.value}"` : "example",
          ),
        );
        break;
    }
  }
  return out;
}

const MAX_WORKSPACE_SYMBOLS = 500;

interface IndexedFile {
  text: string;
  symbols: SymbolInformation[];
}

/** The named declarations of every workspace file, re-parsed only when a file's text changes. */
class SymbolIndex {
  private readonly files = new Map<string, IndexedFile>();

  constructor(private readonly workspace: Workspace) {}

  search(query: string): SymbolInformation[] {
    const q = query.trim().toLowerCase();
    const scored: { rank: number; symbol: SymbolInformation }[] = [];
    const uris = this.workspace.files();
    for (const uri of uris) {
      for (const symbol of this.symbolsOf(uri)) {
        const rank = matchRank(symbol.name.toLowerCase(), q);
        if (rank !== undefined) scored.push({ rank, symbol });
      }
    }
    for (const uri of this.files.keys()) if (!uris.includes(uri)) this.files.delete(uri);
    scored.sort((a, b) => a.rank - b.rank || a.symbol.name.localeCompare(b.symbol.name) || a.symbol.location.uri.localeCompare(b.symbol.location.uri));
    return scored.slice(0, MAX_WORKSPACE_SYMBOLS).map((s) => s.symbol);
  }

  private symbolsOf(uri: string): SymbolInformation[] {
    const text = this.read(uri);
    if (text === undefined) return [];
    const cached = this.files.get(uri);
    if (cached && cached.text === text) return cached.symbols;
    const parsed = parseSource(uriToPath(uri), text);
    const container = uri.slice(uri.lastIndexOf("/") + 1);
    const symbols: SymbolInformation[] = [];
    const add = (name: ast.Name, kind: SymbolKind, what: string) => {
      if (name.text === "") return;
      symbols.push({ name: name.text, kind, location: { uri, range: rangeIn(parsed.source, name.span) }, containerName: `${what} in ${container}` });
    };
    for (const decl of parsed.ast.declarations) {
      if (decl.kind === "Promotion") add(decl.name, SymbolKind.Class, "promotion");
      else if (decl.kind === "Scope") add(decl.name, SymbolKind.Variable, "scope");
      else if (decl.kind === "Window") add(decl.name, SymbolKind.Event, "window");
      else if (decl.kind === "Group") add(decl.name, SymbolKind.Array, "group");
      else if (decl.kind === "Example") add(decl.name, SymbolKind.Method, "example");
    }
    this.files.set(uri, { text, symbols });
    return symbols;
  }

  private read(uri: string): string | undefined {
    const open = this.workspace.documents.get(uri);
    if (open) return open.getText();
    const bytes = this.workspace.host.readFile(uriToPath(uri));
    if (!bytes) return undefined;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
}

/**
 * How well `name` matches `query` (both lower case): 0 a prefix, 1 a substring, 2 a subsequence (fuzzy:
 * `s10c` finds `save10-code`); undefined no match. An empty query matches everything.
 */
export function matchRank(name: string, query: string): number | undefined {
  if (query === "") return 0;
  const at = name.indexOf(query);
  if (at === 0) return 0;
  if (at > 0) return 1;
  let i = 0;
  for (let k = 0; k < name.length && i < query.length; k++) if (name[k] === query[i]) i++;
  return i === query.length ? 2 : undefined;
}
