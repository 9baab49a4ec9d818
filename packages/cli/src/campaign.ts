import { checkEligibility, validateSnapshot, type Comparison, type Failure, type Requirement, type Snapshot } from "@promo/campaign";
import { suggest } from "@promo/runtime";
import { optionValue, type ParsedArgs } from "./args.js";
import type { Command } from "./command.js";
import { EXIT, UsageError, type CommandContext } from "./context.js";
import { loadCampaign, readText } from "./campaign-load.js";
import { runStoreAction } from "./campaign-store.js";

const ACTIONS = ["check", "register", "edit", "review", "status", "price"] as const;
const OPS: readonly Comparison[] = [">=", ">", "<=", "<", "==", "in", "includes", "not"];
/** Progress is written to stderr every this many snapshots, and only on a terminal. */
const PROGRESS_EVERY = 10_000;

export const campaignCommand: Command = {
  name: "campaign",
  summary: "check products against a platform campaign's requirements; register, edit, review them in the store",
  usage: "promo campaign check|register|edit|review|status|price <campaign.promo|requirements.json> [options] [--json]",
  description:
    "  promo campaign check <campaign> --products <products.ndjson>\n" +
    "  promo campaign register <campaign> --store <store> --registration <registration.json> [--snapshot <snapshot.json>] [--at <instant>]\n" +
    "  promo campaign edit <campaign> --store <store> --product <id> --sku <sku> [--discount N] [--units N | --add-units N] [--at <instant>]\n" +
    "  promo campaign edit <campaign> --store <store> --product <id> --field <field> [--at <instant>]\n" +
    "  promo campaign review <campaign> --store <store> --product <id> --event approve|reject|remove|penalty|requirement-lost [--at <instant>]\n" +
    "  promo campaign status <campaign> --store <store> [--product <id>]\n" +
    "  promo campaign price <campaign.promo> --store <store> --cart <cart.json> [--as-of-sale | --place]\n\n" +
    "check: checks every product snapshot (one JSON object {product, store} per line) against the campaign's requirements\n" +
    "(docs/language.md, Platform campaigns) and reports each product as eligible or ineligible with every failed\n" +
    "requirement: its reason, the fact, the actual and the expected value. A missing fact fails with reason\n" +
    "'missing-data'. A malformed line is reported with its line number and the path of the bad field.\n" +
    "<campaign> is a rule file with a campaign declaration, or its requirements as JSON.\n" +
    "register, edit and review change a registration in the store (sqlite:PATH or postgres://…, as the ledger's;\n" +
    "PROMO_LEDGER_STORE when --store is absent) in one transaction; a refused change exits 1 with every reason.\n" +
    "status prints the registrations with their SKUs, reserved units and status history.\n" +
    "price prices a cart with the approved registrations and the rule file's promotions: registered SKUs at their\n" +
    "discount up to the units left, other SKUs of a registered product unavailable during the sale (per line);\n" +
    "--as-of-sale previews the sale prices during the warm-up; --place takes the sold units (all or nothing).",
  options: [
    { name: "products", value: "<products.ndjson>", description: "the product and store snapshots, one JSON object per line" },
    { name: "campaign", value: "<name>", description: "the campaign to use when the rule file declares several" },
    { name: "store", value: "<store>", description: "sqlite:PATH or postgres://USER@HOST:PORT/DB (default: $PROMO_LEDGER_STORE)" },
    {
      name: "registration",
      value: "<registration.json>",
      description: "register: {product, shippingModel, skus: [{sku, discountPercent, units, originalPrice}]}",
    },
    { name: "snapshot", value: "<snapshot.json>", description: "register: the product and store snapshot, checked against the requirements first" },
    { name: "product", value: "<id>", description: "edit, review, status: the registered product (SPU)" },
    { name: "sku", value: "<sku>", description: "edit: the registered SKU" },
    { name: "field", value: "<field>", description: "edit: ask whether a product page field (category, colour, shippingModel, …) may change now" },
    { name: "discount", value: "<percent>", description: "edit: the new discount percentage (increase only)" },
    { name: "units", value: "<n>", description: "edit: the new total of reserved units (never fewer)" },
    { name: "add-units", value: "<n>", description: "edit: units to add to the reserved units" },
    { name: "original-price", value: "<minor units>", description: "edit: a new original price (always refused: it is locked)" },
    { name: "event", value: "<event>", description: "review: approve, reject, remove, penalty or requirement-lost" },
    { name: "cart", value: "<cart.json>", description: "price: the cart (the JSON cart of promo eval)" },
    { name: "as-of-sale", description: "price: during the warm-up, price as the sale will (a preview; nothing is taken)" },
    { name: "place", description: "price: take the sold units from the reserved units (refused when they ran out)" },
    { name: "at", value: "<instant>", description: "register, edit, review: the instant of the change (default: now)" },
    { name: "json", description: "print the report as JSON" },
  ],
  exitCodes: [
    "0  every product is eligible",
    "1  a product is ineligible, a snapshot line is malformed, the requirements file is invalid, or a change is refused",
    "2  usage or I/O error",
  ],
  run: runCampaign,
};

interface ProductReport {
  line: number;
  id: string | null;
  eligible: boolean;
  failures: Failure[];
}

interface LineError {
  line: number;
  errors: string[];
}

/** The requirements file: an array of requirements, or `{ "campaign": name, "requirements": [...] }`. */
export function parseRequirements(text: string): { campaign: string | null; requirements: Requirement[] } | { errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { errors: [`$: not JSON: ${(error as Error).message}`] };
  }
  let campaign: string | null = null;
  let list: unknown = doc;
  let base = "$";
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) {
    const record = doc as Record<string, unknown>;
    if (record["campaign"] !== undefined) {
      if (typeof record["campaign"] !== "string") return { errors: ["$.campaign: expected a string"] };
      campaign = record["campaign"];
    }
    list = record["requirements"];
    base = "$.requirements";
  }
  if (!Array.isArray(list)) return { errors: [`${base}: expected an array of requirements`] };
  const errors: string[] = [];
  list.forEach((item: unknown, i) => {
    const at = `${base}[${i}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      errors.push(`${at}: expected an object`);
      return;
    }
    const r = item as Record<string, unknown>;
    if (typeof r["reason"] !== "string" || r["reason"] === "") errors.push(`${at}.reason: expected a non-empty string`);
    if (typeof r["fact"] !== "string" || !/^(product|store)(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(r["fact"]))
      errors.push(`${at}.fact: expected a path such as product.rating or store.evaluationPercent`);
    const op = r["op"];
    if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
      const close = typeof op === "string" ? suggest(op, OPS, 1)[0] : undefined;
      errors.push(`${at}.op: expected one of ${OPS.join(" ")}${close ? `; did you mean '${close}'?` : ""}`);
    } else {
      const value = r["value"];
      const numeric = op === ">=" || op === ">" || op === "<=" || op === "<";
      if (numeric && (typeof value !== "number" || !Number.isFinite(value))) errors.push(`${at}.value: expected a number for '${op}'`);
      if (op === "in" && !(Array.isArray(value) && value.every((v) => typeof v === "string")))
        errors.push(`${at}.value: expected an array of strings for 'in'`);
      if ((op === "==" || op === "not" || op === "includes") && !["number", "string", "boolean"].includes(typeof value))
        errors.push(`${at}.value: expected a number, string or boolean for '${op}'`);
    }
    const gate = r["onlyWhenPositive"];
    if (gate !== undefined && (typeof gate !== "string" || !/^(product|store)(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(gate)))
      errors.push(`${at}.onlyWhenPositive: expected a fact path`);
  });
  if (errors.length > 0) return { errors };
  return { campaign, requirements: list as Requirement[] };
}

async function runCampaign(args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [action, ...rest] = args.positionals;
  if (action === undefined) throw new UsageError("missing action: check <requirements.json> --products <products.ndjson>", "campaign");
  if (!(ACTIONS as readonly string[]).includes(action)) {
    const close = suggest(action, ACTIONS, 1);
    throw new UsageError(`unknown action '${action}'${close[0] ? `; did you mean '${close[0]}'?` : ""} (${ACTIONS.join(", ")})`, "campaign");
  }
  if (action !== "check") return runAction(action, rest, args, ctx);
  const [requirementsPath, ...extra] = rest;
  if (requirementsPath === undefined) throw new UsageError("missing the requirements file: promo campaign check <requirements.json>", "campaign");
  if (extra.length > 0) throw new UsageError(`'campaign check' takes one requirements file, got also '${extra[0]}'`, "campaign");
  const productsPath = optionValue(args, "products");
  if (productsPath === undefined) throw new UsageError("missing the snapshots: --products <products.ndjson>", "campaign");

  const parsed = loadCampaign(requirementsPath, ctx, optionValue(args, "campaign"), parseRequirements);
  const productsText = readText(productsPath, ctx);
  if ("text" in parsed) {
    if (ctx.json) ctx.io.stdout(`${JSON.stringify(parsed.json, null, 2)}\n`);
    else ctx.io.stderr(parsed.text);
    return EXIT.problems;
  }

  const progress = ctx.io.isTTY && !ctx.json;
  const products: ProductReport[] = [];
  const malformed: LineError[] = [];
  const lines = productsText.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    const line = i + 1;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (error) {
      malformed.push({ line, errors: [`$: not JSON: ${(error as Error).message}`] });
      continue;
    }
    const errors = validateSnapshot(doc);
    if (errors.length > 0) {
      malformed.push({ line, errors });
      continue;
    }
    const snapshot = doc as Snapshot;
    const id = snapshot.product["id"];
    const failures = checkEligibility(parsed.requirements, snapshot);
    products.push({ line, id: typeof id === "string" || typeof id === "number" ? String(id) : null, eligible: failures.length === 0, failures });
    if (progress && products.length % PROGRESS_EVERY === 0) ctx.io.stderr(`\rchecked ${products.length} products`);
  }
  if (progress && products.length >= PROGRESS_EVERY) ctx.io.stderr("\n");

  const eligible = products.filter((p) => p.eligible).length;
  const summary = { products: products.length, eligible, ineligible: products.length - eligible, malformed: malformed.length };
  if (ctx.json) {
    const doc = {
      campaign: parsed.campaign,
      summary,
      products: products.map((p) => ({ line: p.line, id: p.id, eligible: p.eligible, failures: p.failures.map(failureJson) })),
      malformed: malformed.map((m) => ({ file: productsPath, line: m.line, errors: m.errors })),
    };
    ctx.io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    let out = "";
    for (const p of products) {
      const name = p.id ?? `line ${p.line}`;
      if (p.eligible) out += `${name}: eligible\n`;
      else {
        out += `${name}: ineligible\n`;
        for (const f of p.failures) out += `  ${f.reason}: ${f.fact} is ${JSON.stringify(f.actual) ?? "missing"}, expected ${f.expected}\n`;
      }
    }
    for (const m of malformed) for (const e of m.errors) out += `${productsPath}:${m.line}: ${e}\n`;
    const title = parsed.campaign === null ? "" : `${parsed.campaign}: `;
    out += `${title}${summary.eligible} eligible, ${summary.ineligible} ineligible${summary.malformed > 0 ? `, ${summary.malformed} malformed` : ""} of ${products.length + malformed.length} lines\n`;
    ctx.io.stdout(out);
  }
  return summary.ineligible > 0 || malformed.length > 0 ? EXIT.problems : EXIT.ok;
}

async function runAction(action: string, rest: readonly string[], args: ParsedArgs, ctx: CommandContext): Promise<number> {
  const [path, ...extra] = rest;
  if (path === undefined) throw new UsageError(`missing the campaign: promo campaign ${action} <campaign.promo>`, "campaign");
  if (extra.length > 0) throw new UsageError(`'campaign ${action}' takes one campaign file, got also '${extra[0]}'`, "campaign");
  const loaded = loadCampaign(path, ctx, optionValue(args, "campaign"), parseRequirements);
  if ("text" in loaded) {
    if (ctx.json) ctx.io.stdout(`${JSON.stringify(loaded.json, null, 2)}\n`);
    else ctx.io.stderr(loaded.text);
    return EXIT.problems;
  }
  return runStoreAction(action, loaded, path, args, ctx);
}

function failureJson(f: Failure): Record<string, unknown> {
  return { reason: f.reason, fact: f.fact, actual: f.actual === undefined ? null : f.actual, expected: f.expected, ...(f.span ? { span: f.span } : {}) };
}
