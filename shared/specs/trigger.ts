import { z } from 'zod';
import { strictObject } from './strict';
import { eventFilterSchema, MIN_YEAR, MAX_YEAR, type EventFilter } from './common';
import { event, plural } from './words';

/**
 * Retention triggers: rules that say who should get an intervention, and when. Each fires for a
 * user at an instant (the fire time: the moment the condition became true), with the context
 * that explains it; a cooldown keeps a user from firing again within N days, and a backtest
 * over past days shows whether the fired users came back on their own or churned.
 */

const day = z.iso
  .date({ message: 'dates are written YYYY-MM-DD' })
  .refine((d) => Number(d.slice(0, 4)) >= MIN_YEAR && Number(d.slice(0, 4)) <= MAX_YEAR, {
    message: `dates are between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  });
const wholeDays = (what: string, max = 3660) =>
  z
    .number()
    .int(`${what} is a whole number of days`)
    .min(1, `${what} is at least 1 day`)
    .max(max, `${what} is at most ${max.toLocaleString('en-US')} days`);
const anyEvent = (): EventFilter => ({ event: '$any', where: [] });

export const triggerConditionSchema = z.discriminatedUnion('type', [
  /**
   * No event (or none of `event`) for `days` consecutive days: fires `days` days (of local wall
   * time) after the last one, or after the user was first seen if they never did it.
   */
  strictObject(
    {
      type: z.literal('inactivity'),
      event: eventFilterSchema.default(anyEvent),
      days: wholeDays('the inactivity'),
    },
    'an inactivity trigger',
  ),
  /**
   * A core feature used fewer than `fewerThan` times in the last `days` local days: fires at the
   * end of the first day that is so, once the user has been seen for `days` days.
   */
  strictObject(
    {
      type: z.literal('underuse'),
      event: eventFilterSchema,
      fewerThan: z.number().int().min(1).max(1_000_000),
      days: wholeDays('the window', 366),
    },
    'an underuse trigger',
  ),
  /**
   * At least `atLeast` of the events (failures, complaints) within `hours` hours: fires at the
   * last of them, and the user stays on the list for NEGATIVE_HOLD_DAYS days.
   */
  strictObject(
    {
      type: z.literal('negative'),
      event: eventFilterSchema,
      atLeast: z.number().int().min(1).max(1_000_000),
      hours: z
        .number()
        .int()
        .min(1)
        .max(24 * 366),
    },
    'a negative-actions trigger',
  ),
  /**
   * `milestone` not done within `days` days of the user's first `after` event (default: first
   * seen): fires when the days are over.
   */
  strictObject(
    {
      type: z.literal('milestone'),
      milestone: eventFilterSchema,
      after: eventFilterSchema.optional(),
      days: wholeDays('the deadline'),
    },
    'a milestone trigger',
  ),
  /**
   * Entering a saved segment (a metric crossing a benchmark is a segment of that metric rule):
   * fires at the end of the first day the user is a member, the segment evaluated day by day.
   */
  strictObject(
    { type: z.literal('segment'), segment: z.string().min(1, 'name the segment by its id') },
    'a segment trigger',
  ),
]);
export type TriggerCondition = z.infer<typeof triggerConditionSchema>;
export type TriggerType = TriggerCondition['type'];

export const triggerSpecSchema = strictObject(
  {
    version: z.literal(1).default(1),
    condition: triggerConditionSchema,
    /** A user fires at most once in this many days. */
    cooldownDays: z.number().int().min(0).max(3660).default(7),
  },
  'a trigger spec',
);
export type TriggerSpec = z.infer<typeof triggerSpecSchema>;

/** Days a burst of negative actions keeps a user on the trigger's list (the time to act on it). */
export const NEGATIVE_HOLD_DAYS = 7;
/** Fires older than this before the as-of instant are stale: too late for most interventions. */
export const STALE_HOURS = 48;
/** The backtest's "what happened next": an event within this many days after the fire. */
export const CAME_BACK_DAYS = 14;
/** Most days a backtest covers (each day's fires and outcomes). */
export const MAX_BACKTEST_DAYS = 366;

export const triggerRunRequestSchema = z.object({
  spec: triggerSpecSchema,
  /** The local day whose end the trigger is evaluated at; default: the last day with data. */
  asOf: day.optional(),
  limit: z.number().int().min(1).max(100_000).default(1_000),
});

export const triggerBacktestRequestSchema = z
  .object({ spec: triggerSpecSchema, from: day, to: day })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'the range ends before it starts' });

export const triggerExportRequestSchema = z.object({
  spec: triggerSpecSchema,
  asOf: day.optional(),
  /** The trigger's name in every payload. */
  name: z.string().trim().min(1).max(200),
  path: z.string().min(1),
  /** csv: one row per fired user; jsonl: the webhook payload, one object per line. */
  format: z.enum(['csv', 'jsonl']).optional(),
});

export const triggerSendRequestSchema = z.object({
  spec: triggerSpecSchema,
  asOf: day.optional(),
  name: z.string().trim().min(1).max(200),
  url: z
    .string()
    .url('a URL such as https://hooks.example.com/retention')
    .refine((u) => /^https?:\/\//i.test(u), { message: 'the URL starts with http:// or https://' }),
  /** Nothing is sent unless this is false: what would be sent is described instead. */
  dryRun: z.boolean().default(true),
  batchSize: z.number().int().min(1).max(10_000).default(100),
  /** Tries of a batch the server refused with 429 or 5xx, or that met no server. */
  retries: z.number().int().min(0).max(10).default(3),
  /** Extra request headers (an API key); never logged. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Give up a request after this many seconds. */
  timeoutSeconds: z.number().min(1).max(300).default(30),
});

/** One fired user, as the grid, the CSV and the webhook payload carry it. */
export interface TriggerFire {
  user_id: string;
  email: string | null;
  /** When the condition became true (UTC, ISO). */
  fired_at: string;
  /** Older than STALE_HOURS before the as-of instant. */
  stale: boolean;
  /** What explains it: days inactive, the last event, the counts that crossed. */
  context: Record<string, string | number | null>;
}

export interface TriggerRunResult {
  asOf: string;
  /** The instant evaluated at: the end of the as-of day (UTC, ISO). */
  at: string;
  total: number;
  stale: number;
  fires: TriggerFire[];
  truncated: boolean;
  seconds: number;
  warnings: string[];
}

/**
 * The webhook payload: one object per fired user (docs/triggers.md documents it), the same in
 * the JSON-lines file and in the body of each POST.
 */
export interface FirePayload {
  user_id: string;
  email: string | null;
  trigger: string;
  fired_at: string;
  as_of: string;
  stale: boolean;
  context: TriggerFire['context'];
}

export interface SendResult {
  dryRun: boolean;
  url: string;
  users: number;
  batches: number;
  /** Users whose batch the server accepted (0 in a dry run). */
  sent: number;
  /** Requests made, retries included. */
  attempts: number;
  /** The first request's body, as it is (or would be) sent. */
  sample: unknown;
}

export interface BacktestDay {
  day: string;
  fires: number;
  /** Of them: an event within CAME_BACK_DAYS after the fire (on their own). */
  cameBack: number;
  /** No event in those days, all of which were observed. */
  churned: number;
  /** The days after the fire are not all observed yet. */
  unknown: number;
}

export interface TriggerBacktestResult {
  from: string;
  to: string;
  days: BacktestDay[];
  fires: number;
  users: number;
  cameBack: number;
  churned: number;
  unknown: number;
  seconds: number;
  warnings: string[];
}

/** A trigger in words: "no app_opened for 7 days, at most once every 7 days". */
export function triggerWords(
  spec: TriggerSpec,
  names: (id: string) => string = (id) => id,
): string {
  const c = spec.condition;
  const text = (() => {
    switch (c.type) {
      case 'inactivity':
        return `no ${c.event.event === '$any' ? 'activity' : event(c.event)} for ${plural(c.days, 'day')}`;
      case 'underuse':
        return `${event(c.event)} fewer than ${plural(c.fewerThan, 'time')} in the last ${plural(c.days, 'day')}`;
      case 'negative':
        return `at least ${plural(c.atLeast, 'time')} ${event(c.event)} within ${plural(c.hours, 'hour')}`;
      case 'milestone':
        return `${event(c.milestone)} not done within ${plural(c.days, 'day')} of ${c.after === undefined ? 'first seen' : `their first ${event(c.after)}`}`;
      case 'segment':
        return `entered segment ${names(c.segment)}`;
    }
  })();
  return spec.cooldownDays === 0
    ? text
    : `${text}, at most once every ${plural(spec.cooldownDays, 'day')}`;
}
