import type { Preset, PresetContext } from './preset';
import { findColumn, isNested } from './preset';

export const USER_NAMES = [
  'user_id',
  'userid',
  'distinct_id',
  'customer_id',
  'customerid',
  'person_id',
  'account_id',
  'member_id',
  'client_id',
  'visitor_id',
  'anonymous_id',
  'device_id',
  'user_pseudo_id',
  'uid',
  'user',
  'customer',
  'email',
];
export const EVENT_NAMES = [
  'event',
  'event_name',
  'event_type',
  'eventname',
  'action',
  'activity',
  'name',
  'type',
];
export const TIME_NAMES = [
  'timestamp',
  'event_time',
  'event_timestamp',
  'time',
  'ts',
  'datetime',
  'occurred_at',
  'created_at',
  'event_date',
  'date',
  'sent_at',
  'received_at',
];
export const INSERT_ID_NAMES = [
  'insert_id',
  '$insert_id',
  'message_id',
  'messageId',
  'event_id',
  'uuid',
];

function guess(ctx: PresetContext) {
  return {
    user: findColumn(ctx, USER_NAMES),
    event: findColumn(ctx, EVENT_NAMES),
    time: findColumn(ctx, TIME_NAMES),
    insertId: findColumn(ctx, INSERT_ID_NAMES),
  };
}

/**
 * Any flat export: guesses the user, event and time columns from their names. A nested
 * `properties` object (a struct, a map, JSON, or JSON text in a CSV) is flattened as the vendor
 * presets flatten theirs: its common keys become columns, the rest stays in `properties`.
 */
export const generic: Preset = {
  id: 'generic',
  label: 'Generic (guess from column names)',
  score(ctx) {
    const g = guess(ctx);
    if (g.user === undefined || g.time === undefined) return 5;
    return g.event === undefined ? 30 : 50;
  },
  mapping(ctx) {
    const g = guess(ctx);
    return {
      userId: g.user === undefined ? [] : [g.user],
      event: g.event,
      timestamp: g.time ?? '',
      insertId: g.insertId,
      nested: isNested(ctx, 'properties')
        ? [{ column: 'properties', prefix: '', shape: 'object' as const }]
        : [],
    };
  },
};
