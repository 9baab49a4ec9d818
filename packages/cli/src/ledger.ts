import { formatMinor, formatMoney, type Limit, suggest } from "@promo/runtime";
import { hasErrors, lower, type LoweredPromotion, checkProject } from "@promo/dsl";
import { flag, optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { projectRoot, recordingHost, ROOT_OPTION } from "./files.js";
import { diagnosticJson, expandRuleFiles, renderDiagnostics, styles, table } from "./rules.js";

type LedgerModule = typeof import("@promo/ledger");
type Ledger = import("@promo/ledger").Ledger;
type UsageRow = import("@promo/ledger").UsageRow;

const ACTIONS = ["init", "status", "usage"] as const;

export const ledgerCommand: Command = {
  name: "ledger",
  summary: "create, inspect and read the redemption ledger (SQLite file or PostgreSQL)",
  usage: "promo ledger init|status|usage <promotion> [rules (files|dirs)...] --store <sqlite:PATH|postgres://URL> [--json] [--root <dir>]",
  description:
    "The ledger records the use of usage limits (docs/language.md, Limits). 'init' creates or upgrades its schema\n" +
    "(idempotent); 'status' counts orders by state and counters, and shows each sliced (hot) limit; 'usage <promotion>' lists the promotion's counters\n" +
    "(used, held by live reservations, maximum), grouped by the promotion's limits when rule files are given.\n" +
    "The store is a SQLite file (sqlite:PATH, or a path ending in .db) or a PostgreSQL URL; PROMO_LEDGER_STORE\n" +
    "is used when --store is absent.",
  options: [
    ROOT_OPTION,
    { name: "store", value: "<store>", description: "sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $PROMO_LEDGER_STORE)" },
    { name: "json", description: "print the status or usage as JSON" },
  ],
  exitCodes: [
    "0  done",
    "1  an unknown promotion (not in the given rules, or without rules: no use recorded), or errors in the rules",
    "2  usage error, or the store cannot be opened or reached",
  ],
  run: runLedger,
};

async function runLedger(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [action, ...rest] = args.positionals;
  if (action === undefined) throw new UsageError("missing action: init, status or usage <promotion>", "ledger");
  if (!(ACTIONS as readonly string[]).includes(action)) {
    const close = suggest(action, ACTIONS, 1);
    throw new UsageError(`unknown action '${action}'${close[0] ? `; did you mean '${close[0]}'?` : ""} (init, status, usage)`, "ledger");
  }
  const store = optionValue(args, "store") ?? ctx.env["PROMO_LEDGER_STORE"];
  if (!store) throw new UsageError("missing the store: --store sqlite:PATH or --store postgres://USER@HOST:PORT/DB", "ledger");
  if (action !== "usage" && rest.length > 0) throw new UsageError(`'ledger ${action}' takes no other arguments`, "ledger");

  let promotion: LoweredPromotion | undefined;
  let promotionId: string | undefined;
  if (action === "usage") {
    promotionId = rest[0];
    if (promotionId === undefined) throw new UsageError("missing the promotion: promo ledger usage <promotion>", "ledger");
    const rules = rest.slice(1);
    if (rules.length > 0) {
      const files = expandRuleFiles(rules, ctx);
      const { host, read } = recordingHost(ctx.io.cwd, projectRoot(args, ctx.io.cwd, rules));
      const { project, diagnostics } = checkProject(files, host);
      if (hasErrors(diagnostics)) {
        if (ctx.json) ctx.io.stdout(`${JSON.stringify({ diagnostics: diagnostics.map(diagnosticJson) }, null, 2)}\n`);
        else ctx.io.stderr(renderDiagnostics(diagnostics, read, new Set([...files, ...read.keys()]).size, ctx.color));
        return EXIT.problems;
      }
      const promotions = lower(project).promotions;
      promotion = promotions.find((p) => p.id === promotionId);
      if (!promotion) {
        const close = suggest(
          promotionId,
          promotions.map((p) => p.id),
          1,
        );
        const message = `unknown promotion '${promotionId}' in ${files.length === 1 ? files[0] : `${files.length} rule files`}${close[0] ? `; did you mean '${close[0]}'?` : ""}`;
        if (ctx.json) ctx.io.stdout(`${JSON.stringify({ error: { kind: "unknown-promotion", message } }, null, 2)}\n`);
        else ctx.io.stderr(`promo: ${message}\n`);
        return EXIT.problems;
      }
      if (promotion.limits.length === 0 && !ctx.json) ctx.io.stderr(`promo: note: promotion '${promotionId}' has no usage limit\n`);
    }
  }

  let mod: LedgerModule;
  try {
    // Loaded only here, so the rest of the CLI never loads a database driver.
    mod = await import("@promo/ledger");
  } catch (error) {
    throw new PathError(`the ledger package is not installed (@promo/ledger): ${(error as Error).message}`);
  }
  let ledger: Ledger | undefined;
  try {
    ledger = await mod.openLedger(store, { migrate: action === "init", mustExist: action !== "init" });
    if (action === "init") {
      await ledger.migrate();
      const status = await ledger.status();
      ctx.io.stdout(flag(args, "json") ? `${JSON.stringify(status, null, 2)}\n` : `ledger ${ledger.name}: schema version ${status.schemaVersion}, ready\n`);
      return EXIT.ok;
    }
    if (action === "status") {
      const status = await ledger.status();
      if (flag(args, "json")) ctx.io.stdout(`${JSON.stringify(status, null, 2)}\n`);
      else {
        const o = status.orders;
        ctx.io.stdout(
          `ledger ${status.store} (schema version ${status.schemaVersion})\n` +
            `  orders    ${o.held} held, ${o.expired} expired holds, ${o.committed} committed, ${o.cancelled} cancelled\n` +
            `  counters  ${status.counters}\n` +
            renderHotLimits(status.hot ?? []),
        );
      }
      return EXIT.ok;
    }
    const rows = await ledger.usage(promotionId!);
    // Without rule files naming it, a promotion with no counter is unknown here: exit 1 rather than a silent "no use".
    const unknown = rows.length === 0 && promotion === undefined;
    if (flag(args, "json")) {
      const counters = rows.map((r) => usageRowJson(r, promotion));
      ctx.io.stdout(`${JSON.stringify({ store: ledger.name, promotion: promotionId, counters }, null, 2)}\n`);
      return unknown ? EXIT.problems : EXIT.ok;
    }
    if (unknown) {
      ctx.io.stderr(
        `promo: no use recorded for '${promotionId}' in ${ledger.name} (give the rule files to check the name: promo ledger usage ${promotionId} rules/)\n`,
      );
      return EXIT.problems;
    }
    ctx.io.stdout(renderUsage(promotionId!, ledger.name, rows, promotion, styles(ctx.color)));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof mod.LedgerUnavailableError || error instanceof RangeError) throw new PathError(error.message);
    throw error;
  } finally {
    await ledger?.close().catch(() => undefined);
  }
}

/** A counter in JSON: a budget's amounts as decimal strings when the rules give the currency, counts as numbers. */
function usageRowJson(row: UsageRow, promotion: LoweredPromotion | undefined): unknown {
  if (promotion === undefined || row.key.split("|")[1] !== "budget") return row;
  const money = (minor: number) => formatMinor(minor, promotion.currency);
  return { ...row, used: money(row.used), held: money(row.held), max: money(row.max) };
}

/** Per sliced (hot) limit: spent, reserved, leased to slices and free, then each slice. */
function renderHotLimits(hot: readonly import("@promo/ledger").HotLimitStatus[]): string {
  let out = "";
  for (const h of hot) {
    out += `  hot limit ${h.key}  max ${h.max}: ${h.spent} spent, ${h.reserved} reserved, ${h.leased} leased, ${h.free} free\n`;
    out += table(
      [
        ["slice", "cap", "spent", "reserved", "free"],
        ...h.slices.map((s) => [String(s.slice), String(s.cap), String(s.spent), String(s.reserved), String(s.free)]),
      ],
      "rrrrr",
      "    ",
    );
  }
  return out;
}

/** Which of a promotion's limits a counter key belongs to: same kind, entity and period. */
function limitOf(key: string, limits: readonly Limit[]): number {
  const parts = key.split("|").slice(1);
  const kind = parts[0];
  const per = parts.find((p) => /^(customer|store):/.test(p))?.split(":")[0] ?? null;
  const period = parts.find((p) => /^(day|week|month|year):/.test(p))?.split(":")[0] ?? null;
  return limits.findIndex((l) => l.kind === kind && (l.per === "order" ? null : l.per) === per && l.period === period);
}

function renderUsage(id: string, store: string, rows: readonly UsageRow[], promotion: LoweredPromotion | undefined, s: ReturnType<typeof styles>): string {
  let out = `${s.bold(id)} in ${store}\n`;
  if (rows.length === 0) return `${out}  no use recorded\n`;
  const amount = (limit: Limit | undefined, value: number) => (limit?.kind === "budget" && promotion ? formatMoney(value, promotion.currency) : String(value));
  const header = ["key", "used", "held", "max", "left"].map((h) => s.dim(h));
  const render = (limit: Limit | undefined, list: readonly UsageRow[]) =>
    table(
      [
        header,
        ...list.map((r) => [
          r.key,
          amount(limit, r.used),
          amount(limit, r.held),
          amount(limit, limit?.max ?? r.max),
          amount(limit, Math.max(0, (limit?.max ?? r.max) - r.used - r.held)),
        ]),
      ],
      "lrrrr",
      "    ",
    );
  if (!promotion) return out + render(undefined, rows).replace(/^ {2}/gm, "");
  const groups = new Map<number, UsageRow[]>();
  for (const r of rows) {
    const i = limitOf(r.key, promotion.limits);
    groups.set(i, [...(groups.get(i) ?? []), r]);
  }
  promotion.limits.forEach((limit, i) => {
    if (limit.per === "order") {
      out += `  ${limit.text}  ${s.dim("(settled within each order; nothing recorded)")}\n`;
      return;
    }
    out += `  ${limit.text}\n`;
    const list = groups.get(i);
    out += list ? render(limit, list) : `    ${s.dim("no use recorded")}\n`;
  });
  const stray = groups.get(-1);
  if (stray) out += `  ${s.dim("counters of limits no longer in the rules")}\n${render(undefined, stray)}`;
  return out;
}
