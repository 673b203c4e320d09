import { z } from 'zod';
import { parseByteSize } from '../util/byte-size';

/** Below this DuckDB cannot hold the few blocks one operator needs: every query would fail. */
export const MIN_MEMORY_LIMIT_BYTES = 64 * 1024 ** 2;

export const WEEK_STARTS = ['monday', 'sunday'] as const;

export const workspaceSettingsSchema = z.object({
  /** IANA zone in which calendar periods (days, weeks, months) are cut; data is stored in UTC. */
  timezone: z.string().min(1),
  weekStart: z.enum(WEEK_STARTS),
  /** Inactivity gap that ends a session, applied when events are (re)imported. */
  sessionGapMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /**
   * How much memory DuckDB may use before it spills to the temp directory beside the workspace
   * ('4GB', '512MB'); null = automatic, derived from the machine's RAM (see the engine's
   * defaultMemoryLimit). Kept per workspace, so a big workspace can be given more on a big machine.
   */
  memoryLimit: z
    .string()
    .refine((s) => parseByteSize(s) !== null, "write a size such as '4GB' or '512MB'")
    .refine(
      (s) => (parseByteSize(s) ?? 0) >= MIN_MEMORY_LIMIT_BYTES,
      'DuckDB needs at least 64MB to run a query',
    )
    .nullable(),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  timezone: 'UTC',
  weekStart: 'monday',
  sessionGapMinutes: 30,
  memoryLimit: null,
};

export interface WorkspaceSummary {
  path: string;
  name: string;
  readOnly: boolean;
  /** Why it is read-only, in words an analyst can act on (set when readOnly is). */
  readOnlyReason?: string;
  settings: WorkspaceSettings;
}

export interface SourceInfo {
  id: number;
  kind: 'events' | 'users';
  files: string[];
  format: string;
  preset: string | null;
  mapping: unknown;
  mode: string;
  bytes: number;
  rowsRead: number;
  rowsImported: number;
  rowsSkipped: number;
  skipped: Record<string, number>;
  range: { from: string; to: string } | null;
  importedAt: string;
  seconds: number;
}

export interface EventTypeInfo {
  event: string;
  events: number;
  users: number;
  firstSeen: string;
  lastSeen: string;
}

export interface WorkspaceInfo {
  workspace: WorkspaceSummary;
  events: number;
  /** Users with at least one event. */
  users: number;
  /**
   * Rows of the people table (what the people list counts): every user with events, plus people
   * known only from a people/contacts import.
   */
  people: number;
  /**
   * People with at least one value from a people/contacts import (email, names, company,
   * opt-out or any other column it brought), with or without events.
   */
  identities: number;
  sessions: number;
  range: { from: string; to: string } | null;
  /** The first and last local days of the data, in the workspace time zone ('YYYY-MM-DD'). */
  days: { from: string; to: string } | null;
  /** The workspace clock's date in its time zone: what "this month" and "today" mean. */
  today: string;
  /** What the analyst should know about the workspace as it is (a damaged settings row). */
  warnings: string[];
  /** Rows of the event sources that were not imported, by reason (missing user id, ...). */
  skipped: Record<string, number>;
  eventTypes: EventTypeInfo[];
  properties: { name: string; type: string }[];
  /** Columns of the people table (user_id, identities, first/last seen, ...). */
  userProperties: { name: string; type: string }[];
  sources: SourceInfo[];
}

export const SAVED_KINDS = ['analysis', 'segment', 'persona', 'trigger'] as const;
export type SavedKind = (typeof SAVED_KINDS)[number];

export interface SavedSpec {
  id: string;
  kind: SavedKind;
  name: string;
  spec: unknown;
  createdAt: string;
  updatedAt: string;
}
