import { z } from 'zod';
import {
  dateRangeSchema,
  eventFilterSchema,
  propertyConditionSchema,
  samplingSchema,
} from './common';

/**
 * Lifecycle: each period's active users split into new (first event in the whole workspace in
 * this period), returning (also active the period before), resurrecting (not active the period
 * before, not new), and dormant (active the period before, not now; counted negative).
 */
export const lifecycleSpecSchema = z.object({
  kind: z.literal('lifecycle'),
  version: z.literal(1).default(1),
  events: eventFilterSchema,
  interval: z.enum(['day', 'week', 'month']).default('week'),
  dateRange: dateRangeSchema,
  filters: z.array(propertyConditionSchema).default([]),
  sample: samplingSchema.optional(),
});
export type LifecycleSpec = z.infer<typeof lifecycleSpecSchema>;

export const LIFECYCLE_STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export interface LifecycleResult {
  kind: 'lifecycle';
  timezone: string;
  interval: LifecycleSpec['interval'];
  periods: string[];
  incomplete: boolean[];
  new: number[];
  returning: number[];
  resurrecting: number[];
  /** Negative: users lost since the previous period. */
  dormant: number[];
  /** (new + resurrecting) / dormant users; null where no one went dormant. */
  quickRatio: (number | null)[];
  sampled: { fraction: number } | null;
}
