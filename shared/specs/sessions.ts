import { z } from 'zod';
import {
  dateRangeSchema,
  eventFilterSchema,
  INTERVALS,
  propertyConditionSchema,
  samplingSchema,
} from './common';

/**
 * Sessions (cut at import by the workspace's inactivity gap, 30 minutes by default): how many,
 * how long, how deep, and how many bounce (one event), per period of the session's start.
 */
export const sessionsSpecSchema = z.object({
  kind: z.literal('sessions'),
  version: z.literal(1).default(1),
  /** Only sessions holding such an event count; `$any` (the default) counts every session. */
  events: eventFilterSchema.default({ event: '$any', where: [] }),
  interval: z.enum(INTERVALS).default('day'),
  dateRange: dateRangeSchema,
  filters: z.array(propertyConditionSchema).default([]),
  sample: samplingSchema.optional(),
});
export type SessionsSpec = z.infer<typeof sessionsSpecSchema>;

export interface SessionsPeriod {
  period: string;
  incomplete: boolean;
  sessions: number;
  users: number;
  sessionsPerUser: number | null;
  /** Seconds from the session's first to its last event. */
  meanDuration: number | null;
  medianDuration: number | null;
  meanEvents: number | null;
  medianEvents: number | null;
  /** Share of sessions with a single event, 0..1. */
  bounceRate: number | null;
}

export interface SessionsResult {
  kind: 'sessions';
  timezone: string;
  interval: SessionsSpec['interval'];
  sessionGapMinutes: number;
  periods: SessionsPeriod[];
  total: Omit<SessionsPeriod, 'period' | 'incomplete'>;
  /** Sessions by duration: bucket i spans [edges[i], edges[i+1]) seconds, the last is open. */
  durationEdges: number[];
  durationHistogram: number[];
  /** Sessions by events: bucket i spans [edges[i], edges[i+1]) events, the last is open. */
  eventEdges: number[];
  eventHistogram: number[];
  sampled: { fraction: number } | null;
}
