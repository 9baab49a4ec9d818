/** Reserved promotional units in PostgreSQL: one conditional UPDATE per take, so races never over-sell. */
import pg from "pg";

export interface AsyncReservationStore {
  register(campaign: string, sku: string, units: number): Promise<void>;
  take(campaign: string, sku: string, quantity: number): Promise<boolean>;
  sold(campaign: string, sku: string): Promise<number>;
  close(): Promise<void>;
}

export async function openPostgresReservations(url: string, poolSize = 8): Promise<AsyncReservationStore> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  await pool.query(`CREATE TABLE IF NOT EXISTS campaign_units (
    campaign TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL CHECK (units >= 0),
    sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= units), PRIMARY KEY (campaign, sku))`);
  return {
    async register(campaign, sku, units) {
      await pool.query(
        `INSERT INTO campaign_units (campaign, sku, units) VALUES ($1, $2, $3)
         ON CONFLICT (campaign, sku) DO UPDATE SET units = GREATEST(campaign_units.units, excluded.units)`,
        [campaign, sku, units],
      );
    },
    async take(campaign, sku, quantity) {
      const result = await pool.query(`UPDATE campaign_units SET sold = sold + $1 WHERE campaign = $2 AND sku = $3 AND sold + $1 <= units`, [
        quantity,
        campaign,
        sku,
      ]);
      return result.rowCount === 1;
    },
    async sold(campaign, sku) {
      const result = await pool.query<{ sold: number }>(`SELECT sold FROM campaign_units WHERE campaign = $1 AND sku = $2`, [campaign, sku]);
      return result.rows[0]?.sold ?? 0;
    },
    close: () => pool.end(),
  };
}
