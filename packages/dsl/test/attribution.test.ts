import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { formatSource } from "../src/formatter/format.js";
import { checkFiles } from "../src/pipeline/frontend.js";
import { memoryHost } from "../src/project/host.js";
import { lowerAttribution } from "../src/lower/attribution.js";

const root = join(import.meta.dirname, "..", "..", "..");
const example = readFileSync(join(root, "examples", "attribution", "eleven-eleven.promo"), "utf8");

function checked(text: string) {
  const result = checkFiles(["a.promo"], memoryHost({ "a.promo": text }));
  return { codes: result.diagnostics.map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn}`), project: result.projects[0]! };
}

const WINDOWS = `window fc = from 2026-10-28 06:00:00 to 2026-11-10 04:59:59 in America/Los_Angeles
window sale = from 2026-10-28 06:00:00 to 2026-11-11 23:59:59 in America/Los_Angeles
`;
const ATTRIBUTION = `attribution a {
  first-cookie during fc
  last-cookie otherwise
  lookback 30 days
  per goods
}
`;
const PROGRAM = `affiliate program p {
  minimum 3%
}
`;

describe("attribution and affiliate program declarations", () => {
  it("the 11.11 example checks without a diagnostic and is in the formatter's layout", () => {
    expect(checked(example).codes).toEqual([]);
    expect(formatSource("a.promo", example).text).toBe(example);
  });

  it("format round-trips a messy layout, idempotently", () => {
    const messy = `window w = from 2026-11-01 00:00:00 to 2026-11-02 00:00:00 in UTC
attribution   a {priority  coupon>cart>click
 first-cookie during from 2026-11-01 00:00:00 to 2026-11-02 00:00:00 in UTC   last-cookie otherwise # the rest
lookback 2 weeks per goods payment during w exclude coupon-via-another-webmaster}
affiliate program p { minimum 3.5%  featured [FEAT,"lamp 01"]  8%
  premium [U1] 10% during w }
`;
    const once = formatSource("a.promo", messy).text!;
    expect(once).toBe(`window w = from 2026-11-01 00:00:00 to 2026-11-02 00:00:00 in UTC

attribution a {
  priority coupon > cart > click
  first-cookie during from 2026-11-01 00:00:00 to 2026-11-02 00:00:00 in UTC
  last-cookie otherwise # the rest
  lookback 2 weeks
  per goods
  payment during w
  exclude coupon-via-another-webmaster
}

affiliate program p {
  minimum 3.5%
  featured [FEAT, "lamp 01"] 8%
  premium [U1] 10% during w
}
`);
    expect(formatSource("a.promo", once).text).toBe(once);
    expect(checked(once).codes).toEqual([]);
  });

  it("lowers to the rules the conformance cases are computed with (plus priority, exclusion and sources)", () => {
    const suite = parseYaml(readFileSync(join(root, "test", "conformance", "attribution", "eleven-eleven.yaml"), "utf8")) as {
      rules: Record<string, unknown> & { windows: { from: string; to: string; model: string }[] };
    };
    const ms = (s: string) => Date.parse(s);
    const r = suite.rules as unknown as {
      windows: { from: string; to: string; model: string }[];
      salePeriod: { from: string; to: string };
      premium: { webmasters: string[]; rateBp: number; from: string; to: string };
    };
    const rules = lowerAttribution(checked(example).project)!;
    expect(rules.windows).toEqual(r.windows.map((w) => ({ ...w, from: ms(w.from), to: ms(w.to) })));
    expect(rules.salePeriod).toEqual({ from: ms(r.salePeriod.from), to: ms(r.salePeriod.to) });
    expect(rules.premium).toEqual({ ...r.premium, from: ms(r.premium.from), to: ms(r.premium.to) });
    expect(rules).toMatchObject({ defaultModel: "last-cookie", lookbackMs: 2_592_000_000, storeRateBp: 300, featured: { FEAT: 800, "lamp-01": 800 } });
    expect(rules.priority).toEqual(["coupon", "cart", "click"]);
    expect(rules.couponExclusion).toBe(true);
    expect(rules.sources!["window:0"]).toMatchObject({ line: 9, column: 3, text: "first-cookie during first-cookie-period" });
  });

  it("without `exclude` a coupon through another webmaster does not exclude; the priority may be reordered", () => {
    const rules = lowerAttribution(checked(WINDOWS + ATTRIBUTION.replace("{", "{\n  priority cart > coupon > click") + PROGRAM).project)!;
    expect(rules.couponExclusion).toBe(false);
    expect(rules.priority).toEqual(["cart", "coupon", "click"]);
    expect(rules.salePeriod).toBeUndefined();
  });

  it("the clause words stay free as names", () => {
    const text = `currency USD
scope premium = line.sku is "P"
scope featured = line.sku is "F"
window lookback = from 2026-11-01 00:00:00 to 2026-11-02 00:00:00 in UTC
promotion minimum {
  title "t"
  kind automatic
  valid lookback
  give 10% off premium
}
`;
    expect(checked(text).codes.filter((c) => !c.startsWith("unused"))).toEqual([]);
  });

  it.each([
    ["an unknown model", ATTRIBUTION.replace("first-cookie during", "first-click during"), ["affiliate-unknown-word 4:3"]],
    ["an unknown exclusion", ATTRIBUTION.replace("per goods", "per goods\n  exclude coupons"), ["affiliate-unknown-word 8:11"]],
    ["an unknown granularity", ATTRIBUTION.replace("per goods", "per line"), ["affiliate-unknown-word 7:7"]],
    ["a priority missing an action", ATTRIBUTION.replace("{", "{\n  priority coupon > click"), ["affiliate-invalid-priority 4:3"]],
    ["no model for the rest of the time", ATTRIBUTION.replace("  last-cookie otherwise\n", ""), ["affiliate-missing-clause 3:13"]],
    ["no lookback", ATTRIBUTION.replace("  lookback 30 days\n", ""), ["affiliate-missing-clause 3:13"]],
    ["a lookback in months", ATTRIBUTION.replace("30 days", "1 month"), ["unknown-unit 6:14"]],
    ["two otherwise clauses", ATTRIBUTION.replace("per goods", "per goods\n  first-cookie otherwise"), ["duplicate-clause 8:3"]],
  ])("%s", (_what, attribution, expected) => {
    expect(checked(WINDOWS + attribution + PROGRAM).codes).toEqual(expected);
  });

  it.each([
    ["a store rate below 3%", PROGRAM.replace("3%", "2.5%"), ["affiliate-rate-below-minimum 10:11"]],
    ["a featured rate not above the minimum", PROGRAM.replace("3%", "3%\n  featured [X] 3%"), ["affiliate-rate-not-higher 11:16"]],
    ["a rate with three decimals", PROGRAM.replace("3%", "3.125%"), ["invalid-number 10:11"]],
    ["no minimum", PROGRAM.replace("minimum 3%", "featured [X] 8%"), ["affiliate-missing-clause 9:19"]],
    ["premium without a window", PROGRAM.replace("3%", "3%\n  premium [U] 10%"), ["affiliate-missing-clause 11:3"]],
    ["an unknown rate clause", PROGRAM.replace("3%", "3%\n  promoted [X] 8%"), ["affiliate-unknown-word 11:3"]],
    ["a second program", PROGRAM + PROGRAM.replace(" p ", " q "), ["affiliate-declared-twice 12:1"]],
  ])("%s", (_what, program, expected) => {
    expect(checked(WINDOWS + ATTRIBUTION + program).codes).toEqual(expected);
  });

  it("an attribution without an affiliate program is an error", () => {
    expect(checked(WINDOWS + ATTRIBUTION).codes).toEqual(["affiliate-missing-clause 3:13"]);
  });
});
