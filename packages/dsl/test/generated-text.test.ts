import { describe, expect, it } from "vitest";
import { declarationFile } from "../src/compiler/declarations.js";
import type { LoweredProgram } from "../src/lower/lower.js";
import { linkModule } from "../src/emit/link.js";

// Every generated text goes through the code builder: user text (promotion ids, attribute names) reaches the
// `.d.ts` only as an escaped literal, and the linker accepts import names only by the builder's identifier rule.

const hostile = 'x"; } declare const pwned: 1; interface Y { "\u2028';

function program(): LoweredProgram {
  return {
    attributes: [
      { owner: "customer", name: hostile, type: "set:string" },
      { owner: "line", name: "grade", type: "int" },
    ],
    promotions: [{ id: hostile }, { id: "summer" }],
  } as unknown as LoweredProgram;
}

describe("declaration file", () => {
  it("quotes hostile promotion ids and attribute names as escaped literals", () => {
    const text = declarationFile(program());
    const quoted = JSON.stringify(hostile).replace("\u2028", "\\u2028");
    expect(text).toContain(`export type PromotionId = ${quoted} | "summer";`);
    expect(text).toContain(`    ${quoted}?: string[];`);
    expect(text).toContain(`    "grade"?: number;`);
    // The raw line separator never reaches the output, so no line of the file is broken by user text.
    expect(text).not.toContain("\u2028");
    expect(text).not.toMatch(/^\s*declare const pwned/m);
  });

  it("writes never for a program without promotions", () => {
    const text = declarationFile({ attributes: [], promotions: [] } as unknown as LoweredProgram);
    expect(text).toContain("export type PromotionId = never;");
  });
});

describe("linker import names", () => {
  const link = (imported: string, local: string) =>
    linkModule({ code: "", imports: [{ specifier: "@promo/runtime", names: [{ imported, local }] }], resolveDir: process.cwd() });

  it("rejects an imported name that is not an identifier before anything is bundled", async () => {
    await expect(link('compare } from "node:fs"; export { readFileSync', "compare")).rejects.toThrow(/cannot link the import name/);
  });

  it("rejects reserved and global names as locals (the one identifier rule of the code builder)", async () => {
    await expect(link("compare", "eval")).rejects.toThrow(/cannot link the import name/);
    await expect(link("compare", "globalThis")).rejects.toThrow(/cannot link the import name/);
  });
});
