import type { Location } from "vscode-languageserver/node";
import { pathToUri } from "../convert.js";
import type { Feature } from "../feature.js";
import { nodesAt } from "../locate.js";
import { declarationLocation, isDeclared, targetAt } from "../navigation/resolve.js";
import type { Analysis } from "../workspace.js";

/**
 * Go to definition: scope, window, group and promotion references (conditions, benefits, selectors, `valid` and
 * `collect`, example ids) and attribute fields go to their declaration, in whichever file of the project it is;
 * an `import` path goes to the imported file.
 */
export const definitionFeature: Feature = {
  name: "definition",
  capabilities: { definitionProvider: true },
  register({ connection, workspace, guard }) {
    connection.onDefinition(
      guard("definition", null, (params): Location | null => {
        const analysis = workspace.analyze(params.textDocument.uri);
        if (!analysis) return null;
        return definitionAt(analysis, analysis.document.offsetAt(params.position), (from, to) => workspace.host.resolve(from, to));
      }),
    );
  },
};

export function definitionAt(analysis: Analysis, offset: number, resolve: (fromFile: string, importPath: string) => string): Location | null {
  const target = targetAt(analysis, offset);
  if (target) return isDeclared(target.symbol) ? declarationLocation(target.symbol) : null;
  const chain = nodesAt(analysis.parsed.ast, offset);
  const node = chain[chain.length - 1];
  const parent = chain[chain.length - 2];
  if (node?.kind === "String" && parent?.kind === "Import" && node.value !== "") {
    const path = resolve(analysis.path, node.value);
    if (!analysis.project.files.some((f) => f.parsed.source.path === path)) return null;
    return { uri: pathToUri(path), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  return null;
}
