import { addDays } from '../../../../../shared/calendar/local-days';
import { formatCount, formatPercent } from '../../../../../shared/format';
import type { EventFilter } from '../../../../../shared/specs/common';
import {
  CAME_BACK_DAYS,
  MAX_BACKTEST_DAYS,
  STALE_HOURS,
  triggerSpecSchema,
  type FirePayload,
  type TriggerBacktestResult,
  type TriggerCondition,
  type TriggerFire,
  type TriggerRunResult,
  type TriggerSpec,
  type TriggerType,
} from '../../../../../shared/specs/trigger';
import { toCsv } from '../../../analysis/csv';

/*
 * The trigger editor's pure parts: switching a condition's type, what keeps a draft from being
 * run, the result and backtest in words, the backtest's default range, and the two files of
 * everyone who fires (the CSV and the webhook payload as JSON lines, as the engine writes them).
 */

export const TRIGGER_TYPES: readonly (readonly [TriggerType, string])[] = [
  ['inactivity', 'Inactivity: no event for N days'],
  ['underuse', 'Underuse: a core feature used fewer than K times'],
  ['negative', 'Negative actions: K failures or complaints within N hours'],
  ['milestone', 'Milestone missed: X not done within N days of Y'],
  ['segment', 'Entering a segment'],
];

/** What a new condition of a type starts from: the events the workspace suggests. */
export interface ConditionDefaults {
  /** The login-like event (app_opened). */
  login: string;
  /** A core feature (report_created). */
  feature: string;
  /** A failure or complaint (support_ticket_opened). */
  negative: string;
  /** A start event (signed_up), for "within N days of their first ...". */
  start: string;
  /** The first dynamic segment's id, or ''. */
  segment: string;
}

const only = (event: string): EventFilter => ({ event, where: [] });

/**
 * A condition of another type, keeping what carries over from the one it replaces (the days;
 * the core feature between underuse and a milestone), so switching back and forth loses little.
 * An inactivity's login event or a complaint is no feature: those types start from the defaults.
 */
export function conditionOfType(
  type: TriggerType,
  previous: TriggerCondition,
  defaults: ConditionDefaults,
): TriggerCondition {
  if (type === previous.type) return previous;
  const eventOf = (fallback: string): EventFilter => {
    if (previous.type === 'milestone') return previous.milestone;
    if (previous.type === 'underuse') return previous.event;
    return only(fallback);
  };
  const daysOf = (fallback: number): number =>
    'days' in previous && typeof previous.days === 'number' ? previous.days : fallback;
  switch (type) {
    case 'inactivity':
      return { type, event: only(defaults.login || '$any'), days: daysOf(7) };
    case 'underuse':
      return { type, event: eventOf(defaults.feature), fewerThan: 2, days: daysOf(14) };
    case 'negative':
      return { type, event: only(defaults.negative), atLeast: 2, hours: 72 };
    case 'milestone':
      return { type, milestone: eventOf(defaults.feature), days: daysOf(7) };
    case 'segment':
      return { type, segment: defaults.segment };
  }
}

/** The events a new trigger suggests, guessed from the workspace's event names. */
export function guessDefaults(events: readonly string[], segment: string): ConditionDefaults {
  const find = (patterns: RegExp[], fallback: string): string => {
    for (const p of patterns) {
      const hit = events.find((e) => p.test(e));
      if (hit !== undefined) return hit;
    }
    return fallback;
  };
  const first = events[0] ?? '$any';
  return {
    login: find([/app_?open/i, /login|log_?in|signed_?in/i, /session_?start/i], '$any'),
    feature: find([/report_?created/i, /created|create/i, /viewed|view/i], first),
    negative: find([/support_?ticket|complain/i, /fail|error/i, /cancel/i], first),
    start: find([/sign(ed)?_?up|regist/i, /onboard|activat/i], first),
    segment,
  };
}

/** Why the spec cannot run yet, one line per problem ("days: the inactivity is at least 1 day"). */
export function specProblems(spec: unknown): string[] {
  const parsed = triggerSpecSchema.safeParse(spec);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const path = issue.path.filter((p) => p !== 'condition').join('.');
    if (path === 'segment') return 'segment: pick a dynamic segment';
    // An emptied number field reads as NaN: say what it needs, not zod's type words.
    const message =
      issue.code === 'invalid_type' && issue.expected === 'number'
        ? 'a number is needed'
        : issue.message;
    return path === '' ? message : `${path}: ${message}`;
  });
}

/** The spec as the engine reads it (its defaults filled in), or null while it has problems. */
export function parsedSpec(spec: unknown): TriggerSpec | null {
  const parsed = triggerSpecSchema.safeParse(spec);
  return parsed.success ? parsed.data : null;
}

const users = (n: number): string => `${formatCount(n)} ${n === 1 ? 'user' : 'users'}`;

/** "37 users fire as of 2026-03-16 (12 stale, fired more than 48 h before)". */
export function runWords(r: Pick<TriggerRunResult, 'total' | 'stale' | 'asOf'>): string {
  const verb = r.total === 1 ? 'fires' : 'fire';
  const stale =
    r.stale === 0
      ? 'none stale'
      : `${formatCount(r.stale)} stale, fired more than ${STALE_HOURS} h before`;
  return `${users(r.total)} ${verb} as of ${r.asOf} (${stale})`;
}

/** A share of the fires, as a whole-number percentage where it is not tiny (41%, 0.42%). */
function share(part: number, of: number): string {
  if (of === 0) return '–';
  const v = part / of;
  return v >= 0.01 ? `${Math.round(v * 100)}%` : formatPercent(v);
}

/**
 * "Of 1,234 fires: 41% came back within 14 days on their own, 37% churned, 22% not known yet":
 * whether the trigger finds real risk (who churns) or users who would be back anyway.
 */
export function backtestWords(
  r: Pick<TriggerBacktestResult, 'fires' | 'cameBack' | 'churned' | 'unknown'>,
): string {
  if (r.fires === 0) return 'No fire in the range.';
  const of = `${formatCount(r.fires)} ${r.fires === 1 ? 'fire' : 'fires'}`;
  return (
    `Of ${of}: ${share(r.cameBack, r.fires)} came back within ${CAME_BACK_DAYS} days on their own, ` +
    `${share(r.churned, r.fires)} churned, ${share(r.unknown, r.fires)} not known yet`
  );
}

/**
 * The backtest's first range: the last 90 days up to the as-of day, never before the data
 * starts nor longer than the engine replays.
 */
export function defaultBacktestRange(
  asOf: string,
  dataFrom: string | undefined,
  days = 90,
): { from: string; to: string } {
  const span = Math.min(days, MAX_BACKTEST_DAYS);
  const from = addDays(asOf, 1 - span);
  return { from: dataFrom !== undefined && dataFrom > from ? dataFrom : from, to: asOf };
}

/** Every context key of the fires, in the order first met: the table's and the CSV's columns. */
export function contextKeys(fires: readonly TriggerFire[]): string[] {
  return [...new Set(fires.flatMap((f) => Object.keys(f.context)))];
}

/** One fired user as the webhook payload carries it (FirePayload). */
export function payloadsOf(
  name: string,
  asOf: string,
  fires: readonly TriggerFire[],
): FirePayload[] {
  return fires.map((f) => ({
    user_id: f.user_id,
    email: f.email,
    trigger: name,
    fired_at: f.fired_at,
    as_of: asOf,
    stale: f.stale,
    context: f.context,
  }));
}

/** The CSV triggers.export writes: one row per fired user, each context key a column. */
export function firesCsv(name: string, asOf: string, fires: readonly TriggerFire[]): string {
  const keys = contextKeys(fires);
  const fixed = ['user_id', 'email', 'trigger', 'fired_at', 'as_of', 'stale'];
  return toCsv({
    columns: [...fixed, ...keys.filter((k) => !fixed.includes(k))],
    rows: payloadsOf(name, asOf, fires).map((p) => ({
      ...p.context,
      user_id: p.user_id,
      email: p.email,
      trigger: p.trigger,
      fired_at: p.fired_at,
      as_of: p.as_of,
      stale: p.stale ? 'true' : 'false',
    })),
  });
}

/** The webhook payload, one JSON object per line (what each POST's batch holds). */
export function firesJsonl(name: string, asOf: string, fires: readonly TriggerFire[]): string {
  const lines = payloadsOf(name, asOf, fires).map((p) => JSON.stringify(p));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A file name from a trigger's name: letters, digits, dots and dashes. */
export function fileStem(name: string): string {
  const stem = name
    .trim()
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem === '' ? 'trigger' : stem.slice(0, 80);
}

/**
 * Request headers from "Name: value" lines (an API key for the webhook); blank lines are
 * skipped, a line without a colon is a problem to show.
 */
export function parseHeaders(
  text: string,
): { headers: Record<string, string> } | { problem: string } {
  const headers: Record<string, string> = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const key = colon < 0 ? '' : line.slice(0, colon).trim();
    if (key === '' || !/^[!#$%&'*+.^`|~\w-]+$/.test(key))
      return { problem: `line ${i + 1}: write a header as Name: value` };
    headers[key] = line.slice(colon + 1).trim();
  }
  return { headers };
}
