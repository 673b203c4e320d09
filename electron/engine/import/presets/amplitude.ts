import type { Preset } from './preset';
import { findColumn, hasColumn, isNested } from './preset';

/** Columns only an Amplitude export has; the three core columns alone are too common to be sure. */
const AMPLITUDE_ONLY = [
  'amplitude_id',
  'event_properties',
  'user_properties',
  'device_id',
  '$insert_id',
  'server_upload_time',
  'client_event_time',
];

/**
 * Amplitude export API / S3 export (NDJSON): event_type, event_time (UTC, 'YYYY-MM-DD
 * HH:MM:SS.ffffff'), user_id falling back to device_id, event_properties, user_properties.
 */
export const amplitude: Preset = {
  id: 'amplitude',
  label: 'Amplitude export',
  score(ctx) {
    if (!hasColumn(ctx, 'event_type') || !hasColumn(ctx, 'event_time')) return 0;
    if (!hasColumn(ctx, 'user_id') && !hasColumn(ctx, 'device_id')) return 0;
    const specific = AMPLITUDE_ONLY.filter((c) => hasColumn(ctx, c)).length;
    return specific === 0 ? 40 : Math.min(100, 70 + 10 * specific);
  },
  mapping(ctx) {
    const users = ['user_id', 'device_id'].filter((c) => hasColumn(ctx, c));
    return {
      userId: users,
      event: 'event_type',
      timestamp: 'event_time',
      insertId: findColumn(ctx, ['$insert_id', 'insert_id']),
      nested: [
        ...(isNested(ctx, 'event_properties')
          ? [{ column: 'event_properties', prefix: '', shape: 'object' as const }]
          : []),
        ...(isNested(ctx, 'user_properties')
          ? [{ column: 'user_properties', prefix: 'user_', shape: 'object' as const }]
          : []),
      ],
      // Amplitude's internal bookkeeping, not properties of the event.
      exclude: ['data', 'sample_rate'],
    };
  },
};
