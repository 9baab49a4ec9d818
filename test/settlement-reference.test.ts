import { describe, expect, it } from "vitest";
import { checkProject } from "../packages/dsl/src/pipeline/frontend.js";
import { memoryHost } from "../packages/dsl/src/project/host.js";
import { referenceSettlement } from "../packages/reference/src/index.js";
import { parseRational } from "../packages/reference/src/money.js";
import { settlementInputs, type SettlementInputs } from "../packages/reference/src/settlement.js";
import { checkSettlementCase, runReturns, settlementSuites } from "./helpers/settlement-conformance.js";

/**
 * Every settlement and returns conformance case (computed by hand from the agreed design) against the reference
 * evaluator: the priced result, the settlement, and each refund of the case's returns in turn. The count of cases
 * actually checked is asserted, so nothing passes by being skipped.
 */
const suites = settlementSuites();
const total = suites.reduce((n, s) => n + s.cases.length, 0);
let checked = 0;
const modes = new Map<string, "parsed" | "extracted">();

/**
 * TEMPORARY, until the parser reads `funded by`, `commission { … }` and `on return …` (issue 13, the language side):
 * those lines are taken out of the rule text and read here into the reference's plain-data inputs, so that the
 * cases are checked now. Used only when the full text does not check clean; once it does, `settlementInputs` reads
 * the inputs from the syntax trees, and this reading of the text only cross-checks it (then this can go).
 */
function extractTemporarily(rules: string): { text: string; inputs: SettlementInputs } {
  const inputs: SettlementInputs = { funders: {}, commission: null, onReturn: {}, onCancel: {}, limitUnits: {} };
  const kept: string[] = [];
  let promotion = "";
  let inCommission = false;
  const pct = (s: string) => parseRational(s)!;
  for (const line of rules.split("\n")) {
    const t = line.trim();
    const p = /^promotion\s+(\S+)\s*\{/.exec(t);
    if (p) promotion = p[1]!;
    if (/^commission\s*\{/.test(t)) {
      inCommission = true;
      inputs.commission = { categories: {}, default: { num: 0n, den: 1n } };
      continue;
    }
    if (inCommission) {
      const c = /^category\s+"([^"]*)"\s+([0-9.]+)%$/.exec(t);
      const d = /^default\s+([0-9.]+)%$/.exec(t);
      if (c) inputs.commission!.categories[c[1]!] = pct(c[2]!);
      if (d) inputs.commission!.default = pct(d[1]!);
      if (t === "}") inCommission = false;
      continue;
    }
    const f = /^funded by\s+(.*)$/.exec(t);
    if (f) {
      const parties = [...f[1]!.matchAll(/(platform|seller)(?:\s+([0-9.]+)%)?/g)];
      const zero = { num: 0n, den: 1n };
      const hundred = { num: 100n, den: 1n };
      if (parties.length === 1)
        inputs.funders[promotion] = parties[0]![1] === "platform" ? { platform: hundred, seller: zero } : { platform: zero, seller: hundred };
      else {
        const of = (who: string) => pct(parties.find((m) => m[1] === who)![2]!);
        inputs.funders[promotion] = { platform: of("platform"), seller: of("seller") };
      }
      continue;
    }
    const r = /^on return (keep|recover) discount$/.exec(t);
    if (r) {
      inputs.onReturn[promotion] = r[1] as "keep" | "recover";
      continue;
    }
    const oc = /^on cancel (keep|return) use$/.exec(t);
    if (oc) inputs.onCancel[promotion] = oc[1] as "keep" | "return";
    const lim = /^limit\s+[0-9]+\s+(units|redemptions|uses|coins)\b/.exec(t) ?? /^limit\b/.exec(t);
    if (lim) (inputs.limitUnits[promotion] ??= []).push(lim[1] ?? null);
    kept.push(line);
  }
  return { text: kept.join("\n"), inputs };
}

describe.each(suites.map((s) => [s.file, s] as const))("%s", (file, suite) => {
  const path = `/conformance/${file.replace(/\.yaml$/, ".promo")}`;
  const full = checkProject([path], memoryHost({ [path]: suite.rules }));
  const parsed = full.diagnostics.every((d) => d.severity !== "error");
  let project = full.project;
  let inputs: SettlementInputs;
  if (parsed) {
    modes.set(file, "parsed");
    inputs = settlementInputs(project.files.map((f) => f.parsed.ast));
    it("has funding, commission and return policies read off the syntax trees as the rule text says", () => {
      // The reader goes by node kinds and the words inside; the line-by-line reading of the text must agree.
      const { funders, commission, onReturn, onCancel } = extractTemporarily(suite.rules).inputs;
      expect({ funders: inputs.funders, commission: inputs.commission, onReturn: inputs.onReturn, onCancel: inputs.onCancel }).toEqual({
        funders,
        commission,
        onReturn,
        onCancel,
      });
    });
  } else {
    modes.set(file, "extracted");
    const extracted = extractTemporarily(suite.rules);
    const stripped = checkProject([path], memoryHost({ [path]: extracted.text }));
    project = stripped.project;
    inputs = extracted.inputs;
    it("checks clean once the funding, commission and return lines are taken out", () => {
      expect(stripped.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.span.start} ${d.message}`)).toEqual([]);
    });
  }
  const reference = referenceSettlement(project, inputs);

  it.each(suite.cases.map((c) => [c.name, c] as const))("%s", (_name, testCase) => {
    const outcome = reference.trySettle(testCase.cart, testCase.usage ? { usage: testCase.usage } : {});
    if (!outcome.ok) throw new Error(`cart rejected: ${JSON.stringify(outcome.errors)}`);
    const refunds = runReturns(testCase.returns ?? [], (returned, previous) => outcome.refund(returned, previous));
    checkSettlementCase({ result: outcome.result, settlement: outcome.settlement, refunds }, testCase);
    checked += 1;
  });
});

describe("the settlement and returns corpus", () => {
  it("has at least 40 cases, in USD, JPY and KWD, and every one was checked", () => {
    expect(total).toBeGreaterThanOrEqual(40);
    const currencies = new Set(suites.flatMap((s) => s.cases.map((c) => c.cart["currency"])));
    expect([...currencies].sort()).toEqual(["JPY", "KWD", "USD"]);
    expect(checked).toBe(total);
  });

  it("says which suites the temporary extraction read (none once the parser reads the new clauses)", () => {
    const extracted = [...modes].filter(([, m]) => m === "extracted").map(([f]) => f);
    expect(modes.size).toBe(suites.length);
    if (extracted.length > 0) console.log(`settlement-reference: the parser does not read funding/commission/on return yet: ${extracted.join(", ")}`);
  });
});
