import type { ImportPreview, MappingOverride } from '../../../shared/api/import-types';

/** The mapping fields the import panel lets the analyst pick a file column for. */
export const MAPPING_FIELDS = [
  { key: 'userId', label: 'User id', required: true },
  { key: 'event', label: 'Event name', required: true },
  { key: 'timestamp', label: 'Timestamp', required: true },
  { key: 'insertId', label: 'Insert id (de-duplication)', required: false },
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number]['key'];

/** The column a field reads: the analyst's choice, else the preset's (its first fallback). */
export function mappedColumn(
  field: MappingField,
  overrides: MappingOverride,
  preview: Pick<ImportPreview, 'mapping'> | null,
): string {
  const chosen = overrides[field];
  if (chosen !== undefined) return Array.isArray(chosen) ? (chosen[0] ?? '') : chosen;
  const proposed = preview?.mapping[field];
  return Array.isArray(proposed) ? (proposed[0] ?? '') : (proposed ?? '');
}

/** Overrides with one field set to a column ('' = back to what the preset proposes). */
export function withColumn(
  overrides: MappingOverride,
  field: MappingField,
  column: string,
): MappingOverride {
  const { [field]: _previous, ...rest } = overrides;
  if (column === '') return rest;
  // A chosen event column replaces a constant event name, and the reverse.
  if (field === 'event') delete rest.eventName;
  return { ...rest, [field]: column };
}

/** Overrides naming every row's event (no event column: order lines, a single-action log). */
export function withEventName(overrides: MappingOverride, name: string): MappingOverride {
  const next: MappingOverride = { ...overrides };
  delete next.event;
  if (name.trim() === '') delete next.eventName;
  else next.eventName = name.trim();
  return next;
}

/** Required fields that read no column yet: what stops the import, to be marked in the form. */
export function missingFields(
  preview: Pick<ImportPreview, 'mapping'> | null,
  overrides: MappingOverride,
): MappingField[] {
  if (preview === null) return [];
  const eventName = overrides.eventName ?? preview.mapping.eventName;
  return MAPPING_FIELDS.filter((f) => f.required)
    .map((f) => f.key)
    .filter((key) => {
      if (key === 'event' && eventName !== undefined && overrides.event === undefined) return false;
      return mappedColumn(key, overrides, preview) === '';
    });
}

/** Paths typed or pasted: one per line, or comma separated. */
export function splitPaths(text: string): string[] {
  return text
    .split(/\n|,(?=\s*(?:\/|[A-Za-z]:\\|~))/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Why rows were skipped, in words: { missingUser: 3 } -> ['3 without a user id']. */
export function skippedReasons(skipped: Record<string, number>): string[] {
  const words: Record<string, string> = {
    missingUser: 'without a user id',
    missingTimestamp: 'without a readable timestamp',
    missingEvent: 'without an event name',
    duplicate: 'duplicates (same insert id)',
  };
  return Object.entries(skipped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n.toLocaleString('en-US')} ${words[why] ?? why}`);
}

/**
 * The engine words import errors for the command line as well ("Say which with --map
 * user_id=COLUMN"); in the window the same advice points at the form instead. Anything not
 * recognised stays as the engine said it.
 */
export function windowWording(message: string): string {
  return message
    .replace(
      /Say which one holds the (user|time) with --map \w+=COLUMN\./,
      (_, what: string) => `Choose the ${what === 'user' ? 'user id' : 'timestamp'} column above.`,
    )
    .replace(/Say which with --map user_id=COLUMN\./, 'Choose the user id column above.')
    .replace(
      /Map one with --map event=COLUMN, or name every row's event with --event-name NAME \(e\.g\. purchase\)\./,
      'Choose the event column above, or “one name for every row”.',
    )
    .replace(
      /Say which with --ts-format '([^']+)' or --ts-format '([^']+)'\./,
      'Give the timestamp format: $1 or $2.',
    )
    .replace(
      /(map another column|Map another column) \(--map timestamp=COLUMN\)/,
      '$1 for the timestamp',
    )
    .replace(/give the format \(--ts-format '([^']+)'\)/, 'give its format (e.g. $1)')
    .replace(/Check the mapping \(--map\)\./, 'Check the mapping above.');
}
