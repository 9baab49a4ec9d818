/** Reserved promotional units in SQLite: a sale takes a unit only while sold < registered, in one statement. */
import Database from "better-sqlite3";

export interface ReservationStore {
  register(campaign: string, sku: string, units: number): void;
  /** Takes `quantity` units atomically; false when fewer remain (nothing is taken). */
  take(campaign: string, sku: string, quantity: number): boolean;
  sold(campaign: string, sku: string): number;
  close(): void;
}

export function openSqliteReservations(path: string): ReservationStore {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  db.exec(`CREATE TABLE IF NOT EXISTS campaign_units (
    campaign TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL CHECK (units >= 0),
    sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= units), PRIMARY KEY (campaign, sku))`);
  const upsert = db.prepare(
    `INSERT INTO campaign_units (campaign, sku, units) VALUES (?, ?, ?)
     ON CONFLICT (campaign, sku) DO UPDATE SET units = MAX(units, excluded.units)`,
  );
  const take = db.prepare(`UPDATE campaign_units SET sold = sold + ? WHERE campaign = ? AND sku = ? AND sold + ? <= units`);
  const sold = db.prepare(`SELECT sold FROM campaign_units WHERE campaign = ? AND sku = ?`);
  return {
    register: (campaign, sku, units) => void upsert.run(campaign, sku, units),
    take: (campaign, sku, quantity) => take.run(quantity, campaign, sku, quantity).changes === 1,
    sold: (campaign, sku) => (sold.get(campaign, sku) as { sold: number } | undefined)?.sold ?? 0,
    close: () => db.close(),
  };
}
