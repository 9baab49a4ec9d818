import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem, CompletionList, Hover, MarkupContent } from "vscode-languageserver-protocol";
import { cursor, startClient, type Client } from "./harness.js";

/** Completion and hover on the facts a campaign requirement tests, through a real server process. */
let client: Client;
let counter = 0;

beforeAll(async () => {
  client = await startClient();
});
afterAll(async () => {
  await client.shutdown();
});

async function openAt(marked: string) {
  const { text, position } = cursor(marked);
  const uri = `file:///virtual/campaign-${++counter}.promo`;
  client.open(uri, text);
  await client.diagnostics(uri, 1);
  return { uri, position };
}

const campaign = (requirement: string) => `campaign "11.11" {
  registration opens 2026-10-01 00:00 in Asia/Shanghai
  registration closes 2026-10-25 00:00 in Asia/Shanghai
  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
  ${requirement}
}
`;

describe("campaign facts in the editor", () => {
  it("completes product facts after `product.` with their types", async () => {
    const { uri, position } = await openAt(campaign("require rating-too-low: product.<|>"));
    const result = await client.request<CompletionList | CompletionItem[] | null>("textDocument/completion", { textDocument: { uri }, position });
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const fact of ["rating", "sales30d", "sales90d", "sales180d", "listed", "category", "evaluations", "freeDelivery"])
      expect(byLabel.has(fact), fact).toBe(true);
    expect(byLabel.get("rating")!.detail).toBe("rating");
    expect(byLabel.has("evaluation")).toBe(false); // a store fact, not a product one
  });

  it("completes store facts after `store.`", async () => {
    const { uri, position } = await openAt(campaign("require store-evaluation-too-low: store.<|>"));
    const result = await client.request<CompletionList | CompletionItem[] | null>("textDocument/completion", { textDocument: { uri }, position });
    const labels = (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label).sort();
    expect(labels).toEqual(["evaluation", "seriousPenalties"]);
  });

  it("explains a fact on hover: its type, what it is and the snapshot path read", async () => {
    const { uri, position } = await openAt(campaign("require store-evaluation-too-low: store.eval<|>uation at least 90%"));
    const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
    const value = (hover?.contents as MarkupContent | undefined)?.value ?? "";
    expect(value).toContain("store.evaluation: percent");
    expect(value).toContain("the store's positive evaluation rate");
    expect(value).toContain("`store.evaluationPercent`");
  });
});
