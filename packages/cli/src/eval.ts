import { readFileSync } from "node:fs";
import { formatMinor, parseAmount, parseCartJson, pricingResultJson, type NormalizedCart, type PricingResult, type Program } from "@promo/runtime";
import { type CheckedProject, hasErrors, interpret, interpreterEvaluator, lower, type LoweredProgram, checkProject } from "@promo/dsl";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { describeFsError, EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { absolute, projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import { renderSettlement } from "./settlement.js";
import { diagnosticJson, expandRuleFiles, plural, renderDiagnostics, renderFrames, styles, table, type Styles } from "./rules.js";

export const evalCommand: Command = {
  name: "eval",
  summary: "price a cart (JSON) with .promo rules and explain the result",
  usage: "promo eval <rules (files|dirs)...> --cart <cart.json> [--usage <usage.json>] [--json] [--explain] [--settlement] [--root <dir>]",
  description:
    "Checks the rule files (with the files they import) as one project, prices the cart with the reference\n" +
    "interpreter and prints the lines, the applied and rejected promotions and the totals. The cart is JSON in\n" +
    "the cart contract's format. Problems with the rules or the cart go to stderr; stdout holds only the result.\n" +
    "--usage gives the current use of usage limits, by limit key: a JSON object such as\n" +
    '{"welcome|count|customer:c1": 1, "sale|budget": "250.00"} (counts as numbers, budgets as decimal strings).',
  options: [
    ROOT_OPTION,
    { name: "cart", value: "<cart.json>", description: "the cart to price; required" },
    { name: "usage", value: "<usage.json>", description: "current use of usage limits by limit key (see above)" },
    { name: "json", description: "print only the pricing result as JSON (the contract v1 shape); errors as JSON too" },
    { name: "explain", description: "add the promotions' titles, the coins' limits and the per-store settlement to the report" },
    { name: "settlement", description: "add the per-store settlement (who funds each discount, commission, seller net); with --json, as `settlement`" },
  ],
  exitCodes: [
    "0  the cart was priced",
    "1  errors in the rules, or the cart is not valid JSON or not a valid cart",
    "2  usage or I/O error (e.g. the cart file cannot be read)",
  ],
  run: runEval,
};

function runEval(args: ParsedArgs, ctx: CommandContext): number {
  if (args.positionals.length === 0) throw new UsageError("missing rule file or directory", "eval");
  const cartPath = optionValue(args, "cart");
  if (cartPath === undefined) throw new UsageError("missing the cart: --cart <cart.json>", "eval");

  const usagePath = optionValue(args, "usage");
  const json = flag(args, "json");

  const files = expandRuleFiles(args.positionals, ctx);
  const cartText = readText(ctx, cartPath);
  const usageText = usagePath === undefined ? undefined : readText(ctx, usagePath);

  const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd));
  const { project, diagnostics } = checkProject(files, host);
  const fileCount = new Set<string>([...files, ...read.keys()]).size;
  if (hasErrors(diagnostics)) {
    if (json) ctx.io.stdout(`${JSON.stringify({ priced: false, diagnostics: diagnostics.map(diagnosticJson) }, null, 2)}\n`);
    else ctx.io.stderr(renderDiagnostics(diagnostics, read, fileCount, ctx.color));
    return EXIT.problems;
  }
  if (diagnostics.length > 0 && !json) ctx.io.stderr(renderFrames(diagnostics, read, ctx.color));

  const evaluator = interpreterEvaluator(project);
  let input: unknown;
  const checked = parseCartJson(cartText, (value) => {
    input = value;
    return evaluator.validate(value);
  });
  const usage = checked.ok && usageText !== undefined ? parseUsage(usageText, usagePath!, checked.cart.currency) : { ok: true as const, usage: undefined };
  const outcome = !checked.ok ? checked : !usage.ok ? usage : evaluator.tryEvaluate(input, usage.usage === undefined ? {} : { usage: usage.usage });
  if (!outcome.ok || !checked.ok) {
    const errors = outcome.ok ? [] : outcome.errors;
    const file = usage.ok ? cartPath : usagePath!;
    if (json) {
      const listed = errors.map((e) => ({ file, path: e.path, message: withoutPath(e) }));
      ctx.io.stdout(`${JSON.stringify({ priced: false, errors: listed }, null, 2)}\n`);
      return EXIT.problems;
    }
    for (const e of errors) ctx.io.stderr(`${file}: ${cartErrorText(e)}\n`);
    ctx.io.stderr(`the cart was not priced (${errors.length === 1 ? "1 error" : `${errors.length} errors`})\n`);
    return EXIT.problems;
  }

  if (json) {
    const document = flag(args, "settlement")
      ? { ...(pricingResultJson(outcome.result) as object), settlement: outcome.result.settlement }
      : pricingResultJson(outcome.result);
    ctx.io.stdout(JSON.stringify(document, null, 2) + "\n");
    return EXIT.ok;
  }
  const explain = flag(args, "explain") ? explanation(project) : undefined;
  let report = renderReport(outcome.result, checked.cart, cartPath, styles(ctx.color), explain, input);
  if (!explain && flag(args, "settlement")) report += renderSettlement(outcome.result, styles(ctx.color));
  ctx.io.stdout(report);
  return EXIT.ok;
}

/** The normalised cart's lines in the order the cart as written lists their ids. */
function inWrittenOrder(cart: NormalizedCart, rawCart: unknown): NormalizedCart["lines"] {
  const written = (rawCart as { lines?: unknown } | undefined)?.lines;
  if (!Array.isArray(written)) return cart.lines;
  const position = new Map(written.map((line, i) => [(line as { id?: unknown } | null)?.id, i]));
  return [...cart.lines].sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
}

export interface Explanation {
  lowered: LoweredProgram;
  program: Program;
}

export function explanation(project: CheckedProject): Explanation {
  const lowered = lower(project);
  return { lowered, program: interpret(lowered) };
}

/** The human-readable report of one priced cart. */
export function renderReport(result: PricingResult, cart: NormalizedCart, cartLabel: string, s: Styles, explain?: Explanation, rawCart?: unknown): string {
  const currency = result.currency;
  const money = (minor: number) => formatMinor(minor, currency);
  const withCurrency = (amount: string) => `${amount} ${currency}`;
  const titles = new Map((explain?.lowered.promotions ?? []).map((p) => [p.id, p.title]));
  let out = `${s.bold(cartLabel)}: ${plural(cart.lines.length, "line")} in ${currency} at ${new Date(cart.at).toISOString().replace(".000Z", "Z")}\n`;

  out += `\n${s.bold("Lines")} ${s.dim(`(${currency})`)}\n`;
  // In the cart's own order, as written (validation sorts lines by id).
  const priced = new Map(result.lines.map((l) => [l.id, l]));
  const lineRows = [["id", "quantity", "unit price", "subtotal", "discount", "total"].map((h) => s.dim(h))];
  for (const input of inWrittenOrder(cart, rawCart)) {
    const line = priced.get(input.id);
    if (line === undefined) continue;
    const discount = line.discount === money(0) ? line.discount : s.green(line.discount);
    lineRows.push([line.id, String(input.quantity), money(input.unitPrice), line.subtotal, discount, line.total]);
  }
  out += table(lineRows, "lrrrrr");

  out += `\n${s.bold("Applied")}${result.applied.length === 0 ? ": none" : ""}\n`;
  const appliedRows: string[][] = [];
  for (const a of result.applied) {
    const extra = [a.kind];
    if (a.shipping !== undefined) extra.push(`shipping ${withCurrency(a.shipping)}`);
    if (a.coins !== undefined) extra.push(plural(a.coins, "coin"));
    appliedRows.push([s.bold(a.id), s.green(withCurrency(a.amount)), s.dim(extra.join(", "))]);
  }
  const appliedLines = table(appliedRows, "lrl").split("\n");
  result.applied.forEach((a, i) => {
    out += `${appliedLines[i]}\n`;
    if (explain) out += `    ${s.dim(quote(a.title))}\n`;
    if (a.lines.length > 0)
      out += table(
        a.lines.map((l) => [l.line, withCurrency(l.amount)]),
        "lr",
        "    ",
      );
  });

  out += `\n${s.bold("Rejected")}${result.rejected.length === 0 ? ": none" : ""}\n`;
  const rejectedRows = result.rejected.map((r) => [
    s.bold(r.id),
    s.yellow(r.reason),
    `${r.message}  ${s.dim(`(${r.source.file}:${r.source.line}:${r.source.column})`)}`,
  ]);
  const rejectedLines = table(rejectedRows, "lll").split("\n");
  result.rejected.forEach((r, i) => {
    out += `${rejectedLines[i]}\n`;
    const title = titles.get(r.id);
    if (explain && title !== undefined) out += `    ${s.dim(quote(title))}\n`;
  });

  if (explain) out += coinsExplanation(result, cart, explain, money, s);
  if (explain) out += renderSettlement(result, s);

  out += `\n${s.bold("Totals")}\n`;
  const coins = `${plural(result.coins.used, "coin")} used, ${plural(result.coins.earned, "coin")} earned`;
  // A coins row only where coins play a part: the rules have a coins promotion, or coins were used or earned.
  const coinRules = explain?.lowered.promotions.some((p) => p.kind === "coins") ?? false;
  const totals = [
    ["subtotal", withCurrency(result.subtotal), ""],
    ["discount", withCurrency(result.discount), ""],
    ...(coinRules || result.coins.used > 0 || result.coins.earned > 0 ? [["coins", withCurrency(result.coins.amount), s.dim(coins)]] : []),
    ["shipping", withCurrency(result.shipping), ""],
    ["total", s.bold(withCurrency(result.total)), ""],
  ];
  out += table(totals, "lrl");
  if (!result.optimal) out += s.yellow("note: too many combinations to try them all; this is the best one found, not necessarily the best possible\n");
  return out;
}

/** `--explain`: how the coins deduction was bounded, and how coins are earned. */
function coinsExplanation(result: PricingResult, cart: NormalizedCart, explain: Explanation, money: (minor: number) => string, s: Styles): string {
  const currency = result.currency;
  const withCurrency = (minor: number) => `${money(minor)} ${currency}`;
  const candidates = new Set([...result.applied.map((a) => a.id), ...result.rejected.map((r) => r.id)]);
  const spec = explain.program.promotions.find((p) => p.kind === "coins" && candidates.has(p.id));
  const earn = explain.program.earn;
  const rows: string[][] = [];
  if (spec && spec.benefit.type === "coins") {
    const b = spec.benefit;
    const lowered = explain.lowered.promotions.find((p) => p.id === spec.id)?.benefit;
    const scopeLabel = lowered?.type === "coins" && lowered.scope ? lowered.scope.label : undefined;
    // The lines as they stand after every other promotion (coins come last and do not change the lines).
    const remaining = new Map(result.lines.map((l) => [l.id, l]));
    let itemsTotal = 0;
    let eligible = 0;
    for (const line of cart.lines) {
      const value = minorOf(remaining.get(line.id)?.total, currency);
      itemsTotal += value;
      if (b.scope === null || b.scope(line, cart)) eligible += value;
    }
    const balance = Math.floor((cart.customer.coins * b.per) / b.coins);
    rows.push(["promotion", `${spec.id}: ${b.coins} coins = ${withCurrency(b.per)}${scopeLabel ? `, on ${scopeLabel}` : ""}`]);
    rows.push(["asked", cart.useCoins ? "yes (useCoins: true)" : "no (useCoins is not true)"]);
    if (b.cap !== null) {
      const cap = Math.floor((itemsTotal * b.cap.numerator) / b.cap.denominator);
      rows.push(["cap", `${percent(b.cap)} of the items after promotions (${withCurrency(itemsTotal)}) = ${withCurrency(cap)}`]);
    } else {
      rows.push(["cap", "none"]);
    }
    rows.push(["eligible", `${withCurrency(eligible)} of lines${scopeLabel ? ` on ${scopeLabel}` : ""} after promotions`]);
    rows.push(["balance", `${plural(cart.customer.coins, "coin")} = ${withCurrency(balance)}`]);
    rows.push(["deducted", `${plural(result.coins.used, "coin")} = ${result.coins.amount} ${currency} (whole coins within every limit)`]);
  }
  const loweredEarn = explain.lowered.earn;
  earn.forEach((rule, i) => {
    const daily =
      rule.dailyLimit === null ? "no daily limit" : `at most ${plural(rule.dailyLimit, "coin")} a day (${cart.customer.coinsEarnedToday} earned today)`;
    const perAmount =
      rule.per === null ? "purchase" : rule.currency === currency ? withCurrency(rule.per) : `${formatMinor(rule.per, rule.currency)} ${rule.currency}`;
    const scope = loweredEarn[i]?.scope ? ` on ${loweredEarn[i]!.scope!.label}` : "";
    rows.push(["earning", `${plural(rule.coins, "coin")} per ${perAmount} paid for items${scope}, ${daily}`]);
  });
  if (earn.length > 0) rows.push(["earned", plural(result.coins.earned, "coin")]);
  if (rows.length === 0) return "";
  return `\n${s.bold("Coins")}\n` + table(rows, "ll");
}

/**
 * A cart error as `/lines/0/unitPrice: must be ...`. The runtime's messages start with their path already
 * (`(root)` for the whole cart); a JSON syntax error, which concerns the text rather than a value, drops it.
 */
function readText(ctx: CommandContext, path: string): string {
  try {
    return new TextDecoder("utf-8").decode(readFileSync(absolute(ctx.io.cwd, path)));
  } catch (error) {
    throw new PathError(`cannot read '${path}': ${describeFsError(error)}`);
  }
}

type UsageResult = { ok: true; usage: Record<string, number> | undefined } | { ok: false; errors: { path: string; message: string }[] };

/**
 * `--usage`: a JSON object from limit key to current use. Count and coins limits take whole numbers; a budget limit
 * (`…|budget…` keys) takes the savings already granted as a decimal string in the cart's currency, like every
 * amount in JSON. Errors name the JSON pointer of the bad entry.
 */
export function parseUsage(text: string, label: string, currency: string): UsageResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: "", message: `${label} is not valid JSON: ${(error as Error).message}` }] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ path: "", message: '(root): expected an object from limit key to use, e.g. {"welcome|count|customer:c1": 1}' }] };
  }
  const usage: Record<string, number> = {};
  const errors: { path: string; message: string }[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const path = `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key.split("|")[1] === "budget") {
      const amount = typeof entry === "string" ? parseAmount(entry, currency) : undefined;
      if (amount?.ok && amount.minor >= 0) usage[key] = amount.minor;
      else errors.push({ path, message: `${path}: a budget's use must be a decimal string in ${currency}, such as "25.00"` });
    } else if (typeof entry === "number" && Number.isSafeInteger(entry) && entry >= 0) {
      usage[key] = entry;
    } else {
      errors.push({ path, message: `${path}: must be a whole number of at least 0` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, usage };
}

/** A cart error's message without the path it starts with (JSON output carries the path in its own field). */
function withoutPath(error: { path: string; message: string }): string {
  const label = error.path === "" ? "(root)" : error.path;
  return error.message.startsWith(`${label}: `) ? error.message.slice(label.length + 2) : error.message;
}

function cartErrorText(error: { path: string; message: string }): string {
  const label = error.path === "" ? "(root)" : error.path;
  const message = error.message.startsWith(`${label}: `) ? error.message.slice(label.length + 2) : error.message;
  if (error.path === "" && /^(invalid JSON|is not valid JSON)/.test(message)) return message;
  return `${label}: ${message}`;
}

/** An amount of the result back to minor units. */
function minorOf(amount: string | undefined, currency: string): number {
  if (amount === undefined) return 0;
  const parsed = parseAmount(amount, currency);
  return parsed.ok ? parsed.minor : 0;
}

function percent(ratio: { numerator: number; denominator: number }): string {
  const value = (ratio.numerator * 100) / ratio.denominator;
  return `${Number.isInteger(value) ? value : Number(value.toFixed(4))}%`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
