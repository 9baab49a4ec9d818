/**
 * The output contract of every command with `--json` (README, "Command line"): stdout holds exactly one JSON
 * document and nothing else — on success, on problems in the input and on usage and I/O errors — and the exit code
 * is the documented one (0 clean, 1 problems in the input, 2 usage or I/O error). Run in-process with a capturing io
 * for speed, plus the real bin once per exit code.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/main.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "..", "bin", "promo.js");

const RULES = `currency USD

promotion welcome {
  title "Welcome: 3.00 USD off"
  kind automatic
  give 3.00 USD off order
  limit 1 per customer
  limit budget 100.00 USD
}

example "welcome applies" {
  cart {
    at: 2026-11-10 12:00:00 in UTC,
    customer: { id: "c1" },
    lines: [
      { id: "l1", sku: "MUG", unitPrice: 15.00 USD, quantity: 2 },
    ],
  }
  expect { applied: [welcome], discount: 3.00 USD }
}
`;
const ATTRIBUTION_RULES = `window sale = from 2026-10-28 06:00:00 to 2026-11-11 23:59:59 in Etc/GMT+8

attribution a {
  first-cookie during sale
  last-cookie otherwise
  lookback 30 days
  per goods
  payment during sale
}

affiliate program store {
  minimum 3%
}
`;
const FAILING = RULES.replace("discount: 3.00 USD", "discount: 4.00 USD");
const UNFORMATTED = 'currency USD\npromotion   welcome {\n  title "W"\n  kind automatic\n  give 3.00 USD off order\n}\n';
const BROKEN = "currency USD\n\npromotion broken {\n  kind bogus\n}\n";
const CART = { currency: "USD", at: "2026-11-10T12:00:00Z", customer: { id: "c1" }, lines: [{ id: "l1", sku: "MUG", unitPrice: "15.00", quantity: 2 }] };
const BAD_CART = { ...CART, lines: [{ id: "l1", sku: "MUG", unitPrice: 15, quantity: 2 }] };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "promo-json-"));
  const files: Record<string, string> = {
    "good.promo": RULES,
    "failing.promo": FAILING,
    "unformatted.promo": UNFORMATTED,
    "broken.promo": BROKEN,
    "cart.json": JSON.stringify(CART),
    "bad-cart.json": JSON.stringify(BAD_CART),
    "not-json.json": "{ lines: ",
    "usage-used.json": JSON.stringify({ "welcome|count|customer:c1": 1 }),
    "usage-budget.json": JSON.stringify({ "welcome|budget": "98.50" }),
    "usage-bad.json": JSON.stringify({ "welcome|budget": 150 }),
    "requirements.json": JSON.stringify({ campaign: "11.11", requirements: [{ reason: "rating-too-low", fact: "product.rating", op: ">=", value: 4.5 }] }),
    "bad-requirements.json": JSON.stringify([{ reason: "r", fact: "rating", op: ">=", value: 4.5 }]),
    "products.ndjson": `${JSON.stringify({ product: { id: "p1", rating: 4.5 }, store: {} })}\n`,
    "products-low.ndjson": `${JSON.stringify({ product: { id: "p1", rating: 4.49 }, store: {} })}\n{ not json\n`,
    "campaign.promo": readFileSync(join(here, "..", "..", "..", "examples", "campaigns", "11-11", "campaign.promo"), "utf8"),
    "bad-campaign.promo": 'campaign "x" {\n  sale from 2026-11-11 00:00 to 2026-11-11 23:59:59 in Asia/Shanghai\n}\n',
    "registration.json": JSON.stringify({
      product: "tee-1",
      shippingModel: "free",
      skus: [{ sku: "tee-1-S", discountPercent: 20, units: 10, originalPrice: 2500 }],
    }),
    // Twelve in stock, ten registered: two sellable before the campaign (002 q.80).
    "snapshot.json": JSON.stringify({
      product: { id: "tee-1", rating: 4.8, sales30d: 40, listedMinutes: 86400, category: "apparel", evaluations: 31, freeDelivery: true, stock: 12 },
      store: { id: "s1", evaluationPercent: 97.5, seriousPenalties: 0 },
    }),
    "sale-cart.json": JSON.stringify({
      currency: "USD",
      at: "2026-11-11T10:00:00+08:00",
      lines: [
        { id: "1", sku: "tee-1-S", product: "tee-1", unitPrice: "25.00", quantity: 3 },
        { id: "2", sku: "tee-1-L", product: "tee-1", unitPrice: "25.00", quantity: 1 },
      ],
    }),
    "bad-registration.json": JSON.stringify({ product: "tee-1", shippingModel: "free", skus: [{ sku: "tee-1-S", discountPercent: 120, units: -1 }] }),
    "attribution.promo": ATTRIBUTION_RULES,
    "order.json": JSON.stringify({ paidAt: "2026-11-11T10:00:00Z", lines: [{ id: "L1", sku: "S1", quantity: 2, paidMinor: 299, returnedUnits: 1 }] }),
    "journey.json": JSON.stringify([
      { id: "a1", at: "2026-11-01T10:00:00Z", kind: "click", webmaster: "A", sku: "S1" },
      { id: "b1", at: "2026-11-02T10:00:00Z", kind: "click", webmaster: "B", sku: "S1" },
    ]),
    "bad-journey.json": JSON.stringify([
      { id: "a1", at: "yesterday", kind: "click", webmaster: "A" },
      { id: "a1", at: 1, kind: "tap", webmaster: "B" },
    ]),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, "empty"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: true, cwd: dir, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** [arguments, documented exit code, a check on the parsed document]. */
type Case = [string[], 0 | 1 | 2, (doc: any) => void];

const usageError = (pattern: RegExp) => (doc: any) => {
  expect(doc.error.kind).toBe("usage");
  expect(doc.error.message).toMatch(pattern);
};
const ioError = (doc: any) => expect(doc.error.kind).toBe("io");

const CASES: Case[] = [
  // the command table itself
  [["chek", "good.promo"], 2, usageError(/unknown command 'chek'; did you mean 'check'\?/)],
  [["check", "--jsn", "good.promo"], 2, usageError(/unknown option '--jsn'.*did you mean '--json'\?/)],
  [[], 2, usageError(/missing command/)],
  [["help"], 0, (doc) => expect(doc.help).toContain("Usage:")],
  [["check", "--help"], 0, (doc) => expect(doc.help).toContain("promo check")],
  [["--version"], 0, (doc) => expect(doc.version).toMatch(/^\d+\.\d+\.\d+/)],
  // check
  [["check", "good.promo"], 0, (doc) => expect(doc).toEqual([])],
  [["check", "broken.promo"], 1, (doc) => expect(doc[0]).toMatchObject({ severity: "error", span: { file: "broken.promo" } })],
  [["check", "missing.promo"], 2, ioError],
  [["check", "empty"], 2, usageError(/no \.promo files found in 'empty'/)],
  [["check", "good.promo", "--at", "yesterday"], 2, usageError(/invalid --at/)],
  // fmt
  [["fmt", "--check", "good.promo"], 0, (doc) => expect(doc).toMatchObject({ files: 1, notFormatted: [], unparseable: [] })],
  [["fmt", "--check", "unformatted.promo"], 1, (doc) => expect(doc.notFormatted).toEqual(["unformatted.promo"])],
  [["fmt", "--check", "broken.promo", "good.promo"], 0, (doc) => expect(doc.unparseable).toEqual([])],
  [["fmt", "missing.promo"], 2, ioError],
  [["fmt", "empty"], 2, usageError(/no \.promo files/)],
  // compile
  [
    ["compile", "good.promo", "-o", "out/good.mjs"],
    0,
    (doc) => expect(doc).toMatchObject({ compiled: true, promotions: 1, outputs: { bundle: "out/good.mjs" } }),
  ],
  [
    ["compile", "broken.promo", "-o", "out/broken.mjs"],
    1,
    (doc) => expect(doc).toMatchObject({ compiled: false, diagnostics: expect.arrayContaining([expect.objectContaining({ severity: "error" })]) }),
  ],
  [["compile", "good.promo"], 2, usageError(/-o <out\.mjs>/)],
  [["compile", "empty", "-o", "out/x.mjs"], 2, usageError(/no \.promo files/)],
  // eval
  [
    ["eval", "good.promo", "--cart", "cart.json"],
    0,
    (doc) => {
      expect(doc).toMatchObject({ discount: "3.00", total: "27.00", applied: [{ id: "welcome" }] });
      // Reservations: a count stays a number, a budget's amount and max are decimal strings like every amount.
      const reservations = doc.applied[0].reservations as { key: string; amount: unknown; max: unknown }[];
      expect(reservations.find((r) => r.key === "welcome|count|customer:c1")).toMatchObject({ amount: 1, max: 1 });
      expect(reservations.find((r) => r.key === "welcome|budget")).toMatchObject({ amount: "3.00", max: "100.00" });
    },
  ],
  [
    ["eval", "good.promo", "--cart", "cart.json", "--usage", "usage-used.json"],
    0,
    (doc) => {
      expect(doc.applied).toEqual([]);
      expect(doc.rejected[0]).toMatchObject({ id: "welcome", reason: "limit" });
    },
  ],
  [["eval", "good.promo", "--cart", "cart.json", "--usage", "usage-budget.json"], 0, (doc) => expect(doc.discount).toBe("1.50")],
  [
    ["eval", "good.promo", "--cart", "cart.json", "--usage", "usage-bad.json"],
    1,
    (doc) => {
      expect(doc.priced).toBe(false);
      expect(doc.errors[0]).toMatchObject({ file: "usage-bad.json", path: "/welcome|budget" });
    },
  ],
  [
    ["eval", "good.promo", "--cart", "bad-cart.json"],
    1,
    (doc) => {
      expect(doc.priced).toBe(false);
      expect(doc.errors).toContainEqual({ file: "bad-cart.json", path: "/lines/0/unitPrice", message: expect.not.stringContaining("/lines/0/unitPrice") });
    },
  ],
  [["eval", "good.promo", "--cart", "not-json.json"], 1, (doc) => expect(doc.errors[0].path).toBe("")],
  [["eval", "broken.promo", "--cart", "cart.json"], 1, (doc) => expect(doc.diagnostics[0].severity).toBe("error")],
  [["eval", "good.promo", "--cart", "missing.json"], 2, ioError],
  [["eval", "good.promo"], 2, usageError(/--cart/)],
  // test
  [["test", "good.promo"], 0, (doc) => expect(doc).toMatchObject({ passed: 1, failed: 0 })],
  [["test", "failing.promo"], 1, (doc) => expect(doc).toMatchObject({ passed: 0, failed: 1 })],
  [["test", "broken.promo"], 1, (doc) => expect(doc.filesWithErrors).toEqual(["broken.promo"])],
  [["test", "empty"], 2, usageError(/no \.promo files/)],
  // ledger (SQLite in the temporary directory)
  [["ledger", "init", "--store", "sqlite:ledger.db"], 0, (doc) => expect(doc.schemaVersion).toBeGreaterThan(0)],
  [["ledger", "status", "--store", "sqlite:ledger.db"], 0, (doc) => expect(doc.orders).toBeDefined()],
  [["ledger", "usage", "nosuch", "--store", "sqlite:ledger.db"], 1, (doc) => expect(doc.counters).toEqual([])],
  [["ledger", "usage", "welcom", "good.promo", "--store", "sqlite:ledger.db"], 1, (doc) => expect(doc.error.message).toMatch(/did you mean 'welcome'/)],
  [["ledger", "usage", "welcome", "good.promo", "--store", "sqlite:ledger.db"], 0, (doc) => expect(doc.counters).toEqual([])],
  [["ledger", "usage", "welcome", "broken.promo", "--store", "sqlite:ledger.db"], 1, (doc) => expect(doc.diagnostics[0].severity).toBe("error")],
  [["ledger", "stats", "--store", "sqlite:ledger.db"], 2, usageError(/did you mean 'status'/)],
  [["ledger", "status", "--store", "sqlite:nodir/none.db"], 2, ioError],
  [["ledger", "status"], 2, usageError(/missing the store/)],
  // campaign
  [["campaign", "check", "requirements.json", "--products", "products.ndjson"], 0, (doc) => expect(doc.summary).toMatchObject({ eligible: 1, ineligible: 0 })],
  [
    ["campaign", "check", "requirements.json", "--products", "products-low.ndjson"],
    1,
    (doc) => expect(doc).toMatchObject({ summary: { ineligible: 1, malformed: 1 }, malformed: [{ file: "products-low.ndjson", line: 2 }] }),
  ],
  [["campaign", "check", "bad-requirements.json", "--products", "products.ndjson"], 1, (doc) => expect(doc.errors[0]).toMatch(/\$\[0\]\.fact/)],
  [["campaign", "check", "requirements.json", "--products", "nosuch.ndjson"], 2, ioError],
  [["campaign", "chek", "requirements.json"], 2, usageError(/did you mean 'check'/)],
  [["campaign", "check", "requirements.json"], 2, usageError(/--products/)],
  [["campaign", "check", "campaign.promo", "--products", "products-low.ndjson"], 1, (doc) => expect(doc.campaign).toBe("11.11")],
  [["campaign", "check", "bad-campaign.promo", "--products", "products.ndjson"], 1, (doc) => expect(doc.diagnostics[0].code).toBe("campaign-date-missing")],
  // campaign registrations, in order: each case sees the store the cases before it left
  [
    [
      "campaign",
      "register",
      "campaign.promo",
      "--store",
      "sqlite:campaign.db",
      "--registration",
      "registration.json",
      "--snapshot",
      "snapshot.json",
      "--at",
      "2026-10-15T10:00:00+08:00",
    ],
    0,
    (doc) =>
      expect(doc).toMatchObject({
        action: "register",
        ok: true,
        stock: 12,
        committed: 10,
        sellableBeforeCampaign: 2,
        registration: { product: "tee-1", status: "under-review", version: 1 },
      }),
  ],
  [
    ["campaign", "register", "campaign.promo", "--store", "sqlite:campaign.db", "--registration", "registration.json", "--at", "2026-10-15T10:00:00+08:00"],
    1,
    (doc) => expect(doc).toMatchObject({ ok: false, reasons: ["already-registered"] }),
  ],
  [
    ["campaign", "register", "campaign.promo", "--store", "sqlite:campaign.db", "--registration", "bad-registration.json"],
    1,
    (doc) =>
      expect(doc.errors).toEqual([
        "bad-registration.json: $.skus[0].discountPercent: expected a whole number from 1 to 99",
        "bad-registration.json: $.skus[0].units: expected a whole number of at least 1",
        "bad-registration.json: $.skus[0].originalPrice: expected a positive whole number of minor units",
      ]),
  ],
  [
    [
      "campaign",
      "edit",
      "campaign.promo",
      "--store",
      "sqlite:campaign.db",
      "--product",
      "tee-1",
      "--sku",
      "tee-1-S",
      "--discount",
      "25",
      "--at",
      "2026-10-20T10:00:00+08:00",
    ],
    0,
    (doc) => expect(doc.registration.skus[0]).toMatchObject({ discountPercent: 25 }),
  ],
  [
    [
      "campaign",
      "edit",
      "campaign.promo",
      "--store",
      "sqlite:campaign.db",
      "--product",
      "tee-1",
      "--sku",
      "tee-1-S",
      "--discount",
      "15",
      "--at",
      "2026-10-20T10:00:00+08:00",
    ],
    1,
    (doc) => expect(doc.reasons).toEqual(["discount-decrease"]),
  ],
  [["campaign", "edit", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "tee-1", "--sku", "tee-1-S"], 2, usageError(/nothing to edit/)],
  [
    ["campaign", "review", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "tee-1", "--event", "approve", "--at", "2026-11-02T09:00:00+08:00"],
    0,
    (doc) => expect(doc.registration.status).toBe("approved"),
  ],
  [
    ["campaign", "review", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "tee-1", "--event", "remove"],
    1,
    (doc) => expect(doc.reasons).toEqual(["removal-only-under-review"]),
  ],
  [
    ["campaign", "edit", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "tee-1", "--field", "colour", "--at", "2026-11-05T00:00:00+08:00"],
    1,
    (doc) => expect(doc).toMatchObject({ ok: false, field: "colour", reasons: ["field-locked"], unlocksAt: "2026-11-11T16:00:00.000Z" }),
  ],
  [
    ["campaign", "review", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "tee-1", "--event", "aprove"],
    2,
    usageError(/did you mean 'approve'/),
  ],
  [
    ["campaign", "status", "campaign.promo", "--store", "sqlite:campaign.db"],
    0,
    (doc) => expect(doc.registrations[0].history.map((h: { event: string }) => h.event)).toEqual(["register", "edit", "approve"]),
  ],
  [
    ["campaign", "price", "campaign.promo", "--store", "sqlite:campaign.db", "--cart", "sale-cart.json", "--place"],
    0,
    (doc) =>
      expect(doc).toMatchObject({
        phase: "sale",
        lines: [
          { status: "registered", promoUnits: 3, promoUnitPrice: "18.75" },
          { status: "unavailable", reason: "sku-not-registered" },
        ],
        take: [{ sku: "tee-1-S", units: 3 }],
        placed: true,
        pricing: { total: "56.25" },
      }),
  ],
  [
    ["campaign", "price", "campaign.promo", "--store", "sqlite:campaign.db", "--cart", "bad-cart.json"],
    1,
    (doc) => expect(doc.errors[0]).toMatch(/^bad-cart.json: \$.lines\[0\].unitPrice/),
  ],
  [["campaign", "price", "requirements.json", "--store", "sqlite:campaign.db", "--cart", "sale-cart.json"], 2, usageError(/rule file/)],
  [["campaign", "status", "campaign.promo", "--store", "sqlite:campaign.db", "--product", "nosuch"], 1, (doc) => expect(doc.registrations).toEqual([])],
  [["campaign", "status", "campaign.promo"], 2, usageError(/missing the store/)],
  [["campaign", "status", "requirements.json", "--store", "sqlite:campaign.db"], 0, (doc) => expect(doc.campaign).toBe("11.11")],
  [["campaign", "edit", "requirements.json", "--store", "sqlite:campaign.db", "--product", "p", "--sku", "s", "--units", "3"], 2, usageError(/no calendar/)],
  // attribute
  [
    ["attribute", "attribution.promo", "--order", "order.json", "--journey", "journey.json"],
    0,
    (doc) =>
      expect(doc).toMatchObject({
        attributed: true,
        lines: [{ line: "L1", webmaster: "A", commissionMinor: 5, reversedMinor: 4 }],
        totals: { commissionMinor: 5 },
      }),
  ],
  [
    ["attribute", "attribution.promo", "--order", "order.json", "--journey", "journey.json", "--explain"],
    0,
    (doc) =>
      expect(doc.lines[0]).toMatchObject({
        losers: [{ event: "b1", reason: "first-cookie-win: later cookie" }],
        rule: { name: "window:0", source: { line: 4 } },
      }),
  ],
  [
    ["attribute", "attribution.promo", "--order", "order.json", "--journey", "bad-journey.json"],
    1,
    (doc) => expect(doc.errors).toEqual([expect.objectContaining({ file: "bad-journey.json", path: "$[0].at" })]),
  ],
  [["attribute", "good.promo", "--order", "order.json", "--journey", "journey.json"], 1, (doc) => expect(doc.errors[0]).toMatchObject({ path: "rules" })],
  [["attribute", "broken.promo", "--order", "order.json", "--journey", "journey.json"], 1, (doc) => expect(doc.attributed).toBe(false)],
  [["attribute", "attribution.promo", "--order", "nosuch.json", "--journey", "journey.json"], 2, ioError],
  [["attribute", "attribution.promo", "--journey", "journey.json"], 2, usageError(/--order/)],
];

describe("every command with --json", () => {
  for (const [args, code, check] of CASES) {
    it(`promo ${args.join(" ")} --json → exit ${code}`, async () => {
      const r = await run([...args, "--json"]);
      expect(r.code).toBe(code);
      expect(r.stdout.endsWith("\n")).toBe(true);
      let doc: unknown;
      expect(() => (doc = JSON.parse(r.stdout))).not.toThrow();
      // Nothing but the one document: no colour codes despite the terminal, no text before or after.
      expect(r.stdout).not.toMatch(/\u001b\[/);
      expect(r.stdout.trim().startsWith("{") || r.stdout.trim().startsWith("[")).toBe(true);
      check(doc);
    });
  }

  it("the bin prints nothing but the JSON document, for each exit code", () => {
    for (const [args, code] of [
      [["check", "good.promo"], 0],
      [["check", "broken.promo"], 1],
      [["chek"], 2],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, ...args, "--json"], { cwd: dir, encoding: "utf8" });
      expect(r.status).toBe(code);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });
});
