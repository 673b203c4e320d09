import { parseByteSize } from '../../../../shared/util/byte-size';
import { formatNumber } from '../../lib/format';
import {
  MIN_MEMORY_LIMIT_BYTES,
  type WorkspaceSettings,
} from '../../../../shared/api/workspace-types';

/** The longest inactivity gap the settings schema allows (a whole day), in minutes. */
export const MAX_SESSION_GAP_MINUTES = 24 * 60;

/** The settings form as typed: text fields stay text until they are checked. */
export interface SettingsDraft {
  timezone: string;
  weekStart: WorkspaceSettings['weekStart'];
  sessionGap: string;
  /** '' = automatic (derived from the machine's memory). */
  memoryLimit: string;
}

export type SettingsField = keyof SettingsDraft;

export function draftOf(settings: WorkspaceSettings): SettingsDraft {
  return {
    timezone: settings.timezone,
    weekStart: settings.weekStart,
    sessionGap: String(settings.sessionGapMinutes),
    memoryLimit: settings.memoryLimit ?? '',
  };
}

/**
 * What Save would send: only the settings that differ from the workspace's, or the first problem
 * of each field, worded for the form (the engine checks again, and names a zone it does not know).
 */
export function checkDraft(
  draft: SettingsDraft,
  current: WorkspaceSettings,
): { change: Partial<WorkspaceSettings>; errors: Partial<Record<SettingsField, string>> } {
  const errors: Partial<Record<SettingsField, string>> = {};
  const change: Partial<WorkspaceSettings> = {};

  const zone = draft.timezone.trim();
  if (zone === '') errors.timezone = 'Choose a time zone.';
  else if (zone !== current.timezone) change.timezone = zone;

  if (draft.weekStart !== current.weekStart) change.weekStart = draft.weekStart;

  const gapText = draft.sessionGap.trim();
  const gap = Number(gapText);
  if (gapText === '' || !/^\d+$/.test(gapText) || !Number.isInteger(gap)) {
    errors.sessionGap = `Write a whole number of minutes, from 1 to ${MAX_SESSION_GAP_MINUTES}.`;
  } else if (gap < 1 || gap > MAX_SESSION_GAP_MINUTES) {
    errors.sessionGap = `A session gap is from 1 minute to ${MAX_SESSION_GAP_MINUTES} (a day).`;
  } else if (gap !== current.sessionGapMinutes) {
    change.sessionGapMinutes = gap;
  }

  const limitText = draft.memoryLimit.trim();
  const limit = limitText === '' || /^auto(matic)?$/i.test(limitText) ? null : limitText;
  if (limit !== null) {
    const bytes = parseByteSize(limit);
    if (bytes === null)
      errors.memoryLimit =
        "Write a size such as '4GB' or '512MB', or leave it empty for automatic.";
    else if (bytes < MIN_MEMORY_LIMIT_BYTES)
      errors.memoryLimit = 'DuckDB needs at least 64MB to run a query.';
  }
  if (errors.memoryLimit === undefined && limit !== current.memoryLimit) change.memoryLimit = limit;

  return { change, errors };
}

/**
 * The IANA zones the picker offers: UTC first (the browser's list leaves it out), the workspace's
 * own even when the browser does not list it (an alias such as 'US/Eastern'), then A to Z.
 */
export function zoneChoices(supported: readonly string[], current: string): string[] {
  const rest = supported.filter((z) => z !== 'UTC' && z !== current);
  const first = current === 'UTC' || current === '' ? ['UTC'] : ['UTC', current];
  return [...first, ...[...new Set(rest)].sort((a, b) => a.localeCompare(b))];
}

/** Spaces, underscores, slashes and case do not matter: "new york" finds America/New_York. */
const fold = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[\s_/-]+/g, ' ')
    .trim();

/**
 * The zones a search finds: every word of it in the zone's name, the ones whose city starts with
 * the search first (typing "paris" puts Europe/Paris above America/...Paris...). An empty
 * search finds every zone.
 */
export function searchZones(zones: readonly string[], query: string): string[] {
  const q = fold(query);
  if (q === '') return [...zones];
  const words = q.split(' ');
  const found = zones.filter((z) => {
    const name = fold(z);
    return words.every((w) => name.includes(w));
  });
  const rank = (z: string): number => {
    const name = fold(z);
    const city = fold(z.split('/').pop() ?? z);
    if (name === q || city === q) return 0;
    if (city.startsWith(q)) return 1;
    if (name.startsWith(q)) return 2;
    return 3;
  };
  return found
    .map((z, i) => ({ z, r: rank(z), i }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.z);
}

/** The zone's offset from UTC at `at` as Intl writes it ('GMT+1', 'GMT-4', 'GMT'); '' if unknown. */
export function zoneOffset(zone: string, at: Date): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'shortOffset',
    }).formatToParts(at);
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

const FIELD_LABELS: Record<string, string> = {
  timezone: 'Time zone',
  weekStart: 'Week start',
  sessionGapMinutes: 'Session gap',
  memoryLimit: 'Memory limit',
};

/**
 * The engine's refusal as the form shows it: its own message (a zone it does not know, with the
 * closest names), or, for a request its schema refused, each problem under the field's label
 * instead of the contract's "Invalid request for workspace.updateSettings: sessionGapMinutes: ...".
 */
export function settingsError(error: unknown): { code?: string; message: string } {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; detail?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (code !== 'INVALID_REQUEST') return { ...(code === undefined ? {} : { code }), message };
  const issues = (e.detail as { issues?: unknown } | undefined)?.issues;
  const lines = Array.isArray(issues)
    ? issues.filter((i): i is string => typeof i === 'string')
    : message
        .replace(/^Invalid request for [\w.]+: /, '')
        .replace(/\.$/, '')
        .split('; ');
  const worded = lines.map((line) => {
    const [field, ...rest] = line.split(': ');
    const label = FIELD_LABELS[field ?? ''];
    const text = rest.join(': ');
    if (label === undefined || text === '') return line;
    return `${label}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
  });
  return { code, message: `${worded.join('. ')}.` };
}

/**
 * Whether to offer a just-imported file's source zone as the workspace's: it was named, the engine
 * can read it, and the workspace cuts its days in another zone.
 */
export function zoneToOffer(sourceZone: string | undefined, workspaceZone: string): string | null {
  const zone = sourceZone?.trim() ?? '';
  if (zone === '' || zone === workspaceZone) return null;
  return zone;
}

/** What the People card's number holds besides users with events, in a few words. */
export function peopleNote(info: {
  people: number;
  users: number;
  identities: number;
  sources: { kind: string }[];
}): string {
  if (!info.sources.some((s) => s.kind === 'users')) return 'no people export imported yet';
  const without = info.people - info.users;
  const details = `${formatNumber(info.identities)} with imported details`;
  return without > 0 ? `${details}, ${formatNumber(without)} without events` : details;
}
