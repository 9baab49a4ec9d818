import { MarkupKind, type ParameterInformation, type SignatureHelp, type SignatureHelpParams, type SignatureInformation } from "vscode-languageserver/node";
import type { Feature } from "../feature.js";
import { assist } from "../editing/assist.js";
import { cursorContext, type Token } from "../editing/lexical.js";
import { findAnchor, signaturesFor, type SignatureSpec } from "../editing/signatures.js";

function information(spec: SignatureSpec, active: number): SignatureInformation {
  const parameters: ParameterInformation[] = [];
  let from = 0;
  for (const param of spec.params) {
    const start = spec.label.indexOf(param.label, from);
    if (start < 0) continue;
    from = start + param.label.length;
    parameters.push({ label: [start, from], ...(param.doc ? { documentation: { kind: MarkupKind.Markdown, value: param.doc } } : {}) });
  }
  return { label: spec.label, documentation: { kind: MarkupKind.Markdown, value: spec.doc }, parameters, activeParameter: active };
}

/** A finished clause followed by a line break: the next line starts something new, so no signature is shown. */
function clauseDone(tokens: readonly Token[]): boolean {
  return assist(tokens, false).next.some(
    (n) => n.type.name === "RBrace" || n.type.name === "Kw_title" || n.type.name === "Kw_promotion" || n.type.name === "Kw_select",
  );
}

/** Signature help at `offset`: the forms of the clause around the cursor, with the active form and parameter. */
export function signatureHelp(text: string, offset: number): SignatureHelp | null {
  const c = cursorContext(text, offset);
  if (c.inComment || c.inString) return null;
  const anchor = findAnchor(c.tokens);
  if (!anchor) return null;
  if (c.newLine && clauseDone(c.tokens)) return null;
  const found = signaturesFor(anchor, c.tokens);
  if (!found) return null;
  const signatures = found.specs.map((spec, i) => information(spec, found.params[i] ?? 0));
  return { signatures, activeSignature: found.active, activeParameter: found.params[found.active] ?? 0 };
}

export const signatureHelpFeature: Feature = {
  name: "signatureHelp",
  capabilities: { signatureHelpProvider: { triggerCharacters: [" "], retriggerCharacters: [",", "("] } },
  register({ connection, workspace, guard }) {
    connection.onSignatureHelp(
      guard("signatureHelp", null as SignatureHelp | null, (params: SignatureHelpParams) => {
        const doc = workspace.documents.get(params.textDocument.uri);
        if (!doc) return null;
        return signatureHelp(doc.getText(), doc.offsetAt(params.position));
      }),
    );
  },
};
