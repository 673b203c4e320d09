/**
 * What a result column holds, so the grid and the CLI table pick its format from the column
 * instead of guessing from the number: counts grouped, shares as percentages, seconds as
 * durations, measured values (sums, averages, ratios) without float noise, dates and text as
 * they are. Each kind's definition describes its own columns with these (shared/specs/<kind>.ts).
 */
export type ColumnKind = 'count' | 'percent' | 'duration' | 'value' | 'date' | 'text';

/** Kinds whose cells are numbers: right-aligned, sorted as numbers. */
export const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set([
  'count',
  'percent',
  'duration',
  'value',
]);

/** A kind's description of its table's columns, by column id; unnamed ones are guessed. */
export interface ColumnDescription {
  columns: Partial<Record<string, { kind: ColumnKind; header?: string }>>;
  /** Per table row, where rows differ (trends: each series has its measure's kind). */
  rowKinds?: Map<string, ColumnKind[]>;
  /** Per table row, the share a number stands for, shown beside it. */
  shares?: Map<string, (number | null)[]>;
}

export const TEXT = { kind: 'text' } as const;
export const DATE = { kind: 'date' } as const;
export const COUNT = { kind: 'count' } as const;

const PERIOD_NAMES = { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month' } as const;

/** A retention column as people read it: '1' -> 'Week 1', a bracket '3-6' -> 'Weeks 3-6'. */
export function retentionColumnHeader(
  period: 'hour' | 'day' | 'week' | 'month',
  column: string,
): string {
  const name = PERIOD_NAMES[period];
  return /^\d+$/.test(column) ? `${name} ${column}` : `${name}s ${column}`;
}
