import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatSource } from "../src/formatter/format.js";
import { lowerCampaigns } from "../src/lower/campaign.js";
import { parseSource } from "../src/parser/parse.js";
import { checkSource } from "../src/pipeline/frontend.js";

const example = join(import.meta.dirname, "..", "..", "..", "examples", "campaigns", "11-11");

const CALENDAR = `  registration opens 2026-10-01 00:00 in Asia/Shanghai
  registration closes 2026-11-01 00:00 in Asia/Shanghai
  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
`;

function campaign(body: string, calendar = CALENDAR): string {
  return `campaign "c" {\n${calendar}${body}}\n`;
}

function codes(text: string): string[] {
  return checkSource("c.promo", text).diagnostics.map((d) => `${d.code} ${d.span.startLine}:${d.span.startColumn}`);
}

function messages(text: string): string[] {
  return checkSource("c.promo", text).diagnostics.map((d) => `${d.code}: ${d.message}`);
}

function data(text: string) {
  const { project, diagnostics } = checkSource("c.promo", text);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  return lowerCampaigns(project)[0]!;
}

describe("the campaign declaration", () => {
  const text = readFileSync(join(example, "campaign.promo"), "utf8");

  it("lowers the 11.11 example to exactly the requirements promo campaign check reads as JSON", () => {
    const json = JSON.parse(readFileSync(join(example, "requirements.json"), "utf8")) as { campaign: string; requirements: object[] };
    const lowered = data(text);
    expect(lowered.campaign).toBe(json.campaign);
    expect(lowered.requirements.map(({ span: _span, ...r }) => r)).toEqual(json.requirements);
    expect(lowered).toMatchObject(JSON.parse(JSON.stringify({ ...json, requirements: undefined })));
  });

  it("gives every requirement the span of its clause", () => {
    const lowered = data(text);
    for (const r of lowered.requirements) expect(text.slice(r.span.start, r.span.end)).toMatch(new RegExp(`^require ${r.reason}:`));
  });

  it("resolves the calendar in its zone and the edit deadline one day before registration closes", () => {
    const lowered = data(text);
    expect(lowered.calendar).toMatchObject({
      zone: "Asia/Shanghai",
      registrationOpens: "2026-09-30T16:00:00.000Z",
      registrationCloses: "2026-10-31T16:00:00.000Z",
      warmUpStart: "2026-11-03T16:00:00.000Z",
      saleStart: "2026-11-10T16:00:00.000Z",
      saleEnd: "2026-11-11T16:00:00.000Z",
      end: "2026-11-11T16:00:00.000Z",
    });
    expect(lowered.edits).toEqual([
      { field: "discount", change: "increase", until: "2026-10-30T16:00:00.000Z" },
      { field: "units", change: "increase" },
    ]);
  });

  it("reads a date without a zone in the sale's zone", () => {
    const lowered = data(campaign("  ends 2026-11-12 00:00\n"));
    expect(lowered.calendar.end).toBe("2026-11-11T16:00:00.000Z");
  });

  it("formats to itself, and a messy layout to the canonical one", () => {
    expect(formatSource("c.promo", text).text).toBe(text);
    const messy = `campaign   x{registration opens 2026-10-01 00:00 in Asia/Shanghai
registration closes 2026-11-01 00:00 in Asia/Shanghai   sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
require   r1 :product.rating at least 4.5 and product.sales90d exceeds 0 require r2: product.listed at least 24 hours
allow discount increase until 1 day before registration closes}`;
    expect(formatSource("c.promo", messy).text).toBe(`campaign x {
  registration opens 2026-10-01 00:00 in Asia/Shanghai
  registration closes 2026-11-01 00:00 in Asia/Shanghai
  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
  require r1: product.rating at least 4.5 and product.sales90d exceeds 0
  require r2: product.listed at least 24 hours
  allow discount increase until 1 day before registration closes
}
`);
  });

  it("does not take the next clause's first word as a unit", () => {
    const parsed = parseSource("c.promo", campaign("  require r: product.evaluations exceeds 5\n  registration opens 2026-10-01 00:00 in Asia/Shanghai\n", ""));
    expect(parsed.diagnostics).toEqual([]);
  });

  it("keeps `sale`, `review` and `ends` free as names elsewhere", () => {
    expect(codes('currency USD\nscope sale = line.sku in ["A"]\nscope review = line.sku in ["B"]\n').filter((c) => !c.startsWith("unused"))).toEqual([]);
  });

  it("lowers each threshold with its unit and type", () => {
    const lowered = data(
      campaign(`  require a: product.sales180d at least 3
  require b: product.listed at least 2 days
  require c: store.evaluation at least 97.5%
  require d: product.category is "home"
  require e: product.freeDelivery is not false
`),
    );
    expect(lowered.requirements.map(({ span: _s, ...r }) => r)).toEqual([
      { reason: "a", fact: "product.sales180d", op: ">=", value: 3 },
      { reason: "b", fact: "product.listedMinutes", op: ">=", value: 2880 },
      { reason: "c", fact: "store.evaluationPercent", op: ">=", value: 97.5 },
      { reason: "d", fact: "product.category", op: "==", value: "home" },
      { reason: "e", fact: "product.freeDelivery", op: "not", value: false },
    ]);
  });
});

describe("campaign diagnostics", () => {
  it("requires the registration dates and the sale", () => {
    expect(codes('campaign "c" {\n  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai\n}\n')).toEqual([
      "campaign-date-missing 1:10",
      "campaign-date-missing 1:10",
    ]);
  });

  it("refuses impossible calendars, each with its own code", () => {
    const cal = (lines: string) => `campaign c {\n${lines}}\n`;
    expect(
      codes(
        cal(`  registration opens 2026-11-01 00:00 in Asia/Shanghai
  registration closes 2026-10-01 00:00 in Asia/Shanghai
  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
`),
      ),
    ).toEqual(["registration-closes-before-opens 3:3"]);
    expect(
      codes(
        cal(`  registration opens 2026-10-01 00:00 in Asia/Shanghai
  registration closes 2026-11-12 00:00 in Asia/Shanghai
  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai
`),
      ),
    ).toEqual(["sale-before-registration-closes 4:3"]);
    expect(codes(campaign("  warm-up from 2026-11-04 00:00 to 2026-11-11 00:00 in Asia/Shanghai\n"))).toEqual(["warm-up-not-before-sale 5:3"]);
    expect(codes(campaign("  review from 2026-11-02 00:00 to 2026-11-11 12:00 in Asia/Shanghai\n"))).toEqual(["review-after-sale 5:3"]);
    expect(codes(campaign("  ends 2026-11-11 12:00 in Asia/Shanghai\n"))).toEqual(["campaign-ends-before-sale 5:3"]);
    // Exactly at the bounds is fine: the warm-up's last second is just before the sale.
    expect(codes(campaign("  warm-up from 2026-11-04 00:00 to 2026-11-10 23:59:59 in Asia/Shanghai\n  ends 2026-11-12 00:00\n"))).toEqual([]);
  });

  it("suggests the fact meant, and the calendar date meant", () => {
    expect(messages(campaign("  require r: product.ratng at least 4.5\n"))).toEqual(["unknown-field: 'product' has no field 'ratng'; did you mean 'rating'?"]);
    expect(messages(campaign("  require r: stor.evaluation exceeds 95%\n"))).toEqual(["unknown-name: unknown fact 'stor'; did you mean 'store'?"]);
    expect(messages(campaign("  warmup from 2026-11-04 00:00 to 2026-11-10 23:59:59 in Asia/Shanghai\n"))).toEqual([
      "unknown-name: unknown campaign date 'warmup'; did you mean 'warm-up'?",
    ]);
  });

  it("checks each value against its fact's type", () => {
    expect(codes(campaign("  require r: product.rating at least 5.5\n"))).toEqual(["type-mismatch 5:38"]);
    expect(codes(campaign("  require r: product.listed at least 24\n"))).toEqual(["type-mismatch 5:38"]);
    expect(codes(campaign("  require r: store.evaluation exceeds 95\n"))).toEqual(["type-mismatch 5:39"]);
    expect(codes(campaign('  require r: product.freeDelivery is "yes"\n'))).toEqual(["type-mismatch 5:38"]);
    expect(codes(campaign("  require r: product.category at least 3\n"))).toEqual(["invalid-requirement 5:31"]);
    expect(codes(campaign("  require r: product.rating at least 4.5 and product.sales30d exceeds 2\n"))).toEqual(["invalid-requirement 5:46"]);
    expect(codes(campaign("  require r: product.rating at least 4.5\n  require r: product.listed at least 1 day\n"))).toEqual(["duplicate-id 6:11"]);
  });

  it("refuses the edits the seeds forbid", () => {
    expect(codes(campaign("  allow discount decrease\n  allow units decrease\n  allow price increase\n"))).toEqual([
      "edit-not-allowed 5:18",
      "edit-not-allowed 6:15",
      "edit-not-allowed 7:9",
    ]);
    expect(messages(campaign("  allow discont increase\n"))).toEqual(["unknown-name: unknown editable field 'discont'; did you mean 'discount'?"]);
    expect(codes(campaign("  allow discount increase until 1 day before sale ends\n"))).toEqual(["unknown-name 5:46"]);
  });

  it("allows the discount edit up to a time before the sale starts", () => {
    expect(data(campaign("  allow discount increase until 2 hours before sale starts\n")).edits).toEqual([
      { field: "discount", change: "increase", until: "2026-11-10T14:00:00.000Z" },
    ]);
  });
});

describe("a half-typed campaign", () => {
  it("reports the syntax error only, not the dates the parser lost", () => {
    expect(codes("campaign c { require r: product.")).toEqual(["syntax-error 1:33"]);
    expect(codes("campaign c {\n  registration opens\n  allow\n}\n").every((c) => c.startsWith("syntax-error"))).toBe(true);
  });

  it("a date in the wrong form is reported once, as its form", () => {
    expect(codes(campaign("", "  registration opens from 2026-10-01 00:00 to 2026-10-02 00:00 in UTC\n" + CALENDAR.split("\n").slice(1).join("\n")))).toEqual([
      "type-mismatch 2:3",
    ]);
  });
});
