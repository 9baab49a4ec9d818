import type { Location } from "vscode-languageserver/node";
import type { Feature } from "../feature.js";
import { isDeclared, locationIn, occurrencesAcross, projectsContaining, symbolKey, targetAt } from "../navigation/resolve.js";

/**
 * Find references: every use of a scope, window, group, promotion or attribute across the workspace: each
 * workspace file whose project contains the declaring file is analysed, and every file of those projects
 * searched (so uses in imported files outside the workspace folders are found too).
 */
export const referencesFeature: Feature = {
  name: "references",
  capabilities: { referencesProvider: true },
  register({ connection, workspace, guard }) {
    connection.onReferences(
      guard("references", [] as Location[], (params): Location[] => {
        const analysis = workspace.analyze(params.textDocument.uri);
        if (!analysis) return [];
        const target = targetAt(analysis, analysis.document.offsetAt(params.position));
        if (!target || !isDeclared(target.symbol)) return [];
        const symbol = target.symbol;
        const analyses = projectsContaining(workspace.files(), (uri) => workspace.analyze(uri), symbol.file.path, analysis);
        return occurrencesAcross(analyses, symbolKey(symbol))
          .filter((o) => params.context.includeDeclaration || !o.declaration)
          .map((o) => locationIn(o.source, o.span));
      }),
    );
  },
};
