import type { CodeLens, CodeLensParams } from "vscode-languageserver/node";
import { exampleLenses, SHOW_EXAMPLE_RESULT } from "../actions/examples.js";
import type { Feature } from "../feature.js";
import type { Workspace } from "../workspace.js";

/**
 * A lens over each `example` of the file: "✓ passes", or "✗ fails: total 20.01 USD, expected 20.00 USD" (the
 * first difference, shortened), computed with the reference interpreter. The lens' command
 * (`promo.showExampleResult`, implemented by the editor extension) carries the example's name, file and every
 * difference.
 */
export function codeLenses(workspace: Workspace, params: CodeLensParams): CodeLens[] {
  const uri = params.textDocument.uri;
  const analysis = workspace.analyze(uri);
  if (!analysis) return [];
  const doc = analysis.document;
  return exampleLenses(analysis, workspace.host).map((lens) => {
    const start = doc.positionAt(lens.start);
    return {
      range: { start, end: start },
      command: {
        title: lens.title,
        command: SHOW_EXAMPLE_RESULT,
        arguments: [{ uri, name: lens.name, line: start.line, passed: lens.passed, differences: lens.differences }],
      },
    };
  });
}

export const codeLensFeature: Feature = {
  name: "codeLens",
  capabilities: { codeLensProvider: { resolveProvider: false } },
  register({ connection, workspace, guard }) {
    connection.onCodeLens(guard<[CodeLensParams], CodeLens[] | null>("codeLens", null, (params) => codeLenses(workspace, params)));
  },
};
