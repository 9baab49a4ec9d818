/** The tables of campaign registrations, their status history and reserved units: the same SQL in SQLite and PostgreSQL. */
export const REGISTRY_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS campaign_registrations (
    campaign TEXT NOT NULL, product TEXT NOT NULL, status TEXT NOT NULL, shipping_model TEXT NOT NULL,
    registered_at BIGINT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (campaign, product))`,
  `CREATE TABLE IF NOT EXISTS campaign_registration_skus (
    campaign TEXT NOT NULL, product TEXT NOT NULL, sku TEXT NOT NULL, discount_percent INTEGER NOT NULL,
    units INTEGER NOT NULL CHECK (units >= 1), original_price BIGINT NOT NULL, PRIMARY KEY (campaign, product, sku))`,
  `CREATE TABLE IF NOT EXISTS campaign_status_history (
    campaign TEXT NOT NULL, product TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, status TEXT NOT NULL,
    at BIGINT NOT NULL, detail TEXT, PRIMARY KEY (campaign, product, seq))`,
  `CREATE TABLE IF NOT EXISTS campaign_units (
    campaign TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL CHECK (units >= 0),
    sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= units), PRIMARY KEY (campaign, sku))`,
];
