import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { inertnessViolations } from "../packages/dsl/src/emit/inert.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { bundleViolations, LIBRARY_MEMBERS } from "./helpers/bundle-ast.js";

/** Bundles are deterministic and inert, and user text in rule files only ever becomes data. */
const scratch = mkdtempSync(join(tmpdir(), "promo-safety-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const examples = join(import.meta.dirname, "..", "examples");

describe("example bundles", () => {
  it.each(readdirSync(examples).filter((f) => f.endsWith(".promo")))("%s compiles to the same inert bytes twice", async (file) => {
    const first = await compile([join("examples", file)], { host: { ...memoryHost({}), readFile: (p) => readBytes(p), resolve: (f, i) => join(f, "..", i) } });
    const second = await compile([join("examples", file)], { host: { ...memoryHost({}), readFile: (p) => readBytes(p), resolve: (f, i) => join(f, "..", i) } });
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(second.code).toBe(first.code);
    expect(inertnessViolations(first.code)).toEqual([]);
    expect(first.code).not.toContain(process.cwd());
    // Parsed, not grepped: no eval, Function, require, process, globalThis or dynamic import anywhere in the code.
    expect(bundleViolations(first.code, { allowedMembers: LIBRARY_MEMBERS })).toEqual([]);
  });
});

function readBytes(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(join(import.meta.dirname, "..", path)));
  } catch {
    return undefined;
  }
}

describe("hostile text in a rule file", () => {
  const hostile = {
    title: '"); globalThis.pwned = 1; (" \u2028 \u2029',
    code: "X`${globalThis.pwned=2}`\\",
    sku: "__proto__",
    tag: "constructor",
    store: "</script><script>globalThis.pwned=3</script>",
    id: "evil-id",
  };
  const rules = `currency USD

promotion ${hostile.id} {
  title ${JSON.stringify(hostile.title)}
  kind promo-code
  code ${JSON.stringify(hostile.code)}
  when subtotal of (line.sku is ${JSON.stringify(hostile.sku)} and line.tags contains ${JSON.stringify(hostile.tag)}) at least 1.00 USD
  give 1.00 USD off (line.store is ${JSON.stringify(hostile.store)})
}
`;

  it("compiles to a bundle whose strings are data, and prices carts that use them", async () => {
    const result = await compile(["/hostile.promo"], { host: memoryHost({ "/hostile.promo": rules }) });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(inertnessViolations(result.code)).toEqual([]);
    const out = join(scratch, "hostile.mjs");
    writeFileSync(out, result.code);
    const bundle = (await import(pathToFileURL(out).href)) as {
      evaluate: (cart: unknown) => { applied: { id: string; title: string; amount: string }[]; total: string };
    };
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined();
    const priced = bundle.evaluate({
      currency: "USD",
      at: "2026-11-10T12:00:00Z",
      lines: [{ id: "l1", sku: hostile.sku, store: hostile.store, unitPrice: "10.00", quantity: 1, tags: [hostile.tag] }],
      coupons: [{ code: hostile.code.toLowerCase() }],
    });
    expect(priced.applied).toEqual([expect.objectContaining({ id: hostile.id, title: hostile.title, amount: "1.00" })]);
    expect(priced.total).toBe("9.00");
    expect((globalThis as Record<string, unknown>)["pwned"]).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
