import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from "vscode-languageserver/node";
import { actionsForFixes, currentDiagnostic, extraActions, fixesFromData } from "../actions/fixes.js";
import type { Feature } from "../feature.js";
import type { Workspace } from "../workspace.js";

/** Whether the request's `only` filter admits quick fixes. */
function wantsQuickFixes(only: readonly unknown[] | undefined | null): boolean {
  if (!Array.isArray(only) || only.length === 0) return true;
  return only.some((kind) => typeof kind === "string" && (kind === "" || kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`)));
}

function isDiagnostic(value: unknown): value is Diagnostic {
  if (typeof value !== "object" || value === null) return false;
  const d = value as Partial<Diagnostic>;
  return typeof d.code === "string" && typeof d.range === "object" && d.range !== null && typeof d.range.start === "object" && typeof d.range.end === "object";
}

/**
 * Quick fixes for the promo diagnostics in the request's context: every fix each diagnostic carries (from its
 * `data.fixes`, or recomputed from the analysis when the client dropped `data`), plus the fixes that need the
 * syntax tree (add a missing clause; declare or add a currency when the checker had no guess). A diagnostic that
 * the current analysis no longer reports is stale and gets nothing.
 */
export function codeActions(workspace: Workspace, params: CodeActionParams): CodeAction[] {
  const context = params.context;
  if (!wantsQuickFixes(context.only)) return [];
  const analysis = workspace.analyze(params.textDocument.uri);
  const actions: CodeAction[] = [];
  for (const diagnostic of Array.isArray(context.diagnostics) ? context.diagnostics : []) {
    if (!isDiagnostic(diagnostic) || (diagnostic.source !== undefined && diagnostic.source !== "promo")) continue;
    const carried = fixesFromData(diagnostic.data);
    if (!analysis) {
      // Nothing to check against (the file cannot be read): the fixes as sent.
      actions.push(...actionsForFixes(carried ?? [], diagnostic, undefined));
      continue;
    }
    const current = currentDiagnostic(analysis, diagnostic);
    if (!current) continue;
    const fixes = current.exact && carried ? carried : current.diagnostic.fixes;
    actions.push(...actionsForFixes(fixes, diagnostic, analysis));
    actions.push(...extraActions(analysis, current.diagnostic, diagnostic));
  }
  return actions;
}

export const codeActionsFeature: Feature = {
  name: "codeActions",
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false } },
  register({ connection, workspace, guard }) {
    connection.onCodeAction(guard<[CodeActionParams], CodeAction[] | null>("codeAction", null, (params) => codeActions(workspace, params)));
  },
};
