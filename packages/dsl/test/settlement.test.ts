import { describe, expect, it } from "vitest";
import { formatSource } from "../src/formatter/format.js";
import { lower } from "../src/lower/lower.js";
import { checkSource } from "../src/pipeline/frontend.js";

/** Funding, commission and `on return` in the language (docs/language.md, Funding, Commission, Returns). */
function check(src: string) {
  const { project, diagnostics } = checkSource("test.promo", src);
  return { project, codes: diagnostics.map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn}`) };
}

const promo = (kind: string, clauses: string) =>
  `currency USD\n\npromotion p {\n  title "p"\n  kind ${kind}\n${kind.endsWith("coupon") || kind === "promo-code" ? '  code "P"\n' : ""}  give ${kind === "shipping" ? "free shipping" : kind === "coins" ? "coins at 100 per 1.00 USD" : "1.00 USD off order"}\n${clauses}}\n`;

describe("funded by", () => {
  it("lowers a split, a single party and each kind's default", () => {
    const { project, codes } = check(promo("automatic", "  funded by seller 30%, platform 70%\n"));
    expect(codes).toEqual([]);
    expect(lower(project).promotions[0]!.funders).toEqual({ platform: 7, seller: 3 });
    expect(lower(check(promo("automatic", "  funded by platform 70.5%, seller 29.5%\n")).project).promotions[0]!.funders).toEqual({
      platform: 141,
      seller: 59,
    });
    expect(lower(check(promo("platform-coupon", "  funded by seller\n")).project).promotions[0]!.funders).toEqual({ platform: 0, seller: 1 });
    const defaults: [string, { platform: number; seller: number }][] = [
      ["automatic", { platform: 0, seller: 1 }],
      ["store-coupon", { platform: 0, seller: 1 }],
      ["shipping", { platform: 0, seller: 1 }],
      ["selected-coupon", { platform: 1, seller: 0 }],
      ["platform-coupon", { platform: 1, seller: 0 }],
      ["coins", { platform: 1, seller: 0 }],
      ["promo-code", { platform: 1, seller: 0 }],
    ];
    for (const [kind, funders] of defaults) expect(lower(check(promo(kind, "")).project).promotions[0]!.funders, kind).toEqual(funders);
  });

  it("warns about a promo code without funding, and reports bad splits, parties and duplicates", () => {
    expect(check(promo("promo-code", "")).codes).toEqual(["funding-implicit 3:11"]);
    expect(check(promo("promo-code", "  funded by seller\n")).codes).toEqual([]);
    expect(check(promo("automatic", "  funded by platform 70%, seller 20%\n")).codes).toEqual(["funding-split-sum 7:3"]);
    expect(check(promo("automatic", "  funded by platform 70%\n")).codes).toEqual(["funding-split-sum 7:3"]);
    expect(check(promo("automatic", "  funded by platform, seller\n")).codes).toEqual(["funding-split-sum 7:3"]);
    expect(check(promo("automatic", "  funded by platform 0%, seller 100%\n")).codes).toEqual(["funding-split-sum 7:22"]);
    expect(check(promo("automatic", "  funded by seller 50%, seller 50%\n")).codes).toEqual(["funding-duplicate-party 7:25"]);
    expect(check(promo("automatic", "  funded by sellers\n")).codes).toEqual(["unknown-funder 7:13"]);
    expect(check(promo("automatic", "  funded by seller\n  funded by platform\n")).codes).toEqual(["duplicate-clause 8:3"]);
  });
});

describe("on return", () => {
  it("keeps the discount by default; recover is lowered; other words are reported", () => {
    expect(lower(check(promo("automatic", "")).project).promotions[0]!.onReturn).toBe("keep");
    const { project, codes } = check(promo("automatic", "  on return recover discount\n"));
    expect(codes).toEqual([]);
    expect(lower(project).promotions[0]!.onReturn).toBe("recover");
    expect(check(promo("automatic", "  on return refund discount\n")).codes).toEqual(["clause-not-allowed 7:3"]);
    expect(check(promo("automatic", "  on return keep discount\n  on return recover discount\n")).codes).toEqual(["duplicate-clause 8:3"]);
  });
});

describe("commission", () => {
  it("lowers the table with its rates as results show them", () => {
    const { project, codes } = check('currency USD\n\ncommission {\n  category "electronics" 5%\n  category "fashion" 7.50%\n  default 8%\n}\n');
    expect(codes).toEqual([]);
    expect(lower(project).commission).toEqual({
      categories: [
        { category: "electronics", rate: { numerator: 5, denominator: 100, text: "5%" } },
        { category: "fashion", rate: { numerator: 750, denominator: 10000, text: "7.5%" } },
      ],
      default: { numerator: 8, denominator: 100, text: "8%" },
    });
    expect(lower(check("currency USD\n").project).commission).toBeNull();
  });

  it("reports a second table, a repeated category, a rate out of range, a missing default and an unknown row", () => {
    expect(check("currency USD\ncommission {\n  default 8%\n}\ncommission {\n  default 5%\n}\n").codes).toEqual(["duplicate-commission 5:1"]);
    expect(check('currency USD\ncommission {\n  category "a" 5%\n  category "a" 6%\n  default 8%\n}\n').codes).toEqual(["duplicate-commission-category 4:12"]);
    expect(check('currency USD\ncommission {\n  category "a" 101%\n  default 8%\n}\n').codes).toEqual(["invalid-commission-rate 3:16"]);
    expect(check('currency USD\ncommission {\n  category "a" 5%\n}\n').codes).toEqual(["commission-default-missing 2:1"]);
    expect(check("currency USD\ncommission {\n  categroy 5%\n  default 8%\n}\n").codes).toEqual(["unknown-name 3:3"]);
  });
});

describe("formatting", () => {
  it("prints funding, on return and commission canonically, and is idempotent", () => {
    const src =
      'currency USD\ncommission   {\n category "electronics"   5%\n    default 8% }\n\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n  funded   by platform 70% ,seller 30%\n  on   return recover   discount\n}\n';
    const once = formatSource("test.promo", src).text!;
    expect(once).toBe(
      'currency USD\n\ncommission {\n  category "electronics" 5%\n  default 8%\n}\n\npromotion p {\n  title "p"\n  kind automatic\n  give 1.00 USD off order\n  funded by platform 70%, seller 30%\n  on return recover discount\n}\n',
    );
    expect(formatSource("test.promo", once).text).toBe(once);
  });
});

describe("policy clauses after a coins benefit", () => {
  it("reads `on return …` and `on cancel …` after `give coins …` as clauses, not as the coins' scope", () => {
    const src =
      'currency USD\n\npromotion c {\n  title "c"\n  kind coins\n  give coins at 100 per 1.00 USD up to 50% of order\n  on return recover discount\n}\n';
    const { project, codes } = check(src);
    expect(codes).toEqual([]);
    expect(lower(project).promotions[0]!.onReturn).toBe("recover");
    const scoped =
      'currency USD\nscope s = line.store is "a"\npromotion c {\n  title "c"\n  kind coins\n  give coins at 100 per 1.00 USD on s\n  on return keep discount\n}\n';
    expect(check(scoped).codes).toEqual([]);
  });
});
