import { z } from 'zod';
import { LIFECYCLE_STATUSES } from './lifecycle';

/** Which number of a result to open: the users behind a funnel step, a retention cell, ... */
export const userSelectionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('funnel'),
    /**
     * The step, numbered from 1 as the result's `step` column, `workbench run` and the window
     * number them (1 = the first step).
     */
    step: z
      .number()
      .int()
      .min(1, 'funnel steps are numbered from 1, as in the result')
      .max(20, 'a funnel has at most 20 steps'),
    /** converted: reached the step; dropped: reached the step before it, not this one. */
    outcome: z.enum(['converted', 'dropped']).default('converted'),
    breakdown: z.string().optional(),
  }),
  z.object({
    kind: z.literal('retention'),
    cohort: z.iso.date(),
    /** 0-based column of the grid (period k, or bracket). */
    column: z.number().int().min(0).max(100, 'a retention grid has at most 101 columns'),
    breakdown: z.string().optional(),
  }),
  z.object({
    kind: z.literal('trends'),
    /** 0-based series of the spec. */
    series: z.number().int().min(0).max(9, 'a trend has at most 10 series'),
    /** The period as the result labels it ('2024-03-04' or '2024-03-04 13:00'). */
    period: z.string().min(1),
    breakdown: z.string().optional(),
  }),
  z.object({
    kind: z.literal('paths'),
    /** The node: its step (0 = anchor, negative before an end event) and event (or "(other)"). */
    step: z.number().int().min(-10).max(10, 'a path has at most 10 steps'),
    event: z.string().min(1),
  }),
  z.object({
    kind: z.literal('lifecycle'),
    period: z.string().min(1),
    status: z.enum(LIFECYCLE_STATUSES),
  }),
  z.object({
    kind: z.literal('stickiness'),
    bucket: z.number().int().min(1).max(1_000_000),
    period: z.string().min(1).optional(),
  }),
]);
export type UserSelection = z.infer<typeof userSelectionSchema>;

export interface UserRow {
  user_id: string;
  email: string | null;
  first_seen: string | null;
  last_seen: string | null;
  event_count: number;
}

export interface UsersBehindResult {
  /** How many users the number stands for. */
  total: number;
  /** The first `limit` of them, by user id. */
  users: UserRow[];
  truncated: boolean;
}
