import { afterEach, describe, expect, it } from "vitest";
import { startClient, type Client } from "./harness.js";

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
});

const uri = "file:///virtual/sale.promo";

describe("diagnostics (end to end over stdio)", () => {
  it("publishes every error with its code, range and related spans, then clears them after a fix", async () => {
    const client = await startClient();
    clients.push(client);
    client.open(uri, 'currency USD\n\npromotion p {\n  title "p"\n  kind automatic\n  when subtotal exceeds 25.00 EUR\n  give 5.00 USD off order\n}\n');
    const first = await client.diagnostics(uri, 1);
    expect(first.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.severity])).toEqual([["currency-mismatch", 5, 24, 1]]);
    expect(first.diagnostics[0]!.source).toBe("promo");
    client.change(uri, 2, [{ range: { start: { line: 5, character: 30 }, end: { line: 5, character: 33 } }, text: "USD" }]);
    const second = await client.diagnostics(uri, 2);
    expect(second.version).toBe(2);
    expect(second.diagnostics).toEqual([]);
  });

  it("a half-typed promotion still gets the errors that matter", async () => {
    const client = await startClient();
    clients.push(client);
    client.open(uri, 'currency USD\n\npromotion p {\n  title "p"\n  kind autom\n  give 5.00 USD off\n');
    const published = await client.diagnostics(uri, 1);
    const codes = published.diagnostics.map((d) => d.code);
    expect(codes).toContain("syntax-error");
    expect(codes).toContain("unknown-kind");
  });
});
