/**
 * The workspace layout (DESIGN.md, "Data model"). `events` is rebuilt sorted by EVENT_ORDER on
 * every import; `users` maps the dense uid to the export's text id and carries identities.
 *
 * Format 2 added the source columns (migrations.ts brings a format-1 workspace up to it).
 */
export const SCHEMA_VERSION = 2;

/**
 * Where each event comes from: `source_id` is its import's row in `sources` (0 for events stored
 * before format 2), `source_file` the file's place in that import's `files` (0-based),
 * `source_row` the row's place in that file (1-based, header not counted).
 */
export const SOURCE_COLUMNS = ['source_id', 'source_file', 'source_row'] as const;

/**
 * The stored order of `events`. Events of one user at one time are ordered as they were in the
 * files, so rowid order is this order and analyses that break ties by rowid (strict funnels,
 * "one event never fills two steps", paths) give the same answer on every import of a file.
 */
export const EVENT_ORDER = 'uid, ts, source_id, source_file, source_row';

/** Columns of `events` that are bookkeeping, not properties: pickers and the grid leave them out. */
export const BOOKKEEPING_EVENT_COLUMNS = ['uid', 'insert_key', ...SOURCE_COLUMNS] as const;

export const CREATE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS workbench_meta (key VARCHAR, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS events (
     uid INTEGER NOT NULL,
     ts TIMESTAMP NOT NULL,
     event VARCHAR NOT NULL,
     session_id BIGINT NOT NULL,
     insert_key UBIGINT,
     source_id INTEGER,
     source_file INTEGER,
     source_row BIGINT,
     properties JSON
   )`,
  `CREATE TABLE IF NOT EXISTS users (
     uid INTEGER NOT NULL,
     user_id VARCHAR NOT NULL,
     first_seen TIMESTAMP,
     last_seen TIMESTAMP,
     event_count BIGINT NOT NULL DEFAULT 0,
     email VARCHAR,
     first_name VARCHAR,
     last_name VARCHAR,
     name VARCHAR,
     company VARCHAR,
     opted_out BOOLEAN
   )`,
  `CREATE TABLE IF NOT EXISTS sources (
     id INTEGER NOT NULL,
     kind VARCHAR NOT NULL,
     files JSON NOT NULL,
     format VARCHAR NOT NULL,
     preset VARCHAR,
     mapping JSON,
     mode VARCHAR NOT NULL,
     bytes BIGINT NOT NULL,
     rows_read BIGINT NOT NULL,
     rows_imported BIGINT NOT NULL,
     skipped JSON NOT NULL,
     range_from TIMESTAMP,
     range_to TIMESTAMP,
     imported_at TIMESTAMP NOT NULL,
     seconds DOUBLE NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS user_days (uid INTEGER, day DATE, events BIGINT, last_ts TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS session_facts (session_id BIGINT, uid INTEGER, started TIMESTAMP, events BIGINT, duration DOUBLE)`,
  // Members of static segments (saved_specs rows of kind 'segment'), by dense uid.
  `CREATE TABLE IF NOT EXISTS segment_members (segment_id VARCHAR NOT NULL, uid INTEGER NOT NULL)`,
  // What each segment's members were computed from: the as-of day and the data generation of a
  // dynamic segment's last evaluation (static ones have a row from their creation).
  `CREATE TABLE IF NOT EXISTS segment_state (
     segment_id VARCHAR NOT NULL,
     as_of DATE,
     members BIGINT NOT NULL,
     population BIGINT,
     generation VARCHAR,
     computed_at TIMESTAMP NOT NULL,
     seconds DOUBLE,
     warnings JSON
   )`,
  `CREATE TABLE IF NOT EXISTS saved_specs (
     id VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,
     name VARCHAR NOT NULL,
     spec JSON NOT NULL,
     created_at TIMESTAMP NOT NULL,
     updated_at TIMESTAMP NOT NULL
   )`,
];

/**
 * `events.insert_key` is DuckDB's 64-bit hash of the export's insert id: de-duplication needs
 * only equality, and hashes sort and store far cheaper than 36-character ids. The hash of a fixed
 * text, stored at creation, tells a later engine whether its hash function is still the same.
 */
export const HASH_PROBE_TEXT = 'retention-workbench insert key';

/**
 * The tables an analyst queries (`workbench sql`, the SQL view), each with what one row is: the
 * one list that the CLI's help prints and the README names (a test holds them to it).
 */
export const QUERYABLE_TABLES = {
  events:
    'one per event: uid, ts (UTC), event, session_id, source_id/source_file/source_row (where it was read), then the properties',
  users: 'one per user: uid, user_id, first_seen, last_seen, event_count, identities',
  session_facts: 'one per session: session_id, uid, started, events, duration (s)',
  user_days: 'one per user and UTC day with events: uid, day, events, last_ts',
  sources: 'one per import: files, preset, mapping, rows read and imported, skipped',
  saved_specs: 'saved analyses and segments: id, kind, name, spec (JSON)',
  segment_members:
    'members of saved segments (static, and dynamic as last computed): segment_id, uid',
  segment_state:
    'one per saved segment: segment_id, as_of, members, population, generation, computed_at',
} as const;

/** Tables every workspace has; anything else in the file is the analyst's own. */
export const WORKSPACE_TABLES = ['workbench_meta', ...Object.keys(QUERYABLE_TABLES)];

/** Columns of `users` that the engine maintains; identity imports add any others. */
export const USER_FACT_COLUMNS = ['uid', 'user_id', 'first_seen', 'last_seen', 'event_count'];
