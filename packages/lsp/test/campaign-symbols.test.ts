import { parseSource } from "@promo/dsl";
import { describe, expect, it } from "vitest";
import { documentSymbols } from "../src/features/symbols.js";

describe("a campaign in the outline", () => {
  it("lists the campaign with its clauses", () => {
    const parsed = parseSource(
      "c.promo",
      `campaign "11.11" {
  registration opens 2026-10-01 00:00 in Asia/Shanghai
  require rating-too-low: product.rating at least 4.5
  allow units increase
}
`,
    );
    const [campaign] = documentSymbols(parsed);
    expect(campaign).toMatchObject({ name: "11.11", detail: "campaign" });
    expect(campaign!.children!.map((c) => c.name)).toEqual(["registration", "require", "allow"]);
  });
});
