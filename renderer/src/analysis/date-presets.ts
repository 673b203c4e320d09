import type { WorkspaceInfo } from '../../../shared/api/workspace-types';
import { daysOn, THIS_MONTH, type LocalDays } from '../../../shared/calendar/local-days';
import type { DateRange } from '../../../shared/specs/common';
import { lastDaysOfData } from './data-days';

/**
 * The date-range presets of every builder. "Last N days of data" end on the data's last day (an
 * export ends when it was taken); "This month" is the calendar month of the workspace clock,
 * kept relative so a saved analysis reopened next month shows next month.
 */
export const DATE_PRESETS = [
  ['7', 'Last 7 days of data'],
  ['30', 'Last 30 days of data'],
  ['90', 'Last 90 days of data'],
  ['month', 'This month'],
  ['all', 'All data'],
  ['custom', 'Custom…'],
] as const;
export type DatePresetId = (typeof DATE_PRESETS)[number][0];

/** The workspace clock's date as the engine reports it (UTC today only before info arrives). */
export function workspaceToday(info: WorkspaceInfo | null): string {
  return info?.today ?? new Date().toISOString().slice(0, 10);
}

export function presetRange(
  id: Exclude<DatePresetId, 'custom'>,
  info: WorkspaceInfo | null,
): DateRange {
  if (id === 'month') return THIS_MONTH;
  if (id === 'all') {
    const last = info?.days?.to ?? workspaceToday(info);
    return { type: 'absolute', from: info?.days?.from ?? last, to: last };
  }
  return lastDaysOfData(info, Number(id));
}

/** Which preset a range is, or 'custom'. */
export function presetOf(range: DateRange, info: WorkspaceInfo | null): DatePresetId {
  const same = (a: DateRange, b: DateRange): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const [id] of DATE_PRESETS) {
    if (id !== 'custom' && same(presetRange(id, info), range)) return id;
  }
  return 'custom';
}

/** The local days a range covers today, as the engine will resolve them. */
export function rangeDays(range: DateRange, info: WorkspaceInfo | null): LocalDays {
  return daysOn(range, workspaceToday(info), info?.workspace.settings.weekStart ?? 'monday');
}

/**
 * Why a range holds no data, when that can be told before running: the data ends before it
 * starts (a month-old export asked for "this month") or starts after it ends.
 */
export function noDataNote(range: DateRange, info: WorkspaceInfo | null): string | null {
  if (info?.days === null || info?.days === undefined) return null;
  const days = rangeDays(range, info);
  const name = range.type === 'relative' && range.unit === 'month' && range.last === 1;
  const what = name ? 'this month' : `${days.from} → ${days.to}`;
  if (info.days.to < days.from) return `${what}: no data yet (the data ends on ${info.days.to})`;
  if (info.days.from > days.to) return `${what}: no data (the data starts on ${info.days.from})`;
  return null;
}
