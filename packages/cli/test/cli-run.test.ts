import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { outputPaths } from "../src/compile.js";
import { runCli, type CliIo } from "../src/main.js";
import { disagreement } from "../src/test.js";

/** `promo compile`, `promo eval` and `promo test`, run in-process with a capturing io in temp directories. */
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const ANSI = /\u001b\[[0-9;]*m/;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

const SALE = `currency USD

promotion ten-off {
  title "10% off orders over 20.00 USD"
  kind automatic
  when subtotal exceeds 20.00 USD
  give 10% off order
}

promotion save5 {
  title "SAVE5: 5.00 USD off"
  kind platform-coupon
  code "SAVE5"
  when subtotal exceeds 100.00 USD
  give 5.00 USD off order
}

example "ten percent off" {
  cart {
    at: 2026-11-10 12:00:00 in UTC,
    lines: [
      { id: "l1", sku: "MUG", unitPrice: 15.00 USD, quantity: 2 },
    ],
  }
  expect {
    applied: [ten-off],
    discount: 3.00 USD,
    total: 27.00 USD,
  }
}
`;

const SHIPPING = `currency USD

promotion free-ship {
  title "Free shipping"
  kind shipping
  give free shipping
}
`;

const BROKEN = `currency USD

promotion broken {
  title "Broken"
  kind bogus
  give 5.00 USD off order
}
`;

/** A cart for SALE: 30.00 USD of mugs, with the SAVE5 code (which does not qualify). */
const CART = {
  currency: "USD",
  at: "2026-11-10T12:00:00Z",
  customer: { id: "c1" },
  lines: [{ id: "l1", sku: "MUG", unitPrice: "15.00", quantity: 2 }],
  coupons: [{ code: "SAVE5" }],
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function promo(args: string[], options: { cwd?: string; isTTY?: boolean } = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd ?? dir,
    env: {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "promo-cli-run-"));
  roots.push(dir);
});

function write(relative: string, content: string): string {
  const full = join(dir, relative);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

function expectNoStackTrace(run: Run): void {
  expect(run.stdout + run.stderr).not.toMatch(STACK_LINE);
  expect(run.stderr).not.toContain("internal error");
}

describe("promo compile", () => {
  it("writes the bundle, its declarations and the cart schema, and prints a summary", async () => {
    write("rules/sale.promo", SALE);
    write("rules/shipping.promo", SHIPPING);
    const r = await promo(["compile", "rules", "-o", "out/promotions.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^compiled 2 files, 3 promotions → out\/promotions\.mjs \(\d+ KB\)\n$/);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["promotions.d.mts", "promotions.mjs", "promotions.schema.json"]);
    const dts = readFileSync(join(dir, "out/promotions.d.mts"), "utf8");
    const ids = /^export type PromotionId = (.*);$/m.exec(dts)?.[1]?.split(" | ").sort();
    expect(ids).toEqual(['"free-ship"', '"save5"', '"ten-off"']);
    expect(dts).toContain("export declare function evaluate(");
    const schemaText = readFileSync(join(dir, "out/promotions.schema.json"), "utf8");
    expect(schemaText.endsWith("}\n")).toBe(true);
    expect(schemaText).toBe(JSON.stringify(JSON.parse(schemaText), null, 2) + "\n");
    expect(JSON.parse(schemaText)).toHaveProperty("properties.lines");
  });

  it("is deterministic: two runs write byte-identical files", async () => {
    write("sale.promo", SALE);
    write("shipping.promo", SHIPPING);
    const first = await promo(["compile", "sale.promo", "shipping.promo", "-o", "a/bundle.mjs"]);
    const second = await promo(["compile", "sale.promo", "shipping.promo", "--out=b/bundle.mjs"]);
    expect([first.code, second.code]).toEqual([0, 0]);
    for (const name of ["bundle.mjs", "bundle.d.mts", "bundle.schema.json"]) {
      expect(readFileSync(join(dir, "b", name)).equals(readFileSync(join(dir, "a", name)))).toBe(true);
    }
  });

  it("names the declarations .d.ts for a .js bundle and leaves no temporary files", async () => {
    write("sale.promo", SALE);
    const r = await promo(["compile", "sale.promo", "-o", "dist/promo.js", "--minify"]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "dist")).sort()).toEqual(["promo.d.ts", "promo.js", "promo.schema.json"]);
    expect(outputPaths("x/y.mjs")).toEqual({ bundle: "x/y.mjs", declarations: "x/y.d.mts", schema: "x/y.schema.json" });
  });

  it("overwrites earlier output", async () => {
    write("sale.promo", SALE);
    write("out.mjs", "stale");
    const r = await promo(["compile", "sale.promo", "-o", "out.mjs"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "out.mjs"), "utf8")).not.toBe("stale");
  });

  it("prints --timings to stderr", async () => {
    write("sale.promo", SALE);
    const r = await promo(["compile", "sale.promo", "-o", "out.mjs", "--timings"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^bundle\s+[\d.]+ ms$/m);
    expect(r.stderr).toMatch(/^total\s+[\d.]+ ms$/m);
  });

  it("refuses files with errors: code frames, exit 1, nothing written", async () => {
    write("sale.promo", SALE);
    write("broken.promo", BROKEN);
    const r = await promo(["compile", ".", "-o", "out/bundle.mjs"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[unknown-kind]");
    expect(r.stdout).toMatch(/--> broken\.promo:5:8/);
    expect(r.stdout).toContain("nothing written");
    expect(existsSync(join(dir, "out"))).toBe(false);
    expectNoStackTrace(r);
  });

  it.each([
    [["compile", "sale.promo"], /missing the output file/],
    [["compile", "-o", "out.mjs"], /missing file or directory/],
    [["compile", "sale.promo", "-o", "out.cjs"], /must be a \.mjs or \.js file/],
    [["compile", "sale.promo", "-o"], /needs a value/],
    [["compile", "sale.promo", "-o", "out.mjs", "--bogus"], /unknown option '--bogus'/],
    [["compile", "missing.promo", "-o", "out.mjs"], /cannot read 'missing\.promo'/],
  ])("exits 2 on a usage or I/O error: %j", async (args, message) => {
    write("sale.promo", SALE);
    const r = await promo(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "out.mjs"))).toBe(false);
    expectNoStackTrace(r);
  });

  it("exits 2 when the output cannot be written", async () => {
    write("sale.promo", SALE);
    mkdirSync(join(dir, "out.mjs"));
    const r = await promo(["compile", "sale.promo", "-o", "out.mjs"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write 'out\.mjs': is a directory/);
    expect(readdirSync(dir).sort()).toEqual(["out.mjs", "sale.promo"]);
    expectNoStackTrace(r);
  });

  it("writes a bundle that imports and prices a cart", async () => {
    write("sale.promo", SALE);
    const r = await promo(["compile", "sale.promo", "-o", "bundle.mjs"]);
    expect(r.code).toBe(0);
    const bundle = (await import(pathToFileURL(join(dir, "bundle.mjs")).href)) as {
      evaluate: (cart: unknown) => { total: string; discount: string; applied: { id: string; amount: string }[]; rejected: { id: string; reason: string }[] };
      tryEvaluate: (cart: unknown) => { ok: boolean };
    };
    const result = bundle.evaluate(CART);
    expect(result.discount).toBe("3.00");
    expect(result.total).toBe("27.00");
    expect(result.applied.map((a) => [a.id, a.amount])).toEqual([["ten-off", "3.00"]]);
    expect(result.rejected.map((x) => [x.id, x.reason])).toEqual([["save5", "condition"]]);
    expect(bundle.tryEvaluate({ ...CART, lines: [] }).ok).toBe(true);
    expect(bundle.tryEvaluate({ nonsense: true }).ok).toBe(false);
  });
});

describe("promo eval", () => {
  it("lists the lines in the cart's own order, not sorted by id", async () => {
    write("sale.promo", SALE);
    const lines = [
      { id: "z9", sku: "MUG", unitPrice: "15.00", quantity: 1 },
      { id: "a1", sku: "MUG", unitPrice: "15.00", quantity: 1 },
    ];
    write("cart.json", JSON.stringify({ ...CART, lines }));
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf("\n  z9 ")).toBeGreaterThan(0);
    expect(r.stdout.indexOf("\n  z9 ")).toBeLessThan(r.stdout.indexOf("\n  a1 "));
  });

  it("prints a report with the lines, the applied and rejected promotions and the totals", async () => {
    write("sale.promo", SALE);
    write("cart.json", JSON.stringify(CART, null, 2));
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    // The lines table: id, quantity, unit price, subtotal, discount, total.
    expect(r.stdout).toMatch(/^\s+l1\s+2\s+15\.00\s+30\.00\s+3\.00\s+27\.00$/m);
    // The applied promotion, with its amount and its share per line.
    expect(r.stdout).toMatch(/^Applied\n\s+ten-off\s+3\.00 USD\s+automatic\n\s+l1\s+3\.00 USD\n/m);
    // The rejected one, with its reason, message and source.
    expect(r.stdout).toMatch(/^\s+save5\s+condition\s+.+\(sale\.promo:10:1\)$/m);
    expect(r.stdout).toMatch(/^\s+subtotal\s+30\.00 USD$/m);
    expect(r.stdout).toMatch(/^\s+discount\s+3\.00 USD$/m);
    // No coins rules and no coins used or earned: no coins row. The search finished: nothing said about it.
    expect(r.stdout).not.toMatch(/^\s+coins\s/m);
    expect(r.stdout).toMatch(/^\s+shipping\s+0\.00 USD$/m);
    expect(r.stdout).toMatch(/^\s+total\s+27\.00 USD$/m);
    expect(r.stdout).not.toMatch(/optimal|combinations/);
    expect(r.stdout).not.toContain("10% off orders over 20.00 USD");
  });

  it("--explain adds the titles of applied and rejected promotions", async () => {
    write("sale.promo", SALE);
    write("cart.json", JSON.stringify(CART));
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json", "--explain"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"10% off orders over 20.00 USD"');
    expect(r.stdout).toContain('"SAVE5: 5.00 USD off"');
  });

  it("--explain shows the coins' limits", async () => {
    write(
      "cart.json",
      JSON.stringify({
        currency: "USD",
        at: "2026-11-10T12:00:00Z",
        customer: { id: "c1", coins: 5000, coinsEarnedToday: 0 },
        lines: [{ id: "l1", sku: "CABLE", store: "gadgets", unitPrice: "12.00", quantity: 1, tags: ["coins"] }],
        coupons: [{ code: "GADGETS2" }],
        useCoins: true,
      }),
    );
    const explained = await promo(["eval", "examples/coins.promo", "--cart", join(dir, "cart.json"), "--explain"], { cwd: repoRoot });
    expect(explained.stderr).toBe("");
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/^\s+coins\s+5\.00 USD\s+500 coins used, 5 coins earned$/m);
    expect(explained.stdout).toMatch(/^Coins\n/m);
    expect(explained.stdout).toMatch(/cap\s+50% of the items after promotions \(10\.00 USD\) = 5\.00 USD/);
    expect(explained.stdout).toMatch(/balance\s+5000 coins = 50\.00 USD/);
    expect(explained.stdout).toMatch(/at most 50 coins a day/);
  });

  it("--json prints the result with the contract's keys", async () => {
    write("sale.promo", SALE);
    write("cart.json", JSON.stringify(CART));
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json", "--json"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(["currency", "subtotal", "discount", "coins", "shipping", "total", "optimal", "applied", "rejected", "lines"]);
    expect(result).toMatchObject({
      currency: "USD",
      subtotal: "30.00",
      discount: "3.00",
      coins: { used: 0, amount: "0.00", earned: 0 },
      total: "27.00",
      optimal: true,
      applied: [{ id: "ten-off", kind: "automatic", amount: "3.00", lines: [{ line: "l1", amount: "3.00" }] }],
      rejected: [{ id: "save5", reason: "condition", source: { file: "sale.promo", line: 10, column: 1 } }],
      lines: [{ id: "l1", subtotal: "30.00", discount: "3.00", total: "27.00" }],
    });
  });

  it("colours the report only on a terminal", async () => {
    write("sale.promo", SALE);
    write("cart.json", JSON.stringify(CART));
    const tty = await promo(["eval", "sale.promo", "--cart", "cart.json"], { isTTY: true });
    expect(tty.stdout).toMatch(ANSI);
    const json = await promo(["eval", "sale.promo", "--cart", "cart.json", "--json"], { isTTY: true });
    expect(json.stdout).not.toMatch(ANSI);
  });

  it("exits 1 on an invalid cart, naming every error by its path", async () => {
    write("sale.promo", SALE);
    write("cart.json", JSON.stringify({ ...CART, lines: [{ id: "l1", sku: "MUG", unitPrice: 15, quantity: 2, colour: "red" }] }));
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^cart\.json: \/lines\/0\/unitPrice: must be a decimal string .*number 15$/m);
    expect(r.stderr).toMatch(/^cart\.json: \/lines\/0: unknown property "colour"/m);
    expectNoStackTrace(r);
  });

  it("exits 1 on invalid JSON and gives the position", async () => {
    write("sale.promo", SALE);
    write("cart.json", '{\n  "currency": "USD",\n  "lines": [}\n');
    const r = await promo(["eval", "sale.promo", "--cart", "cart.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cart\.json: invalid JSON at position \d+ \(line 3, column 13\)/m);
    expectNoStackTrace(r);
  });

  it("exits 1 with code frames on stderr when the rules have errors", async () => {
    write("broken.promo", BROKEN);
    write("cart.json", JSON.stringify(CART));
    const r = await promo(["eval", "broken.promo", "--cart", "cart.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[unknown-kind]");
    expect(r.stderr).toMatch(/--> broken\.promo:5:8/);
  });

  it("with --json, reports the rules' errors as JSON on stdout", async () => {
    write("broken.promo", BROKEN);
    write("cart.json", JSON.stringify(CART));
    const r = await promo(["eval", "broken.promo", "--cart", "cart.json", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { priced: boolean; diagnostics: { code: string; span: { file: string; startLine: number } }[] };
    expect(report.priced).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ code: "unknown-kind", span: { file: "broken.promo", startLine: 5 } });
  });

  it("exits 2 when the cart file is missing", async () => {
    write("sale.promo", SALE);
    const r = await promo(["eval", "sale.promo", "--cart", "nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("promo: cannot read 'nope.json': no such file or directory\n");
  });

  it("exits 2 without --cart or rules", async () => {
    write("sale.promo", SALE);
    const noCart = await promo(["eval", "sale.promo"]);
    expect(noCart.code).toBe(2);
    expect(noCart.stderr).toMatch(/missing the cart/);
    const noRules = await promo(["eval", "--cart", "cart.json"]);
    expect(noRules.code).toBe(2);
    expect(noRules.stderr).toMatch(/missing rule file/);
  });
});

describe("promo test", () => {
  it("passes on a file whose examples hold", async () => {
    write("sale.promo", SALE);
    const r = await promo(["test", "sale.promo"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS sale\.promo:18 ten percent off$/m);
    expect(r.stdout).toMatch(/^1 example: 1 passed, 0 failed\n$/m);
  });

  it("fails with the differences on a wrong expectation", async () => {
    write("sale.promo", SALE);
    write("wrong.promo", SALE.replace("total: 27.00 USD", "total: 27.01 USD").replace("applied: [ten-off]", "applied: [save5]"));
    const r = await promo(["test", "."]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL wrong\.promo:18 ten percent off$/m);
    expect(r.stdout).toContain("total: expected 27.01 USD, actual 27.00 USD");
    expect(r.stdout).toContain("applied: expected [save5], actual [ten-off]");
    expect(r.stdout).toMatch(/^PASS sale\.promo:18 ten percent off$/m);
    expect(r.stdout).toMatch(/\n2 examples: 1 passed, 1 failed\n$/);
    expect(r.stdout).not.toContain("compiled:");
  });

  it("--json reports every example", async () => {
    write("wrong.promo", SALE.replace("total: 27.00 USD", "total: 27.01 USD"));
    const r = await promo(["test", "wrong.promo", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { examples: { name: string; passed: boolean; differences: string[] }[]; passed: number; failed: number };
    expect(report.passed).toBe(0);
    expect(report.failed).toBe(1);
    expect(report.examples[0]).toMatchObject({
      name: "ten percent off",
      file: "wrong.promo",
      line: 18,
      passed: false,
      differences: ["total: expected 27.01 USD, actual 27.00 USD"],
    });
  });

  it("reports files with errors as code frames and exits 1", async () => {
    write("broken.promo", BROKEN);
    write("sale.promo", SALE);
    const r = await promo(["test", "."]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[unknown-kind]");
    expect(r.stdout).toMatch(/broken\.promo: the file has errors/);
    expect(r.stdout).toMatch(/^PASS sale\.promo:18/m);
    expect(r.stdout).toMatch(/\n1 example: 1 passed, 0 failed\n$/);
  });

  it("counts no examples as a pass", async () => {
    write("shipping.promo", SHIPPING);
    const r = await promo(["test", "shipping.promo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("0 examples: 0 passed, 0 failed\n");
  });

  it("leaves no temporary bundles behind", async () => {
    write("sale.promo", SALE);
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith("promo-test-")).length;
    const r = await promo(["test", "sale.promo"]);
    expect(r.code).toBe(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith("promo-test-")).length).toBeLessThanOrEqual(before);
  });

  it("passes on examples/ under both engines", async () => {
    const r = await promo(["test", "examples/"], { cwd: repoRoot });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(\d+) examples: \1 passed, 0 failed\n$/m);
    expect(r.stdout).not.toContain("FAIL");
  });

  it("names the keys in which the two engines disagree", () => {
    const base = { name: "x", file: "f.promo", line: 1, column: 1, passed: true, differences: [] };
    const result = {
      currency: "USD",
      subtotal: "1.00",
      discount: "0.00",
      coins: { used: 0, amount: "0.00", earned: 0 },
      shipping: "0.00",
      total: "1.00",
      optimal: true,
      applied: [],
      rejected: [],
      lines: [],
    };
    expect(disagreement({ ...base, result }, { ...base, result: { ...result } })).toEqual([]);
    expect(disagreement({ ...base, result }, { ...base, result: { ...result, total: "1.01", optimal: false } })).toEqual(["total", "optimal"]);
    expect(disagreement({ ...base, result }, { ...base, cartErrors: [] })).toEqual(["whether the cart is valid"]);
  });
});
