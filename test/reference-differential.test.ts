import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { diskHost, memoryHost } from "../packages/dsl/src/project/host.js";
import { recordToJson } from "../packages/dsl/src/testing/examples.js";
import { cleanEngines } from "./helpers/engines.js";
import { bundledEngine, referenceEngine, type PricingEngine } from "./helpers/implementations.js";

/**
 * The compiled bundle against the reference model (packages/reference, written from docs/language.md alone) on
 * every conformance case and every example: same applied promotions with the same per-line amounts, same
 * totals, same rejected promotions with the same reasons; a cart one rejects the other rejects. Needs the build.
 */
afterAll(cleanEngines);

function agree(compiled: PricingEngine, reference: PricingEngine, cart: unknown, usage?: Record<string, number>): void {
  const options = usage ? { usage } : undefined;
  const a = compiled.price(cart, options);
  const b = reference.price(cart, options);
  if (!a.ok || !b.ok) {
    expect({ compiledOk: a.ok, referenceOk: b.ok }).toEqual({ compiledOk: false, referenceOk: false });
    return;
  }
  expect(b.result, `reference vs compiled for ${JSON.stringify(cart)}`).toEqual(a.result);
}

const conformance = join(import.meta.dirname, "conformance");
const suites = readdirSync(conformance, { withFileTypes: true })
  // attribution/ holds journeys, not carts: test/attribution-conformance.test.ts runs it. settlement/ and returns/
  // check settlement and refunds: test/settlement-conformance.test.ts runs them on the bundle and the reference.
  .filter((d) => d.isDirectory() && !["attribution", "settlement", "returns"].includes(d.name))
  .flatMap((d) =>
    readdirSync(join(conformance, d.name))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(d.name, f)),
  )
  .sort();

describe.each(suites)("conformance %s", (file) => {
  const suite = parseYaml(readFileSync(join(conformance, file), "utf8")) as {
    rules: string;
    cases: { name: string; cart: unknown; usage?: Record<string, number> }[];
  };
  const path = "/rules.promo";
  const { project } = checkProject([path], memoryHost({ [path]: suite.rules }));
  const reference = referenceEngine(project);
  let compiled: Promise<PricingEngine> | undefined;
  it.each(suite.cases.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    agree(await (compiled ??= bundledEngine(suite.rules)), reference, testCase.cart, testCase.usage);
  });
});

const examples = join(import.meta.dirname, "..", "examples");
describe.each(
  readdirSync(examples)
    .filter((f) => f.endsWith(".promo"))
    .sort(),
)("example %s", (name) => {
  const path = join(examples, name);
  const { project } = checkProject([path], diskHost);
  const reference = referenceEngine(project);
  const text = readFileSync(path, "utf8");
  const currency = project.files[0]!.currency;
  const carts: [string, unknown][] = [];
  for (const { decl } of project.examples) if (decl.cart) carts.push([decl.name.text, { currency, ...(recordToJson(decl.cart, project) as object) }]);
  const stem = name.replace(/\.promo$/, "");
  for (const file of readdirSync(join(examples, "carts")).filter((f) => f.startsWith(`${stem}-`))) {
    carts.push([file, JSON.parse(readFileSync(join(examples, "carts", file), "utf8"))]);
  }
  let compiled: Promise<PricingEngine> | undefined;
  it("has carts", () => expect(carts.length).toBeGreaterThan(0));
  it.each(carts)("%s", async (_cartName, cart) => {
    agree(await (compiled ??= bundledEngine(text)), reference, cart);
  });
});
