import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";

/** Validate once, price many times: a cart a bundle validated is priced without being validated again. */
type Bundle = {
  evaluate: (cart: unknown) => unknown;
  tryEvaluate: (cart: unknown) => { ok: boolean };
  validate: (cart: unknown) => { ok: true; cart: Record<string, unknown> & { lines: Record<string, unknown>[] } } | { ok: false; errors: unknown[] };
};

const scratch = mkdtempSync(join(tmpdir(), "promo-validated-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const root = join(import.meta.dirname, "..");

async function bundleOf(file: string, name: string): Promise<Bundle> {
  const text = readFileSync(join(root, "examples", file), "utf8");
  const result = await compile([file], { host: memoryHost({ [file]: text }) });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const out = join(scratch, `${name}.mjs`);
  writeFileSync(out, result.code);
  return (await import(pathToFileURL(out).href)) as Bundle;
}

const carts = readdirSync(join(root, "examples", "carts")).map((f) => [f, JSON.parse(readFileSync(join(root, "examples", "carts", f), "utf8"))] as const);

describe("carts validated once", () => {
  it("are priced exactly as the raw carts are", async () => {
    const bundle = await bundleOf("aliexpress-11-11.promo", "aliexpress");
    for (const [name, cart] of carts) {
      const checked = bundle.validate(cart);
      if (!checked.ok) continue;
      expect(bundle.evaluate(checked.cart), name).toEqual(bundle.evaluate(cart));
      expect(bundle.evaluate(checked.cart), name).toEqual(bundle.evaluate(checked.cart));
    }
  });

  it("are frozen, so what was validated is what is priced", async () => {
    const bundle = await bundleOf("welcome-deal.promo", "welcome");
    const checked = bundle.validate(carts[0]![1]);
    if (!checked.ok) throw new Error("expected a valid cart");
    expect(Object.isFrozen(checked.cart)).toBe(true);
    expect(Object.isFrozen(checked.cart.lines)).toBe(true);
    expect(checked.cart.lines.every((line) => Object.isFrozen(line))).toBe(true);
    expect(() => {
      "use strict";
      checked.cart.lines[0]!["unitPrice"] = -100;
    }).toThrow(TypeError);
  });

  it("are recognised by identity only: a look-alike or another bundle's cart is validated again", async () => {
    const first = await bundleOf("coins.promo", "coins");
    const second = await bundleOf("seller-shop.promo", "seller");
    const checked = first.validate({ currency: "USD", at: "2026-11-10T13:00:00Z", lines: [{ id: "l1", sku: "A", unitPrice: "5.00", quantity: 1 }] });
    if (!checked.ok) throw new Error("expected a valid cart");
    // A normalised cart holds numbers where amounts belong and Sets where lists belong: not a valid raw cart.
    expect(first.tryEvaluate({ ...checked.cart }).ok).toBe(false);
    expect(second.tryEvaluate(checked.cart).ok).toBe(false);
    expect(first.tryEvaluate(checked.cart).ok).toBe(true);
  });
});
