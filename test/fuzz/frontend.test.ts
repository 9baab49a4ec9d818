import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inertnessViolations } from "../../packages/dsl/src/emit/inert.js";
import { emitModule } from "../../packages/dsl/src/emit/emit.js";
import { formatSource } from "../../packages/dsl/src/formatter/format.js";
import { lex } from "../../packages/dsl/src/lexer/lexer.js";
import { lower } from "../../packages/dsl/src/lower/lower.js";
import { parseSource } from "../../packages/dsl/src/parser/parse.js";
import { checkSource } from "../../packages/dsl/src/pipeline/frontend.js";
import { bundleViolations } from "../helpers/bundle-ast.js";
import { repoRoot } from "../helpers/cli.js";
import { WorkCounter } from "../helpers/work.js";
// @ts-expect-error: a plain ES module shared with the benchmark
import { scaleShapes } from "../../bench/scale-shapes.mjs";
import { stopwatch } from "../helpers/stopwatch.js";

/**
 * Fuzzing the front end: random token soup and mutated example files go through the lexer, parser, checker,
 * formatter (format, re-check, format again) and the compiler's lower and emit stages. Nothing may throw: every
 * problem is a diagnostic. Formatting is idempotent and keeps the diagnostics' codes; emitted code is inert.
 *
 * PROMO_FUZZ_INPUTS sets how many inputs (modest in `npm test`; `npm run fuzz` runs 200,000 by default);
 * PROMO_FUZZ_SEED the seed. The inputs/s figure is printed at the end.
 */
const INPUTS = Number(process.env["PROMO_FUZZ_INPUTS"] || 500);
const SEED = Number(process.env["PROMO_FUZZ_SEED"] || 1111);
/**
 * No time bound per input (a loaded machine made such bounds fail): runaway growth is caught by counted work
 * below, and a hung input by the test's timeout, generous in `npm test` and off for long `npm run fuzz` runs.
 */
const FUZZ_TIMEOUT_MS = INPUTS <= 1_000 ? 600_000 : 24 * 3600_000;

const examples = readdirSync(join(repoRoot, "examples"))
  .filter((f) => f.endsWith(".promo"))
  .sort()
  .map((f) => readFileSync(join(repoRoot, "examples", f), "utf8"));

const stats = { inputs: 0, bytes: 0, ms: 0, slowest: 0, compiled: 0, formatted: 0 };
afterAll(() => {
  const line = `front-end fuzzing: ${stats.inputs} inputs (${(stats.bytes / 1e6).toFixed(1)} MB; ${stats.formatted} formatted, ${stats.compiled} lowered and emitted) in ${(stats.ms / 1000).toFixed(1)} s, ${Math.round(stats.inputs / (stats.ms / 1000))} inputs/s; slowest input ${stats.slowest.toFixed(0)} ms`;
  console.log(line);
  if (process.env["PROMO_FUZZ_REPORT"]) appendFileSync(process.env["PROMO_FUZZ_REPORT"], line + "\n");
});

const TOKENS = [
  "currency",
  "USD",
  "EUR",
  "JPY",
  "KWD",
  "XAU",
  "promotion",
  "scope",
  "window",
  "group",
  "stacking",
  "example",
  "earn",
  "import",
  "attribute",
  "title",
  "kind",
  "code",
  "valid",
  "collect",
  "expires",
  "locked",
  "when",
  "give",
  "priority",
  "exclusive",
  "combines",
  "with",
  "limit",
  "from",
  "to",
  "in",
  "after",
  "before",
  "activation",
  "failed",
  "payment",
  "off",
  "each",
  "unit",
  "of",
  "up",
  "max",
  "price",
  "pack",
  "for",
  "free",
  "cheapest",
  "every",
  "on",
  "order",
  "shipping",
  "coins",
  "coin",
  "budget",
  "per",
  "select",
  "discounts",
  "and",
  "or",
  "not",
  "is",
  "exceeds",
  "at",
  "least",
  "most",
  "below",
  "contains",
  "subtotal",
  "quantity",
  "count",
  "true",
  "false",
  "null",
  "cart",
  "expect",
  "line.sku",
  "line.tags",
  "customer.region",
  "customer.firstOrder",
  "shipping.country",
  "automatic",
  "platform-coupon",
  "store-coupon",
  "best-for-buyer",
  "first-by-priority",
  "US",
  "UK",
  "FR",
  "America/Los_Angeles",
  "Europe/Paris",
  "UTC",
  "Mars/Olympus",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "=",
  ".",
  "%",
  "-",
  "#",
  "\n",
  " ",
  "  ",
  "\t",
  "\r\n",
  "\u00a0",
  "\ufeff",
  "\u2028",
  '"acme"',
  '"',
  '"\\u00e9"',
  '"\\"',
  '"\\q"',
  "'x'",
  "0",
  "1",
  "25.00",
  "5.001",
  "100%",
  "150%",
  "-3",
  "0.5",
  ".5",
  "99999999999999999999999",
  "2026-11-10",
  "2026-02-29",
  "2026-11-10 05:00:00",
  "2026-13-45T99:99",
  "months",
  "minutes",
  "fortnights",
  "a",
  "p1",
  "s-",
  "-s",
  "a--b",
  "__proto__",
  "constructor",
  "é",
  "😀",
  "\u0000",
  "\u001b",
  "@",
  "$",
  ";",
  "!",
  "?",
  "\\",
  "`",
  "${x}",
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((t) => t.join(" "));
const charSoup = fc.string({ unit: fc.constantFrom(...'abz019 \n\t"#.:,=()[]{}%-_\\/é😀\u2028@'.split("")), maxLength: 400 });

type Mutation = { op: "delete" | "duplicate" | "insert" | "swap" | "truncate" | "replace"; at: number; len: number; other: number; token: string };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom("delete" as const, "duplicate" as const, "insert" as const, "swap" as const, "truncate" as const, "replace" as const),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 80 }),
  other: fc.nat(),
  token: fc.constantFrom(...TOKENS),
});

function mutate(text: string, mutations: readonly Mutation[]): string {
  let s = text;
  for (const m of mutations) {
    const at = s.length === 0 ? 0 : m.at % s.length;
    const end = Math.min(s.length, at + m.len);
    switch (m.op) {
      case "delete":
        s = s.slice(0, at) + s.slice(end);
        break;
      case "duplicate":
        s = s.slice(0, end) + s.slice(at, end) + s.slice(end);
        break;
      case "insert":
        s = `${s.slice(0, at)} ${m.token} ${s.slice(at)}`;
        break;
      case "swap": {
        const piece = s.slice(at, end);
        const rest = s.slice(0, at) + s.slice(end);
        const to = rest.length === 0 ? 0 : m.other % rest.length;
        s = rest.slice(0, to) + piece + rest.slice(to);
        break;
      }
      case "truncate":
        s = s.slice(0, at);
        break;
      case "replace":
        s = s.slice(0, at) + m.token + s.slice(end);
        break;
    }
  }
  return s;
}

const mutated = fc
  .record({ base: fc.nat({ max: examples.length - 1 }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 6 }) })
  .map(({ base, mutations }) => mutate(examples[base]!, mutations));

function codes(list: readonly { code: string }[]): string[] {
  return list.map((d) => d.code).sort();
}

/** The whole front end on one input; throws (with the input) on any crash or broken property. */
function frontEnd(text: string): void {
  const elapsed = stopwatch();
  const fail = (what: string, error?: unknown): never => {
    throw new Error(
      `${what}${error ? `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` : ""}\n--- input (JSON) ---\n${JSON.stringify(text)}`,
    );
  };
  try {
    lex(text);
  } catch (e) {
    fail("the lexer threw", e);
  }
  try {
    parseSource("/fuzz.promo", text);
  } catch (e) {
    fail("the parser threw", e);
  }
  let checked: ReturnType<typeof checkSource>;
  try {
    checked = checkSource("/fuzz.promo", text);
  } catch (e) {
    return fail("the checker threw", e);
  }
  let formatted: ReturnType<typeof formatSource>;
  try {
    formatted = formatSource("/fuzz.promo", text);
  } catch (e) {
    return fail("the formatter threw", e);
  }
  if (formatted.text !== undefined) {
    stats.formatted++;
    const again = formatSource("/fuzz.promo", formatted.text);
    if (again.text !== formatted.text) fail(`formatting is not idempotent:\n${formatted.text}\n--- formatted twice ---\n${again.text}`);
    const rechecked = checkSource("/fuzz.promo", formatted.text);
    if (codes(rechecked.diagnostics).join() !== codes(checked.diagnostics).join()) {
      fail(
        `formatting changed the diagnostics: ${codes(checked.diagnostics).join(",")} → ${codes(rechecked.diagnostics).join(",")}\n--- formatted ---\n${formatted.text}`,
      );
    }
  }
  if (!checked.diagnostics.some((d) => d.severity === "error")) {
    let source = "";
    try {
      source = emitModule(lower(checked.project), { runtimeImport: "@promo/runtime", validatorImport: "promo:cart-schema" });
    } catch (e) {
      fail("lowering or emitting threw", e);
    }
    stats.compiled++;
    const inert = inertnessViolations(source, { allowStaticImports: true });
    if (inert.length > 0) fail(`the emitted module is not inert: ${inert.join("; ")}`);
    const ast = bundleViolations(source, { allowStaticImports: true });
    if (ast.length > 0) fail(`the emitted module's syntax tree has forbidden constructs: ${ast.join("; ")}\n${source}`);
  }
  const ms = elapsed();
  stats.inputs++;
  stats.bytes += text.length;
  stats.ms += ms;
  stats.slowest = Math.max(stats.slowest, ms);
}

describe("front-end fuzzing", () => {
  it("the example files themselves pass", () => {
    for (const text of examples) frontEnd(text);
  });

  it(
    `${INPUTS} random and mutated inputs: diagnostics only, never an exception`,
    () => {
      fc.assert(
        fc.property(fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: tokenSoup }, { weight: 1, arbitrary: charSoup }), (text) =>
          frontEnd(text),
        ),
        { numRuns: INPUTS, seed: SEED },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe("work grows linearly with the input", () => {
  // Counted work (blocks of JavaScript executed in the front end and the parser library, by V8's block counters),
  // not time: the same figure on an idle and on a loaded machine. Wall-clock scaling is in `npm run bench`.
  let counter: WorkCounter;
  beforeAll(() => {
    counter = new WorkCounter((url) => url.includes("/packages/dsl/") || url.includes("/node_modules/chevrotain"));
  });
  afterAll(() => counter.close());

  function work(text: string): number {
    return counter.measure(() => {
      checkSource("/scale.promo", text);
      formatSource("/scale.promo", text);
    });
  }

  const shapes = scaleShapes(examples[0]!);

  it.each(shapes)(
    "%s: 16× the input does well under 16² × the work",
    (_name, make) => {
      work(make(1)); // first calls compile lazily and fill caches: not part of the growth
      const w1 = work(make(1));
      const w16 = work(make(16));
      // Linear is about 16× (measured 16–19×: a few structures grow by n log n); quadratic would be about 256×.
      expect(w16 / w1, `1×: ${w1} blocks, 16×: ${w16} blocks`).toBeLessThan(32);
    },
    120_000,
  );
});
