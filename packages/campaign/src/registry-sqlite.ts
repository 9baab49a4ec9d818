/**
 * Campaign registrations in SQLite, next to the ledger's tables and the reserved units (`campaign_units`). Every
 * change is one `BEGIN IMMEDIATE` transaction: it takes the write lock before reading, so two processes' edits
 * of one registration run one after the other and neither's update is lost.
 */
import Database from "better-sqlite3";
import type { StatusEvent, Status } from "./status.js";
import {
  applyEdit,
  applyReview,
  registrationRefusal,
  type CampaignPolicy,
  type EditChange,
  type HistoryEntry,
  type Outcome,
  type RegistrationInput,
  type RegistrationRecord,
  type Registry,
  type SkuRegistration,
} from "./registry.js";
import { REGISTRY_SCHEMA } from "./registry-schema.js";

interface Row {
  campaign: string;
  product: string;
  status: Status;
  shipping_model: string;
  registered_at: number;
  version: number;
}

/** Thrown inside the take transaction to roll back the units already taken. */
class SoldOut extends Error {}

export function openSqliteRegistry(path: string): Registry {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  for (const statement of REGISTRY_SCHEMA) db.exec(statement);
  const q = {
    reg: db.prepare(`SELECT * FROM campaign_registrations WHERE campaign = ? AND product = ?`),
    regs: db.prepare(`SELECT * FROM campaign_registrations WHERE campaign = ? ORDER BY product`),
    skus: db.prepare(`SELECT sku, discount_percent, units, original_price FROM campaign_registration_skus WHERE campaign = ? AND product = ? ORDER BY sku`),
    history: db.prepare(`SELECT event, status, at, detail FROM campaign_status_history WHERE campaign = ? AND product = ? ORDER BY seq`),
    insertReg: db.prepare(
      `INSERT INTO campaign_registrations (campaign, product, status, shipping_model, registered_at, version) VALUES (?, ?, 'under-review', ?, ?, 1)`,
    ),
    insertSku: db.prepare(`INSERT INTO campaign_registration_skus (campaign, product, sku, discount_percent, units, original_price) VALUES (?, ?, ?, ?, ?, ?)`),
    updateSku: db.prepare(`UPDATE campaign_registration_skus SET discount_percent = ?, units = ? WHERE campaign = ? AND product = ? AND sku = ?`),
    bump: db.prepare(`UPDATE campaign_registrations SET status = ?, version = version + 1 WHERE campaign = ? AND product = ?`),
    insertHistory: db.prepare(
      `INSERT INTO campaign_status_history (campaign, product, seq, event, status, at, detail)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM campaign_status_history WHERE campaign = ? AND product = ?), ?, ?, ?, ?)`,
    ),
    saleSkus: db.prepare(
      `SELECT s.product, s.sku, s.discount_percent, u.units - u.sold AS remaining
       FROM campaign_registration_skus s JOIN campaign_registrations r ON r.campaign = s.campaign AND r.product = s.product
       JOIN campaign_units u ON u.campaign = s.campaign AND u.sku = s.sku
       WHERE s.campaign = ? AND r.status = 'approved' ORDER BY s.product, s.sku`,
    ),
    take: db.prepare(`UPDATE campaign_units SET sold = sold + ? WHERE campaign = ? AND sku = ? AND sold + ? <= units`),
    units: db.prepare(
      `INSERT INTO campaign_units (campaign, sku, units) VALUES (?, ?, ?)
       ON CONFLICT (campaign, sku) DO UPDATE SET units = MAX(units, excluded.units)`,
    ),
  };

  const record = (campaign: string, product: string): RegistrationRecord | undefined => {
    const row = q.reg.get(campaign, product) as Row | undefined;
    if (row === undefined) return undefined;
    const skus = (q.skus.all(campaign, product) as { sku: string; discount_percent: number; units: number; original_price: number }[]).map(
      (s): SkuRegistration => ({ sku: s.sku, discountPercent: s.discount_percent, units: s.units, originalPrice: Number(s.original_price) }),
    );
    const history = (q.history.all(campaign, product) as { event: HistoryEntry["event"]; status: Status; at: number; detail: string | null }[]).map(
      (h): HistoryEntry => ({ event: h.event, status: h.status, at: Number(h.at), detail: h.detail }),
    );
    return {
      campaign,
      product,
      skus,
      shippingModel: row.shipping_model,
      status: row.status,
      registeredAt: Number(row.registered_at),
      version: row.version,
      history,
    };
  };
  const history = (campaign: string, product: string, event: HistoryEntry["event"], status: Status, at: number, detail: string | null) =>
    q.insertHistory.run(campaign, product, campaign, product, event, status, at, detail);

  const register = db.transaction((input: RegistrationInput, at: number, policy: CampaignPolicy): Outcome => {
    const refusal = registrationRefusal(at, policy);
    if (refusal) return { ok: false, reasons: [refusal] };
    if (q.reg.get(input.campaign, input.product) !== undefined) return { ok: false, reasons: ["already-registered"] };
    q.insertReg.run(input.campaign, input.product, input.shippingModel, at);
    for (const s of input.skus) {
      q.insertSku.run(input.campaign, input.product, s.sku, s.discountPercent, s.units, s.originalPrice);
      q.units.run(input.campaign, s.sku, s.units);
    }
    history(input.campaign, input.product, "register", "under-review", at, input.skus.map((s) => `${s.sku} ${s.discountPercent}% x${s.units}`).join(", "));
    return { ok: true, record: record(input.campaign, input.product)! };
  });

  const edit = db.transaction((campaign: string, product: string, sku: string, change: EditChange, at: number, policy: CampaignPolicy): Outcome => {
    const current = record(campaign, product);
    if (current === undefined) return { ok: false, reasons: ["not-registered"] };
    const old = current.skus.find((s) => s.sku === sku);
    if (old === undefined) return { ok: false, reasons: ["sku-not-registered"] };
    const result = applyEdit(current.status, old, change, at, policy);
    if (!result.ok) return result;
    q.updateSku.run(result.sku.discountPercent, result.sku.units, campaign, product, sku);
    q.units.run(campaign, sku, result.sku.units);
    q.bump.run(current.status, campaign, product);
    history(campaign, product, "edit", current.status, at, result.detail);
    return { ok: true, record: record(campaign, product)! };
  });

  const review = db.transaction((campaign: string, product: string, event: StatusEvent, at: number): Outcome => {
    const current = record(campaign, product);
    if (current === undefined) return { ok: false, reasons: ["not-registered"] };
    const result = applyReview(current.status, event);
    if (!result.ok) return result;
    q.bump.run(result.status, campaign, product);
    history(campaign, product, event, result.status, at, null);
    return { ok: true, record: record(campaign, product)! };
  });

  const take = db.transaction((campaign: string, items: readonly { sku: string; units: number }[]): boolean => {
    for (const item of items) {
      if (q.take.run(item.units, campaign, item.sku, item.units).changes !== 1) throw new SoldOut();
    }
    return true;
  });

  return {
    saleSkus: async (campaign) =>
      (q.saleSkus.all(campaign) as { product: string; sku: string; discount_percent: number; remaining: number }[]).map((r) => ({
        product: r.product,
        sku: r.sku,
        discountPercent: r.discount_percent,
        remainingUnits: r.remaining,
      })),
    take: async (campaign, items) => {
      try {
        return take.immediate(campaign, items);
      } catch (error) {
        if (error instanceof SoldOut) return false;
        throw error;
      }
    },
    register: async (input, at, policy) => register.immediate(input, at, policy),
    edit: async (campaign, product, sku, change, at, policy) => edit.immediate(campaign, product, sku, change, at, policy),
    review: async (campaign, product, event, at) => review.immediate(campaign, product, event, at),
    get: async (campaign, product) => record(campaign, product),
    list: async (campaign) => (q.regs.all(campaign) as Row[]).map((r) => record(campaign, r.product)!),
    close: async () => void db.close(),
  };
}
