import type { ast, ResolvedWindow } from "@promo/dsl";
import { currencyExponent } from "@promo/runtime";
import { InlayHintKind, MarkupKind, type InlayHint, type InlayHintParams, type Range } from "vscode-languageserver/node";
import type { Feature } from "../feature.js";
import { analysesOf } from "../editing/analysis.js";
import { utcInstant } from "../editing/names.js";
import { everyNode } from "../editing/walk.js";
import type { Analysis } from "../workspace.js";

function windowLabel(window: ResolvedWindow): string {
  return `= ${utcInstant(window.startMs)} … ${utcInstant(window.endMs)}`;
}

function windowTooltip(window: ResolvedWindow): string {
  return `The window in UTC, resolved from ${window.zone} wall-clock times: from ${utcInstant(window.startMs)} (inclusive) to ${new Date(window.endMs).toISOString()} (the end second is inclusive).`;
}

/**
 * Inlay hints for the requested range: the UTC instants a window resolves to, after every window (declared or
 * inline) and after every `valid`/`collect` that names one; and the minor units of money literals in conditions
 * and benefits, where the currency has minor units (that is where `25.00 USD` and `2500` differ).
 */
export function inlayHints(analysis: Analysis, range: Range): InlayHint[] {
  const source = analysis.parsed.source;
  const from = source.offsetAt(range.start.line + 1, range.start.character + 1);
  const to = source.offsetAt(range.end.line + 1, range.end.character + 1);
  const { tables } = analysis.project;
  const hints: InlayHint[] = [];
  const at = (offset: number) => {
    const p = source.positionAt(offset);
    return { line: p.line - 1, character: p.column - 1 };
  };
  const hint = (offset: number, label: string, tooltip: string) => {
    if (offset < from || offset > to) return;
    hints.push({ position: at(offset), label, kind: InlayHintKind.Type, paddingLeft: true, tooltip: { kind: MarkupKind.Markdown, value: tooltip } });
  };

  for (const decl of analysis.parsed.ast.declarations) {
    if (decl.span.end < from || decl.span.start > to) continue;
    if (decl.kind === "Window") {
      const window = tables.windows.get(decl.window.id);
      if (window) hint(decl.window.span.end, windowLabel(window), windowTooltip(window));
      continue;
    }
    if (decl.kind !== "Promotion") continue;
    for (const clause of decl.clauses) {
      if (clause.span.end < from || clause.span.start > to) continue;
      if (clause.kind === "Valid" || clause.kind === "Collect") {
        const ref = clause.window;
        const window = ref.kind === "WindowSpec" ? tables.windows.get(ref.id) : windowOfName(analysis, ref);
        if (window && ref.span.end > ref.span.start) hint(ref.span.end, windowLabel(window), windowTooltip(window));
      } else if (clause.kind === "When" || clause.kind === "Give") {
        const literals: ast.MoneyLit[] = [];
        everyNode(clause, (node) => {
          if (node.kind === "Number" && node.currency) literals.push(node);
        });
        literals.sort((a, b) => a.span.start - b.span.start);
        for (const node of literals) {
          const money = tables.money.get(node.id);
          if (!money || !currencyExponent(money.currency)) continue;
          hint(
            node.span.end,
            `= ${money.minor} minor units`,
            `${node.text} ${money.currency} is held exactly as ${money.minor} minor units of ${money.currency}.`,
          );
        }
      }
    }
  }
  return hints;
}

function windowOfName(analysis: Analysis, name: ast.Name): ResolvedWindow | undefined {
  const symbol = analysis.project.tables.refs.get(name.id);
  return symbol?.kind === "window" ? analysis.project.tables.windows.get(symbol.decl.window.id) : undefined;
}

export const inlayHintsFeature: Feature = {
  name: "inlayHint",
  capabilities: { inlayHintProvider: { resolveProvider: false } },
  register({ connection, workspace, guard }) {
    const analyses = analysesOf(workspace);
    connection.languages.inlayHint.on(
      guard("inlayHint", [] as InlayHint[], (params: InlayHintParams) => {
        const analysis = analyses.current(params.textDocument.uri);
        return analysis ? inlayHints(analysis, params.range) : [];
      }),
    );
  },
};
