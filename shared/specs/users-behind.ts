import { z } from 'zod';
import { eventTypesSelectionSchema } from './analysis-spec';
import { funnelSelectionSchema } from './funnel';
import { lifecycleSelectionSchema } from './lifecycle';
import { pathsSelectionSchema } from './paths';
import { retentionSelectionSchema } from './retention';
import { sessionsSelectionSchema } from './sessions';
import { stickinessSelectionSchema } from './stickiness';
import { trendsSelectionSchema } from './trends';
import { metricsSelectionSchema } from './metrics';
import { thresholdsSelectionSchema } from './thresholds';

/** Which number of a result to open: the users behind a funnel step, a retention cell, ... */
export const userSelectionSchema = z.discriminatedUnion('kind', [
  funnelSelectionSchema,
  retentionSelectionSchema,
  trendsSelectionSchema,
  pathsSelectionSchema,
  lifecycleSelectionSchema,
  stickinessSelectionSchema,
  sessionsSelectionSchema,
  eventTypesSelectionSchema,
  metricsSelectionSchema,
  thresholdsSelectionSchema,
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
