/**
 * The quick fixes for the errors a promo manager meets first: an amount in another currency than the file's, and
 * misspelt fields, kinds, scopes and zones. Each fix is applied and the document re-checked: the error must go.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, Diagnostic, WorkspaceEdit } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClient, type Client } from "./harness.js";

let client: Client;
let counter = 0;
beforeAll(async () => {
  client = await startClient();
});
afterAll(async () => {
  await client?.shutdown();
});

function nextUri(name: string): string {
  counter++;
  return `file:///virtual/${name}-${counter}.promo`;
}

function applyEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  const edits = edit?.changes?.[uri];
  expect(edits, "the fix edits this document").toBeDefined();
  return TextDocument.applyEdits(TextDocument.create(uri, "promo", 1, text), edits!);
}

/** Opens `text`, finds the one diagnostic with `code`, applies its preferred fix, and returns the fixed text with its diagnostics. */
async function fixOnce(name: string, text: string, code: string): Promise<{ action: CodeAction; fixed: string; after: Diagnostic[] }> {
  const uri = nextUri(name);
  client.open(uri, text);
  const before = (await client.diagnostics(uri, 1)).diagnostics;
  const diagnostic = before.find((d) => d.code === code);
  expect(diagnostic, `a ${code} diagnostic in ${JSON.stringify(before.map((d) => d.code))}`).toBeDefined();
  const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic!.range,
    context: { diagnostics: [diagnostic] },
  });
  const action = actions.find((a) => a.isPreferred) ?? actions[0];
  expect(action, `a quick fix for ${code}`).toBeDefined();
  expect(action!.kind).toBe("quickfix");
  const fixed = applyEdit(text, uri, action!.edit);
  client.change(uri, 2, [{ text: fixed }]);
  const after = (await client.diagnostics(uri, 2)).diagnostics;
  return { action: action!, fixed, after };
}

const promotion = (lines: string[], head: string[] = []) => ["currency USD", "", ...head, "promotion p {", '  title "p"', ...lines, "}", ""].join("\n");

describe("quick fixes for the first errors", () => {
  it("currency mismatch: rewrites the amount in the file's currency", async () => {
    const text = promotion(["  kind automatic", "  when subtotal exceeds 25.00 EUR", "  give 5.00 USD off order"]);
    const { action, fixed, after } = await fixOnce("currency", text, "currency-mismatch");
    expect(action.title).toBe("Use USD, the file's currency");
    expect(action.isPreferred).toBe(true);
    expect(fixed).toContain("when subtotal exceeds 25.00 USD\n");
    expect(after).toEqual([]);
  });

  it("currency mismatch in a benefit amount", async () => {
    const text = promotion(["  kind automatic", "  give 5.00 GBP off order"]);
    const { fixed, after } = await fixOnce("currency-give", text, "currency-mismatch");
    expect(fixed).toContain("give 5.00 USD off order");
    expect(after).toEqual([]);
  });

  it("misspelt kind", async () => {
    const { fixed, after } = await fixOnce("kind", promotion(["  kind automatc", "  give 5.00 USD off order"]), "unknown-kind");
    expect(fixed).toContain("  kind automatic\n");
    expect(after).toEqual([]);
  });

  it("misspelt field", async () => {
    const text = promotion(["  kind automatic", '  when customer.regoin is "US"', "  give 5.00 USD off order"]);
    const { fixed, after } = await fixOnce("field", text, "unknown-field");
    expect(fixed).toContain("customer.region is");
    expect(after.filter((d) => d.code === "unknown-field")).toEqual([]);
  });

  it("misspelt scope", async () => {
    const text = promotion(["  kind automatic", "  give 10% off selcted"], ['scope selected = line.tags contains "selected"', ""]);
    const { action, fixed, after } = await fixOnce("scope", text, "unknown-name");
    expect(action.title).toBe("Change to 'selected'");
    expect(fixed).toContain("give 10% off selected\n");
    expect(after).toEqual([]);
  });

  it("misspelt time zone", async () => {
    const text = promotion(
      ["  kind automatic", "  valid sale", "  give 5.00 USD off order"],
      ["window sale = from 2026-11-10 00:00:00 to 2026-11-12 00:00:00 in America/Los_Angels", ""],
    );
    const { fixed, after } = await fixOnce("zone", text, "unknown-time-zone");
    expect(fixed).toContain("in America/Los_Angeles\n");
    expect(after.filter((d) => d.severity === 1)).toEqual([]);
  });
});
