import {
  checkEligibility,
  checkFieldEdit,
  sellableBeforeCampaign,
  LOCKED_FROM_REVIEW_END,
  LOCKED_ON_REGISTRATION,
  validateRegistration,
  validateSnapshot,
  type CampaignPolicy,
  priceWithCampaign,
  type EditChange,
  type Outcome,
  type RegistrationInput,
  type RegistrationRecord,
  type Registry,
  type Snapshot,
  type StatusEvent,
} from "@promo/campaign";
import { isAbsolute, resolve } from "node:path";
import { interpreterEvaluator } from "@promo/dsl";
import { pricingResultJson, suggest } from "@promo/runtime";
import { optionValue, type ParsedArgs } from "./args.js";
import { EXIT, PathError, UsageError, type CommandContext } from "./context.js";
import { readText, type LoadedCampaign } from "./campaign-load.js";

/**
 * `promo campaign register|edit|review|status`: registrations kept in the store (SQLite or PostgreSQL), each change
 * one transaction in @promo/campaign's registry. Refusals exit 1 with every reason; usage and I/O errors exit 2.
 */

const EVENTS: readonly StatusEvent[] = ["approve", "reject", "remove", "penalty", "requirement-lost"];

function policyOf(campaign: LoadedCampaign, path: string): CampaignPolicy {
  if (campaign.calendar === undefined) {
    throw new UsageError(`'${path}' has no calendar: give the campaign's rule file (or JSON with "calendar" and "edits")`, "campaign");
  }
  return { calendar: campaign.calendar, edits: campaign.edits ?? [] };
}

/** `--at <instant>`: an ISO 8601 instant with a zone offset (default: now). */
function instant(args: ParsedArgs): number {
  const text = optionValue(args, "at");
  if (text === undefined) return Date.now();
  const ms = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`invalid --at '${text}': expected an ISO 8601 instant with an offset, e.g. 2026-10-15T10:00:00Z`, "campaign");
  return ms;
}

function need(args: ParsedArgs, name: string, example: string): string {
  const value = optionValue(args, name);
  if (value === undefined) throw new UsageError(`missing --${name} ${example}`, "campaign");
  return value;
}

function wholeNumber(args: ParsedArgs, name: string): number | undefined {
  const text = optionValue(args, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`invalid --${name} '${text}': expected a whole number`, "campaign");
  return Number(text);
}

function parseJsonFile(path: string, ctx: CommandContext): { value: unknown } | { errors: string[] } {
  try {
    return { value: JSON.parse(readText(path, ctx)) };
  } catch (error) {
    if (error instanceof PathError) throw error;
    return { errors: [`${path}: $: not JSON: ${(error as Error).message}`] };
  }
}

export function recordJson(r: RegistrationRecord): Record<string, unknown> {
  return {
    campaign: r.campaign,
    product: r.product,
    status: r.status,
    shippingModel: r.shippingModel,
    registeredAt: new Date(r.registeredAt).toISOString(),
    version: r.version,
    skus: r.skus,
    history: r.history.map((h) => ({ event: h.event, status: h.status, at: new Date(h.at).toISOString(), detail: h.detail })),
  };
}

function renderRecord(r: RegistrationRecord): string {
  let out = `${r.product} in ${r.campaign}: ${r.status} (registered ${new Date(r.registeredAt).toISOString()}, shipping ${r.shippingModel}, version ${r.version})\n`;
  for (const s of r.skus) out += `  ${s.sku}: ${s.discountPercent}% off ${s.originalPrice} (minor units), ${s.units} units reserved\n`;
  for (const h of r.history) out += `  ${new Date(h.at).toISOString()}  ${h.event.padEnd(16)} ${h.status}${h.detail ? `  ${h.detail}` : ""}\n`;
  return out;
}

/** Prints an outcome: the record, or every refusal reason (exit 1). */
function report(ctx: CommandContext, action: string, subject: string, outcome: Outcome, extra: Record<string, unknown> = {}): number {
  if (ctx.json) {
    const doc = outcome.ok
      ? { action, ok: true, ...extra, registration: recordJson(outcome.record) }
      : { action, ok: false, product: subject, reasons: outcome.reasons, ...extra };
    ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (outcome.ok) ctx.io.stdout(renderRecord(outcome.record));
  else ctx.io.stderr(`promo: ${action} of '${subject}' refused: ${outcome.reasons.join(", ")}\n`);
  return outcome.ok ? EXIT.ok : EXIT.problems;
}

async function withRegistry<T>(args: ParsedArgs, ctx: CommandContext, work: (registry: Registry) => Promise<T>): Promise<T> {
  let store = optionValue(args, "store") ?? ctx.env["PROMO_LEDGER_STORE"];
  if (!store) throw new UsageError("missing the store: --store sqlite:PATH or --store postgres://USER@HOST:PORT/DB", "campaign");
  const { openRegistry } = await import("@promo/campaign/registry");
  // A SQLite path is relative to the command's directory, as every other path on the command line.
  const sqlite = /^sqlite:/.exec(store) ? store.slice("sqlite:".length) : /\.(db|sqlite3?)$/i.test(store) && !/^postgres/i.test(store) ? store : undefined;
  if (sqlite !== undefined) store = `sqlite:${isAbsolute(sqlite) ? sqlite : resolve(ctx.io.cwd, sqlite)}`;
  let registry: Registry;
  try {
    registry = await openRegistry(store);
  } catch (error) {
    throw new PathError(`cannot open the store '${store}': ${(error as Error).message}`);
  }
  try {
    return await work(registry);
  } finally {
    await registry.close();
  }
}

export async function runStoreAction(action: string, campaign: LoadedCampaign, path: string, args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const name = campaign.campaign ?? path;
  switch (action) {
    case "register": {
      const policy = policyOf(campaign, path);
      const regPath = need(args, "registration", "<registration.json>");
      const parsed = parseJsonFile(regPath, ctx);
      const errors = "errors" in parsed ? parsed.errors : validateRegistration(parsed.value).map((e) => `${regPath}: ${e}`);
      let failures: ReturnType<typeof checkEligibility> = [];
      let stock: number | undefined;
      const snapshotPath = optionValue(args, "snapshot");
      if (snapshotPath !== undefined && errors.length === 0) {
        const snap = parseJsonFile(snapshotPath, ctx);
        if ("errors" in snap) errors.push(...snap.errors);
        else {
          const problems = validateSnapshot(snap.value);
          if (problems.length > 0) errors.push(...problems.map((e) => `${snapshotPath}: ${e}`));
          else {
            failures = checkEligibility(campaign.requirements, snap.value as Snapshot);
            const given = (snap.value as Snapshot).product["stock"];
            if (typeof given === "number") stock = given;
          }
        }
      }
      if (errors.length > 0) {
        if (ctx.json) ctx.io.stdout(`${JSON.stringify({ action, ok: false, errors }, null, 2)}\n`);
        else ctx.io.stderr(errors.map((e) => `${e}\n`).join(""));
        return EXIT.problems;
      }
      const input = { ...(parsed as { value: Omit<RegistrationInput, "campaign"> }).value, campaign: name } as RegistrationInput;
      if (failures.length > 0) {
        const reasons = failures.map((f) => f.reason);
        if (ctx.json) ctx.io.stdout(`${JSON.stringify({ action, ok: false, product: input.product, reasons, failures }, null, 2)}\n`);
        else {
          ctx.io.stderr(`promo: register of '${input.product}' refused: the product is ineligible\n`);
          for (const f of failures) ctx.io.stderr(`  ${f.reason}: ${f.fact} is ${JSON.stringify(f.actual) ?? "missing"}, expected ${f.expected}\n`);
        }
        return EXIT.problems;
      }
      // Committed units are reserved out of the stock (002 q.80): more than the stock cannot be committed.
      const committed = input.skus.reduce((sum, s) => sum + s.units, 0);
      if (stock !== undefined && committed > stock) {
        return report(ctx, action, input.product, { ok: false, reasons: ["units-exceed-stock"] }, { stock, committed });
      }
      const extra = stock === undefined ? {} : { stock, committed, sellableBeforeCampaign: sellableBeforeCampaign(stock, committed) };
      const at = instant(args);
      return withRegistry(args, ctx, async (registry) => {
        const code = report(ctx, action, input.product, await registry.register(input, at, policy), extra);
        if (code === EXIT.ok && !ctx.json && stock !== undefined) {
          ctx.io.stdout(`  stock ${stock}, ${committed} units reserved: ${sellableBeforeCampaign(stock, committed)} sellable before the campaign\n`);
        }
        return code;
      });
    }
    case "edit": {
      const policy = policyOf(campaign, path);
      const product = need(args, "product", "<product>");
      const field = optionValue(args, "field");
      if (field !== undefined) return fieldAction(name, product, field, policy, args, ctx);
      const sku = need(args, "sku", "<sku>");
      const change: EditChange = {
        ...(wholeNumber(args, "discount") !== undefined ? { discountPercent: wholeNumber(args, "discount")! } : {}),
        ...(wholeNumber(args, "units") !== undefined ? { units: wholeNumber(args, "units")! } : {}),
        ...(wholeNumber(args, "add-units") !== undefined ? { addUnits: wholeNumber(args, "add-units")! } : {}),
        ...(wholeNumber(args, "original-price") !== undefined ? { originalPrice: wholeNumber(args, "original-price")! } : {}),
      };
      if (Object.keys(change).length === 0) throw new UsageError("nothing to edit: give --discount, --units, --add-units or --original-price", "campaign");
      if (change.units !== undefined && change.addUnits !== undefined) throw new UsageError("give --units or --add-units, not both", "campaign");
      const at = instant(args);
      return withRegistry(args, ctx, async (registry) => report(ctx, action, product, await registry.edit(name, product, sku, change, at, policy), { sku }));
    }
    case "review": {
      const product = need(args, "product", "<product>");
      const event = need(args, "event", "approve|reject|remove|penalty|requirement-lost");
      if (!(EVENTS as readonly string[]).includes(event)) {
        const close = suggest(event, EVENTS, 1)[0];
        throw new UsageError(`unknown --event '${event}'${close ? `; did you mean '${close}'?` : ""} (${EVENTS.join(", ")})`, "campaign");
      }
      const at = instant(args);
      return withRegistry(args, ctx, async (registry) =>
        report(ctx, action, product, await registry.review(name, product, event as StatusEvent, at), { event }),
      );
    }
    case "price":
      return priceAction(campaign, name, path, args, ctx);
    default: {
      const product = optionValue(args, "product");
      return withRegistry(args, ctx, async (registry) => {
        const records = product === undefined ? await registry.list(name) : [await registry.get(name, product)].filter((r) => r !== undefined);
        const missing = product !== undefined && records.length === 0;
        if (ctx.json) ctx.io.stdout(`${JSON.stringify({ campaign: name, registrations: records.map(recordJson) }, null, 2)}\n`);
        else if (missing) ctx.io.stderr(`promo: '${product}' is not registered in ${name}\n`);
        else ctx.io.stdout(records.length === 0 ? `no registrations in ${name}\n` : records.map(renderRecord).join(""));
        return missing ? EXIT.problems : EXIT.ok;
      });
    }
  }
}

/**
 * `campaign price`: prices a cart with the campaign's registered products (approved ones, with their units left in
 * the store) and the promotions of the campaign's rule file; `--place` then takes the sold units, all or nothing.
 */
async function priceAction(campaign: LoadedCampaign, name: string, path: string, args: ParsedArgs, ctx: CommandContext): Promise<number> {
  if (campaign.project === undefined || campaign.calendar === undefined) {
    throw new UsageError(`'campaign price' needs the campaign's rule file (its promotions price the cart), not '${path}'`, "campaign");
  }
  const cartPath = need(args, "cart", "<cart.json>");
  const parsed = parseJsonFile(cartPath, ctx);
  const place = args.options.get("place") === true;
  const asOfSale = args.options.get("as-of-sale") === true;
  if (place && asOfSale) throw new UsageError("a preview (--as-of-sale) cannot be placed (--place)", "campaign");
  const fail = (errors: string[]) => {
    if (ctx.json) ctx.io.stdout(`${JSON.stringify({ priced: false, errors }, null, 2)}\n`);
    else ctx.io.stderr(errors.map((e) => `${e}\n`).join(""));
    return EXIT.problems;
  };
  if ("errors" in parsed) return fail(parsed.errors);
  const calendar = campaign.calendar;
  const project = campaign.project;
  return withRegistry(args, ctx, async (registry) => {
    const registered = await registry.saleSkus(name);
    const result = priceWithCampaign(interpreterEvaluator(project), parsed.value, { campaign: name, calendar, registered, asOfSale });
    if (!result.ok) return fail(result.errors.map((e) => `${cartPath}: ${e}`));
    if (!result.outcome.ok) return fail(result.outcome.errors.map((e) => `${cartPath}: ${e.path || "/"}: ${e.message}`));
    let placed: boolean | undefined;
    if (place) placed = result.campaign.take.length === 0 ? true : await registry.take(name, result.campaign.take);
    const pricing = result.outcome.result;
    if (ctx.json) {
      const doc = {
        campaign: name,
        phase: result.campaign.phase,
        lines: result.campaign.lines,
        take: result.campaign.take,
        ...(place ? { placed } : {}),
        pricing: pricingResultJson(pricing),
      };
      ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      let out = `${name}: ${result.campaign.phase}${asOfSale ? " (priced as of the sale: a preview)" : ""}\n`;
      for (const l of result.campaign.lines) {
        if (l.status === "registered" && l.promoUnits === 0)
          out += `  ${l.line} ${l.sku}: ${l.fullPriceUnits} at full price; the sale price ${l.promoUnitPrice} is shown, not charged\n`;
        else if (l.status === "registered")
          out += `  ${l.line} ${l.sku}: ${l.promoUnits} at ${l.promoUnitPrice}${l.fullPriceUnits > 0 ? `, ${l.fullPriceUnits} at full price` : ""}${l.preview ? " (a preview)" : ""}\n`;
        else out += `  ${l.line} ${l.sku}: ${l.status === "unavailable" ? `unavailable during the sale (${l.reason})` : "not in the campaign"}\n`;
      }
      out += `  subtotal ${pricing.subtotal}  discount ${pricing.discount}  total ${pricing.total} ${pricing.currency}\n`;
      if (place) out += placed ? `  placed: took ${result.campaign.take.map((t) => `${t.units} × ${t.sku}`).join(", ") || "nothing"}\n` : "";
      ctx.io.stdout(out);
      if (place && !placed) ctx.io.stderr(`promo: the order was not placed: the registered units of a SKU ran out (nothing was taken)\n`);
    }
    return place && !placed ? EXIT.problems : EXIT.ok;
  });
}

/**
 * `campaign edit --field NAME`: whether the product page's field may be edited now (002 q.79). The product page is
 * not kept here: nothing is stored; a locked field is refused with the instant it unlocks.
 */
async function fieldAction(name: string, product: string, field: string, policy: CampaignPolicy, args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const known = [...LOCKED_ON_REGISTRATION, ...LOCKED_FROM_REVIEW_END];
  const at = instant(args);
  return withRegistry(args, ctx, async (registry) => {
    const record = await registry.get(name, product);
    const calendar = { reviewEnds: Date.parse(policy.calendar.reviewEnd ?? policy.calendar.saleStart), saleEnd: Date.parse(policy.calendar.end) };
    const verdict = record === undefined ? { allowed: true as const } : checkFieldEdit(field, record.status, at, calendar);
    const doc = verdict.allowed
      ? { action: "edit", ok: true, product, field, locked: false }
      : { action: "edit", ok: false, product, field, reasons: ["field-locked"], unlocksAt: new Date(verdict.unlocksAt).toISOString() };
    if (ctx.json) ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    else if (verdict.allowed) {
      const note = (known as readonly string[]).includes(field) ? "" : ` (the campaign locks none of ${known.join(", ")})`;
      ctx.io.stdout(`${product}: '${field}' may be edited now${note}\n`);
    } else ctx.io.stderr(`promo: edit of '${product}' refused: '${field}' is locked until ${new Date(verdict.unlocksAt).toISOString()}\n`);
    return verdict.allowed ? EXIT.ok : EXIT.problems;
  });
}
