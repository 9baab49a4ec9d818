import { BUILTIN_FIELDS, KEYWORD_TEXTS, KINDS } from "@promo/dsl";
import { isCurrencyCode, isRegionCode } from "@promo/runtime";
import { ErrorCodes, LSPErrorCodes, ResponseError, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver/node";
import { pathToUri, rangeOf } from "../convert.js";
import type { Feature } from "../feature.js";
import { keywordAt, tokenAt } from "../navigation/keywords.js";
import { isDeclared, occurrencesAcross, projectsContaining, rangeIn, symbolKey, targetAt, type DeclaredSymbol } from "../navigation/resolve.js";
import type { Analysis, Workspace } from "../workspace.js";

/** The grammar of a name (docs/language.md, "Names"). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;
/** Names with a meaning of their own (the checker's reserved names), besides keywords and kinds. */
const RESERVED = new Set(["order", "shipping", "line", "customer", "cart", "coupon", "any", "coupons", "true", "false"]);

const WHAT: Record<DeclaredSymbol["kind"], string> = { scope: "scope", window: "window", group: "group", promotion: "promotion", attribute: "attribute" };

type Resolved = { ok: true; symbol: DeclaredSymbol; range: Range; placeholder: string } | { ok: false; message: string } | undefined;

/**
 * Rename of scopes, windows, groups, promotions and attributes: every reference and the declaration, across the
 * files of every workspace project that contains the declaration. Keywords, built-in fields, kinds, regions and
 * literals are refused; so is a new name that is not a name, is a keyword, kind or reserved name, or is taken.
 */
export const renameFeature: Feature = {
  name: "rename",
  capabilities: { renameProvider: { prepareProvider: true } },
  register({ connection, workspace, guard }) {
    connection.onPrepareRename(
      guard("prepareRename", null, (params) => {
        const analysis = workspace.analyze(params.textDocument.uri);
        if (!analysis) return null;
        const resolved = renameTarget(analysis, analysis.document.offsetAt(params.position));
        if (!resolved) return null;
        if (!resolved.ok) return new ResponseError(LSPErrorCodes.RequestFailed, resolved.message);
        return { range: resolved.range, placeholder: resolved.placeholder };
      }),
    );
    connection.onRenameRequest(
      guard("rename", null, (params): WorkspaceEdit | ResponseError | null => {
        const analysis = workspace.analyze(params.textDocument.uri);
        if (!analysis) return null;
        const resolved = renameTarget(analysis, analysis.document.offsetAt(params.position));
        if (!resolved)
          return new ResponseError(
            LSPErrorCodes.RequestFailed,
            "Nothing to rename here: place the cursor on a scope, window, group, promotion or attribute name.",
          );
        if (!resolved.ok) return new ResponseError(LSPErrorCodes.RequestFailed, resolved.message);
        return renameEdit(workspace, analysis, resolved.symbol, params.newName);
      }),
    );
  },
};

/** What a rename at `offset` would rename, or why it cannot (undefined: nothing there at all). */
export function renameTarget(analysis: Analysis, offset: number): Resolved {
  const target = targetAt(analysis, offset);
  if (target) {
    const { symbol, node } = target;
    if (isDeclared(symbol)) {
      const placeholder = symbol.kind === "attribute" ? symbol.decl.name.text : symbol.name;
      return { ok: true, symbol, range: rangeOf(analysis.document, node.span), placeholder };
    }
    if (symbol?.kind === "field") return { ok: false, message: `'${symbol.name}' is a built-in field of the cart and cannot be renamed.` };
    if (symbol?.kind === "kind") return { ok: false, message: `'${symbol.name}' is a promotion kind: kinds are part of the language and cannot be renamed.` };
    if (symbol?.kind === "builtin-group") return { ok: false, message: `'${symbol.name}' is a built-in selector and cannot be renamed.` };
    if (symbol?.kind === "region") return { ok: false, message: `'${symbol.name}' is an ISO 3166-1 region code and cannot be renamed.` };
    if (keywordAt(analysis, offset)) return { ok: false, message: `'${node.text}' is a keyword of the language and cannot be renamed.` };
    const parent = target.chain[target.chain.length - 1];
    if (parent?.kind === "Example" && parent.name === node) return { ok: false, message: "Example names are not references: edit the name in place." };
    return { ok: false, message: `'${node.text}' is not a declared scope, window, group, promotion or attribute (is it misspelt?).` };
  }
  const keyword = keywordAt(analysis, offset);
  if (keyword) return { ok: false, message: `'${keyword.text}' is a keyword of the language and cannot be renamed.` };
  const token = tokenAt(analysis, offset);
  if (token && /^["\d-]/.test(token.text)) return { ok: false, message: "Literals (strings, numbers, amounts, percentages, dates) cannot be renamed." };
  return undefined;
}

/** Why `newName` cannot name `symbol`, or undefined when it can. */
export function invalidName(symbol: DeclaredSymbol, newName: string): string | undefined {
  if (!NAME.test(newName)) {
    return `'${newName}' is not a valid name: a name is letters, digits and underscores, starts with a letter or an underscore, and may have single hyphens between parts (e.g. acme-sale_2).`;
  }
  if (KEYWORD_TEXTS.includes(newName)) return `'${newName}' is a keyword of the language and cannot name a ${WHAT[symbol.kind]}.`;
  if ((KINDS as readonly string[]).includes(newName)) return `'${newName}' is a promotion kind and cannot name a ${WHAT[symbol.kind]}.`;
  if (RESERVED.has(newName)) return `'${newName}' is a reserved name and cannot name a ${WHAT[symbol.kind]}.`;
  // In a condition a bare name is looked up as a scope before a region or currency code: `US` would change meaning.
  if (symbol.kind === "scope" && (isRegionCode(newName) || isCurrencyCode(newName))) {
    return `'${newName}' is ${isRegionCode(newName) ? "a region" : "a currency"} code: a scope named so would hide it in conditions.`;
  }
  if (symbol.kind === "attribute") {
    const root = symbol.decl.root.text;
    if (BUILTIN_FIELDS[root] && Object.hasOwn(BUILTIN_FIELDS[root], newName))
      return `'${root}.${newName}' is a built-in field and cannot be declared as an attribute.`;
  }
  return undefined;
}

/** An existing declaration that `newName` would collide with, in the namespace of `symbol`. */
function collision(analyses: readonly Analysis[], symbol: DeclaredSymbol, newName: string): string | undefined {
  for (const { project } of analyses) {
    const { symbols } = project;
    let taken: DeclaredSymbol | undefined;
    if (symbol.kind === "promotion") taken = symbols.promotions.get(newName);
    else if (symbol.kind === "attribute") taken = symbols.attributes.get(`${symbol.decl.root.text}.${newName}`);
    else taken = symbols.scopes.get(newName) ?? symbols.windows.get(newName) ?? symbols.groups.get(newName);
    if (taken) {
      const where = `${taken.file.path.slice(taken.file.path.lastIndexOf("/") + 1)}:${taken.file.positionAt(taken.decl.name.span.start).line}`;
      const namespace =
        symbol.kind === "promotion"
          ? "promotion ids"
          : symbol.kind === "attribute"
            ? `${symbol.decl.root.text} attributes`
            : "scopes, windows and groups (one namespace)";
      return `'${newName}' is already declared as a ${WHAT[taken.kind]} (${where}); ${namespace} must be unique in a project.`;
    }
  }
  return undefined;
}

export function renameEdit(workspace: Workspace, analysis: Analysis, symbol: DeclaredSymbol, newName: string): WorkspaceEdit | ResponseError {
  const current = symbol.kind === "attribute" ? symbol.decl.name.text : symbol.name;
  if (newName === current) return { changes: {} };
  const invalid = invalidName(symbol, newName);
  if (invalid) return new ResponseError(ErrorCodes.InvalidParams, invalid);
  const analyses = projectsContaining(workspace.files(), (uri) => workspace.analyze(uri), symbol.file.path, analysis);
  const taken = collision(analyses, symbol, newName);
  if (taken) return new ResponseError(ErrorCodes.InvalidParams, taken);
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occurrencesAcross(analyses, symbolKey(symbol))) {
    // A record key may be written as a string (`"size": …`); it stays one.
    const quoted = o.source.text.charAt(o.span.start) === '"';
    (changes[pathToUri(o.source.path)] ??= []).push({ range: rangeIn(o.source, o.span), newText: quoted ? `"${newName}"` : newName });
  }
  return { changes };
}
