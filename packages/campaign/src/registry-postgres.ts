/**
 * Campaign registrations in PostgreSQL, next to the ledger's tables and the reserved units (`campaign_units`).
 * Every change is one transaction that locks the registration row (`SELECT … FOR UPDATE`) before reading it, so
 * concurrent edits of one registration run one after the other and no update is lost.
 */
import pg from "pg";
import type { Status, StatusEvent } from "./status.js";
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
} from "./registry.js";
import { REGISTRY_SCHEMA } from "./registry-schema.js";

type Client = pg.PoolClient | pg.Pool;

async function record(db: Client, campaign: string, product: string, lock = false): Promise<RegistrationRecord | undefined> {
  const reg = await db.query<{ status: Status; shipping_model: string; registered_at: string; version: number }>(
    `SELECT status, shipping_model, registered_at, version FROM campaign_registrations WHERE campaign = $1 AND product = $2${lock ? " FOR UPDATE" : ""}`,
    [campaign, product],
  );
  const row = reg.rows[0];
  if (row === undefined) return undefined;
  const skus = await db.query<{ sku: string; discount_percent: number; units: number; original_price: string }>(
    `SELECT sku, discount_percent, units, original_price FROM campaign_registration_skus WHERE campaign = $1 AND product = $2 ORDER BY sku`,
    [campaign, product],
  );
  const history = await db.query<{ event: HistoryEntry["event"]; status: Status; at: string; detail: string | null }>(
    `SELECT event, status, at, detail FROM campaign_status_history WHERE campaign = $1 AND product = $2 ORDER BY seq`,
    [campaign, product],
  );
  return {
    campaign,
    product,
    skus: skus.rows.map((s) => ({ sku: s.sku, discountPercent: s.discount_percent, units: s.units, originalPrice: Number(s.original_price) })),
    shippingModel: row.shipping_model,
    status: row.status,
    registeredAt: Number(row.registered_at),
    version: row.version,
    history: history.rows.map((h) => ({ event: h.event, status: h.status, at: Number(h.at), detail: h.detail })),
  };
}

async function addHistory(db: Client, campaign: string, product: string, event: HistoryEntry["event"], status: Status, at: number, detail: string | null) {
  await db.query(
    `INSERT INTO campaign_status_history (campaign, product, seq, event, status, at, detail)
     VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM campaign_status_history WHERE campaign = $1 AND product = $2), $3, $4, $5, $6)`,
    [campaign, product, event, status, at, detail],
  );
}

async function addUnits(db: Client, campaign: string, sku: string, units: number) {
  await db.query(
    `INSERT INTO campaign_units (campaign, sku, units) VALUES ($1, $2, $3)
     ON CONFLICT (campaign, sku) DO UPDATE SET units = GREATEST(campaign_units.units, excluded.units)`,
    [campaign, sku, units],
  );
}

export async function openPostgresRegistry(url: string, poolSize = 8): Promise<Registry> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Concurrent CREATE TABLE IF NOT EXISTS can collide on the catalogue: serialize schema creation.
  const setup = await pool.connect();
  try {
    await setup.query("SELECT pg_advisory_lock(7316011)");
    for (const statement of REGISTRY_SCHEMA) await setup.query(statement);
  } finally {
    await setup.query("SELECT pg_advisory_unlock(7316011)").catch(() => undefined);
    setup.release();
  }

  /** Runs `work` in one transaction, committed only when its result is a success. */
  async function inTransaction<T extends { ok: boolean }>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const outcome = await work(client);
      await client.query(outcome.ok ? "COMMIT" : "ROLLBACK");
      return outcome;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    register: (input: RegistrationInput, at: number, policy: CampaignPolicy) =>
      inTransaction<Outcome>(async (client) => {
        const refusal = registrationRefusal(at, policy);
        if (refusal) return { ok: false, reasons: [refusal] };
        const inserted = await client.query(
          `INSERT INTO campaign_registrations (campaign, product, status, shipping_model, registered_at, version)
           VALUES ($1, $2, 'under-review', $3, $4, 1) ON CONFLICT (campaign, product) DO NOTHING`,
          [input.campaign, input.product, input.shippingModel, at],
        );
        if (inserted.rowCount !== 1) return { ok: false, reasons: ["already-registered"] };
        for (const s of input.skus) {
          await client.query(
            `INSERT INTO campaign_registration_skus (campaign, product, sku, discount_percent, units, original_price) VALUES ($1, $2, $3, $4, $5, $6)`,
            [input.campaign, input.product, s.sku, s.discountPercent, s.units, s.originalPrice],
          );
          await addUnits(client, input.campaign, s.sku, s.units);
        }
        const detail = input.skus.map((s) => `${s.sku} ${s.discountPercent}% x${s.units}`).join(", ");
        await addHistory(client, input.campaign, input.product, "register", "under-review", at, detail);
        return { ok: true, record: (await record(client, input.campaign, input.product))! };
      }),
    edit: (campaign: string, product: string, sku: string, change: EditChange, at: number, policy: CampaignPolicy) =>
      inTransaction<Outcome>(async (client) => {
        const current = await record(client, campaign, product, true);
        if (current === undefined) return { ok: false, reasons: ["not-registered"] };
        const old = current.skus.find((s) => s.sku === sku);
        if (old === undefined) return { ok: false, reasons: ["sku-not-registered"] };
        const result = applyEdit(current.status, old, change, at, policy);
        if (!result.ok) return result;
        await client.query(`UPDATE campaign_registration_skus SET discount_percent = $1, units = $2 WHERE campaign = $3 AND product = $4 AND sku = $5`, [
          result.sku.discountPercent,
          result.sku.units,
          campaign,
          product,
          sku,
        ]);
        await addUnits(client, campaign, sku, result.sku.units);
        await client.query(`UPDATE campaign_registrations SET version = version + 1 WHERE campaign = $1 AND product = $2`, [campaign, product]);
        await addHistory(client, campaign, product, "edit", current.status, at, result.detail);
        return { ok: true, record: (await record(client, campaign, product))! };
      }),
    review: (campaign: string, product: string, event: StatusEvent, at: number) =>
      inTransaction<Outcome>(async (client) => {
        const current = await record(client, campaign, product, true);
        if (current === undefined) return { ok: false, reasons: ["not-registered"] };
        const result = applyReview(current.status, event);
        if (!result.ok) return result;
        await client.query(`UPDATE campaign_registrations SET status = $1, version = version + 1 WHERE campaign = $2 AND product = $3`, [
          result.status,
          campaign,
          product,
        ]);
        await addHistory(client, campaign, product, event, result.status, at, null);
        return { ok: true, record: (await record(client, campaign, product))! };
      }),
    get: (campaign, product) => record(pool, campaign, product),
    async saleSkus(campaign) {
      const rows = await pool.query<{ product: string; sku: string; discount_percent: number; remaining: number }>(
        `SELECT s.product, s.sku, s.discount_percent, u.units - u.sold AS remaining
         FROM campaign_registration_skus s JOIN campaign_registrations r ON r.campaign = s.campaign AND r.product = s.product
         JOIN campaign_units u ON u.campaign = s.campaign AND u.sku = s.sku
         WHERE s.campaign = $1 AND r.status = 'approved' ORDER BY s.product, s.sku`,
        [campaign],
      );
      return rows.rows.map((r) => ({ product: r.product, sku: r.sku, discountPercent: r.discount_percent, remainingUnits: r.remaining }));
    },
    async take(campaign, items) {
      const outcome = await inTransaction(async (client) => {
        for (const item of items) {
          const result = await client.query(`UPDATE campaign_units SET sold = sold + $1 WHERE campaign = $2 AND sku = $3 AND sold + $1 <= units`, [
            item.units,
            campaign,
            item.sku,
          ]);
          if (result.rowCount !== 1) return { ok: false };
        }
        return { ok: true };
      });
      return outcome.ok;
    },
    async list(campaign) {
      const rows = await pool.query<{ product: string }>(`SELECT product FROM campaign_registrations WHERE campaign = $1 ORDER BY product`, [campaign]);
      const out: RegistrationRecord[] = [];
      for (const r of rows.rows) out.push((await record(pool, campaign, r.product))!);
      return out;
    },
    close: () => pool.end(),
  };
}
