import { z } from 'zod';
import { propertyConditionSchema } from '../specs/common';

/**
 * Browsing the workspace row by row: raw events, one user's timeline, the people table. Pages of
 * rows travel as Arrow IPC (base64 in the JSON reply), so a grid over millions of rows only ever
 * holds the window it shows and decoding stays columnar.
 */

/** Filters of the raw-events grid; every field narrows, none is required. */
export const eventsFilterSchema = z.object({
  /** user_id values as stored (text). */
  users: z.array(z.string().min(1)).default([]),
  events: z.array(z.string().min(1)).default([]),
  /**
   * ISO 8601 dates or times bounding the event time: from inclusive, to exclusive. Without an
   * offset they are UTC (as events are stored); with one (`+02:00`) they are moved to UTC.
   */
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  /**
   * Conditions on event properties (or user properties with `source: "user"`), with the
   * analyses' semantics: `!=` and `not ...` keep events without the property.
   */
  where: z.array(propertyConditionSchema).default([]),
});
export type EventsFilter = z.infer<typeof eventsFilterSchema>;

export const eventsPageRequestSchema = z.object({
  filter: eventsFilterSchema.default({ users: [], events: [], where: [] }),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1_000),
  /** Count the rows matching the filter (a scan); the grid asks once per filter, not per page. */
  count: z.boolean().default(true),
});

/**
 * A page of rows as an Arrow IPC stream, base64-encoded. Column types follow DuckDB's (each
 * field's metadata `duckdb_type` names it): booleans as Bool, numbers as Int32/Float64 (64-bit
 * integers beyond 2^53 as text, every digit kept), times as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]',
 * anything else as text (JSON for nested values).
 *
 * events.page and a timeline's events: user_id, time, event, session_id, the typed property
 * columns of the workspace, properties (the JSON of the remaining keys). users.page: user_id, the
 * identity columns a people import filled (email, names, company, CRM fields), first_seen,
 * last_seen, events.
 */
export interface ArrowPage {
  /** Column names in order, as in the Arrow schema (here for callers that do not decode). */
  columns: string[];
  /** base64 of an Arrow IPC stream holding exactly the page's rows. */
  arrow: string;
  offset: number;
  rows: number;
  /** Rows matching the filter, when counted. */
  total: number | null;
  seconds: number;
}

export const userTimelineRequestSchema = z.object({
  userId: z.string().min(1),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1_000),
});

export interface UserProfile {
  userId: string;
  /** From a people/contacts import, when present. */
  email: string | null;
  /** Every identity column of the people table (null where the import gave no value). */
  properties: Record<string, unknown>;
  events: number;
  sessions: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface UserTimeline {
  profile: UserProfile;
  /** The user's events in time order (newest last), a page of them. */
  events: ArrowPage;
}

export const usersPageRequestSchema = z.object({
  /** Case-insensitive match on user_id, email or name. */
  search: z.string().default(''),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(1_000),
});

export interface RecentWorkspace {
  /** Absolute path of the .duckdb file. */
  path: string;
  name: string;
  /** ISO time (UTC) it was last opened. */
  openedAt: string;
}
