import type { DateRange } from '../../../shared/specs/common';
import type { WorkspaceInfo } from '../../../shared/api/workspace-types';

// A leaf module: builders read it, and defaults.ts (which reads every kind's view) re-exports it,
// so a builder importing it does not import the registry of views it is part of.

/** The last `days` days of the data (not of the calendar: an export ends when it was taken). */
export function lastDaysOfData(info: WorkspaceInfo | null, days: number): DateRange {
  // Local days of the workspace zone (info.days), not UTC dates of the first and last events.
  const end = info?.days?.to ?? info?.today ?? new Date().toISOString().slice(0, 10);
  const start = new Date(`${end}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  const first = info?.days?.from;
  const from = start.toISOString().slice(0, 10);
  return { type: 'absolute', from: first !== undefined && first > from ? first : from, to: end };
}
