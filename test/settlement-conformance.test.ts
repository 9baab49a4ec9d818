import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../packages/dsl/src/compiler/compile.js";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { referenceSettlement } from "../packages/reference/src/index.js";
import { checkSettlementCase, runOnBundle, runOnReference, settlementSuites, type SettlementBundle } from "./helpers/settlement-conformance.js";

/**
 * Every settlement and returns conformance case (test/conformance/settlement/, test/conformance/returns/, computed
 * by hand from docs/language.md, Settlement and Returns) against both the compiled bundle (`settle`, `refund`) and
 * the reference evaluator (packages/reference, its inputs read off the syntax trees): each run must match the case,
 * and the two runs must give the same settlement and the same refunds. The count of cases checked on both is
 * asserted, so nothing passes by being skipped. This is the one place these folders run (test/conformance.test.ts
 * and test/reference-differential.test.ts leave them out). Needs the build: bundles import the built runtime.
 */
const suites = settlementSuites();
const total = suites.reduce((n, s) => n + s.cases.length, 0);
let checked = 0;
const scratch = mkdtempSync(join(tmpdir(), "promo-settlement-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** JSON's view of a value (what a caller serialising the output sees); error messages are each side's own wording. */
const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === "errors" && Array.isArray(v) ? v.map((e: { path: string }) => e.path) : v)) as unknown;

describe.each(suites.map((s) => [s.file, s] as const))("%s", (file, suite) => {
  const path = `/conformance/${file.replace(/\.yaml$/, ".promo")}`;
  const host = memoryHost({ [path]: suite.rules });
  const { project, diagnostics } = checkProject([path], host);

  it("has rules that check clean", () => {
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.startLine}:${d.span.startColumn} ${d.message}`)).toEqual([]);
  });

  const reference = referenceSettlement(project);
  let bundle: Promise<SettlementBundle> | undefined;
  const compiled = () =>
    (bundle ??= compile([path], { host }).then(async (result) => {
      const out = join(scratch, file.replace(/[\\/]/g, "__").replace(/\.yaml$/, ".mjs"));
      writeFileSync(out, result.code);
      return (await import(pathToFileURL(out).href)) as SettlementBundle;
    }));

  it.each(suite.cases.map((c) => [c.name, c] as const))("%s", async (_name, testCase) => {
    // The reference first: a case it fails is wrong (or the reference is); then the bundle against the same case.
    const viaReference = runOnReference(reference, testCase);
    checkSettlementCase(viaReference, testCase);
    const viaBundle = runOnBundle(await compiled(), testCase);
    checkSettlementCase(viaBundle, testCase);
    expect(plain(viaBundle.settlement), "the bundle's settlement is the reference's").toEqual(plain(viaReference.settlement));
    expect(plain(viaBundle.refunds), "the bundle's refunds are the reference's").toEqual(plain(viaReference.refunds));
    checked += 1;
  });
});

describe("the settlement and returns corpus", () => {
  it("has at least 40 cases, in USD, JPY and KWD, and every one was checked on the bundle and the reference", () => {
    expect(total).toBeGreaterThanOrEqual(40);
    const currencies = new Set(suites.flatMap((s) => s.cases.map((c) => c.cart["currency"])));
    expect([...currencies].sort()).toEqual(["JPY", "KWD", "USD"]);
    expect(checked).toBe(total);
    expect(total).toBe(98);
  });
});
