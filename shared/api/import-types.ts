import { z } from 'zod';
import type { ApiErrorShape } from './errors';

/** Export layouts the importer recognises; each has its own module in electron/engine/import/presets. */
export const PRESET_IDS = [
  'mixpanel',
  'amplitude',
  'segment',
  'posthog',
  'ga4',
  'transactions',
  'generic',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export const FILE_FORMATS = ['csv', 'parquet', 'json'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A column of the file, or a key inside a nested column written `column.key` (`properties.time`). */
const columnRef = z.string().min(1, 'a column name cannot be empty');

export const eventRuleSchema = z.object({
  column: columnRef,
  op: z.enum(['equals', 'startsWith', 'lessThan', 'greaterThan']),
  value: z.union([z.string(), z.number()]),
  event: z.string().min(1),
});
export type EventRule = z.infer<typeof eventRuleSchema>;

/** Where a nested object of event properties lives, and how its keys are named once flattened. */
export const nestedSourceSchema = z.object({
  column: columnRef,
  /** Prepended to flattened key names, e.g. `user_` for Amplitude's user_properties. */
  prefix: z.string().default(''),
  /** `object`: a JSON object / struct / map; `keyValueList`: GA4's [{key, value:{string_value,...}}]. */
  shape: z.enum(['object', 'keyValueList']).default('object'),
});
export type NestedSource = z.infer<typeof nestedSourceSchema>;

/**
 * How a file's columns become the canonical events table. A preset proposes one; the analyst can
 * override any field. Holds names only, never SQL.
 */
export const columnMappingSchema = z.object({
  /** Columns tried in order; the first non-empty one is the user (Amplitude: user_id, device_id). */
  userId: z.array(columnRef).min(1),
  /** The event-name column; omit it for transaction exports and give `eventName`. */
  event: columnRef.optional(),
  /** Constant event name when there is no event column (or the column is empty on a row). */
  eventName: z.string().min(1).optional(),
  /** Rules checked in order before the event column / constant (e.g. InvoiceNo starting with C). */
  eventRules: z.array(eventRuleSchema).default([]),
  timestamp: columnRef,
  /** A strptime format for text timestamps that are not ISO 8601 (`%d/%m/%Y %H:%M`). */
  timestampFormat: z.string().optional(),
  /** The export's de-duplication key (Mixpanel $insert_id, Amplitude insert_id, Segment messageId). */
  insertId: columnRef.optional(),
  nested: z.array(nestedSourceSchema).default([]),
  /** Columns not kept as properties (vendor bookkeeping, columns already mapped are implicit). */
  exclude: z.array(z.string()).default([]),
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;
export type ColumnMappingInput = z.input<typeof columnMappingSchema>;

/** Analyst overrides on top of the preset's mapping: any field may be replaced. */
export const mappingOverrideSchema = z
  .object({
    userId: z.union([columnRef, z.array(columnRef).min(1)]),
    event: columnRef,
    eventName: z.string().min(1),
    eventRules: z.array(eventRuleSchema),
    timestamp: columnRef,
    timestampFormat: z.string().min(1),
    insertId: columnRef,
  })
  .partial();
export type MappingOverride = z.infer<typeof mappingOverrideSchema>;

const readOptionsShape = {
  files: z.array(z.string().min(1)).min(1, 'give at least one file, folder or glob'),
  format: z.enum(FILE_FORMATS).optional(),
  /** CSV only: a single character, or `\t`. Detected when omitted. */
  delimiter: z.string().min(1).max(2).optional(),
  /** CSV only: whether the first line holds column names. Detected when omitted. */
  header: z.boolean().optional(),
  /**
   * A .gz file may expand at most this many times its size (default 100: exports compress
   * 5-40x); beyond it the import stops as a possible decompression bomb. CLI:
   * --max-decompression-ratio.
   */
  maxDecompressionRatio: z.number().min(1).max(1_000_000).optional(),
};

export const importEventsRequestSchema = z.object({
  ...readOptionsShape,
  preset: z.enum(PRESET_IDS).optional(),
  mapping: mappingOverrideSchema.optional(),
  /** IANA zone of timestamps written without an offset (`Europe/London`); default UTC. */
  sourceTimezone: z.string().min(1).optional(),
  mode: z.enum(['append', 'replace']).default('append'),
  /**
   * Import even when the free disk space looks too small for it (the engine's estimate is
   * deliberately on the high side for Parquet). A full disk still fails cleanly.
   */
  skipSpaceCheck: z.boolean().optional(),
});
export type ImportEventsRequest = z.input<typeof importEventsRequestSchema>;

export const previewImportRequestSchema = importEventsRequestSchema.extend({
  limit: z.number().int().min(1).max(1000).default(20),
});
export type PreviewImportRequest = z.input<typeof previewImportRequestSchema>;

export const IDENTITY_FIELDS = [
  'userId',
  'email',
  'firstName',
  'lastName',
  'name',
  'company',
  'optedOut',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export const importUsersRequestSchema = z.object({
  ...readOptionsShape,
  mapping: z.partialRecord(z.enum(IDENTITY_FIELDS), columnRef).optional(),
});
export type ImportUsersRequest = z.input<typeof importUsersRequestSchema>;

export interface SkippedRows {
  missingUser: number;
  missingTimestamp: number;
  missingEvent: number;
  duplicate: number;
}

export interface ImportedColumn {
  name: string;
  type: string;
  /** Where it came from in the file: a column, or `column.key` for a flattened nested key. */
  from: string;
}

export interface ImportEventsSummary {
  sourceId: number;
  files: string[];
  format: FileFormat;
  preset: PresetId;
  mapping: ColumnMapping;
  mode: 'append' | 'replace';
  bytes: number;
  rowsRead: number;
  rowsImported: number;
  skipped: SkippedRows;
  newUsers: number;
  properties: ImportedColumn[];
  range: { from: string; to: string } | null;
  totalEvents: number;
  totalUsers: number;
  /** Things the analyst should know about this import that did not stop it. */
  warnings: string[];
  seconds: number;
}

export interface ImportUsersSummary {
  sourceId: number;
  files: string[];
  format: FileFormat;
  mapping: Partial<Record<IdentityField, string>>;
  rowsRead: number;
  updated: number;
  added: number;
  skippedMissingUser: number;
  duplicateUserIds: number;
  columns: string[];
  seconds: number;
}

export interface ImportPreview {
  files: string[];
  format: FileFormat;
  preset: PresetId;
  /** Every preset's score, best first, so a UI can offer the runners-up. */
  candidates: { preset: PresetId; score: number }[];
  /** What the preset and overrides give; incomplete when `problem` says a column is missing. */
  mapping: ColumnMappingInput;
  /** Why the file cannot be imported as mapped (the rows are then the file's own columns). */
  problem?: ApiErrorShape;
  fileColumns: { name: string; type: string }[];
  /** The first rows as they will be stored (canonical columns first). */
  columns: string[];
  rows: Record<string, unknown>[];
  /**
   * What looks wrong though it would import: epoch times spread over centuries, a small-integer
   * time column chosen over an ISO one, property columns folded into `properties`.
   */
  warnings: string[];
}
